/**
 * Three experiment options: fresh training rows every epoch (DataSet.freshTrain), disjoint seed
 * ranges (seedOffset), and one learning rate per arm chosen over its runs (learningRateChoice
 * "per-arm", MMoE §5.1's per-model grid search).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import {
  applyArmLearningRates, armLearningRate, buildSummary, createModel, defineExperiment, initBackend, learningRateEdgeNotes, learningRateEdges, resolveExperiment, runAtLearningRate, runExperiment, trainReplicas,
  type DataSet, type ModelConfig, type RunRecord, type TrainConfig,
} from "mtl-lab";
import { toyData } from "./engine-helpers";

const MODEL: ModelConfig = { kind: "shared-bottom", bottomUnits: [8], towerUnits: [4] };
const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-fresh-"));

before(async () => {
  await initBackend("wasm");
});

/** toyData(seed) whose epoch e trains on the train split of toyData(seed + 1000·e); records the epochs asked for. */
function freshToy(seed: number, asked: number[], rows = { train: 64, validation: 64, test: 64 }): DataSet {
  const base = toyData(seed, rows);
  return { ...base, freshTrain: (epoch) => (asked.push(epoch), toyData(seed + 1000 * epoch, { ...rows, train: 256 }).train) };
}

test("fresh training rows: one new split per epoch, in order, and training differs from reusing epoch 0", async () => {
  const cfg: TrainConfig = { steps: 40, batchSize: 32, evalEvery: 20, learningRates: [1e-2], selection: { task: "y", metric: "loss" } };
  const run = async (data: DataSet) => {
    const model = createModel(MODEL, data.tasks, data.input, [5]);
    try {
      return await trainReplicas(model, { layout: "shared", datasets: [data], orderSeeds: [9] }, cfg, [1e-2]);
    } finally {
      model.dispose();
    }
  };
  const asked: number[] = [];
  const cap = (d: DataSet): DataSet => ({ ...d, freshTrain: (e) => { const s = d.freshTrain!(e); return { rows: 64, numeric: s.numeric.subarray(0, 64 * 6), labels: s.labels.subarray(0, 128) }; } });
  const fresh = await run(cap(freshToy(3, asked)));
  // 64 rows / batch 32 = 2 steps per epoch: 40 steps are epochs 0..19, so 1..19 are drawn
  assert.deepEqual(asked, Array.from({ length: 19 }, (_, i) => i + 1));
  const reused = await run(toyData(3, { train: 64, validation: 64, test: 64 }));
  assert.notEqual(fresh[0].selectionValue, reused[0].selectionValue);
  // a wrong row count is an error naming the epoch
  await assert.rejects(run(freshToy(3, [])), /freshTrain\(1\) returned 256 rows; every epoch must have the 64 rows of epoch 0/);
});

function toyExperiment(opts: { seedOffset?: number; learningRates: number[]; choice?: "per-run" | "per-arm"; fresh?: boolean }) {
  const profile = { runs: 3, note: "3 runs, 40 steps", seedsPerGroup: 3, rows: { train: 64, validation: 64, test: 64 } };
  return defineExperiment({
    id: "toy-options",
    title: "toy",
    paper: "none",
    seedOffset: opts.seedOffset,
    models: { "shared-bottom": MODEL },
    train: { steps: 40, batchSize: 32, evalEvery: 20, learningRates: opts.learningRates, learningRateChoice: opts.choice, selection: { task: "y", metric: "loss" } },
    profiles: { smoke: profile, quick: profile, paper: profile },
    data: () => ({ layout: "per-replica", tasks: toyData(1).tasks, input: toyData(1).input, dataFor: (seed) => (opts.fresh ? freshToy(seed, []) : toyData(seed)) }),
  });
}

test("seedOffset moves the seed range; the profile's row cap applies to fresh rows too", async () => {
  const exp = toyExperiment({ seedOffset: 1000, learningRates: [1e-2], fresh: true });
  assert.deepEqual(resolveExperiment(exp, { profile: "smoke" }).seeds, [1001, 1002, 1003]);
  assert.deepEqual(resolveExperiment(toyExperiment({ learningRates: [1e-2] }), { profile: "smoke" }).seeds, [1, 2, 3]);
  // freshTrain draws 256 rows; the profile caps train at 64, so training succeeds only if the cap applies to every epoch
  const result = await runExperiment(exp, { profile: "smoke", out: out(), report: false, backend: "wasm" });
  assert.deepEqual(result.runs.map((r) => r.seed).sort(), [1001, 1002, 1003]);
  assert.ok(result.runs.every((r) => r.status === "ok"));
  assert.throws(() => toyExperiment({ seedOffset: -1, learningRates: [1e-2] }), /seedOffset must be an integer/);
});

test("per-arm learning rate: every run reports the arm's rate, the one with the best mean validation loss", async () => {
  const exp = toyExperiment({ learningRates: [3e-3, 3e-2, 1e9], choice: "per-arm" });
  const result = await runExperiment(exp, { profile: "smoke", out: out(), report: false, backend: "wasm" });
  const raw = result.runs;
  // records keep every rate's whole outcome
  for (const r of raw) for (const t of r.learningRateTrials) assert.ok(t.curves && t.metrics !== undefined, `${r.seed} lr ${t.learningRate} stores its outcome`);
  const lr = armLearningRate(raw);
  const meanAt = (x: number) => raw.reduce((s, r) => s + r.learningRateTrials.find((t) => t.learningRate === x)!.selectionValue!, 0) / raw.length;
  assert.equal(lr, meanAt(3e-3) <= meanAt(3e-2) ? 3e-3 : 3e-2, "the diverging rate is never chosen; the lower mean validation loss is");
  const chosen = applyArmLearningRates(raw);
  for (const r of chosen) {
    assert.equal(r.learningRate, lr);
    const t: RunRecord["learningRateTrials"][number] = r.learningRateTrials.find((x) => x.learningRate === lr)!;
    assert.deepEqual(r.metrics, t.metrics);
    assert.deepEqual(r.curves, t.curves);
  }
  assert.deepEqual(applyArmLearningRates(chosen), chosen, "idempotent");
  // the summary reports the arm's rate for every run, even where a run's own best rate was another
  assert.deepEqual(Object.keys(result.summary.arms["shared-bottom"].learningRatesChosen), [String(lr)]);
  const other = lr === 3e-3 ? 3e-2 : 3e-3;
  const mixed = [runAtLearningRate(raw[0], other), ...raw.slice(1)];
  assert.deepEqual(Object.keys(buildSummary(resolveExperiment(exp, { profile: "smoke" }), mixed, "wasm").arms["shared-bottom"].learningRatesChosen), [String(lr)]);
  const mean = chosen.reduce((s, r) => s + r.metrics!.test.y.mse, 0) / 3;
  assert.ok(Math.abs(result.summary.models["shared-bottom"].y.mse.mean! - mean) < 1e-12);
});

test("per-arm choice: fewer diverged runs beat a better mean; per-run records cannot be re-read at another rate", () => {
  const rec = (seed: number, trials: [number, number | null][]): RunRecord =>
    ({ seed, arm: "a", configHash: "h", selection: { task: "y", metric: "loss" }, config: { train: { learningRates: trials.map((t) => t[0]), learningRateChoice: "per-arm" } }, learningRateTrials: trials.map(([learningRate, v]) => ({ learningRate, status: v === null ? "diverged" : "ok", selectionValue: v, bestStep: 1 })) }) as unknown as RunRecord;
  assert.equal(armLearningRate([rec(1, [[0.1, 0.01], [0.01, 0.5]]), rec(2, [[0.1, null], [0.01, 0.5]])]), 0.01);
  assert.equal(armLearningRate([rec(1, [[0.1, 0.2], [0.01, 0.5]]), rec(2, [[0.1, 0.3], [0.01, 0.1]])]), 0.1); // mean 0.25 < 0.3
  assert.equal(armLearningRate([rec(1, [[0.1, null]])]), null);
  assert.throws(() => runAtLearningRate(rec(1, [[0.1, 0.2]]), 0.1), /stores no outcome per learning rate/);
  assert.throws(() => runAtLearningRate(rec(1, [[0.1, 0.2]]), 0.5), /did not train learning rate 0.5/);
});

test("a learning rate chosen at an edge of its grid is named in every table's notes: lowest, highest, never a rate inside or a one-rate arm", () => {
  const rec = (arm: string, learningRate: number, grid: number[]) => ({ arm, status: "ok", learningRate, config: { train: { learningRates: grid } } }) as unknown as RunRecord;
  const runs = [rec("a", 1e-3, [1e-2, 1e-3, 3e-3]), rec("a", 1e-3, [1e-2, 1e-3, 3e-3]), rec("b", 3e-3, [1e-3, 3e-3, 1e-2]), rec("c", 1e-2, [1e-3, 3e-3, 1e-2]), rec("d", 1e-3, [1e-3])];
  assert.deepEqual(learningRateEdges(runs).map((e) => [e.arm, e.rate, e.edge]), [["a", 1e-3, "lowest"], ["c", 1e-2, "highest"]]);
  assert.deepEqual(learningRateEdgeNotes(runs), ["Learning rate at an edge of its grid {1e-3, 3e-3, 1e-2}, so not bracketed (a rate beyond it was not tried), in 2 of 3 arms: a 1e-3 (lowest), c 1e-2 (highest)."]);
  assert.deepEqual(learningRateEdgeNotes([runs[2], runs[4]]), [], "bracketed or not searched: no note");
});
