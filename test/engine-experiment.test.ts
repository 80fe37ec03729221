/**
 * runExperiment in-process on a toy experiment: several conditions, shared data with categorical
 * columns, resume, --force, learning-rate grids with a diverging rate, and all-diverged runs.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { defineExperiment, interleaveLabels, runExperiment, type TrainConfig } from "mtl-lab";
import { terminalProgress } from "mtl-lab/dist/engine/report/progress";
import { toyData } from "./engine-helpers";

const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-exp-"));

function toyExperiment(learningRates: number[]) {
  const profile = { runs: 3, note: "3 runs, 40 steps, toy rows", seedsPerGroup: 2 };
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

test("conditionModels restricts the models of a condition; its first listed model is that condition's baseline", async () => {
  const base = toyExperiment([1e-2]);
  const exp = defineExperiment({ ...base, id: "toy-only", conditionModels: { noisy: ["mmoe"] } } as Parameters<typeof defineExperiment>[0]);
  const result = await runExperiment(exp, { profile: "smoke", runs: 2, out: out(), report: false, backend: "wasm" });
  assert.deepEqual(Object.keys(result.summary.models), ["quiet/shared-bottom", "quiet/mmoe", "noisy/mmoe"]);
  assert.equal(result.summary.expectedRuns, 6);
  assert.equal(result.summary.comparisons["quiet/mmoe"].c.auc.baseline, "quiet/shared-bottom");
  assert.equal(result.summary.comparisons["noisy/mmoe"], undefined, "the only model of its condition is its baseline");
  const bad = (conditionModels: Record<string, string[]>) => () => defineExperiment({ ...base, id: "toy-bad", conditionModels } as Parameters<typeof defineExperiment>[0]);
  assert.throws(bad({ loud: ["mmoe"] }), /conditionModels names condition "loud"; valid: quiet, noisy/);
  assert.throws(bad({ noisy: ["omoe"] }), /conditionModels.noisy names unknown model omoe; valid: shared-bottom, mmoe/);
  assert.throws(bad({ noisy: [] }), /must name at least one model/);
});

test("orderKey: conditions with one key train on the same minibatch order; by default each condition has its own", async () => {
  const profile = { runs: 2, note: "2 runs", seedsPerGroup: 2 };
  const data = toyData(7, undefined, { categorical: true });
  const twoConditions = (orderKey: string | undefined) =>
    defineExperiment<string>({
      id: "toy-order",
      title: "toy",
      paper: "none",
      conditions: { a: "a", b: "b" },
      models: { mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4] } },
      train: { steps: 40, batchSize: 32, evalEvery: 20, learningRates: [1e-2] },
      profiles: { smoke: profile, quick: profile, paper: profile },
      data: () => ({ layout: "shared", data, orderKey }),
    });
  const metrics = async (orderKey: string | undefined) => {
    const r = await runExperiment(twoConditions(orderKey), { profile: "smoke", out: out(), report: false, backend: "wasm" });
    const of = (c: string) => r.runs.filter((x) => x.condition === c).sort((x, y) => x.seed - y.seed).map((x) => x.metrics);
    return { a: of("a"), b: of("b"), order: new Set(r.runs.map((x) => x.derivedSeeds.batchOrder)).size };
  };
  const shared = await metrics("same");
  assert.deepEqual(shared.a, shared.b, "identical data, init and batch order give identical runs");
  assert.equal(shared.order, 1);
  const own = await metrics(undefined);
  assert.notDeepEqual(own.a, own.b);
  assert.equal(own.order, 2);
});

test("preflight runs once per condition with runs to train, before any training; its error stops the experiment", async () => {
  const base = toyExperiment([1e-2]);
  const seen: string[] = [];
  const ok = defineExperiment({ ...base, id: "toy-preflight", preflight: (ctx: { conditionName: string }) => void seen.push(ctx.conditionName) } as Parameters<typeof defineExperiment>[0]);
  const dir = out();
  await runExperiment(ok, { profile: "smoke", runs: 2, models: ["mmoe"], out: dir, report: false, backend: "wasm" });
  assert.deepEqual(seen, ["quiet", "noisy"]);
  await runExperiment(ok, { profile: "smoke", runs: 2, models: ["mmoe"], out: dir, report: false, backend: "wasm" });
  assert.deepEqual(seen, ["quiet", "noisy"], "nothing to train: no preflight");
  const failing = defineExperiment({ ...base, id: "toy-preflight-fails", preflight: () => { throw new Error("data file missing: get it first"); } } as Parameters<typeof defineExperiment>[0]);
  const dir2 = out();
  await assert.rejects(runExperiment(failing, { profile: "smoke", runs: 2, out: dir2, report: false, backend: "wasm" }), /data file missing: get it first/);
  assert.ok(!fs.existsSync(path.join(dir2, "toy-preflight-fails", "smoke", "runs.jsonl")), "no run was trained");
});

test("interleaveLabels: task columns to [rows, T] row-major, from a row offset; too few labels are named", () => {
  const a = Float32Array.from([1, 2, 3, 4]);
  const b = Float32Array.from([10, 20, 30, 40]);
  assert.deepEqual([...interleaveLabels([a, b], 2)], [1, 10, 2, 20]);
  assert.deepEqual([...interleaveLabels([a, b], 2, 2)], [3, 30, 4, 40]);
  assert.deepEqual([...interleaveLabels([a, b, a], 1, 3)], [4, 40, 4]);
  assert.throws(() => interleaveLabels([a, b.subarray(0, 3)], 2, 2), /task 1 has 3 labels, rows 2…3 asked/);
});

test("progress in a log (not a terminal): one line per group with runs done and an ETA until the last", () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream;
  const p = terminalProgress(stream);
  p.start("exp/quick", 6, 2);
  p.group("a", [3, 4]);
  p.groupDone("a", [3, 4], 1500);
  p.group("b", [5, 6]);
  p.groupDone("b", [5, 6], 1500);
  assert.match(lines[0], /exp\/quick: 2\/6 runs already in results, resuming/);
  assert.match(lines[1], /^exp\/quick: a seeds 3–4 done in .* \(4\/6 runs, ETA [^)]+\)\n$/);
  assert.match(lines[2], /\(6\/6 runs\)\n$/, "no ETA once every run is done");
  assert.equal(lines.length, 3, "nothing is redrawn in a log");
});
