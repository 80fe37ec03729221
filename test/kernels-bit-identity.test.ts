/**
 * The bit-identity contract of lib/kernels (its README): every faster kernel set trains every
 * model to weights bit-identical to the reference set "xnnpack". One matrix: each row is a model
 * on some data, trained a few Adam steps under the reference and under each set it names; every
 * variable must match bit for bit. The kernels one lever at a time: kernels-wasm-bag,
 * kernels-wasm-matmul and kernels-native.
 *
 * The census rows use the real Census-Income "adatt" group (the bench's census workloads), so this
 * file needs the census files like test/data-census.test.ts (CENSUS_INCOME_DIR or
 * data/census-income): without them it FAILS with the data module's message.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  MODEL_KINDS, ReplicaAdam, Rng, censusGroup, createModel, initBackend, loadCensus, parseModelConfig, taskLosses, totalLoss,
  type Batch, type InputSpec, type KernelSet, type ModelConfig, type TaskSpec,
} from "mtl-lab";
import { withKernels } from "./models-util";

/** Every set that must equal "xnnpack" ("off" is tfjs' own order and need not). */
const FASTER: KernelSet[] = ["sparse", "sparse-sum", "sparse-sum-dw", "sparse-sum-dw-mix", "native-gemm", "native"];
/** Every wasm lever at once, then the native products and Adam too (each lever alone: the rows that name FASTER). */
const ALL_LEVERS: KernelSet[] = ["sparse-sum-dw-mix", "native"];

interface Row {
  name: string;
  config: ModelConfig;
  tasks: TaskSpec[];
  input: InputSpec;
  R: number;
  lr: number;
  /** One batch per Adam step. */
  steps: { batch: Batch; labels: tf.Tensor }[];
  sets: KernelSet[];
}

/** Every variable after the row's Adam steps, as base64 of its float32 bytes. */
function train(row: Row, set: KernelSet): string[] {
  return withKernels(set, () => {
    const model = createModel(row.config, row.tasks, row.input, Array.from({ length: row.R }, (_, r) => 21 + r));
    const adam = new ReplicaAdam(model.variables);
    const lr = tf.fill([row.R], row.lr) as tf.Tensor1D, weights = tf.ones([row.tasks.length]) as tf.Tensor1D;
    for (const { batch, labels } of row.steps) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const out = model.apply(batch);
          return totalLoss(taskLosses(out, labels, model.tasks), weights, model.extraLoss?.(out)); // AITM's calibrator reads the outputs
        }, [...model.variables]);
        adam.apply(model.variables.map((v) => grads[v.name]), lr, null);
      });
    }
    const out = model.variables.map((v) => Buffer.from((v.dataSync() as Float32Array).buffer).toString("base64"));
    tf.dispose([lr, weights]);
    adam.dispose();
    model.dispose();
    return out;
  });
}

function assertBitIdentical(row: Row): void {
  const reference = train(row, "xnnpack");
  for (const set of row.sets) {
    const other = train(row, set);
    assert.deepEqual(other.map((w, i) => (w === reference[i] ? "same" : `variable ${i} differs`)), reference.map(() => "same"), `${row.name}, ${set}`);
  }
}

const labelsOf = (rng: Rng, shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.uniform() < 0.5 ? 1 : 0)), shape);
const normal = (rng: Rng, shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))) as Float32Array, shape);
function categorical(rng: Rng, B: number, vocab: number[]): tf.Tensor2D {
  const cat = new Int32Array(B * vocab.length);
  for (let i = 0; i < cat.length; i++) cat[i] = Math.floor(rng.uniform() * vocab[i % vocab.length]);
  return tf.tensor2d(cat, [B, vocab.length], "int32");
}
const disposeRows = (rows: Row[]) => tf.dispose(rows.flatMap((r) => r.steps.flatMap(({ batch, labels }) => [batch.numeric, batch.categorical ?? [], labels].flat())));

test("every model kind on shared data with categorical columns and on per-replica data: bit-identical under every lever at once", async () => {
  await initBackend("wasm");
  const tasks: TaskSpec[] = [{ name: "a", kind: "binary" }, { name: "b", kind: "binary" }, { name: "c", kind: "regression" }];
  const rng = new Rng(23);
  const B = 40, R = 2;
  const shared: InputSpec = { numeric: 3, categorical: [4, 7, 2, 9] }, perReplica: InputSpec = { numeric: 5, categorical: [] };
  const sharedStep = { batch: { numeric: normal(rng, [B, 3]) as tf.Tensor2D, categorical: categorical(rng, B, shared.categorical) }, labels: labelsOf(rng, [B, 3]) };
  const replicaStep = { batch: { numeric: normal(rng, [R, B, 5]) as tf.Tensor3D }, labels: labelsOf(rng, [R, B, 3]) };
  const rows: Row[] = MODEL_KINDS.flatMap((kind) => {
    const config = parseModelConfig({ kind }) as unknown as ModelConfig; // the kind's defaults
    return [
      { name: `${kind}, shared + categorical`, config, tasks, input: shared, R, lr: 1e-2, steps: [sharedStep, sharedStep, sharedStep], sets: ALL_LEVERS },
      { name: `${kind}, per-replica`, config, tasks, input: perReplica, R, lr: 1e-2, steps: [replicaStep, replicaStep, replicaStep], sets: ALL_LEVERS },
    ];
  });
  try {
    rows.forEach(assertBitIdentical);
  } finally {
    disposeRows(rows.slice(0, 2));
  }
});

test("a census-shaped AdaTT and DUPN over a behaviour sequence: bit-identical under each kernel set", async () => {
  await initBackend("wasm");
  const rng = new Rng(5);
  const tasks3: TaskSpec[] = [{ name: "a", kind: "binary" }, { name: "b", kind: "binary" }, { name: "c", kind: "binary" }];
  const census: InputSpec = { numeric: 3, categorical: [9, 17, 2, 51, 3] };
  const censusStep = { batch: { numeric: normal(rng, [48, 3]) as tf.Tensor2D, categorical: categorical(rng, 48, census.categorical) }, labels: labelsOf(rng, [48, 3]) };
  // [query, (item, prop) × 4]; item 0 is padding, also inside the sequence
  const sequence: InputSpec = { numeric: 2, categorical: [3, ...[6, 4, 6, 4, 6, 4, 6, 4]], sequence: { length: 4, fields: [6, 4] } };
  const seqRows = [[0, 1, 2, 3, 0, 5, 1, 2, 3], [1, 4, 1, 2, 2, 0, 0, 0, 0], [2, 5, 3, 0, 0, 3, 1, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0]];
  const seqStep = { batch: { numeric: normal(rng, [4, 2]) as tf.Tensor2D, categorical: tf.tensor2d(seqRows, [4, 9], "int32") }, labels: labelsOf(rng, [4, 3]) };
  const rows: Row[] = [
    { name: "census-shaped adatt-sp", config: { kind: "adatt-sp", taskExperts: 2, expertUnits: [[24], [12]], towerUnits: [8] }, tasks: tasks3, input: census, R: 3, lr: 1e-2, steps: [censusStep, censusStep, censusStep, censusStep], sets: FASTER },
    { name: "dupn with a sequence", config: { kind: "dupn", embedding: 3, lstmUnits: 4, attentionUnits: 5, profileUnits: 2, towerUnits: [3] }, tasks: tasks3, input: sequence, R: 2, lr: 1e-2, steps: [seqStep, seqStep, seqStep], sets: ["sparse", ...ALL_LEVERS] },
  ];
  try {
    rows.forEach(assertBitIdentical);
  } finally {
    disposeRows(rows);
  }
});

test("census: AdaTT-sp and Shared-Bottom on the real census group, four batches of 512 rows: bit-identical under each kernel set", async () => {
  await initBackend("wasm");
  const g = censusGroup(loadCensus(), "adatt");
  const B = 512, Dn = g.input.numeric, nCat = g.input.categorical.length, T = g.tasks.length;
  const steps = [0, 1, 2, 3].map((k) => ({
    batch: {
      numeric: tf.tensor2d(g.train.numeric.subarray(k * B * Dn, (k + 1) * B * Dn), [B, Dn]),
      categorical: tf.tensor2d(g.train.categorical!.subarray(k * B * nCat, (k + 1) * B * nCat), [B, nCat], "int32"),
    },
    labels: tf.tensor2d(Float32Array.from({ length: B * T }, (_, i) => g.train.labels[i % T][k * B + Math.floor(i / T)]), [B, T]),
  }));
  const models: Record<string, ModelConfig> = { // lib/bench/workloads.ts
    "census-adatt": { kind: "adatt-sp", taskExperts: 2, expertUnits: [[128], [64]], towerUnits: [32] },
    "census-sb": { kind: "shared-bottom", bottomUnits: [128, 64], towerUnits: [32] },
  };
  const rows: Row[] = Object.entries(models).map(([name, config]) => ({ name, config, tasks: g.tasks, input: g.input, R: 2, lr: 1e-3, steps, sets: FASTER.filter((s) => s !== "native-gemm") }));
  try {
    rows.forEach(assertBitIdentical);
  } finally {
    disposeRows(rows.slice(0, 1));
  }
});
