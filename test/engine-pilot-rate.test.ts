/**
 * learningRateChoice "pilot": the pilot seeds train the whole grid and choose each arm's rate on
 * validation; the reported seeds train at that rate alone, and the pilot is never reported.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import {
  armLearningRate, defineExperiment, estimatePaperProfile, initBackend, planGroups, resolveExperiment, runAtLearningRate, runExperiment, runKey, RunsFile, shardRunKeys, verifyExperiment,
  type ExperimentResult, type ModelConfig, type RunRecord, type TrainConfig,
} from "mtl-lab";
import { checkProtocol } from "mtl-lab/dist/engine/plan/protocol-check";
import { toyData } from "./engine-helpers";

const MODEL: ModelConfig = { kind: "shared-bottom", bottomUnits: [8], towerUnits: [4] };
const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-pilot-"));
const GRID = [3e-3, 3e-2, 1e9]; // 1e9 always diverges

before(async () => {
  await initBackend("wasm");
});

function pilotExperiment(train: Partial<TrainConfig> = {}, id = "toy-pilot") {
  const profile = { runs: 3, note: "3 runs, 40 steps", seedsPerGroup: 1, rows: { train: 64, validation: 64, test: 64 } };
  return defineExperiment({
    id,
    title: "toy",
    paper: "none",
    models: { "shared-bottom": MODEL, wide: { kind: "shared-bottom", bottomUnits: [16], towerUnits: [4] } },
    train: { steps: 40, batchSize: 32, evalEvery: 10, learningRates: GRID, learningRateChoice: "pilot", pilotSeeds: [900], selection: { task: "y", metric: "loss" }, ...train },
    profiles: { smoke: profile, quick: profile, paper: profile },
    data: () => ({ layout: "per-replica", tasks: toyData(1).tasks, input: toyData(1).input, dataFor: (seed) => toyData(seed) }),
  });
}

test("pilot: the pilot seed trains every rate and is kept apart; each reported seed trains only the rate the pilot chose", async () => {
  const exp = pilotExperiment();
  const dir = out();
  const result = await runExperiment(exp, { profile: "smoke", out: dir, report: false, backend: "wasm", workers: 1 });
  const pilots = result.pilotRuns ?? [];
  assert.deepEqual(pilots.map((r) => [r.arm, r.seed, r.pilot]), [["shared-bottom", 900, true], ["wide", 900, true]]);
  for (const p of pilots) {
    assert.deepEqual(p.learningRateTrials.map((t) => t.learningRate), GRID);
    for (const t of p.learningRateTrials) assert.ok(t.curves && t.metrics !== undefined, `pilot lr ${t.learningRate} keeps its whole outcome`);
    assert.equal(p.learningRateTrials[2].status, "diverged");
  }
  assert.equal(result.runs.length, 6);
  assert.equal(result.summary.runs, 6, "the pilot is not reported");
  assert.equal(result.computed, 8);
  for (const r of result.runs) {
    const pilot = pilots.find((p) => p.arm === r.arm)!;
    const rate = armLearningRate([pilot]);
    assert.ok(rate === 3e-3 || rate === 3e-2);
    assert.equal(r.pilot, undefined);
    assert.equal(r.learningRate, rate);
    assert.deepEqual(r.learningRateTrials.map((t) => t.learningRate), [rate], "a reported run trains one rate");
    assert.equal(r.replicasInGroup, 1);
  }
  // whichever index of the grid wins: a slower grid's pilot chooses its first rate, this one its second
  assert.deepEqual(result.runs.map((r) => r.learningRate), [3e-2, 3e-2, 3e-2, 3e-2, 3e-2, 3e-2]);
  const slow = await runExperiment(pilotExperiment({ learningRates: [3e-3, 1e-5] }, "toy-pilot-slow"), { profile: "smoke", out: out(), report: false, backend: "wasm", workers: 1, runs: 1 });
  assert.deepEqual(slow.runs.map((r) => [r.learningRate, armLearningRate(slow.pilotRuns!.filter((p) => p.arm === r.arm))]), [[3e-3, 3e-3], [3e-3, 3e-3]]);
  // the same seed trained over the whole grid and read at the pilot's rate is the same run: replicas do not interact
  const perArm = await runExperiment(pilotExperiment({ learningRateChoice: "per-arm", pilotSeeds: undefined }, "toy-per-arm"), { profile: "smoke", out: out(), report: false, backend: "wasm", workers: 1, models: ["shared-bottom"], runs: 1 });
  const alone = result.runs.find((r) => r.arm === "shared-bottom" && r.seed === 1)!;
  const inGrid = runAtLearningRate(perArm.runs[0], alone.learningRate!);
  assert.deepEqual(alone.metrics, inGrid.metrics);
  assert.deepEqual(alone.curves, inGrid.curves);
  // the protocol check counts the pilot's rates as the arm's search, and the pilot runs as no reported run
  const check = checkProtocol(new RunsFile(path.join(dir, "toy-pilot", "smoke")).read());
  assert.equal(check.runs, 6);
  assert.equal(check.fewestLearningRates, 3);
  assert.equal(checkProtocol(result.runs).fewestLearningRates, 1, "without the pilot runs the same arms searched nothing");
});

test("pilot: an interrupted study resumes at the stored pilot's rate without retraining it; --verify recomputes pilot and reported runs", async () => {
  const exp = pilotExperiment({}, "toy-pilot-resume");
  const root = out();
  const first = await runExperiment(exp, { profile: "smoke", out: root, report: false, backend: "wasm", workers: 1 });
  const store = new RunsFile(path.join(root, "toy-pilot-resume", "smoke"));
  const lines = fs.readFileSync(store.file, "utf8").trim().split("\n");
  // keep the pilot and seed 1: the pilot must not train again, and seeds 2, 3 train at its rate
  fs.writeFileSync(store.file, lines.filter((l) => { const r = JSON.parse(l) as RunRecord; return r.pilot || r.seed === 1; }).join("\n") + "\n");
  const again = await runExperiment(exp, { profile: "smoke", out: root, report: false, backend: "wasm", workers: 1 });
  assert.equal(again.computed, 4);
  const metrics = (runs: RunRecord[]) => Object.fromEntries(runs.map((r) => [`${r.arm}#${r.seed}`, r.metrics]));
  assert.deepEqual(metrics(again.runs), metrics(first.runs));
  const report = await verifyExperiment(exp, { profile: "smoke", root, backend: "wasm", workers: 1 });
  assert.equal(report.checked, 8, "the pilot runs are checked with the six reported ones");
  assert.ok(report.identical, report.line);
});

test("pilot: the plan's groups start with every arm's pilot; seeds must be apart; a pilot needs its seeds; a grid of only diverging rates stops with the fix", async () => {
  const plan = resolveExperiment(pilotExperiment(), { profile: "smoke" });
  // a shard takes whole arms, so each arm's reported groups find their pilot in the same folder
  assert.deepEqual(planGroups(plan).map((g) => [g.arm.key, g.seeds[0], g.pilot, g.shardKey]), [
    ["shared-bottom", 900, true, 0], ["wide", 900, true, 1],
    ["shared-bottom", 1, false, 0], ["shared-bottom", 2, false, 0], ["shared-bottom", 3, false, 0],
    ["wide", 1, false, 1], ["wide", 2, false, 1], ["wide", 3, false, 1],
  ]);
  assert.deepEqual(shardRunKeys(plan, { index: 1, count: 2 }), [900, 1, 2, 3].map((s) => runKey(plan.arms[1].configHash, s)));
  const root = out();
  const shard = await runExperiment(pilotExperiment(), { profile: "smoke", out: root, report: false, backend: "wasm", workers: 1, shard: { index: 0, count: 2 } });
  assert.equal(shard.computed, 4);
  assert.deepEqual(new RunsFile(path.join(root, "toy-pilot", "smoke")).read().map((r) => [r.arm, r.seed]), [["shared-bottom", 900], ["shared-bottom", 1], ["shared-bottom", 2], ["shared-bottom", 3]]);
  assert.throws(() => resolveExperiment(pilotExperiment({ pilotSeeds: [2] }), { profile: "smoke" }), /pilot seed 2 is also reported; train.pilotSeeds must be disjoint from the reported seeds 1…3/);
  assert.throws(() => resolveExperiment(pilotExperiment({ pilotSeeds: undefined }), { profile: "smoke" }), /learningRateChoice "pilot" needs train.pilotSeeds/);
  // another choice ignores the pilot seeds, in the plan and in the run key
  const perArm = resolveExperiment(pilotExperiment({ learningRateChoice: "per-arm" }), { profile: "smoke" });
  assert.equal(perArm.arms[0].configHash, resolveExperiment(pilotExperiment({ learningRateChoice: "per-arm", pilotSeeds: undefined }), { profile: "smoke" }).arms[0].configHash);
  assert.ok(planGroups(perArm).every((g) => !g.pilot));
  await assert.rejects(
    runExperiment(pilotExperiment({ learningRates: [1e9, 1e10] }, "toy-pilot-diverged"), { profile: "smoke", out: root, report: false, backend: "wasm", workers: 1, models: ["wide"] }),
    /toy-pilot-diverged wide: every learning rate of \[1000000000, 10000000000\] diverged in the pilot \(seed 900\).*--set 'train.learningRates=/,
  );
  const kept = new RunsFile(path.join(root, "toy-pilot-diverged", "smoke")).read();
  assert.deepEqual(kept.map((r) => [r.seed, r.pilot, r.status]), [[900, true, "diverged"]], "the pilot's outcome is kept");
});

test("pilot: the paper profile's estimate counts the pilot's grid once per arm and the pilot's measured time", () => {
  const base = pilotExperiment();
  const exp = { ...base, profiles: { ...base.profiles, paper: { ...base.profiles.paper, runs: 6, train: { steps: 80 } } } };
  const quick = resolveExperiment(exp, { profile: "smoke" });
  const result = { summary: { profile: "smoke", backend: "wasm", wallTimeMs: 60_000, profileStatement: { runs: 3, train: quick.train } }, pilotRuns: [{ wallTimeMs: 30_000 }] } as unknown as ExperimentResult;
  const e = estimatePaperProfile(exp, result);
  // (6 runs + 1 pilot × 3 rates) × 80 steps against (3 + 1 × 3) × 40
  assert.equal(e.factor, 3);
  assert.equal(e.measuredMinutes, 1.5);
  assert.match(e.sentence, /the paper profile does 3× the work \(6 runs at one learning rate and 1 pilot run × 3 rates per arm, up to 80 steps each\), about 0\.1 h here/);
  const perArm = { ...exp, train: { ...exp.train, learningRateChoice: "per-arm" as const, pilotSeeds: undefined } };
  assert.equal(estimatePaperProfile(perArm, { ...result, summary: { ...result.summary, profileStatement: { runs: 3, train: perArm.train } } } as ExperimentResult).factor, 4);
});
