/**
 * The training protocol the census studies use, on toy data: each seed its own minibatch order
 * and every model of the experiment the same one at that seed (common random numbers); runs
 * record why they stopped; a profile may train a stated part of the models and conditions; a
 * one-task data set for the Single-Task baseline, and its runs read back as one record per seed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { defineExperiment, resolveExperiment, runExperiment, type RunRecord, type TrainConfig } from "mtl-lab";
import { onlyTask } from "mtl-lab/dist/engine/train/data";
import { withOwnTaskRuns } from "mtl-lab/dist/studies/own-task-runs";
import { toyData } from "./engine-helpers";

const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-conv-"));

function experiment(train: Partial<TrainConfig>, profile: Record<string, unknown> = {}) {
  const spec = { runs: 2, note: "toy", ...profile };
  return defineExperiment<string>({
    id: "toy-crn",
    title: "toy",
    paper: "none",
    conditions: { a: "a", b: "b" },
    models: {
      "shared-bottom": { kind: "shared-bottom", bottomUnits: [8], towerUnits: [4] },
      mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4] },
    },
    train: { steps: 30, batchSize: 32, evalEvery: 10, learningRates: [1e-2], ...train },
    profiles: { smoke: spec, quick: spec, paper: spec },
    data: () => ({ layout: "shared", data: toyData(7, undefined, { categorical: true }), orderKey: "one" }),
  });
}

test('batchOrder "per-seed": seeds draw their own orders, every model reads the same order at one seed, one seed per group', async () => {
  const r = await runExperiment(experiment({ batchOrder: "per-seed" }), { profile: "smoke", out: out(), report: false, backend: "wasm" });
  const orders = (seed: number) => new Set(r.runs.filter((x) => x.seed === seed).map((x) => x.derivedSeeds.batchOrder));
  assert.equal(orders(1).size, 1, "every model and condition at seed 1 reads one order");
  assert.equal(orders(2).size, 1);
  assert.notEqual([...orders(1)][0], [...orders(2)][0], "seeds differ in their order");
  assert.ok(r.runs.every((x) => x.replicasInGroup === 1), "one seed (× one learning rate) per group");
  // without it: one order for every seed (only the initialisation varies)
  const plain = await runExperiment(experiment({}), { profile: "smoke", out: out(), report: false, backend: "wasm" });
  assert.equal(new Set(plain.runs.map((x) => x.derivedSeeds.batchOrder)).size, 1);
  // identical data, init and order at a seed: the two conditions' runs of one model agree exactly
  const of = (c: string) => r.runs.filter((x) => x.condition === c && x.model === "mmoe").sort((x, y) => x.seed - y.seed).map((x) => x.metrics);
  assert.deepEqual(of("a"), of("b"));
});

test('batchOrder "per-seed" with a group of several seeds over shared data is refused, naming the fix', async () => {
  await assert.rejects(runExperiment(experiment({ batchOrder: "per-seed" }, { seedsPerGroup: 2 }), { profile: "smoke", out: out(), report: false, backend: "wasm" }), /one seed per group.*seedsPerGroup to 1/);
});

test("an unset batchOrder leaves the run key as it was; setting it changes the key", () => {
  const key = (train: Partial<TrainConfig>) => resolveExperiment(experiment(train), { profile: "smoke" }).arms[0].configHash;
  assert.equal(key({}), key({ batchOrder: undefined }));
  assert.notEqual(key({}), key({ batchOrder: "per-seed" }));
});

test("every run records why it stopped: patience or the step cap", async () => {
  const r = await runExperiment(experiment({ steps: 200, evalEvery: 10, patience: 2, learningRates: [1e-4, 0.3] }), { profile: "smoke", out: out(), report: false, backend: "wasm" });
  const reasons = new Set(r.runs.flatMap((x) => x.learningRateTrials.map((t) => t.stopReason)));
  assert.ok(r.runs.every((x) => typeof x.stopReason === "string"));
  assert.ok(reasons.has("patience"), `early stopping acted: ${[...reasons]}`);
  const capped = await runExperiment(experiment({ steps: 20, evalEvery: 10 }), { profile: "smoke", out: out(), report: false, backend: "wasm" });
  assert.ok(capped.runs.every((x) => x.stopReason === "step cap"));
});

test("a profile trains its stated models and conditions; arm keys keep the experiment's form; unknown names are errors", () => {
  const plan = resolveExperiment(experiment({}, { models: ["mmoe"], conditions: ["b"] }), { profile: "smoke" });
  assert.deepEqual(plan.arms.map((a) => a.key), ["b/mmoe"]);
  assert.throws(() => resolveExperiment(experiment({}, { models: ["mmoe"] }), { profile: "smoke", models: ["shared-bottom"] }), /not trained by profile smoke; its models: mmoe/);
  assert.throws(() => experiment({}, { models: ["nope"] }), /profiles\.smoke\.models names unknown model nope/);
  assert.throws(() => experiment({}, { conditions: ["c"] }), /profiles\.smoke\.conditions names unknown condition c; valid: a, b/);
});

test("onlyTask keeps one task's labels and every input", () => {
  const data = toyData(3, undefined, { categorical: true });
  const T = data.tasks.length;
  const one = onlyTask(data, data.tasks[1].name);
  assert.deepEqual(one.tasks, [data.tasks[1]]);
  assert.equal(one.train.labels.length, data.train.rows);
  for (const i of [0, 5, data.train.rows - 1]) assert.equal(one.train.labels[i], data.train.labels[i * T + 1]);
  assert.equal(one.train.numeric, data.train.numeric);
  assert.throws(() => onlyTask(data, "nope"), /no task "nope" in the data/);
});

test("one-task runs read back as one record per seed under the multi-task condition, each task from its own run", () => {
  const rec = (condition: string, seed: number, task: string, auc: number) =>
    ({ condition, model: "st", arm: `${condition}/st`, seed, status: "ok", metrics: { validation: { [task]: { auc } }, test: { [task]: { auc: auc - 0.01 } } }, gates: [] }) as unknown as RunRecord;
  const conditions = [
    { condition: "g-x-only", of: "g", task: "x" },
    { condition: "g-y-only", of: "g", task: "y" },
  ];
  const runs = [rec("g-x-only", 1, "x", 0.9), rec("g-y-only", 1, "y", 0.8), rec("g-x-only", 2, "x", 0.7)];
  const all = withOwnTaskRuns(runs, conditions);
  const combined = all.filter((r) => r.condition === "g");
  assert.equal(combined.length, 1, "seed 2 lacks task y's run: no combined record");
  assert.equal(combined[0].arm, "g/st");
  assert.deepEqual(combined[0].metrics!.test, { x: { auc: 0.9 - 0.01 }, y: { auc: 0.8 - 0.01 } });
  assert.equal(all.length, 4, "the one-task records stay");
});
