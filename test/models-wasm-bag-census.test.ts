/**
 * The faster kernel sets on the real Census-Income "adatt" group (the bench's census workloads):
 * AdaTT-sp and Shared-Bottom, R = 2, four Adam steps on batches of 512 training rows — every
 * variable bit-identical to the default set. Needs the census files like test/data-census.test.ts
 * (CENSUS_INCOME_DIR or data/census-income): without them it FAILS with the data module's message.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ReplicaAdam, censusGroup, createModel, initBackend, loadCensus, taskLosses, totalLoss, useFastWasmKernels, type ModelConfig } from "mtl-lab";

const MODELS: Record<string, ModelConfig> = { // lib/bench/workloads.ts
  "census-adatt": { kind: "adatt-sp", taskExperts: 2, expertUnits: [[128], [64]], towerUnits: [32] },
  "census-sb": { kind: "shared-bottom", bottomUnits: [128, 64], towerUnits: [32] },
};

test("census: every faster kernel set trains AdaTT-sp and Shared-Bottom bit-identically to the default set", async () => {
  await initBackend("wasm");
  const g = censusGroup(loadCensus(), "adatt");
  const B = 512, Dn = g.input.numeric, nCat = g.input.categorical.length, T = g.tasks.length, R = 2;
  const batches = [0, 1, 2, 3].map((k) => ({
    numeric: tf.tensor2d(g.train.numeric.subarray(k * B * Dn, (k + 1) * B * Dn), [B, Dn]),
    categorical: tf.tensor2d(g.train.categorical!.subarray(k * B * nCat, (k + 1) * B * nCat), [B, nCat], "int32"),
    labels: tf.tensor2d(Float32Array.from({ length: B * T }, (_, i) => g.train.labels[i % T][k * B + Math.floor(i / T)]), [B, T]),
  }));
  const before = process.env.MTL_WASM_KERNELS;
  try {
    for (const [name, config] of Object.entries(MODELS)) {
      const train = (set: string): string[] => {
        process.env.MTL_WASM_KERNELS = set;
        useFastWasmKernels();
        const model = createModel(config, g.tasks, g.input, [1, 2]);
        const adam = new ReplicaAdam(model.variables);
        const lr = tf.fill([R], 1e-3) as tf.Tensor1D, weights = tf.ones([T]) as tf.Tensor1D;
        for (const b of batches) {
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => totalLoss(taskLosses(model.apply(b), b.labels, model.tasks), weights, model.extraLoss?.()), [...model.variables]);
            adam.apply(model.variables.map((v) => grads[v.name]), lr, null);
          });
        }
        const out = model.variables.map((v) => Buffer.from((v.dataSync() as Float32Array).buffer).toString("base64"));
        tf.dispose([lr, weights]);
        adam.dispose();
        model.dispose();
        return out;
      };
      const dense = train("xnnpack");
      for (const set of ["sparse", "sparse-sum", "sparse-sum-dw", "sparse-sum-dw-mix", "native"]) {
        const other = train(set);
        assert.deepEqual(other.map((w, i) => (w === dense[i] ? "same" : `variable ${i} differs`)), dense.map(() => "same"), `${name}, ${set}`);
      }
    }
  } finally {
    if (before === undefined) delete process.env.MTL_WASM_KERNELS;
    else process.env.MTL_WASM_KERNELS = before;
    for (const b of batches) tf.dispose([b.numeric, b.categorical, b.labels]);
  }
});
