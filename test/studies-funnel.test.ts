/**
 * The funnel study (notebook 06): the declarations (ESMM / AITM layouts, equal parameter counts of
 * the cross-network models), the analysis on hand-made runs with known verdicts, the figures, and
 * the smoke profile end to end through the CLI (funnel-dcn skips, saying why, without the
 * Census-Income files).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { Rng, createModel, getStudy, initBackend, locateCensusFiles, resolveExperiment, studies, type ModelConfig, type RunRecord } from "mtl-lab";

const F = studies.funnel;

// ---------------------------------------------------------------------------------------------
// declarations

test("the study: three experiments, every profile stated; ESMM models fit the ESMM layout, AITM models the four steps", async () => {
  await initBackend();
  const s = getStudy("funnel");
  assert.deepEqual(s.experiments.map((e) => e.id), ["funnel-esmm", "funnel-aitm", "funnel-dcn"]);
  assert.deepEqual(s.notebooks, ["06-funnel"]);
  for (const e of s.experiments) for (const p of ["smoke", "quick", "paper"] as const) assert.ok(resolveExperiment(e, { profile: p }).statement.length > 40);
  assert.equal(resolveExperiment(F.funnelEsmm, { profile: "quick" }).arms.length, F.BIASES.length * 2);
  for (const cfg of Object.values(F.ESMM_MODELS)) createModel(cfg, F.ESMM_TASKS, F.FUNNEL_INPUT, [1]).dispose();
  for (const cfg of Object.values(F.AITM_MODELS)) createModel(cfg, F.AITM_TASKS, F.FUNNEL_INPUT, [1]).dispose();
  // the ESMM layout: the third task is the CVR truth, never trained by ESMM (its loss mask is 0)
  const d = F.esmmDataSet(3, 0.6, { train: 500, validation: 100, test: 500 });
  assert.deepEqual(d.tasks.map((t) => t.name), ["ctr", "ctcvr", "cvr"]);
  for (let i = 0; i < d.train.rows; i++) {
    const [c, cc, v] = [0, 1, 2].map((k) => d.train.labels[i * 3 + k]);
    assert.equal(cc, c * v, "ctcvr = click ∧ conversion truth");
  }
  const a = F.aitmDataSet(3, 0.6, { train: 500, validation: 100, test: 500 });
  for (let i = 0; i < a.test.rows; i++) for (let t = 1; t < 4; t++) assert.ok(a.test.labels[i * 4 + t] <= a.test.labels[i * 4 + t - 1], "cumulative steps");
});

test("cross-network models match their plain models' parameter counts within 3 % on the census input", async () => {
  await initBackend();
  // Census-Income group 1 input: 7 numeric + 510 one-hot columns = 517 (models-reference.test.ts)
  const input = { numeric: 7, categorical: [10, 53, 48, 4, 25, 16, 6, 11, 3, 4, 7, 9, 7, 7, 52, 39, 9, 11, 10, 11, 4, 5, 6, 44, 44, 44, 6, 4, 4, 4, 3] };
  const tasks = [{ name: "income", kind: "binary" as const }, { name: "marital", kind: "binary" as const }];
  const count = (cfg: ModelConfig) => {
    const m = createModel(cfg, tasks, input, [1]);
    const n = m.parameterCount().perReplica;
    m.dispose();
    return n;
  };
  for (const [cross, plain] of F.DCN_PAIRS) {
    const a = count(F.DCN_MODELS[cross as keyof typeof F.DCN_MODELS]), b = count(F.DCN_MODELS[plain as keyof typeof F.DCN_MODELS]);
    assert.ok(Math.abs(a - b) / b <= 0.03, `${cross} ${a} vs ${plain} ${b}`);
  }
});

// ---------------------------------------------------------------------------------------------
// hand-made runs

function fakeRun(model: string, seed: number, test: Record<string, Record<string, number>>, condition = "default", bias?: number): RunRecord {
  return {
    model, arm: model, seed, condition, status: "ok",
    config: { model: { kind: model }, train: {}, rows: {}, condition: bias === undefined ? undefined : { bias } },
    metrics: { validation: {}, test },
    curves: { steps: [], train: {}, validation: {} }, gates: [], parameters: { perReplica: 1000, groups: {} }, learningRate: 0.001, learningRateTrials: [],
  } as unknown as RunRecord;
}

/** Independent N(0, 0.001²) noise per model, seed and task (seeded). */
const noise = (model: string, seed: number, k: number) => new Rng(1 + seed * 1009 + k * 31 + [...model].reduce((h, c) => h * 33 + c.charCodeAt(0), 5) % 100_000).normal() * 0.001;
const jitter = (seed: number, k: number) => (((seed * 7919 + k * 104729) % 1000) / 1000 - 0.5) * 0.004;

test("analysis: an ESMM gap that grows with bias is supported twice; a flat zero gap is inconclusive", () => {
  const runs: RunRecord[] = [];
  for (const bias of [0, 0.3, 0.6, 0.9]) {
    for (let seed = 1; seed <= 8; seed++) {
      const base = 0.7 + jitter(seed, 1);
      runs.push(fakeRun("base", seed, { cvr: { auc: base }, ctr: { auc: 0.7 }, ctcvr: { auc: 0.7 } }, F.biasCondition(bias), bias));
      runs.push(fakeRun("esmm", seed, { cvr: { auc: base + 0.01 + 0.05 * bias + jitter(seed, 2) }, ctr: { auc: 0.7 }, ctcvr: { auc: 0.7 } }, F.biasCondition(bias), bias));
    }
  }
  const a = F.analyseEsmm(runs);
  assert.deepEqual(a.levels.map((l) => l.bias), [0, 0.3, 0.6, 0.9]);
  assert.ok(Math.abs(a.levels[3].gapSummary.mean! - 0.055) < 0.003);
  assert.equal(a.slopes.length, 8);
  const judged = F.judgeFunnel({ esmm: runs });
  assert.deepEqual(judged.map((j) => [j.id, j.verdict]), [["esmm.entire-space", "supported"], ["esmm.bias-gap", "supported"]]);
  const flat = runs.map((r) => (r.model === "esmm" ? fakeRun("esmm", r.seed, { cvr: { auc: 0.7 + jitter(r.seed, 3) }, ctr: { auc: 0.7 }, ctcvr: { auc: 0.7 } }, r.condition, (r.config.condition as { bias: number }).bias) : r));
  assert.deepEqual(F.judgeFunnel({ esmm: flat }).map((j) => j.verdict), ["inconclusive", "inconclusive"]);
  const fig = F.aucVsBiasFigure(a);
  assert.equal(fig.data.length, 2);
  assert.deepEqual((fig.data[0] as { x: number[] }).x, [0, 0.3, 0.6, 0.9]);
});

test("analysis: AITM transfer helps, the calibrator cuts violations without changing AUC, the product is worse: verdicts as built", () => {
  const runs: RunRecord[] = [];
  const steps = F.AITM_TASKS.map((t) => t.name);
  const make = (model: string, aucShift: number, violations: number) => {
    for (let seed = 1; seed <= 10; seed++) {
      const test: Record<string, Record<string, number>> = {};
      steps.forEach((t, k) => (test[t] = { auc: 0.7 + (k > 0 ? aucShift : 0) + jitter(seed, k) + noise(model, seed, k), ...(k > 0 ? { violations: violations + Math.abs(jitter(seed, k)) } : {}) }));
      runs.push(fakeRun(model, seed, test));
    }
  };
  make("aitm", 0.03, 0.001);
  make("aitm-no-calibrator", 0.03, 0.05);
  make("towers-calibrated", 0, 0.002);
  make("towers", 0, 0.06);
  make("esmm-product", -0.02, 0);
  const judged = F.judgeFunnel({ aitm: runs });
  const v = Object.fromEntries(judged.map((j) => [j.id, j.verdict]));
  assert.deepEqual(v, { "aitm.transfer": "supported", "aitm.calibrator": "inconclusive", "aitm.vs-esmm": "supported", "aitm.monotone": "supported" });
  const fig = F.violationsFigure(F.analyseAitm(runs));
  assert.equal(fig.data.length, 5);
});

test("analysis: the cross network's claim has a case per model pair and task; a worse cross model is contradicted", () => {
  const runs: RunRecord[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    for (const [m, shift] of [["shared-bottom", 0], ["dcn-shared-bottom", -0.01], ["mmoe", 0], ["dcn-mmoe", -0.01]] as const) {
      runs.push(fakeRun(m, seed, { income: { auc: 0.94 + shift + jitter(seed, 1) * 0.1 }, marital: { auc: 0.98 + shift + jitter(seed, 2) * 0.1 } }));
    }
  }
  const [j] = F.judgeFunnel({ dcn: runs });
  assert.equal(j.id, "dcn.cross");
  assert.equal(j.parts.length, 4);
  assert.equal(j.verdict, "contradicted");
});

// ---------------------------------------------------------------------------------------------
// smoke profile end to end

function censusAvailable(): string | null {
  try {
    locateCensusFiles();
    return null;
  } catch (e) {
    return `Census-Income files not found (set CENSUS_INCOME_DIR): ${(e as Error).message.split("\n")[0]}`;
  }
}

describe("smoke profile end to end (CLI, --out in a temp dir)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-funnel-"));
  const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
  const dir = (id: string) => path.join(out, id, "smoke");
  const readRuns = (id: string): RunRecord[] => fs.readFileSync(path.join(dir(id), "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
  const noCensus = censusAvailable();

  before(() => {
    const targets = noCensus ? ["funnel-esmm", "funnel-aitm"] : ["funnel"];
    const r = spawnSync(process.execPath, [CLI, ...targets, "--profile", "smoke", "--backend", "wasm", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  test("funnel-esmm: 16 runs, CVR scored over every test impression, the claims table and the AUC-vs-bias figure", () => {
    const runs = readRuns("funnel-esmm");
    assert.equal(runs.length, 16);
    assert.ok(runs.every((r) => r.status === "ok" && typeof r.metrics!.test.cvr.auc === "number"));
    assert.ok(runs.every((r) => r.metrics!.test.ctcvr.violations !== undefined), "the cumulative steps report monotonicity violations");
    for (const t of ["claims", "cvr-auc", "summary"]) assert.ok(fs.existsSync(path.join(dir("funnel-esmm"), "tables", `${t}.md`)), t);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("funnel-esmm"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    assert.ok(manifest.extra.files.some((f) => f.startsWith("figures/auc-vs-bias.")));
  });

  test("funnel-aitm: 10 runs; the ESMM-style product never violates the funnel by more than float rounding", () => {
    const runs = readRuns("funnel-aitm");
    assert.equal(runs.length, 10);
    for (const r of runs.filter((x) => x.model === "esmm-product")) for (const t of ["application", "approval", "activation"]) assert.ok(r.metrics!.test[t].violations <= 0.001, `${t}: ${r.metrics!.test[t].violations}`);
    assert.ok(fs.existsSync(path.join(dir("funnel-aitm"), "tables", "step-auc.md")));
  });

  test("funnel-dcn: 8 census runs with the stated parameter counts", { skip: noCensus ?? false }, () => {
    const runs = readRuns("funnel-dcn");
    assert.equal(runs.length, 8);
    const p = (m: string) => runs.find((r) => r.model === m)!.parameters.perReplica;
    assert.ok(Math.abs(p("dcn-mmoe") - p("mmoe")) / p("mmoe") <= 0.03);
    assert.ok(p("dcn-shared-bottom") - p("shared-bottom") < 0 && p("dcn-shared-bottom") - p("shared-bottom") > -100);
  });

  test("the notebook loader loads without training and judges one family", { skip: noCensus ?? false }, async () => {
    const r = await F.loadFunnel({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.deepEqual([r.esmm.computed, r.aitm.computed, r.dcn?.computed], [0, 0, 0]);
    assert.deepEqual(r.judged.map((j) => j.id), ["esmm.entire-space", "esmm.bias-gap", "aitm.transfer", "aitm.calibrator", "aitm.vs-esmm", "aitm.monotone", "dcn.cross"]);
  });
});
