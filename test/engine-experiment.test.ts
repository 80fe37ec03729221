/**
 * runExperiment in-process on a toy experiment: several conditions, shared data with categorical
 * columns, resume, --force, learning-rate grids with a diverging rate, and all-diverged runs.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { defineExperiment, runExperiment, type TrainConfig } from "mtl-lab";
import { toyData } from "./engine-helpers";

const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-exp-"));

function toyExperiment(learningRates: number[]) {
  const profile = { runs: 3, statement: "3 runs, 40 steps, toy rows", seedsPerGroup: 2 };
  const train: TrainConfig = { steps: 40, batchSize: 32, evalEvery: 20, learningRates };
  return defineExperiment<{ noise: number }>({
    id: "toy",
    title: "toy",
    paper: "none",
    conditions: { quiet: { noise: 0.2 }, noisy: { noise: 2 } },
    models: {
      "shared-bottom": { kind: "shared-bottom", bottomUnits: [8], towerUnits: [4] },
      mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4] },
    },
    train,
    profiles: { smoke: profile, quick: profile, paper: profile },
    data: ({ condition }) => ({ layout: "shared", data: toyData(7, undefined, { categorical: true, noise: condition.noise }) }),
  });
}

const metricsOf = (runs: { configHash: string; seed: number; metrics: unknown }[]) =>
  Object.fromEntries(runs.map((r) => [`${r.configHash}#${r.seed}`, r.metrics]));

test("conditions × models on shared categorical data: summary per arm, resume, --force", async () => {
  const dir = out();
  const exp = toyExperiment([1e-2, 1e9]);
  const first = await runExperiment(exp, { profile: "smoke", out: dir, report: false, backend: "wasm" });
  assert.equal(first.computed, 12);
  assert.deepEqual(Object.keys(first.summary.models), ["quiet/shared-bottom", "quiet/mmoe", "noisy/shared-bottom", "noisy/mmoe"]);
  assert.equal(first.summary.comparisons["noisy/mmoe"].c.auc.baseline, "noisy/shared-bottom");
  for (const r of first.runs) {
    assert.equal(r.status, "ok");
    assert.equal(r.learningRate, 1e-2, "the diverging rate is never chosen");
    assert.equal(r.learningRateTrials[1].status, "diverged");
    assert.match(r.learningRateTrials[1].reason!, /training loss|validation/);
  }
  assert.ok(first.summary.models["quiet/mmoe"].c.auc.mean! > first.summary.models["noisy/mmoe"].c.auc.mean!);
  const again = await runExperiment(exp, { profile: "smoke", out: dir, report: false, backend: "wasm" });
  assert.equal(again.computed, 0);
  const forced = await runExperiment(exp, { profile: "smoke", out: dir, report: false, backend: "wasm", force: true });
  assert.equal(forced.computed, 12);
  assert.deepEqual(metricsOf(forced.runs), metricsOf(first.runs), "same seeds, same backend, same numbers");
});

test("a run whose every learning rate diverges is kept with its reason and left out of the statistics", async () => {
  const result = await runExperiment(toyExperiment([1e9]), { profile: "smoke", runs: 2, models: ["mmoe"], out: out(), report: false, backend: "wasm" });
  assert.equal(result.summary.runs, 4);
  assert.equal(result.summary.diverged, 4);
  for (const r of result.runs) {
    assert.equal(r.status, "diverged");
    assert.equal(r.metrics, null);
    assert.match(r.reason!, /lr 1000000000: /);
  }
  assert.equal(result.summary.arms["quiet/mmoe"].diverged.length, 2);
  assert.equal(result.summary.models["quiet/mmoe"].c?.auc, undefined);
});
