/**
 * The census figures' design on hand-made runs: the paper tables as horizontal dot plots (model
 * labels on the y axis, paper values as legend markers, a paper value far below ours as an
 * off-scale marker inside the axis, never a text annotation), the one-hot shift as per-seed
 * differences, and the validation-AUC bands (aligned by step, runs that stopped leave the mean).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { differenceOfMeans, studies, type RunRecord } from "mtl-lab";

const c = studies.censusAuc;
type Trace = Record<string, unknown> & { name?: string; x: (number | null)[]; y: string[]; xaxis?: string; marker?: { symbol?: string }; error_x?: { array: number[]; arrayminus: number[] } };

const SEEDS = [1, 2, 3, 4];
const wobble = (seed: number) => 0.003 * Math.sin(7 * seed);

function run(condition: string, model: string, seed: number, auc: (task: string) => number, curve?: { steps: number[]; selection: (number | null)[] }): RunRecord {
  const metrics = Object.fromEntries(c.ADATT_COLUMN_TASKS.map((t) => [t, { auc: auc(t) }]));
  return {
    condition, model, seed, arm: `${condition}/${model}`, status: "ok", metrics: { validation: metrics, test: metrics },
    selection: { task: "income", metric: "auc" },
    curves: { train: {}, validation: {}, ...(curve ?? { steps: [100], selection: [auc("income")] }) },
  } as unknown as RunRecord;
}

/** Every AdaTT-table candidate at 0.90 + a wobble shared by the seed; the shift takes exactly 0.02 off every run. */
function adattRuns(): RunRecord[] {
  const names = [...new Set(c.EXPERT_COUNTS.flatMap((n) => c.ADATT_ROWS.flatMap((r) => c.adattRowCandidates(n, r).map((x) => x.name))))];
  return [
    ...names.flatMap((m) => SEEDS.map((s) => run("by-name", m, s, () => 0.9 + wobble(s)))),
    ...c.ONE_HOT_VARIANT_MODELS.flatMap((m) => SEEDS.map((s) => run("positional-per-file", m, s, () => 0.88 + wobble(s)))),
  ];
}

function mmoeRuns(): RunRecord[] {
  const names = [...Object.values(c.MMOE_TABLE_CANDIDATES).flat(), ...c.PLE_TABLE_CANDIDATES].map((x) => x.name);
  return c.MMOE_GROUPS.flatMap((g) => names.flatMap((m) => SEEDS.map((s) => ({ ...run(g, m, s, () => 0.94 + wobble(s)) }) as RunRecord)));
}

describe("paper tables as horizontal dot plots", () => {
  test("AdaTT Table 5: a panel per task, the twelve model rows as y labels on the first panel only, the paper's values as a legend marker, no text but the panel titles", () => {
    const fig = c.adattTableFigure(adattRuns());
    const layout = fig.layout as Record<string, Record<string, unknown>> & { annotations: { text: string }[] };
    const traces = fig.data as Trace[];
    assert.deepEqual([...new Set(traces.map((t) => t.xaxis))], ["x", "x2", "x3"]);
    assert.deepEqual(layout.annotations.map((a) => a.text), ["education AUC (paper column 1)", "income AUC (paper column 2)", "never married AUC (paper column 3)"]);
    const labels = traces[0].y;
    assert.equal(labels.length, 12);
    assert.equal(labels[0], "ML-MMoE, 6 experts");
    assert.equal(labels[11], "MMoE, 9 experts");
    assert.deepEqual([layout.yaxis.showticklabels, layout.yaxis2.showticklabels, layout.yaxis3.showticklabels], [true, false, false]);
    assert.deepEqual(layout.yaxis.categoryarray, [...labels].reverse(), "the first row on top");
    const paper = traces.filter((t) => t.name === "paper: mean");
    assert.equal(paper.length, 3);
    assert.equal(paper.filter((t) => t.showlegend).length, 1, "one legend entry for three panels");
    assert.equal(paper[0].x[0], c.adattPaperAuc(6, "ml-mmoe", "education"), "within reach of ours: drawn at its value");
    assert.notEqual(paper[0].marker!.symbol, undefined);
    assert.ok(traces.every((t) => t.mode === "markers" && t.text === undefined), "no text drawn beside markers");
    const rules = (fig.layout as { shapes: { y0: number; yref: string }[] }).shapes;
    assert.deepEqual(rules.map((r) => [r.yref, r.y0]), [["y", 5.5], ["y2", 5.5], ["y3", 5.5]], "a rule between the 6- and the 9-expert rows of each panel");
  });

  test("MMoE Tables 1–2: Tensor-Factorization's printed mean far below ours is an off-scale marker inside the axis, its value in customdata", () => {
    const fig = c.mmoeTablesFigure(mmoeRuns());
    const layout = fig.layout as Record<string, { range?: number[] }> & { annotations: unknown[] };
    assert.equal(layout.annotations.length, 4, "panel titles only");
    const off = (fig.data as Trace[]).filter((t) => /below the axis/.test(t.name ?? ""));
    assert.equal(off.length, 4, "every panel has one (the paper's Tensor-Factorization row)");
    const first = off[0] as Trace & { customdata: number[] };
    assert.deepEqual(first.y, ["Tensor-Factorization", "Tensor-Factorization"]);
    assert.deepEqual(first.customdata, [0.6765, 0.746]);
    const range = layout.xaxis.range!;
    assert.ok(range[0] > 0.85 && first.x.every((x) => x! > range[0] && x! < range[1]), "the axis is not stretched to 0.68, and the marker sits inside it");
    const paperMean = (fig.data as Trace[]).find((t) => t.name === "paper: mean (marital: col. 4)")!;
    assert.equal(paperMean.x[c.MMOE_TABLE_ROWS.indexOf("tensor-factorization")], null, "not drawn at the axis edge as if it were a value");
  });
});

describe("the one-hot shift as differences", () => {
  test("shifted − by name per model, paired by seed (the seed's wobble cancels), beside AdaTT Table 5 − our by-name mean; an axis around 0, not 0–1", () => {
    const runs = adattRuns();
    const fig = c.oneHotFigure(runs);
    const ours = (fig.data as Trace[]).filter((t) => t.offsetgroup === "shift");
    assert.equal(ours.length, 3, "a panel per task");
    for (const t of ours) {
      t.x.forEach((x) => assert.ok(Math.abs(x! + 0.02) < 1e-12));
      t.error_x!.array.forEach((e) => assert.ok(e < 1e-12, "paired: every pair differs by exactly 0.02, so the CI has no width"));
    }
    const paper = (fig.data as Trace[]).find((t) => t.name === "AdaTT Table 5 − our by-name mean")!;
    const byName = SEEDS.reduce((a, s) => a + 0.9 + wobble(s), 0) / SEEDS.length;
    assert.ok(Math.abs(paper.x[0]! - (c.adattPaperAuc(6, "ml-mmoe", "education")! - byName)) < 1e-12);
    const layout = fig.layout as Record<string, { zeroline?: boolean; range?: unknown }>;
    assert.equal(layout.xaxis.zeroline, true);
    assert.equal(layout.xaxis.range, undefined);
  });

  test("encodings without common seeds fall back to the difference of means with Welch's interval", () => {
    const byName = new Map([[1, 0.9], [2, 0.91], [3, 0.92]]);
    const shifted = new Map([[4, 0.88], [5, 0.89]]);
    const d = differenceOfMeans(shifted, byName)!;
    assert.ok(!d.paired && Math.abs(d.mean - (0.885 - 0.91)) < 1e-12 && d.ci95 !== null && d.ci95[0] < d.mean && d.mean < d.ci95[1]);
    const paired = differenceOfMeans(new Map([[1, 0.88], [2, 0.89], [9, 0.5]]), byName)!;
    assert.deepEqual([paired.paired, paired.n], [true, 2], "pairs over the seeds both hold; the unpaired seed 9 is left out");
  });
});

describe("validation-AUC bands", () => {
  const curve = (steps: number[], selection: (number | null)[]) => ({ steps, selection });
  test("runs are aligned by step (a run leaves the steps it has no value at), and the band is the 95 % CI of the mean", () => {
    const runs = [
      run("by-name", "m", 1, () => 0.9, curve([100, 200, 300], [0.90, 0.92, 0.95])),
      run("by-name", "m", 2, () => 0.9, curve([100, 200, 300], [0.91, 0.93, 0.96])),
      run("by-name", "m", 3, () => 0.9, curve([200], [0.94])), // evaluated at 200 only: by index it would land on step 100
    ];
    const band = c.validationAucBand(runs);
    assert.deepEqual(band.steps, [100, 200, 300]);
    assert.deepEqual(band.n, [2, 3, 2]);
    assert.ok(Math.abs(band.mean[0]! - 0.905) < 1e-12);
    assert.ok(Math.abs(band.mean[2]! - 0.955) < 1e-12);
    const half = 12.7062047361747 * (Math.sqrt(0.00005) / Math.sqrt(2)); // t(0.975, 1) · sd / √n
    assert.ok(0.955 + half > 1, "the t-interval passes 1…");
    assert.equal(band.hi[2], 1, "…and is cut there");
    assert.ok(Math.abs(band.lo[2]! - (0.955 - half)) < 1e-9);
  });

  test("how far a curve had flattened: each run's gain of its selection metric over the two epochs before its best checkpoint (the tables' convergence column), mean over runs", () => {
    // 1,000 training rows at batch 100: an epoch is 10 steps, two epochs 20
    const trained = (r: RunRecord, bestStep: number) => ({ ...r, bestStep, config: { train: { batchSize: 100 } }, data: { rows: { train: 1000 } } }) as unknown as RunRecord;
    const runs = [
      trained(run("by-name", "m", 1, () => 0.9, curve([10, 20, 30, 40, 50], [0.9, 0.92, 0.93, 0.935, 0.934])), 40), // 0.935 − 0.92 (step 20)
      trained(run("by-name", "m", 2, () => 0.9, curve([10, 20, 30], [0.9, 0.91, null])), 20), // best sooner than two epochs: 0.91 − 0.9 (the first evaluation)
    ];
    assert.ok(Math.abs(c.meanGainBeforeBest(runs)! - 0.0125) < 1e-12, String(c.meanGainBeforeBest(runs)));
    const fig = c.validationAucCurvesFigure([{ title: "T", rows: [{ row: "mmoe", condition: "by-name", model: "m", runs, search: [], criterion: "" }] }], "t");
    assert.match((fig.layout as { annotations: { text: string }[] }).annotations[0].text, /^MMoE \(n = 2\)<br>before best: \+0\.0125$/);
  });

  test("a loss-selected table is drawn as a loss: its y axis says so and its band is cut at 0, not at 1", () => {
    const lossRun = (seed: number, ys: number[]) => ({ ...run("by-name", "m", seed, () => 0.9, curve([10, 20], ys)), selection: { task: "all", metric: "loss" } }) as unknown as RunRecord;
    const runs = [lossRun(1, [0.4, 0.55]), lossRun(2, [2.6, 0.56])];
    const band = c.validationAucBand(runs);
    assert.ok(Math.abs(band.hi[0]! - (1.5 + 12.7062047361747 * (Math.sqrt(2.42) / Math.sqrt(2)))) < 1e-9, "above 1: a loss is not cut at 1");
    assert.equal(band.lo[0], 0, "cut at 0");
    const fig = c.validationAucCurvesFigure([{ title: "T", rows: [{ row: "adatt", condition: "by-name", model: "m", runs, search: [], criterion: "" }] }], "t");
    assert.equal((fig.layout as Record<string, { title?: { text: string } }>).yaxis.title?.text, "loss");
  });

  test("one row of small panels per table, a band (two edges, filled) and a mean line per model, y shared within the table", () => {
    const runs = adattRuns().map((r) => ({ ...r, curves: { ...r.curves, steps: [100, 200], selection: [0.9, 0.91] } }) as RunRecord);
    const fig = c.validationAucFigure({ adatt: runs });
    const models = c.ADATT_ROWS.length - 1; // AdaTT-sp is the AdaTT row's candidate
    assert.equal(fig.data.length, 3 * models);
    assert.deepEqual(fig.data.map((t) => t.fill ?? null).slice(0, 3), [null, "tonexty", null]);
    const layout = fig.layout as Record<string, { matches?: string }>;
    assert.equal(layout.yaxis2.matches, "y");
  });
});
