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
import { assertFigure, deriveSeed, getExperiment, judgeFamily, registrationHash, resolveExperiment, studies, type ExperimentSummary, type RunRecord } from "mtl-lab";

const {
  changeInteractionEvidence,
  correlationClaims,
  correlationCurvesFigure,
  finalLoss,
  finalLossesOf,
  finalLossHistogramFigure,
  finalTrainingLoss,
  geometricMeanCi,
  labelPearsonFigure,
  loadSyntheticCorrelation,
  loadTrainability,
  logHistogram,
  logRatioEvidence,
  logSpread,
  logTicks,
  meanLossCurve,
  quantile,
  sharedBottomClaims,
  sharedBottomCurvesFigure,
  spreadOf,
  syntheticCorrelationFamily,
  trainabilityClaims,
  trainabilityFamily,
} = studies.mmoeSynthetic;
type FinalLosses = studies.mmoeSynthetic.FinalLosses;
type LabelPearsonStudy = studies.mmoeSynthetic.LabelPearsonStudy;

// ---------------------------------------------------------------------------------------------
// hand-made inputs

/** A run record with only the fields the analyses read; `curve` is the loss per recorded step (split evenly over y1, y2, train and validation alike). */
function fakeRun(model: string, p: number, seed: number, loss: [number, number], curve: number[] = [], status: "ok" | "diverged" = "ok"): RunRecord {
  const steps = curve.map((_, i) => (i + 1) * 10);
  const half = curve.map((c) => c / 2);
  return {
    model,
    arm: `p=${p}/${model}`,
    configHash: `${model}@${p}`,
    seed,
    status,
    config: { condition: { p }, model: { kind: "shared-bottom", bottomUnits: [113], towerUnits: [8] }, train: { learningRates: [0.01] }, rows: {} },
    metrics: status === "ok" ? { validation: {}, test: { y1: { mse: loss[0] }, y2: { mse: loss[1] } } } : null,
    curves: { steps, train: { y1: half, y2: half }, validation: { y1: half, y2: half } },
    learningRate: status === "ok" ? 0.01 : null,
    learningRateTrials: [],
    parameters: { perReplica: 1, groups: {} },
  } as unknown as RunRecord;
}

/** FinalLosses from model → p → per-seed losses (seeds 1, 2, …). */
function losses(spec: Record<string, Record<string, number[]>>): FinalLosses {
  return new Map(Object.entries(spec).map(([m, byP]) => [m, new Map(Object.entries(byP).map(([p, xs]) => [Number(p), new Map(xs.map((x, i) => [i + 1, x]))]))]));
}

const PS = [0.5, 0.9, 1.0];

/** A fixed pseudo-random number in [−1, 1] per (seed, key): deterministic "noise" for hand-made runs. */
const jitter = (seed: number, key: string) => (2 * deriveSeed(seed, "jitter", key)) / 0x7fffffff - 1;

/**
 * Losses loss(m, p, s) = base[m][p] · difficulty(s) · (1 + noise·jitter): seeds differ a lot (as
 * the generator's α, β make them), models and p by the base ratios; paired log ratios see the base
 * ratios up to the noise.
 */
function paired(base: Record<string, Record<string, number>>, seeds: number, noise: number): FinalLosses {
  const spec = Object.fromEntries(Object.entries(base).map(([m, byP]) => [m, Object.fromEntries(Object.entries(byP).map(([p, b]) => [p, Array.from({ length: seeds }, (_, i) => b * Math.exp(0.8 * jitter(i + 1, "difficulty")) * (1 + noise * jitter(i + 1, `${m}@${p}`)))]))]));
  return losses(spec);
}

/** The paper's picture: Shared-Bottom worst and most sensitive to p, OMoE degrading at low p, MMoE nearly flat. */
const PAPER_LIKE_BASE = {
  "shared-bottom": { "1": 0.3, "0.9": 0.4, "0.5": 0.7 },
  omoe: { "1": 0.2, "0.9": 0.25, "0.5": 0.45 },
  mmoe: { "1": 0.2, "0.9": 0.21, "0.5": 0.22 },
  "shared-bottom-16": { "1": 0.1, "0.9": 0.15, "0.5": 0.3 },
};
const PAPER_LIKE = paired(PAPER_LIKE_BASE, 12, 0.02);

/** A label-Pearson study as the generator gives it: linear = 0.990·p, non-linear rising, 100 data sets. */
function fig2Study(linear: (p: number) => number = (p) => p / 1.01, nonlinear: (p: number) => number = (p) => 0.7 * p): LabelPearsonStudy {
  const grid = Array.from({ length: 21 }, (_, i) => Math.round((-1 + i / 10) * 10) / 10);
  return {
    profile: "smoke", d: 100, c: 1, m: 5, noiseStd: 0.1, samples: 10000, dataSets: 100, seed: 1, wallTimeMs: 0,
    linear: grid.map((p) => ({ p, mean: linear(p), std: 0.005, min: 0, max: 0, dataSets: 100 })),
    nonlinear: grid.map((p) => ({ p, mean: nonlinear(p), std: 0.1, min: 0, max: 0, dataSets: 100 })),
  };
}

// ---------------------------------------------------------------------------------------------
// definitions

describe("experiment definitions", () => {
  test("synthetic-correlation: 4 models × 3 correlations, fresh samples, one rate per model and p from the paper's grid", () => {
    const exp = getExperiment("synthetic-correlation");
    const quick = resolveExperiment(exp, { profile: "quick" });
    assert.equal(quick.arms.length, 12);
    assert.deepEqual([...new Set(quick.arms.map((a) => (a.condition as { p: number }).p))].sort(), [0.5, 0.9, 1]);
    assert.deepEqual(Object.keys(exp.models), ["shared-bottom", "omoe", "mmoe", "shared-bottom-16"]);
    assert.match(quick.statement, new RegExp(`^${quick.runs} runs per model and p`));
    assert.match(quick.statement, new RegExp(`${quick.train.steps.toLocaleString("en-US")} steps of batch ${quick.train.batchSize}`));
    assert.equal(quick.train.learningRateChoice, "per-arm");
    const paper = resolveExperiment(exp, { profile: "paper" });
    assert.equal(paper.runs, 200);
    assert.deepEqual(paper.train.learningRates, [1e-4, 1e-3, 1e-2]);
    assert.equal(paper.train.learningRateChoice, "per-arm");
    // configs differ between profiles, so profile results never mix
    assert.notEqual(quick.arms[0].configHash, paper.arms[0].configHash);
  });

  test("trainability: 3 models × 3 correlations, one rate per model and p, the paper's grid at the paper profile", () => {
    const exp = getExperiment("trainability");
    for (const profile of ["smoke", "quick"] as const) {
      const plan = resolveExperiment(exp, { profile });
      assert.equal(plan.arms.length, 9, profile);
      assert.deepEqual(plan.train.learningRates, [1e-2], profile);
      assert.match(plan.statement, new RegExp(`^${plan.runs} runs per model and p`), profile);
    }
    const paper = resolveExperiment(exp, { profile: "paper" });
    assert.equal(paper.runs, 200);
    assert.deepEqual(paper.train.learningRates, [1e-4, 1e-3, 1e-2]);
    assert.equal(paper.train.learningRateChoice, "per-arm");
  });

  test("the experiments' seed ranges are disjoint at every profile (and demo keeps 1, 2, …)", () => {
    for (const profile of ["smoke", "quick", "paper"] as const) {
      const seeds = ["demo", "synthetic-correlation", "trainability"].map((id) => resolveExperiment(getExperiment(id), { profile }).seeds);
      assert.equal(seeds[0][0], 1);
      for (let i = 0; i < seeds.length; i++) for (let j = i + 1; j < seeds.length; j++) assert.ok(seeds[i].every((x) => !seeds[j].includes(x)), `${profile}: experiments ${i} and ${j} share seeds`);
    }
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
      assert.ok(Number.isFinite(finalTrainingLoss(r)), `${r.arm}#${r.seed} has a training loss`);
      assert.deepEqual(r.curves.steps, [20, 40, 60]);
      assert.deepEqual((r.data as { rows: unknown }).rows, { trainPerEpoch: 1024, validation: 500, test: 500 });
      // every rate's outcome is kept, so one rate per model and p can be chosen afterwards
      assert.deepEqual(r.learningRateTrials.map((t) => [t.learningRate, t.metrics !== undefined]), [[1e-3, true], [1e-2, true]]);
    }
    // the summary reports one rate per arm
    for (const arm of Object.values(summary.arms)) assert.equal(Object.keys(arm.learningRatesChosen).length, 1, arm.model);
    for (const t of ["final-loss", "train-test", "learning-rates", "label-pearson", "claims", "knobs", "summary"]) {
      for (const ext of ["md", "csv", "tex"]) assert.ok(fs.existsSync(path.join(dir("synthetic-correlation"), "tables", `${t}.${ext}`)), `${t}.${ext}`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("synthetic-correlation"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    for (const f of ["fig2-label-pearson", "fig3-shared-bottom-curves", "fig4-model-curves"]) {
      assert.ok(manifest.extra.files.some((x) => x.startsWith(`figures/${f}.`)), `${f} listed in the manifest`);
    }
    const study = JSON.parse(fs.readFileSync(path.join(dir("synthetic-correlation"), "label-pearson.json"), "utf8")) as LabelPearsonStudy;
    assert.equal(study.linear.length, 11);
    assert.equal(study.samples, 2000);
    // one row per claim of notebook 01's family, each with one of the three verdicts
    const claims = fs.readFileSync(path.join(dir("synthetic-correlation"), "tables", "claims.csv"), "utf8").trim().split("\r\n");
    assert.equal(claims.length, 1 + 2 + 1 + 6);
    assert.ok(claims.slice(1).every((l) => /,(supported|contradicted|inconclusive)$/.test(l)), claims.join("\n"));
    // the paper's sentences first, our checks of the generator (Fig. 2) after them, as their own family
    assert.deepEqual(claims.slice(1).map((l) => l.split(",")[0]), ["fig3.shared-bottom", "fig4.ordering", "fig4.mmoe-changes-least", "fig4.omoe-mmoe-similar", "fig4.omoe-degrades", "fig4.mmoe-little-affected", "fig4.moe-beats-sb", "fig2.linear", "fig2.nonlinear"]);
    const claimsMd = fs.readFileSync(path.join(dir("synthetic-correlation"), "tables", "claims.md"), "utf8");
    assert.match(claimsMd, /7 claim\(s\) judged as one family \(MMoE's sentences\)[^]*2 claim\(s\) judged as one family \(our own checks of the data generator\)/);
    assert.match(claimsMd, /The claims declaration was registered before the runs\./, "trained now under the current declaration");
    assert.equal((manifest as { extra: { claimsDeclaration?: { hash: string } } }).extra.claimsDeclaration?.hash, registrationHash(studies.mmoeSynthetic.MMOE_SYNTHETIC_REGISTRATION));
    // no "model vs the first model" comparisons: the study declares none
    assert.deepEqual(summary.comparisons, {});
    assert.match(fs.readFileSync(path.join(dir("synthetic-correlation"), "tables", "summary.md"), "utf8"), /No model-vs-baseline comparison: this study declares none/);
  });

  test("trainability writes the spread table, the claims and the Fig. 5 histograms", () => {
    const runs = readRuns("trainability");
    assert.equal(runs.length, 27);
    assert.ok(runs.every((r) => r.learningRate === 0.01));
    assert.ok(runs.every((r) => r.seed > 20_000), "trainability has its own seeds");
    const spread = fs.readFileSync(path.join(dir("trainability"), "tables", "spread.csv"), "utf8").trim().split("\r\n");
    assert.equal(spread.length, 1 + 9);
    assert.match(spread[0], /model,p,n,mean,std,CV,std of log loss,min,q10/);
    const claims = fs.readFileSync(path.join(dir("trainability"), "tables", "claims.csv"), "utf8").trim().split("\r\n");
    assert.equal(claims.length, 1 + 4 + 6);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir("trainability"), "manifest.json"), "utf8")) as { extra: { files: string[] } };
    assert.ok(manifest.extra.files.some((x) => x.startsWith("figures/fig5-final-loss-histograms.")));
  });

  test("the notebook loaders load the complete studies without training", async () => {
    const sc = await loadSyntheticCorrelation({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.equal(sc.result.computed, 0);
    assert.deepEqual(sc.correlations, [0.5, 0.9, 1]);
    assert.equal(sc.losses.get("mmoe")?.get(0.5)?.size, 2);
    // the loaders hand out runs at their model and p's rate
    for (const model of ["shared-bottom", "mmoe"]) assert.equal(new Set(sc.result.runs.filter((r) => r.model === model && r.condition === "p=1").map((r) => r.learningRate)).size, 1);
    const tr = await loadTrainability({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.equal(tr.result.computed, 0);
    assert.equal(tr.losses.get("shared-bottom")?.get(1)?.size, 3);
  });
});

// ---------------------------------------------------------------------------------------------
// figures

describe("figure builders", () => {
  test("Fig. 2: linear and non-linear traces with ± 2 std error bars, then y = p and the noise-attenuated line on top", () => {
    const study: LabelPearsonStudy = { ...fig2Study(), linear: [-1, 0, 1].map((p) => ({ p, mean: 0.99 * p, std: 0.01, min: 0, max: 0, dataSets: 3 })), nonlinear: [-1, 0, 1].map((p) => ({ p, mean: 0.6 * p, std: 0.1, min: 0, max: 0, dataSets: 3 })) };
    const fig = labelPearsonFigure(study);
    assertFigure(fig);
    assert.equal(fig.data.length, 4);
    assert.deepEqual(fig.data[0].y, [-0.99, 0, 0.99]);
    assert.deepEqual((fig.data[1].error_y as { array: number[] }).array, [0.2, 0.2, 0.2]);
    assert.equal(fig.data[2].name, "y = p");
    assert.deepEqual(fig.data[3].y, [-1 / 1.01, 1 / 1.01]);
  });

  const runs = [
    ...[1, 2].map((s) => fakeRun("shared-bottom-16", 1, s, [0.1, 0.1], [2, 1, s])),
    ...[1, 2].map((s) => fakeRun("shared-bottom-16", 0.5, s, [0.2, 0.2], [3, 2, 1])),
    ...PS.flatMap((p) => ["shared-bottom", "omoe", "mmoe"].flatMap((m) => [1, 2, 3].map((s) => fakeRun(m, p, s, [s / 10, p], [4, 2, 1])))),
  ];

  test("mean loss curve: geometric mean over runs, the CI of the mean log loss around it, never below zero", () => {
    const band = meanLossCurve(runs.filter((r) => r.model === "shared-bottom-16" && (r.config.condition as { p: number }).p === 1));
    assert.deepEqual(band.steps, [10, 20, 30]);
    assert.deepEqual(band.mean.slice(0, 2), [2, 1]);
    assert.ok(Math.abs(band.mean[2]! - Math.SQRT2) < 1e-12, "the geometric mean of 1 and 2");
    assert.equal(band.lo[0], 2); // identical runs: zero-width band
    // two runs: t(0.975, 1) · sd(log) / √2 on each side of the mean log
    const half = (12.706204736174707 * (Math.LN2 / Math.SQRT2)) / Math.SQRT2;
    assert.ok(Math.abs(Math.log(band.hi[2]!) - Math.log(Math.SQRT2) - half) < 1e-9);
    assert.ok(band.lo[2]! > 0 && band.lo[2]! < 1, `lower edge ${band.lo[2]} is positive and below the smallest run (not clipped)`);
    assert.equal(band.n, 2);
    assert.deepEqual(geometricMeanCi([4]), { mean: 4, lo: 4, hi: 4 });
  });

  test("log ticks: 1–2–5 per decade inside the range, so labels never overprint", () => {
    assert.deepEqual(logTicks(0.03, 0.6).tickvals, [0.05, 0.1, 0.2, 0.5]);
    assert.deepEqual(logTicks(0.03, 0.6).ticktext, ["0.05", "0.1", "0.2", "0.5"]);
    assert.deepEqual(logTicks(0.002, 30).tickvals, [0.01, 0.1, 1, 10]); // 4 decades: one label each
    assert.deepEqual(logTicks(1e-4, 2e4).ticktext, ["0.0001", "0.01", "1", "100", "10000"]); // 8+ decades: every other
  });

  test("Fig. 3: one band (3 traces) per correlation of Shared-Bottom (16) only, on a log axis with 1–2–5 ticks", () => {
    const fig = sharedBottomCurvesFigure(runs);
    assertFigure(fig);
    assert.equal(fig.data.length, 2 * 3);
    assert.match(String(fig.data[2].name), /^p = 1 \(n = 2\)/);
    assert.match(String(fig.data[5].name), /^p = 0.5 \(n = 2\)/);
    const y = fig.layout.yaxis as { type: string; tickvals: number[] };
    assert.equal(y.type, "log");
    assert.ok(y.tickvals.every((v) => [1, 2, 5].includes(Number(String(v).replace(/[0.]/g, "").slice(0, 1)))));
  });

  test("Fig. 4: a panel per p, a band per model, legend once, one y range for every panel", () => {
    const fig = correlationCurvesFigure(runs);
    assertFigure(fig);
    assert.equal(fig.data.length, 3 * 3 * 3);
    assert.deepEqual([...new Set(fig.data.map((t) => t.xaxis))], ["x", "x2", "x3"]);
    assert.equal(fig.data.filter((t) => t.showlegend === true).length, 3);
    assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, (fig.layout.yaxis3 as { range: number[] }).range);
  });

  test("Fig. 5: a histogram per (p, model) on the same log-spaced bins and x range; counts sum to the runs", () => {
    const fig = finalLossHistogramFigure(runs);
    assertFigure(fig);
    assert.equal(fig.data.length, 9);
    const x1 = fig.layout.xaxis as { type: string; range: number[] };
    assert.equal(x1.type, "log");
    for (let k = 2; k <= 9; k++) assert.equal((fig.layout[`xaxis${k}`] as { matches: string }).matches, "x");
    assert.deepEqual(fig.data[0].x, fig.data[8].x);
    const h = logHistogram([1, 2, 3, 9, 10], 1, 10, 2);
    assert.deepEqual(h.counts, [3, 2]); // √10 ≈ 3.16 splits the decade; the maximum falls into the last bin
    assert.ok(Math.abs(h.edges[1] - Math.sqrt(10)) < 1e-12);
    assert.throws(() => logHistogram([1], 0, 1, 2), /0 < lo < hi/);
  });
});

// ---------------------------------------------------------------------------------------------
// claims on hand-made results whose verdicts are known

describe("claims", () => {
  test("final loss is the test MSE sum, training loss the last window's; diverged runs have neither", () => {
    assert.equal(finalLoss(fakeRun("mmoe", 1, 1, [0.25, 0.5])), 0.75);
    assert.equal(finalTrainingLoss(fakeRun("mmoe", 1, 1, [0.25, 0.5], [3, 0.5])), 0.5);
    assert.equal(finalLoss(fakeRun("mmoe", 1, 1, [0.25, 0.5], [], "diverged")), null);
    const l = finalLossesOf([fakeRun("mmoe", 1, 1, [0.25, 0.5]), fakeRun("mmoe", 1, 2, [1, 1], [], "diverged")]);
    assert.equal(l.get("mmoe")?.get(1)?.size, 1);
  });

  test("quantiles, spreads and the scale-free spread (std of log loss)", () => {
    assert.equal(quantile([4, 1, 3, 2], 0.25), 1.75);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    const s = spreadOf([1, 2, 3, 4, 100]);
    assert.equal(s.iqr, 2);
    assert.equal(s.min, 1);
    // scaling every loss leaves the log spread unchanged (a higher mean is not a wider spread)
    assert.ok(Math.abs(logSpread([1, 2, 4])! - logSpread([10, 20, 40])!) < 1e-12);
    assert.ok(Math.abs(logSpread([1, Math.E])! - 1 / Math.SQRT2) < 1e-12);
  });

  test("evidence is paired by seed on log loss; an interaction is a difference of paired changes", () => {
    const l = losses({ a: { "1": [1, 2, 4], "0.5": [2, 4, 8] }, b: { "1": [1, 2, 4], "0.5": [1.1, 2.2, 4.4] } });
    const e = logRatioEvidence(l, ["a", 0.5], ["a", 1]);
    assert.ok(Math.abs(e.estimate - Math.LN2) < 1e-12);
    assert.ok(e.se < 1e-12); // the seeds' difficulty cancels
    const i = changeInteractionEvidence(l, "a", "b", 0.5, 1);
    assert.ok(Math.abs(i.estimate - (Math.LN2 - Math.log(1.1))) < 1e-12);
    assert.throws(() => logRatioEvidence(losses({ a: { "1": [1] } }), ["a", 1], ["a", 1]), /needs at least 2 seeds/);
  });

  test("paper-like runs: every claim of notebook 01's family is supported", () => {
    const judged = syntheticCorrelationFamily(fig2Study(), PAPER_LIKE, PS);
    assert.equal(judged.length, 9);
    assert.deepEqual(judged.map((j) => [j.id, j.verdict]), judged.map((j) => [j.id, "supported"]));
    // MMoE's change from p = 1 to 0.5 is the base ratio 0.22 / 0.2, up to the 2 % noise
    const little = judged.find((j) => j.id === "fig4.mmoe-little-affected")!;
    assert.ok(Math.abs(Math.exp(little.evidence.estimate) - 1.1) < 0.03, String(little.evidence.estimate));
  });

  test("runs that say otherwise contradict exactly the claims they break", () => {
    // MMoE the most sensitive to p and worse than Shared-Bottom; OMoE still degrades, and equals MMoE at p = 1
    const flipped = paired({
      "shared-bottom": { "1": 0.15, "0.9": 0.16, "0.5": 0.17 },
      omoe: { "1": 0.2, "0.9": 0.22, "0.5": 0.24 },
      mmoe: { "1": 0.2, "0.9": 0.3, "0.5": 0.5 },
    }, 12, 0.02);
    const v = Object.fromEntries(judgeFamily(correlationClaims(flipped, PS)).map((j) => [j.id, j.verdict]));
    assert.deepEqual(v, {
      "fig4.ordering": "supported",
      "fig4.mmoe-changes-least": "contradicted",
      "fig4.omoe-mmoe-similar": "supported",
      "fig4.omoe-degrades": "supported",
      "fig4.mmoe-little-affected": "contradicted",
      "fig4.moe-beats-sb": "contradicted",
    });
  });

  test("few, noisy runs leave every Fig. 4 claim inconclusive, each with the runs that would resolve it", () => {
    const noisy = paired(PAPER_LIKE_BASE, 3, 0.9);
    const judged = judgeFamily(correlationClaims(noisy, PS));
    for (const j of judged) {
      assert.equal(j.verdict, "inconclusive", j.id);
      assert.ok(j.runsToResolve === Infinity || j.runsToResolve! > 3, `${j.id}: ${j.runsToResolve}`);
    }
  });

  test("Fig. 3: Shared-Bottom (16) must lose more at every step down in p", () => {
    const up = sharedBottomClaims(PAPER_LIKE, PS);
    assert.equal(judgeFamily(up)[0].verdict, "supported");
    const bump = paired({ "shared-bottom-16": { "1": 0.1, "0.9": 0.08, "0.5": 0.3 } }, 12, 0.02);
    const j = judgeFamily(sharedBottomClaims(bump, PS))[0];
    assert.equal(j.verdict, "contradicted"); // the step 1 → 0.9 goes down
    assert.match(j.decisive, /p = 1 → 0.9/);
  });

  test("a missing model drops the claims that need it", () => {
    const partial = losses({ mmoe: { "1": [0.1, 0.2] } });
    assert.deepEqual(correlationClaims(partial, PS), []);
    assert.deepEqual(trainabilityClaims(partial, PS), []);
    assert.deepEqual(sharedBottomClaims(partial, PS), []);
  });

  /** Fig. 5 runs: log loss = log base[m] + a[m][p]·z_s + 0.05·noise, with z_s ≥ 0 shared by the models of seed s. */
  function spreads(base: Record<string, number>, a: Record<string, Record<string, number>>, seeds = 24): FinalLosses {
    const z = Array.from({ length: seeds }, (_, i) => 2.5 * ((i + 0.5) / seeds) ** 2);
    return losses(Object.fromEntries(Object.entries(a).map(([m, byP]) => [m, Object.fromEntries(Object.entries(byP).map(([p, am]) => [p, z.map((zs, i) => base[m] * Math.exp(am * zs + 0.05 * jitter(i + 1, `${m}@${p}`)))]))])));
  }

  test("Fig. 5 on paper-like spreads: Shared-Bottom wider, OMoE's spread grows at p = 0.5 and MMoE's does not, low tails comparable", () => {
    const l = spreads({ "shared-bottom": 0.1, omoe: 0.1, mmoe: 0.1 }, {
      "shared-bottom": { "1": 1, "0.9": 1, "0.5": 1 },
      omoe: { "1": 0.3, "0.9": 0.4, "0.5": 0.6 },
      mmoe: { "1": 0.3, "0.9": 0.3, "0.5": 0.3 },
    });
    const v = Object.fromEntries(judgeFamily(trainabilityClaims(l, PS)).map((j) => [j.id, j.verdict]));
    assert.deepEqual(v, { "fig5.spread": "supported", "fig5.omoe-robustness": "supported", "fig5.mmoe-robust": "supported", "fig5.lowest-comparable": "supported" });
  });

  test("Fig. 5 with Shared-Bottom tight and far above: its spread and low-tail claims are contradicted", () => {
    const l = spreads({ "shared-bottom": 0.5, omoe: 0.1, mmoe: 0.1 }, {
      "shared-bottom": { "1": 0.1, "0.9": 0.1, "0.5": 0.1 },
      omoe: { "1": 0.6, "0.9": 0.6, "0.5": 0.3 },
      mmoe: { "1": 0.3, "0.9": 0.3, "0.5": 0.6 },
    });
    const v = Object.fromEntries(judgeFamily(trainabilityClaims(l, PS)).map((j) => [j.id, j.verdict]));
    assert.deepEqual(v, { "fig5.spread": "contradicted", "fig5.omoe-robustness": "contradicted", "fig5.mmoe-robust": "contradicted", "fig5.lowest-comparable": "contradicted" });
    // notebook 02's family adds Fig. 4's claims on the same runs, under their own ids
    const family = trainabilityFamily(l, PS);
    assert.equal(family.length, 4 + 6);
    assert.ok(family.slice(4).every((j) => j.id.startsWith("trainability:fig4.")));
  });

  test("Fig. 2: the linear correlation equals p within 0.02 and the non-linear one rises; a bent curve is contradicted", () => {
    assert.deepEqual(syntheticCorrelationFamily(fig2Study(), new Map(), PS).map((j) => j.verdict), ["supported", "supported"]);
    const bad = fig2Study((p) => 0.9 * p, (p) => (p > 0.4 ? 0.7 * (1 - p) : 0.7 * p)); // falls from p = 0.5 to 1
    assert.deepEqual(syntheticCorrelationFamily(bad, new Map(), PS).map((j) => j.verdict), ["contradicted", "contradicted"]);
  });
});
