/**
 * The MMoE synthetic experiments (synthetic-correlation, trainability): definitions, the smoke
 * profile end to end through the CLI, the figure builders and the claim checks on hand-made
 * results whose verdicts are known.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { assertFigure, getExperiment, resolveExperiment, studies, type ExperimentSummary, type RunRecord } from "mtl-lab";

const {
  correlationClaims,
  correlationCurvesFigure,
  equalWidthHistogram,
  finalLoss,
  finalLossesOf,
  finalLossHistogramFigure,
  labelPearsonClaims,
  labelPearsonFigure,
  loadSyntheticCorrelation,
  loadTrainability,
  meanLossCurve,
  MMOE_SYNTHETIC_CLAIMS,
  quantile,
  sharedBottomClaims,
  sharedBottomCurvesFigure,
  spreadOf,
  trainabilityClaims,
} = studies.mmoeSynthetic;
type FinalLosses = studies.mmoeSynthetic.FinalLosses;
type LabelPearsonStudy = studies.mmoeSynthetic.LabelPearsonStudy;

// ---------------------------------------------------------------------------------------------
// hand-made inputs

/** A run record with only the fields the analyses read. */
function fakeRun(model: string, p: number, seed: number, loss: [number, number], curve: number[] = [], status: "ok" | "diverged" = "ok"): RunRecord {
  const steps = curve.map((_, i) => (i + 1) * 10);
  return {
    model,
    arm: `p=${p}/${model}`,
    seed,
    status,
    config: { condition: { p }, model: { kind: "shared-bottom", bottomUnits: [113], towerUnits: [8] }, train: {}, rows: {} },
    metrics: status === "ok" ? { validation: {}, test: { y1: { mse: loss[0] }, y2: { mse: loss[1] } } } : null,
    curves: { steps, train: {}, validation: { y1: curve.map((c) => c / 2), y2: curve.map((c) => c / 2) } },
    learningRate: status === "ok" ? 0.01 : null,
    learningRateTrials: [],
    parameters: { perReplica: 1, groups: {} },
  } as unknown as RunRecord;
}

/** FinalLosses from model → p → per-seed losses. */
function losses(spec: Record<string, Record<string, number[]>>): FinalLosses {
  return new Map(Object.entries(spec).map(([m, byP]) => [m, new Map(Object.entries(byP).map(([p, xs]) => [Number(p), new Map(xs.map((x, i) => [i + 1, x]))]))]));
}

const PS = [0.5, 0.9, 1.0];

/** The paper's picture: SB worst and most sensitive to p, OMoE degrading at low p, MMoE flat. */
const PAPER_LIKE = losses({
  "shared-bottom": { "1": [0.3, 0.35, 0.32, 0.31], "0.9": [0.4, 0.45, 0.42, 0.41], "0.5": [0.7, 0.75, 0.72, 0.71] },
  omoe: { "1": [0.2, 0.21, 0.22, 0.2], "0.9": [0.25, 0.27, 0.26, 0.25], "0.5": [0.45, 0.46, 0.44, 0.47] },
  mmoe: { "1": [0.2, 0.21, 0.21, 0.2], "0.9": [0.21, 0.22, 0.22, 0.21], "0.5": [0.23, 0.24, 0.23, 0.24] },
});

// ---------------------------------------------------------------------------------------------
// definitions

describe("experiment definitions", () => {
  test("synthetic-correlation: 4 models × 3 correlations, profiles as stated", () => {
    const exp = getExperiment("synthetic-correlation");
    const quick = resolveExperiment(exp, { profile: "quick" });
    assert.equal(quick.arms.length, 12);
    assert.deepEqual([...new Set(quick.arms.map((a) => (a.condition as { p: number }).p))].sort(), [0.5, 0.9, 1]);
    assert.deepEqual(Object.keys(exp.models), ["shared-bottom", "omoe", "mmoe", "shared-bottom-16"]);
    assert.match(quick.statement, new RegExp(`^${quick.runs} runs per model and p`));
    assert.match(quick.statement, new RegExp(`${quick.train.steps.toLocaleString("en-US")} steps of batch ${quick.train.batchSize}`));
    const paper = resolveExperiment(exp, { profile: "paper" });
    assert.equal(paper.runs, 200);
    assert.deepEqual(paper.train.learningRates, [1e-4, 1e-3, 1e-2]);
    // configs differ between profiles, so profile results never mix
    assert.notEqual(quick.arms[0].configHash, paper.arms[0].configHash);
  });

  test("trainability: 3 models × 3 correlations, one learning rate in every profile", () => {
    const exp = getExperiment("trainability");
    for (const profile of ["smoke", "quick", "paper"] as const) {
      const plan = resolveExperiment(exp, { profile });
      assert.equal(plan.arms.length, 9, profile);
      assert.deepEqual(plan.train.learningRates, [1e-2], profile);
      assert.match(plan.statement, new RegExp(`^${plan.runs} runs per model and p`), profile);
    }
    assert.equal(resolveExperiment(exp, { profile: "paper" }).runs, 200);
  });
});

// ---------------------------------------------------------------------------------------------
// smoke profile end to end

describe("smoke profile end to end (CLI, --out in a temp dir)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-mmoe-synthetic-"));
  const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
  const dir = (id: string) => path.join(out, id, "smoke");
  const readRuns = (id: string): RunRecord[] => fs.readFileSync(path.join(dir(id), "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);

  before(() => {
    const r = spawnSync(process.execPath, [CLI, "synthetic-correlation", "trainability", "--profile", "smoke", "--backend", "wasm", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  test("synthetic-correlation writes runs, summary, tables, figures and the Fig. 2 study", () => {
    const summary = JSON.parse(fs.readFileSync(path.join(dir("synthetic-correlation"), "summary.json"), "utf8")) as ExperimentSummary;
    assert.equal(summary.runs, 24);
    assert.equal(summary.complete, true);
    assert.equal(summary.backend, "wasm");
    const runs = readRuns("synthetic-correlation");
    assert.equal(runs.length, 24);
    for (const r of runs) {
      assert.ok(Number.isFinite(finalLoss(r)), `${r.arm}#${r.seed} has a final loss`);
      assert.deepEqual(r.curves.steps, [20, 40, 60]);
      assert.deepEqual((r.data as { rows: unknown }).rows, { train: 1000, validation: 500, test: 500 });
    }
    for (const t of ["final-loss", "label-pearson", "claims", "knobs", "summary"]) {
      for (const ext of ["md", "csv", "tex"]) assert.ok(fs.existsSync(path.join(dir("synthetic-correlation"), "tables", `${t}.${ext}`)), `${t}.${ext}`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("synthetic-correlation"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    for (const f of ["fig2-label-pearson", "fig3-shared-bottom-curves", "fig4-model-curves"]) {
      assert.ok(manifest.extra.files.some((x) => x.startsWith(`figures/${f}.`)), `${f} listed in the manifest`);
    }
    const study = JSON.parse(fs.readFileSync(path.join(dir("synthetic-correlation"), "label-pearson.json"), "utf8")) as LabelPearsonStudy;
    assert.equal(study.linear.length, 11);
    assert.equal(study.samples, 2000);
    // the claims table carries one row per checked claim
    const claims = fs.readFileSync(path.join(dir("synthetic-correlation"), "tables", "claims.csv"), "utf8").trim().split("\r\n");
    assert.equal(claims.length, 1 + 2 + 1 + 4);
  });

  test("trainability writes the spread table, the claims and the Fig. 5 histograms", () => {
    const runs = readRuns("trainability");
    assert.equal(runs.length, 27);
    assert.ok(runs.every((r) => r.learningRate === 0.01));
    const spread = fs.readFileSync(path.join(dir("trainability"), "tables", "spread.csv"), "utf8").trim().split("\r\n");
    assert.equal(spread.length, 1 + 9);
    assert.match(spread[0], /model,p,n,mean,std,IQR,min/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("trainability"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    assert.ok(manifest.extra.files.some((x) => x.startsWith("figures/fig5-final-loss-histograms.")));
  });

  test("the notebook loaders load the complete studies without training", async () => {
    const sc = await loadSyntheticCorrelation({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.equal(sc.result.computed, 0);
    assert.deepEqual(sc.correlations, [0.5, 0.9, 1]);
    assert.equal(sc.losses.get("mmoe")?.get(0.5)?.size, 2);
    const tr = await loadTrainability({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.equal(tr.result.computed, 0);
    assert.equal(tr.losses.get("shared-bottom")?.get(1)?.size, 3);
  });
});

// ---------------------------------------------------------------------------------------------
// figures

describe("figure builders", () => {
  const study: LabelPearsonStudy = {
    profile: "smoke", d: 100, c: 1, m: 5, noiseStd: 0.1, samples: 100, dataSets: 3, seed: 1, wallTimeMs: 0,
    linear: [-1, 0, 1].map((p) => ({ p, mean: 0.99 * p, std: 0.01, min: 0, max: 0, dataSets: 3 })),
    nonlinear: [-1, 0, 1].map((p) => ({ p, mean: 0.6 * p, std: 0.1, min: 0, max: 0, dataSets: 3 })),
  };

  test("Fig. 2: y = p, linear and non-linear traces with ± 2 std error bars", () => {
    const fig = labelPearsonFigure(study);
    assertFigure(fig);
    assert.equal(fig.data.length, 3);
    assert.deepEqual(fig.data[1].y, [-0.99, 0, 0.99]);
    assert.deepEqual((fig.data[2].error_y as { array: number[] }).array, [0.2, 0.2, 0.2]);
  });

  const runs = [
    ...[1, 2].map((s) => fakeRun("shared-bottom-16", 1, s, [0.1, 0.1], [2, 1, s])),
    ...[1, 2].map((s) => fakeRun("shared-bottom-16", 0.5, s, [0.2, 0.2], [3, 2, 1])),
    ...PS.flatMap((p) => ["shared-bottom", "omoe", "mmoe"].flatMap((m) => [1, 2, 3].map((s) => fakeRun(m, p, s, [s / 10, p], [4, 2, 1])))),
  ];

  test("mean loss curve: mean over runs and a 95 % CI that contains it", () => {
    const band = meanLossCurve(runs.filter((r) => r.model === "shared-bottom-16" && r.config.condition && (r.config.condition as { p: number }).p === 1));
    assert.deepEqual(band.steps, [10, 20, 30]);
    assert.deepEqual(band.mean, [2, 1, 1.5]);
    assert.equal(band.lo[0], 2); // identical runs: zero-width band
    assert.equal(band.lo[2], 1); // the t-interval of {1, 2} reaches below 1: clipped at the smallest run
    assert.ok(band.lo[2]! < 1.5 && band.hi[2]! > 1.5);
    assert.equal(band.n, 2);
  });

  test("Fig. 3: one band (3 traces) per correlation of Shared-Bottom (16) only", () => {
    const fig = sharedBottomCurvesFigure(runs);
    assertFigure(fig);
    assert.equal(fig.data.length, 2 * 3);
    assert.match(String(fig.data[2].name), /^p = 1 \(n = 2\)/);
    assert.match(String(fig.data[5].name), /^p = 0.5 \(n = 2\)/);
  });

  test("Fig. 4: a panel per p, a band per model, legend once", () => {
    const fig = correlationCurvesFigure(runs);
    assertFigure(fig);
    assert.equal(fig.data.length, 3 * 3 * 3);
    assert.deepEqual([...new Set(fig.data.map((t) => t.xaxis))], ["x", "x2", "x3"]);
    assert.equal(fig.data.filter((t) => t.showlegend === true).length, 3);
    assert.ok(fig.layout.xaxis3);
  });

  test("Fig. 5: a histogram per (p, model) on shared bins, counts sum to the runs", () => {
    const fig = finalLossHistogramFigure(runs);
    assertFigure(fig);
    assert.equal(fig.data.length, 9);
    for (const t of fig.data) assert.equal((t.y as number[]).reduce((a, b) => a + b, 0), 3);
    assert.deepEqual(fig.data[0].x, fig.data[8].x);
    const h = equalWidthHistogram([0, 0.1, 0.5, 1], 0, 1, 4);
    assert.deepEqual(h.counts, [2, 0, 1, 1]); // the maximum falls into the last bin
  });
});

// ---------------------------------------------------------------------------------------------
// claims on hand-made results

describe("claim checks", () => {
  test("final loss is the test MSE sum; diverged runs have none", () => {
    assert.equal(finalLoss(fakeRun("mmoe", 1, 1, [0.25, 0.5])), 0.75);
    assert.equal(finalLoss(fakeRun("mmoe", 1, 1, [0.25, 0.5], [], "diverged")), null);
    const l = finalLossesOf([fakeRun("mmoe", 1, 1, [0.25, 0.5]), fakeRun("mmoe", 1, 2, [1, 1], [], "diverged")]);
    assert.equal(l.get("mmoe")?.get(1)?.size, 1);
  });

  test("quantiles and spread (R type 7)", () => {
    assert.equal(quantile([4, 1, 3, 2], 0.25), 1.75);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    const s = spreadOf([1, 2, 3, 4, 100]);
    assert.equal(s.iqr, 2);
    assert.equal(s.min, 1);
  });

  test("Fig. 4 claims hold on paper-like results", () => {
    const checks = correlationClaims(PAPER_LIKE, PS);
    assert.deepEqual(checks.map((c) => c.holds), [true, true, true, true]);
    assert.equal(checks[1].claim, MMOE_SYNTHETIC_CLAIMS.fig4MmoeStable);
    assert.match(checks[3].finding, /in 6 of 6 \(model, p\) pairs/);
    // MMoE's paired change from p = 1 to 0.5 is mean(0.23, 0.24, 0.23, 0.24) − mean(0.2, 0.21, 0.21, 0.2) = 0.03
    assert.match(checks[1].finding, /MMoE 0\.0300/);
  });

  test("Fig. 4 claims fail where the numbers say otherwise", () => {
    // MMoE now the most sensitive to p and worse than Shared-Bottom at p = 0.5
    const flipped = losses({
      "shared-bottom": { "1": [0.3, 0.31], "0.9": [0.32, 0.33], "0.5": [0.34, 0.35] },
      omoe: { "1": [0.2, 0.21], "0.9": [0.22, 0.23], "0.5": [0.24, 0.25] },
      mmoe: { "1": [0.2, 0.21], "0.9": [0.3, 0.31], "0.5": [0.5, 0.52] },
    });
    const [ordering, stable, degrades, beats] = correlationClaims(flipped, PS);
    assert.equal(ordering.holds, true);
    assert.equal(stable.holds, false);
    assert.equal(degrades.holds, false); // OMoE − MMoE shrinks as p falls
    assert.equal(beats.holds, false);
    assert.match(beats.finding, /in 5 of 6/);
  });

  test("a missing model leaves the Fig. 4 claims undecided", () => {
    const partial = losses({ mmoe: { "1": [0.1, 0.2] } });
    assert.ok(correlationClaims(partial, PS).every((c) => c.holds === null && /no runs of shared-bottom, omoe/.test(c.finding)));
  });

  test("Fig. 3: Shared-Bottom (16) must lose more at every lower p", () => {
    const up = losses({ "shared-bottom-16": { "1": [1, 1.1], "0.9": [1.2, 1.3], "0.5": [1.5, 1.6] } });
    assert.equal(sharedBottomClaims(up, PS)[0].holds, true);
    const bump = losses({ "shared-bottom-16": { "1": [1, 1.1], "0.9": [0.9, 0.95], "0.5": [1.5, 1.6] } });
    assert.equal(sharedBottomClaims(bump, PS)[0].holds, false);
  });

  test("Fig. 5 claims: spread, OMoE robustness, comparable minima", () => {
    const wide = losses({
      "shared-bottom": { "1": [0.2, 0.6, 1.0, 1.4], "0.5": [0.21, 0.8, 1.3, 1.9] },
      omoe: { "1": [0.2, 0.25, 0.3, 0.35], "0.5": [0.21, 0.4, 0.6, 0.8] },
      mmoe: { "1": [0.2, 0.24, 0.29, 0.33], "0.5": [0.2, 0.25, 0.3, 0.35] },
    });
    const [spread, robust, lowest] = trainabilityClaims(wide, [0.5, 1.0]);
    assert.equal(spread.holds, true);
    assert.equal(robust.holds, true);
    assert.equal(lowest.holds, true);
    // same data with Shared-Bottom tight and far above the MoE models: every claim fails
    const tight = losses({
      "shared-bottom": { "1": [2, 2.01, 2.02, 2.03], "0.5": [2, 2.01, 2.02, 2.03] },
      omoe: { "1": [0.2, 0.6, 1.0, 1.4], "0.5": [0.2, 0.25, 0.3, 0.35] },
      mmoe: { "1": [0.2, 0.25, 0.3, 0.35], "0.5": [0.2, 0.6, 1.0, 1.4] },
    });
    assert.deepEqual(trainabilityClaims(tight, [0.5, 1.0]).map((c) => c.holds), [false, false, false]);
  });

  test("Fig. 2 claims: attenuated linear correlation and a rising non-linear curve", () => {
    const base = { profile: "smoke" as const, d: 100, c: 1, m: 5, noiseStd: 0.1, samples: 10, dataSets: 10, seed: 1, wallTimeMs: 0 };
    const grid = [-1, -0.5, 0, 0.5, 1];
    const a = 1 / 1.01;
    const good: LabelPearsonStudy = { ...base, linear: grid.map((p) => ({ p, mean: a * p, std: 0.001, min: 0, max: 0, dataSets: 10 })), nonlinear: grid.map((p) => ({ p, mean: 0.7 * p, std: 0.1, min: 0, max: 0, dataSets: 10 })) };
    assert.deepEqual(labelPearsonClaims(good).map((c) => c.holds), [true, true]);
    const bad: LabelPearsonStudy = { ...good, linear: grid.map((p) => ({ p, mean: 0.9 * p, std: 0.001, min: 0, max: 0, dataSets: 10 })), nonlinear: grid.map((p) => ({ p, mean: p === 0.5 ? 0.9 : 0.7 * p, std: 0.1, min: 0, max: 0, dataSets: 10 })) };
    assert.deepEqual(labelPearsonClaims(bad).map((c) => c.holds), [false, false]);
  });
});
