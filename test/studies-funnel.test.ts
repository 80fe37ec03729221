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
  // runs without the truth metrics build no selection-bias claim (and no generator check without data info)
  const judged = F.judgeFunnelFamily("esmm", { esmm: runs });
  assert.deepEqual(judged.map((j) => [j.id, j.verdict]), [["esmm.entire-space", "supported"], ["esmm.bias-gap", "supported"]]);
  assert.deepEqual(F.judgeFunnelFamily("esmm-checks", { esmm: runs }), []);
  const flat = runs.map((r) => (r.model === "esmm" ? fakeRun("esmm", r.seed, { cvr: { auc: 0.7 + jitter(r.seed, 3) }, ctr: { auc: 0.7 }, ctcvr: { auc: 0.7 } }, r.condition, (r.config.condition as { bias: number }).bias) : r));
  assert.deepEqual(F.judgeFunnelFamily("esmm", { esmm: flat }).map((j) => j.verdict), ["inconclusive", "inconclusive"]);
  const fig = F.aucVsBiasFigure(a);
  assert.equal(fig.data.length, 2);
  assert.deepEqual((fig.data[0] as { x: number[] }).x, [0, 0.3, 0.6, 0.9]);
});

/** ESMM and BASE runs over the four β with a CVR AUC gap and pCVR biases per β (and the generator's data info). */
function esmmRuns(gap: (bias: number) => number, biasEsmm: (bias: number) => number, biasBase: (bias: number) => number, seeds = 10): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const bias of [0, 0.3, 0.6, 0.9]) {
    for (let seed = 1; seed <= seeds; seed++) {
      const base = 0.77 + jitter(seed, 1);
      const cvr = (auc: number, b: number) => ({ auc, biasVsTruth: b + noise("b", seed, Math.round(bias * 10)), maeVsTruth: Math.abs(b) + 0.02, eceVsTruth: Math.abs(b) + 0.01 });
      const data = { passRate: [0.15, 0.1], cvrOverImpressions: 0.1 - 0.05 * bias + jitter(seed, 4) * 0.1 };
      for (const [model, auc, b] of [["base", base, biasBase(bias)], ["esmm", base + gap(bias) + jitter(seed, 2) * 0.3, biasEsmm(bias)]] as const) {
        const r = fakeRun(model, seed, { cvr: cvr(auc, b), ctr: { auc: 0.8 }, ctcvr: { auc: 0.85 } }, F.biasCondition(bias), bias);
        (r as unknown as { data: unknown }).data = data;
        runs.push(r);
      }
    }
  }
  return runs;
}

test("analysis: ESMM's selection-bias sentence is judged on |pCVR bias| against the truth, and the generator check is its own family", () => {
  // BASE over-predicts more the larger β (selection), ESMM stays unbiased: supported
  const good = esmmRuns(() => 0.01, () => 0, (b) => 0.01 + 0.03 * b);
  const v = Object.fromEntries(F.judgeFunnelFamily("esmm", { esmm: good }).map((j) => [j.id, j.verdict]));
  assert.equal(v["esmm.selection-bias"], "supported");
  // ESMM the more biased one: contradicted
  const bad = esmmRuns(() => 0.01, (b) => -0.02 - 0.02 * b, () => 0);
  assert.equal(F.judgeFunnelFamily("esmm", { esmm: bad }).find((j) => j.id === "esmm.selection-bias")!.verdict, "contradicted");
  // the generator check reads the data info: CVR among clicked (0.10) above the rate over all impressions at β > 0
  const [check] = F.judgeFunnelFamily("esmm-checks", { esmm: good });
  assert.equal(check.id, "check.generator-selects");
  assert.equal(check.verdict, "supported");
  assert.equal(check.familySize, 1, "checks are not counted with the paper's sentences");
  const table = F.esmmCalibrationTable(F.analyseEsmm(good), "profile");
  assert.ok(table.columns.includes("pCVR bias: mean predicted − true [95 % CI]") && table.columns.includes("ECE vs truth (10 equal-count bins)"));
  assert.equal(table.rows.length, 8);
});

test("analysis: a deficit of ESMM at low β is said plainly beside a supported 'gap grows' verdict", () => {
  // ESMM clearly below BASE at β = 0 and 0.3, level at 0.6 and 0.9: the gap grows, and it is a shrinking deficit
  const runs = esmmRuns((b) => (b < 0.5 ? -0.01 : 0), () => 0, () => 0);
  const judged = F.judgeFunnelFamily("esmm", { esmm: runs });
  const grows = judged.find((j) => j.id === "esmm.bias-gap")!;
  assert.equal(grows.verdict, "supported");
  const sentence = F.esmmAucSentence(F.analyseEsmm(runs));
  assert.match(sentence, /^ESMM's CVR AUC over all impressions is significantly below BASE's at β = 0, 0\.3 and significantly above it at no β \(two-sided paired t per β over 10 seeds, Holm over the 4 levels, α = 0\.05;/);
  assert.match(sentence, /Unadjusted, the 95 % CI of the difference lies below zero at β = 0, 0\.3 and above zero at no β\.$/);
  assert.ok(grows.finding.includes("A slope is not a gain. " + sentence), grows.finding);
  assert.equal(judged.find((j) => j.id === "esmm.entire-space")!.verdict, "contradicted");
  // one level whose unadjusted CI excludes 0 but that does not survive Holm over the 4 levels: both said, neither overstated
  const d = [0.02, -0.01, 0.03, 0, 0.025, -0.005, 0.02, 0.01, 0, 0.02];
  const z = [0.001, -0.001, 0.002, -0.002, 0.0005, -0.0005, 0.001, -0.001, 0, 0];
  const levels = F.decideLevels([{ bias: 0, diffs: d }, { bias: 0.3, diffs: z }, { bias: 0.6, diffs: z.map((x) => -x) }, { bias: 0.9, diffs: z.map((x) => 2 * x) }]);
  assert.ok(levels[0].ci95[0] > 0 && levels[0].pHolm > 0.05 && levels[0].direction === "neither", JSON.stringify(levels[0]));
  const said = F.levelSentence("X", "Y's", levels);
  assert.match(said, /^X differs significantly from Y's at no β/);
  assert.match(said, /Unadjusted, the 95 % CI of the difference lies below zero at no β and above zero at β = 0\.$/);
  // no difference anywhere: said so
  assert.match(F.esmmAucSentence(F.analyseEsmm(esmmRuns(() => 0, () => 0, () => 0))), /^ESMM's CVR AUC over all impressions differs significantly from BASE's at no β/);
});

test("registration: every family and claim is declared with a reason, as plain data; each built claim is in its family; the table carries the paper's words", () => {
  const reg = F.FUNNEL_REGISTRATION;
  assert.deepEqual(JSON.parse(JSON.stringify(reg)), reg, "plain data (hashable)");
  const declared = Object.values(F.FUNNEL_CLAIMS);
  const inFamilies = Object.values(reg.families).flatMap((f) => [...f.claims]);
  assert.deepEqual([...inFamilies].sort(), declared.map((c) => c.id).sort(), "every claim in exactly one family");
  assert.deepEqual([...inFamilies].sort(), Object.keys(reg.claims).sort());
  for (const [id, c] of Object.entries(reg.claims)) assert.ok(c.reason.length > 20 && c.minimumEffect > 0, id);
  for (const f of Object.values(reg.families)) assert.ok(f.reason.length > 20);
  for (const c of declared) {
    const family = Object.values(reg.families).find((f) => (f.claims as readonly string[]).includes(c.id))!;
    if (family.kind === "paper") assert.ok(c.quote.length > 30 && /Abstract/.test(c.source), `${c.id} quotes its paper`);
    else assert.equal(c.quote, "", `${c.id} is ours: no quote`);
  }
  // the registered direction decides: flipping it flips the verdict of the same evidence
  const runs = esmmRuns(() => 0.01, () => 0, (b) => 0.01 + 0.03 * b);
  const expect = reg.claims["esmm.entire-space"] as { expect: string };
  const before = F.judgeFunnelFamily("esmm", { esmm: runs }).find((j) => j.id === "esmm.entire-space")!.verdict;
  const was = expect.expect;
  expect.expect = "negative";
  try {
    assert.deepEqual([before, F.judgeFunnelFamily("esmm", { esmm: runs }).find((j) => j.id === "esmm.entire-space")!.verdict], ["supported", "contradicted"]);
  } finally {
    expect.expect = was;
  }
  const table = F.funnelClaimsTable(F.judgeFunnelFamily("esmm", { esmm: runs }), "esmm");
  const quoteAt = table.columns.findIndex((c) => /quote|words/i.test(c));
  assert.ok(quoteAt >= 0, table.columns.join(", "));
  assert.ok(String(table.rows[0][quoteAt]).includes(F.FUNNEL_CLAIMS.esmmBeatsBase.quote));
  assert.ok(table.notes!.some((n) => n.includes("esmm.entire-space: 0.002 CVR AUC")));
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
  assert.deepEqual(v, { "aitm.transfer": "supported", "aitm.calibrator": "inconclusive", "aitm.vs-esmm": "supported", "check.calibrator-monotone": "supported" });
  assert.deepEqual(F.judgeFunnelFamily("aitm-checks", { aitm: runs }).map((j) => [j.id, j.familySize]), [["check.calibrator-monotone", 1]]);
  const fig = F.violationsFigure(F.analyseAitm(runs));
  assert.equal(fig.data.length, 5);
});

test("violation shares: the interval over runs stays within [0, 1] where a Student-t interval would cross 0", () => {
  const shares = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.36];
  const s = F.shareSummary(shares);
  assert.ok(Math.abs(s.mean! - 0.036) < 1e-12);
  assert.ok(s.ci95![0] >= 0 && s.ci95![1] <= 1 && s.ci95![0] <= s.mean! && s.mean! <= s.ci95![1], JSON.stringify(s));
  assert.deepEqual(F.shareSummary(shares), s, "seeded");
  assert.deepEqual(F.shareSummary([0, 0, 0]).ci95, [0, 0]);
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
  const stored = (id: string): RunRecord[] => fs.readFileSync(path.join(dir(id), "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
  /** The reported runs (a census experiment also stores one pilot run per arm). */
  const readRuns = (id: string): RunRecord[] => stored(id).filter((r) => !r.pilot);
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
    for (const t of ["ctr", "ctcvr", "cvr"]) assert.ok(runs.every((r) => ["biasVsTruth", "maeVsTruth", "eceVsTruth"].every((m) => Number.isFinite(r.metrics!.test[t][m]))), `${t} scored against the truth`);
    assert.ok(runs.every((r) => (r.config.condition as { truthMetrics: number }).truthMetrics === F.TRUTH_METRICS), "the run key carries the truth metrics' version");
    for (const t of ["claims", "checks", "cvr-auc", "cvr-calibration", "summary"]) assert.ok(fs.existsSync(path.join(dir("funnel-esmm"), "tables", `${t}.md`)), t);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("funnel-esmm"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    assert.ok(manifest.extra.files.some((f) => f.startsWith("figures/auc-vs-bias.")));
  });

  test("funnel-aitm: 10 runs; the ESMM-style product never violates the funnel by more than float rounding", () => {
    const runs = readRuns("funnel-aitm");
    assert.equal(runs.length, 10);
    for (const r of runs.filter((x) => x.model === "esmm-product")) for (const t of ["application", "approval", "activation"]) assert.ok(r.metrics!.test[t].violations <= 0.001, `${t}: ${r.metrics!.test[t].violations}`);
    for (const t of ["step-auc", "step-calibration", "claims", "checks"]) assert.ok(fs.existsSync(path.join(dir("funnel-aitm"), "tables", `${t}.md`)), t);
    assert.ok(runs.every((r) => F.AITM_TASKS.every((t) => Number.isFinite(r.metrics!.test[t.name].biasVsTruth))), "every step scored against its true probability");
  });

  test("funnel-dcn: 8 census runs with the stated parameter counts", { skip: noCensus ?? false }, () => {
    const runs = readRuns("funnel-dcn");
    assert.equal(runs.length, 8);
    assert.equal(stored("funnel-dcn").filter((r) => r.pilot).length, 4, "one pilot run per model chose its learning rate");
    const p = (m: string) => runs.find((r) => r.model === m)!.parameters.perReplica;
    assert.ok(Math.abs(p("dcn-mmoe") - p("mmoe")) / p("mmoe") <= 0.03);
    assert.ok(p("dcn-shared-bottom") - p("shared-bottom") < 0 && p("dcn-shared-bottom") - p("shared-bottom") > -100);
  });

  test("the notebook loader loads without training and judges the registered families, with the verdicts of the experiments' tables", { skip: noCensus ?? false }, async () => {
    const r = await F.loadFunnel({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.deepEqual([r.esmm.computed, r.aitm.computed, r.dcn?.computed], [0, 0, 0]);
    assert.deepEqual(r.judged.map((j) => j.id), ["esmm.entire-space", "esmm.selection-bias", "esmm.bias-gap", "aitm.transfer", "aitm.calibrator", "aitm.vs-esmm", "dcn.cross", "check.generator-selects", "check.calibrator-monotone"]);
    // one verdict per claim: the notebook's families are the experiments' tables' families
    const table = fs.readFileSync(path.join(dir("funnel-esmm"), "tables", "claims.md"), "utf8");
    for (const j of r.families.esmm) assert.ok(table.includes(`| ${j.verdict} |`) && table.includes(F.quoteOf(j)), j.id);
  });
});
