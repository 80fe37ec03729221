/**
 * Gate statistics recorded with every run: over the whole test split, read in chunks, equal to
 * the mean and std of the model's own gate weights computed in one pass; for AdaTT they are the
 * NativeExpertLF + AllExpertGF weights (AdaTT Fig. 3).
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { createModel, initBackend, trainReplicas, type GroupData, type ModelConfig, type TrainConfig } from "mtl-lab";
import { toyData, TOY_FEATURES } from "./engine-helpers";

before(async () => {
  await initBackend("wasm");
});

const ADATT: ModelConfig = { kind: "adatt-sp", taskExperts: 2, expertUnits: [[6], [4]], towerUnits: [3] };
const TEST_ROWS = 300;

async function trained(evalBatchSize: number) {
  const data = toyData(5, { train: 256, validation: 64, test: TEST_ROWS });
  const group: GroupData = { layout: "shared", datasets: [data], orderSeeds: [9] };
  const cfg: TrainConfig = { steps: 20, batchSize: 32, evalEvery: 20, learningRates: [1e-2], gateRows: TEST_ROWS, evalBatchSize };
  const model = createModel(ADATT, data.tasks, data.input, [3, 4]);
  const outcomes = await trainReplicas(model, group, cfg, [1e-2, 1e-2]);
  return { model, outcomes, data };
}

test("gate means and stds over the whole test split, read in chunks of 64, equal one pass over every row", async () => {
  const { model, outcomes, data } = await trained(64);
  try {
    const batch = { numeric: tf.tensor2d(data.test.numeric, [TEST_ROWS, TOY_FEATURES]) };
    const direct = model.gates!(batch);
    assert.equal(outcomes[0].gates.length, direct.length);
    assert.equal(direct.length, 2 * 2, "one entry per task and fusion level");
    direct.forEach((g, i) => {
      const { mean, variance } = tf.moments(g.weights, 1); // [R, E] over all 300 rows
      const m = mean.arraySync() as number[][];
      const s = (tf.sqrt(variance).arraySync() as number[][]);
      for (let r = 0; r < 2; r++) {
        const rec = outcomes[r].gates[i];
        assert.equal(rec.task, g.task);
        assert.equal(rec.level, g.level);
        rec.mean.forEach((v, e) => assert.ok(Math.abs(v - m[r][e]) < 1e-5, `replica ${r} ${g.task} level ${g.level} expert ${e}: mean ${v} vs ${m[r][e]}`));
        rec.std.forEach((v, e) => assert.ok(Math.abs(v - s[r][e]) < 1e-4, `std ${v} vs ${s[r][e]}`));
      }
      tf.dispose([mean, variance, g.weights]);
    });
    batch.numeric.dispose();
  } finally {
    model.dispose();
  }
});

test("the chunk size does not change the recorded gate statistics", async () => {
  const a = await trained(64);
  const b = await trained(4096);
  a.model.dispose();
  b.model.dispose();
  a.outcomes.forEach((o, r) =>
    o.gates.forEach((g, i) => g.mean.forEach((v, e) => assert.ok(Math.abs(v - b.outcomes[r].gates[i].mean[e]) < 1e-5, `replica ${r} gate ${i} expert ${e}`))),
  );
});
