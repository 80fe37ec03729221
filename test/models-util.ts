// Shared helpers of the models-*.test.ts files (small dims, seeded data).
import * as tf from "@tensorflow/tfjs";
import { type Batch, type InputSpec, type MtlModel, type TaskSpec, Rng, installKernels } from "mtl-lab";

export const INPUT: InputSpec = { numeric: 5, categorical: [3, 4, 2] };
export const NUMERIC_ONLY: InputSpec = { numeric: 6, categorical: [] };

export function mixedTasks(T: number): TaskSpec[] {
  return Array.from({ length: T }, (_, k) => ({ name: `task${k}`, kind: k % 2 === 0 ? "binary" : "regression" }));
}

/** A shared batch [B, Dn] + [B, nCat], or per-replica numeric [R, B, Dn] (R given). */
export function makeBatch(input: InputSpec, B: number, seed: number, perReplicaR?: number): Batch {
  const rng = new Rng(seed);
  const rows = perReplicaR ?? 1;
  const num = rng.fillNormal(new Float32Array(rows * B * input.numeric)) as Float32Array;
  const numeric = perReplicaR === undefined ? tf.tensor2d(num, [B, input.numeric]) : tf.tensor3d(num, [perReplicaR, B, input.numeric]);
  if (input.categorical.length === 0 || perReplicaR !== undefined) return { numeric };
  const cat = new Int32Array(B * input.categorical.length);
  for (let b = 0; b < B; b++) input.categorical.forEach((v, c) => (cat[b * input.categorical.length + c] = rng.int(v)));
  return { numeric, categorical: tf.tensor2d(cat, [B, input.categorical.length], "int32") };
}

export function disposeBatch(b: Batch): void {
  b.numeric.dispose();
  b.categorical?.dispose();
}

/** Per-variable sum of |gradient| of a generic loss (Σ outputs² + extraLoss). */
export function gradientNorms(model: MtlModel, batch: Batch): number[] {
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const y = model.apply(batch);
      let loss = y.square().sum().add(y.sum()) as tf.Scalar;
      if (model.extraLoss) loss = loss.add(model.extraLoss(y).sum());
      return loss;
    }, model.variables as tf.Variable[]);
    return model.variables.map((v) => grads[v.name].abs().sum().dataSync()[0]);
  });
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/** Copies every variable of `from` into `to` (same layout), replica-for-replica. */
export function copyWeights(from: MtlModel, to: MtlModel): void {
  from.variables.forEach((v, i) => to.variables[i].assign(v));
}

/** Runs f with MTL_KERNELS = set (the kernels installed for it), restoring the variable. */
export function withKernels<T>(set: string, f: () => T): T {
  const before = process.env.MTL_KERNELS;
  process.env.MTL_KERNELS = set;
  try {
    installKernels();
    return f();
  } finally {
    if (before === undefined) delete process.env.MTL_KERNELS;
    else process.env.MTL_KERNELS = before;
  }
}
