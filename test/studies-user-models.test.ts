/**
 * The user-models study (notebook 07): the declarations, the analysis on hand-made runs with known
 * verdicts, the DUPN evaluations the engine does not know (attention mass, frozen-representation
 * head), and the smoke profile end to end through the CLI.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { createModel, getStudy, initBackend, resolveExperiment, Rng, studies, type DUPN, type RunRecord } from "mtl-lab";

const U = studies.userModels;

test("the study: two experiments, every profile stated, the arms each training mode trains, episode settings in the run key", () => {
  const s = getStudy("user-models");
  assert.deepEqual(s.experiments.map((e) => e.id), ["user-models-metaheac", "user-models-dupn"]);
  assert.deepEqual(s.notebooks, ["07-user-models"]);
  for (const e of s.experiments) for (const p of ["smoke", "quick", "paper"] as const) assert.ok(resolveExperiment(e, { profile: p }).statement.length > 40);
  const m = resolveExperiment(U.userModelsMetaheac, { profile: "quick" });
  assert.deepEqual(m.arms.map((a) => a.key), ["meta/metaheac", "meta/metaheac-no-expert-gate", "meta/metaheac-no-critic-gate", "meta/maml", "pooled/shared-bottom", "pooled/mmoe", "scratch/shared-bottom"]);
  // the training mode lives in the condition, so it is in every run's resolved configuration and key
  assert.equal((m.arms[0].runConfig.condition as { value: { episodes: { mode: string } } }).value.episodes.mode, "meta");
  assert.notEqual(m.arms.find((a) => a.key === "pooled/shared-bottom")!.configHash, m.arms.find((a) => a.key === "scratch/shared-bottom")!.configHash);
  const d = resolveExperiment(U.userModelsDupn, { profile: "quick" });
  assert.deepEqual(d.arms.map((a) => a.key), ["all/dupn", "all/shared-bottom", "all/mmoe", "click-only/dupn", "rank-only/dupn", "price-only/dupn", "transfer-scratch/dupn"]);
});

// ---------------------------------------------------------------------------------------------
// hand-made runs

function fakeRun(condition: string, model: string, seed: number, test: Record<string, Record<string, number>>): RunRecord {
  return {
    model, arm: `${condition}/${model}`, seed, condition, status: "ok",
    config: { model: { kind: model }, train: {}, rows: {}, condition: { episodes: { adaptSteps: 10, adaptLearningRate: 0.3 } } },
    metrics: { validation: {}, test },
    curves: { steps: [], train: {}, validation: {} }, gates: [], parameters: { perReplica: 1000, groups: {} }, learningRate: 0.001, learningRateTrials: [],
  } as unknown as RunRecord;
}

const noise = (seed: number, k: number) => new Rng(seed * 131 + k).normal() * 0.002;
const shots = (base: number, seed: number) => Object.fromEntries(U.SHOTS.map((k, i) => [`${k}-shot`, { auc: base + 0.01 * i + noise(seed, i) }]));

function metaheacRuns(gain: number): RunRecord[] {
  const arms: [string, string, number][] = [["meta", "metaheac", gain], ["meta", "metaheac-no-expert-gate", 0], ["meta", "metaheac-no-critic-gate", 0], ["meta", "maml", 0], ["pooled", "shared-bottom", 0], ["pooled", "mmoe", 0], ["scratch", "shared-bottom", -0.05]];
  return arms.flatMap(([c, m, g]) => Array.from({ length: 8 }, (_, i) => fakeRun(c, m, i + 1, shots(0.7 + g, i * 7 + m.length))));
}

test("analysis: MetaHeac better than every baseline and ablation at every k is supported; worse is contradicted; pretraining check supported", () => {
  const up = U.judgeUserModelFamilies({ metaheac: metaheacRuns(0.03) });
  assert.deepEqual(up.metaheac.map((j) => [j.id, j.verdict]), [["metaheac.few-shot", "supported"], ["metaheac.expert-gate", "supported"], ["metaheac.critic-gate", "supported"]]);
  assert.deepEqual(up["metaheac-checks"].map((j) => [j.id, j.verdict]), [["check.pretraining-helps", "supported"]]);
  // the few-shot claim has a case per baseline and k > 0 (k = 0 is no adaptation, not a few-shot case)
  assert.equal(up.metaheac[0].parts!.length, 3 * (U.SHOTS.length - 1));
  const down = U.judgeUserModelFamilies({ metaheac: metaheacRuns(-0.03) });
  assert.deepEqual(down.metaheac.map((j) => j.verdict), ["contradicted", "contradicted", "contradicted"]);
  const a = U.analyseFewShot(metaheacRuns(0.03));
  assert.deepEqual(a.shots, U.SHOTS);
  assert.equal(a.arms.length, 7);
  const table = U.fewShotTable(a, "profile");
  assert.equal(table.rows.length, 7);
  assert.match(table.notes!.join(" "), /the same 10 full-batch SGD steps at rate 0\.3 on its k users/);
  assert.equal((U.fewShotFigure(a).data as unknown[]).length, 7);
});

function dupnRuns(opts: { multi: number; transfer: number; excess: number }): RunRecord[] {
  const out: RunRecord[] = [];
  for (let s = 1; s <= 8; s++) {
    const n = (k: number) => noise(s, k);
    out.push(fakeRun("all", "dupn", s, {
      click: { auc: 0.7 + opts.multi + n(1) }, rank: { auc: 0.6 + opts.multi + n(2) }, price: { pearson: 0.5 + opts.multi + n(3) },
      attention: { relevantMass: 0.3 + opts.excess + n(4), uniformMass: 0.3, excess: opts.excess },
      "transfer-frozen": { auc: 0.65 + opts.transfer + n(5) },
    }));
    out.push(fakeRun("click-only", "dupn", s, { click: { auc: 0.7 + n(6) } }));
    out.push(fakeRun("rank-only", "dupn", s, { rank: { auc: 0.6 + n(7) } }));
    out.push(fakeRun("price-only", "dupn", s, { price: { pearson: 0.5 + n(8) } }));
    out.push(fakeRun("transfer-scratch", "dupn", s, { transfer: { auc: 0.65 + n(9) } }));
  }
  return out;
}

test("analysis: DUPN's multi-task gain, transfer within the margin and attention above the relevant share are supported; the opposites are not", () => {
  const good = U.judgeUserModelFamily("dupn", { dupn: dupnRuns({ multi: 0.02, transfer: 0, excess: 0.2 }) });
  assert.deepEqual(good.map((j) => [j.id, j.verdict]), [["dupn.multi-task", "supported"], ["dupn.transfer", "supported"], ["dupn.attention", "supported"]]);
  const bad = U.judgeUserModelFamily("dupn", { dupn: dupnRuns({ multi: -0.02, transfer: -0.1, excess: -0.1 }) });
  assert.deepEqual(bad.map((j) => [j.id, j.verdict]), [["dupn.multi-task", "contradicted"], ["dupn.transfer", "contradicted"], ["dupn.attention", "contradicted"]]);
  const table = U.userModelClaimsTable(good, "dupn");
  assert.ok(table.columns.includes("the paper's words"));
  assert.match(table.notes!.join(" "), /dupn\.transfer: equivalence margin ±0\.02 AUC/);
});

test("registration: every claim built is in its family, with a rule and a reason", () => {
  const reg = U.USER_MODEL_REGISTRATION;
  for (const f of Object.values(reg.families)) for (const id of f.claims) assert.ok(id in reg.claims, id);
  for (const c of Object.values(reg.claims)) assert.ok(c.reason.length > 20);
  assert.deepEqual(Object.values(U.USER_MODEL_CLAIMS).map((c) => c.id).sort(), Object.keys(reg.claims).sort());
});

// ---------------------------------------------------------------------------------------------
// DUPN's own evaluations

test("attention mass: a model's attention on the relevant behaviours is what the helper reports, and the uniform share is counted over real behaviours only", async () => {
  await initBackend("cpu");
  const s = U.sessionsWorld();
  const ds = U.sessionSource({ conditionName: "all", condition: { tasks: ["click"], transferHead: false }, profile: "smoke", rows: { train: 50, validation: 50, test: 40 } });
  assert.equal(ds.layout, "shared");
  const data = (ds as unknown as { data: studies.userModels.SessionsDataSet }).data;
  const model = createModel({ kind: "dupn" }, data.tasks, data.input, [1, 2]) as DUPN;
  try {
    const L = data.sessions.length;
    const m = U.attentionMass(model, data.test, data.sessions.relevant.test, L, 40);
    // by hand: the relevant positions' weights summed per user, averaged; the share over non-padded positions
    const b = { numeric: (await import("@tensorflow/tfjs")).tensor2d(data.test.numeric.subarray(0, 40), [40, 1]), categorical: (await import("@tensorflow/tfjs")).tensor2d(data.test.categorical!.subarray(0, 40 * data.input.categorical.length), [40, data.input.categorical.length], "int32") };
    const a = model.attention(b).arraySync() as number[][][];
    const from = U.SESSION_ROWS.train + U.SESSION_ROWS.validation;
    for (let r = 0; r < 2; r++) {
      let mass = 0;
      for (let i = 0; i < 40; i++) for (let l = 0; l < L; l++) mass += a[r][i][l] * s.truth.relevant[(from + i) * L + l];
      assert.ok(Math.abs(mass / 40 - m.relevantMass[r]) < 1e-5, `replica ${r}`);
    }
    let share = 0;
    for (let i = 0; i < 40; i++) {
      let rel = 0;
      for (let l = 0; l < L; l++) rel += s.truth.relevant[(from + i) * L + l];
      share += rel / s.truth.lengths[from + i];
    }
    assert.ok(Math.abs(share / 40 - m.uniformMass[0]) < 1e-9);
  } finally {
    model.dispose();
  }
});

// ---------------------------------------------------------------------------------------------
// smoke profile end to end

describe("smoke profile end to end (CLI, --out in a temp dir)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-user-models-"));
  const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
  const dir = (id: string) => path.join(out, id, "smoke");
  const readRuns = (id: string): RunRecord[] => fs.readFileSync(path.join(dir(id), "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);

  before(() => {
    const r = spawnSync(process.execPath, [CLI, "user-models", "--profile", "smoke", "--backend", "wasm", "--out", out], { encoding: "utf8", env: { ...process.env, MTL_WORKERS: "1" } });
    assert.equal(r.status, 0, r.stderr);
  });

  test("user-models-metaheac: 14 runs, each scored at every support size, the claims and the few-shot figure", () => {
    const runs = readRuns("user-models-metaheac");
    assert.equal(runs.length, 14);
    for (const r of runs) assert.deepEqual(Object.keys(r.metrics!.test), U.SHOTS.map((k) => `${k}-shot`), r.arm);
    assert.ok(runs.every((r) => r.status === "ok" && (r.config.condition as { episodes: { mode: string } }).episodes.mode === r.condition));
    for (const t of ["claims", "checks", "few-shot-auc"]) assert.ok(fs.existsSync(path.join(dir("user-models-metaheac"), "tables", `${t}.md`)), t);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("user-models-metaheac"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    assert.ok(manifest.extra.files.some((f) => f.startsWith("figures/few-shot.")));
  });

  test("user-models-dupn: 14 runs; DUPN runs carry their attention mass, the all-task ones the frozen head's transfer AUC", () => {
    const runs = readRuns("user-models-dupn");
    assert.equal(runs.length, 14);
    for (const r of runs.filter((x) => x.model === "dupn")) assert.ok(Number.isFinite(r.metrics!.test.attention.relevantMass), r.arm);
    for (const r of runs.filter((x) => x.arm === "all/dupn")) assert.ok(r.metrics!.test["transfer-frozen"].auc > 0);
    assert.ok(runs.filter((x) => x.model !== "dupn").every((r) => r.metrics!.test.attention === undefined));
  });

  test("a rerun finds every run (the run keys hold) and the notebook loader trains nothing", async () => {
    const r = spawnSync(process.execPath, [CLI, "user-models", "--profile", "smoke", "--backend", "wasm", "--out", out], { encoding: "utf8", env: { ...process.env, MTL_WORKERS: "1" } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /user-models-metaheac\/smoke: 14 of 14 runs present .*nothing trained/);
    assert.match(r.stdout + r.stderr, /user-models-dupn\/smoke: 14 of 14 runs present .*nothing trained/);
    const l = await U.loadUserModels({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.deepEqual([l.metaheac.computed, l.dupn.computed], [0, 0]);
    assert.deepEqual(l.judged.map((j) => j.id), ["dupn.multi-task", "dupn.transfer", "dupn.attention", "metaheac.few-shot", "metaheac.expert-gate", "metaheac.critic-gate", "check.pretraining-helps"]);
  });
});
