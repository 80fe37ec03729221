/**
 * The episodic training mode (lib/engine/meta-trainer.ts): replica r of a batched group equals a
 * one-replica group of its seed, runs are seeded, adaptation to new tasks leaves the weights as it
 * found them, and bad settings are refused with the setting named.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createModel, initBackend, shotKey, studies, trainEpisodes, type EpisodeSettings, type GroupData, type ModelConfig } from "mtl-lab";

const U = studies.userModels;
const SETTINGS: EpisodeSettings = { mode: "meta", innerSteps: 1, innerLearningRate: 0.3, supportRows: 8, queryRows: 8, adaptSteps: 2, adaptLearningRate: 0.3, shots: [0, 4], selectionShots: 4 };
const CFG = { steps: 4, batchSize: 16, evalEvery: 2, learningRates: [3e-3] };
const METAHEAC: ModelConfig = { kind: "metaheac", experts: 2, expertUnits: [4], critics: 2, towerUnits: [4], taskEmbedding: 2 };

function group(seeds: number[], settings = SETTINGS): GroupData {
  return { layout: "per-replica", datasets: seeds.map((s) => U.audienceDataSet(s, settings)), datasetOf: seeds.map((_, i) => i), orderSeeds: seeds.map((s) => 1000 + s) };
}

async function train(seeds: number[], settings = SETTINGS, cfg: ModelConfig = METAHEAC) {
  const model = createModel(cfg, [{ ...U.AUDIENCE_TASK }], { numeric: U.AUDIENCE_FEATURES, categorical: [] }, seeds.map((s) => 50 + s));
  try {
    return await trainEpisodes(model, group(seeds, settings), CFG, seeds.map(() => 3e-3));
  } finally {
    model.dispose();
  }
}

test("meta mode: replica 1 of a two-replica group is the one-replica group of its seed, and a rerun is identical", async () => {
  await initBackend("cpu");
  const both = await train([1, 2]);
  const alone = await train([2]);
  const again = await train([2]);
  assert.deepEqual(alone[0].test, again[0].test, "seeded: the same seed gives the same outcome");
  assert.equal(both[1].bestStep, alone[0].bestStep);
  for (const k of SETTINGS.shots) {
    const a = both[1].test![shotKey(k)].metrics.auc, b = alone[0].test![shotKey(k)].metrics.auc;
    assert.ok(Math.abs(a - b) < 1e-4, `${k} shots: ${a} batched vs ${b} alone`);
  }
  assert.notDeepEqual(both[0].test, both[1].test, "the two seeds draw different families");
  assert.deepEqual(both[0].curves.steps, [2, 4]);
  assert.equal(both[0].selectionValue, Math.max(...both[0].curves.selection!.filter((x): x is number => x !== null)));
});

test("scratch mode trains nothing: the weights after every adaptation are the initial ones", async () => {
  await initBackend("cpu");
  const model = createModel(METAHEAC, [{ ...U.AUDIENCE_TASK }], { numeric: U.AUDIENCE_FEATURES, categorical: [] }, [7]);
  try {
    const before = model.variables.map((v) => v.arraySync());
    const out = await trainEpisodes(model, group([3], { ...SETTINGS, mode: "scratch" }), CFG, [3e-3]);
    assert.deepEqual(out[0].curves.steps, [0]);
    model.variables.forEach((v, i) => assert.deepEqual(v.arraySync(), before[i], `${v.name} moved`));
    // k = 0 scores the initial weights as they are; k = 4 adapts first, so the two differ
    assert.notEqual(out[0].test![shotKey(0)].metrics.auc, out[0].test![shotKey(4)].metrics.auc);
  } finally {
    model.dispose();
  }
});

test("pooled mode trains any one-output model; the outcome has every support size for validation and test", async () => {
  await initBackend("cpu");
  const out = await train([4], { ...SETTINGS, mode: "pooled" }, { kind: "shared-bottom", bottomUnits: [4], towerUnits: [2] });
  assert.deepEqual(Object.keys(out[0].test!), ["0-shot", "4-shot"]);
  assert.deepEqual(Object.keys(out[0].validation!), ["0-shot", "4-shot"]);
  assert.equal(out[0].status, "ok");
});

test("bad settings are refused with the setting named", async () => {
  await initBackend("cpu");
  await assert.rejects(train([1], { ...SETTINGS, selectionShots: 8 }), /selectionShots 8 is not one of shots \[0, 4\]/);
  await assert.rejects(train([1], { ...SETTINGS, shots: [0, 4, 100], selectionShots: 4 }), /a new task has 64 support rows, shots ask for 100/);
  await assert.rejects(train([1], { ...SETTINGS, mode: "other" as EpisodeSettings["mode"] }), /mode must be "meta", "pooled" or "scratch"/);
  await assert.rejects(train([1], { ...SETTINGS, supportRows: 150, queryRows: 100 }), /a training task has 200 rows, an episode needs 250/);
});

test("meta mode: the outer update moves the weights the episode started from, by at most Adam's first step (not from the adapted weights)", async () => {
  await initBackend("cpu");
  const model = createModel(METAHEAC, [{ ...U.AUDIENCE_TASK }], { numeric: U.AUDIENCE_FEATURES, categorical: [] }, [9]);
  try {
    const before = model.variables.map((v) => Array.from(v.dataSync()));
    const lr = 1e-3;
    // one outer step, evaluated once: the restored best weights are those after the step
    const out = await trainEpisodes(model, group([5]), { ...CFG, steps: 1, evalEvery: 1 }, [lr]);
    assert.equal(out[0].bestStep, 1);
    let moved = 0;
    model.variables.forEach((v, i) => Array.from(v.dataSync()).forEach((x, j) => {
      const d = Math.abs(x - before[i][j]);
      assert.ok(d <= lr * 1.001, `${v.name}[${j}] moved ${d}, more than Adam's first step ${lr}`);
      if (d > 0) moved++;
    }));
    assert.ok(moved > 0, "the outer step moved some weight");
  } finally {
    model.dispose();
  }
});
