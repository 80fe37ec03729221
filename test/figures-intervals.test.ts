/**
 * Intervals inside their metric's range: the helpers cut them, a trace declares its range, and
 * assertFigure (run before every render and display) rejects a trace that draws past it. Every
 * study figure that draws an interval is built here from runs chosen to push the intervals out
 * (two seeds, AUCs near 1, gates near 0 and 1) and must declare its ranges and keep to them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assertFigure, clipInterval, CORRELATION_RANGE, errorBars, rangeMeta, rangeViolations, spreadBars, studies, summarize, UNIT_RANGE,
  type Figure, type GateSummary, type RunRecord,
} from "mtl-lab";

const { censusFigures, adattRowCandidates, ADATT_ROWS, ADATT_COLUMN_TASKS, EXPERT_COUNTS, MMOE_TABLE_CANDIDATES, PLE_TABLE_CANDIDATES, MMOE_GROUPS, ONE_HOT_VARIANT_MODELS, MMOE_PAPER_TABLE } = studies.censusAuc;

/** Traces that draw an interval (an error bar or a filled band) without declaring the range it must keep to. */
function undeclaredIntervals(fig: Figure): string[] {
  return fig.data.flatMap((t, i) => {
    const draws = ["error_x", "error_y"].some((k) => t[k] && (t[k] as { visible?: boolean }).visible !== false) || typeof t.fill === "string";
    const declared = Boolean((t.meta as { range?: unknown } | undefined)?.range);
    return draws && !declared ? [`figure.data[${i}] (${String(t.name ?? t.type)})`] : [];
  });
}

describe("intervals cut at the metric's range", () => {
  test("errorBars cuts a t-interval at 1 and leaves one inside the range as it is", () => {
    const bars = errorBars([0.99, 0.5, null], [[0.95, 1.03], [0.4, 0.6], [0, 1]], UNIT_RANGE) as { array: number[]; arrayminus: number[] };
    assert.ok(Math.abs(bars.array[0] - 0.01) < 1e-12, "the part above 1 is cut");
    assert.ok(Math.abs(bars.arrayminus[0] - 0.04) < 1e-12);
    assert.ok(Math.abs(bars.array[1] - 0.1) < 1e-12 && Math.abs(bars.arrayminus[1] - 0.1) < 1e-12);
    assert.deepEqual([bars.array[2], bars.arrayminus[2]], [0, 0], "no centre, no bar");
    assert.deepEqual(clipInterval([-0.2, 0.3], UNIT_RANGE), [0, 0.3]);
    assert.equal(clipInterval(null, UNIT_RANGE), null);
  });

  test("spreadBars keeps ± std exact inside the range and cuts it at the bounds", () => {
    const bars = spreadBars([0.1, 0.95, 0.02], [0.01, 0.2, 0.05], UNIT_RANGE) as { array: number[]; arrayminus: number[] };
    assert.deepEqual(bars.array.map((v) => +v.toFixed(12)), [0.01, 0.05, 0.05]);
    assert.deepEqual(bars.arrayminus.map((v) => +v.toFixed(12)), [0.01, 0.2, 0.02]);
    const corr = spreadBars([-0.98], [0.1], CORRELATION_RANGE) as { arrayminus: number[] };
    assert.ok(Math.abs(corr.arrayminus[0] - 0.02) < 1e-12);
  });

  test("a planted AUC interval past 1 is rejected by name; the same trace without a declared range, or cut, passes", () => {
    const planted: Figure = {
      data: [{ type: "scatter", name: "ours", x: ["a", "b"], y: [0.99, 0.9], error_y: { type: "data", symmetric: false, array: [0.02, 0.01], arrayminus: [0.01, 0.01] }, meta: rangeMeta({ y: UNIT_RANGE }) }],
      layout: { title: { text: "planted" } },
    };
    assert.deepEqual(rangeViolations(planted.data), ["figure.data[0] (ours): y point 0 draws [0.98, 1.01] outside its declared range [0, 1]"]);
    assert.throws(() => assertFigure(planted), /^RangeError: planted: 1 interval\(s\) outside the metric's range, first: figure\.data\[0\] \(ours\): y point 0/);
    const { meta: _meta, ...undeclared } = planted.data[0];
    assert.doesNotThrow(() => assertFigure({ ...planted, data: [undeclared] }));
    const cut = { ...planted.data[0], error_y: errorBars([0.99, 0.9], [[0.98, 1.01], [0.89, 0.91]], UNIT_RANGE) };
    assert.doesNotThrow(() => assertFigure({ ...planted, data: [cut] }));
  });

  test("a band's edge below 0 and a symmetric error bar are checked too", () => {
    const band = { type: "scatter", name: "lo", x: [1, 2], y: [0.1, -0.05], fill: "tonexty", meta: rangeMeta({ y: [0, null] }) };
    assert.match(rangeViolations([band])[0], /y point 1 draws \[-0\.05, -0\.05\] outside its declared range \[0, ∞\]/);
    const sym = { type: "bar", x: ["e"], y: [0.9], error_y: { type: "data", array: [0.2] }, meta: rangeMeta({ y: UNIT_RANGE }) };
    assert.equal(rangeViolations([sym]).length, 1, "symmetric: the upper end 1.1 is outside");
  });
});

// ---------------------------------------------------------------------------------------------
// census runs that push every interval out: two seeds, AUCs 0.96 and 0.999 (t with 1 df)

function censusRun(condition: string, model: string, seed: number, tasks: readonly string[], auc: number): RunRecord {
  const metrics = Object.fromEntries(tasks.map((t) => [t, { auc }]));
  return {
    condition, model, seed, arm: `${condition}/${model}`, status: "ok", metrics: { validation: metrics, test: metrics },
    selection: { task: tasks[0], metric: "auc" },
    curves: { steps: [100, 200, 300], train: {}, validation: {}, selection: [auc - 0.02, auc - 0.005, auc] },
  } as unknown as RunRecord;
}

const EXTREME = [0.96, 0.999];

function extremeCensusRuns(): { mmoe: RunRecord[]; adatt: RunRecord[] } {
  const mmoe = MMOE_GROUPS.flatMap((g) => {
    const { main, auxiliary } = MMOE_PAPER_TABLE[g].tasks;
    const cands = [...Object.values(MMOE_TABLE_CANDIDATES).flat(), ...PLE_TABLE_CANDIDATES];
    return cands.flatMap((c) => EXTREME.map((auc, i) => censusRun(g, c.name, i + 1, [main, auxiliary], auc)));
  });
  const names = [...new Set(EXPERT_COUNTS.flatMap((n) => ADATT_ROWS.flatMap((r) => adattRowCandidates(n, r).map((c) => c.name))))];
  const adatt = [
    ...names.flatMap((m) => EXTREME.map((auc, i) => censusRun("by-name", m, i + 1, ADATT_COLUMN_TASKS, auc))),
    ...ONE_HOT_VARIANT_MODELS.flatMap((m) => [0.5, 0.999].map((auc, i) => censusRun("positional-per-file", m, i + 1, ADATT_COLUMN_TASKS, auc))),
  ];
  return { mmoe, adatt };
}

/** Seesaw gates whose mean ± std passes 0 and 1. */
function gateRuns(): RunRecord[] {
  const gate = (task: string): GateSummary => ({ task, level: 0, experts: ["expert/0", "expert/1"], mean: [0.95, 0.05], std: [0.2, 0.2] });
  return ["mmoe", "cgc"].map((model) => ({ model, seed: 1, status: "ok", gates: [gate("r"), gate("b")] }) as unknown as RunRecord);
}

/** The other studies' interval figures on summaries whose t-intervals pass their metric's bounds. */
function otherStudyFigures(): [string, Figure][] {
  const nearOne = summarize([0.96, 0.999]);
  const f = studies.funnel;
  const esmm = { models: ["esmm", "base"], slopes: [], levels: [0, 0.5].map((bias) => ({ condition: `b${bias}`, bias, cvrAuc: { esmm: nearOne, base: nearOne } })) };
  const share = { n: 2, mean: 0.01, ci95: [0, 0.03] as [number, number] };
  const aitm = { models: ["aitm"], violations: { aitm: Object.fromEntries(f.LATER_STEPS.map((t) => [t, share])) } };
  const a = studies.adattAblation;
  const changes = a.COMPARISONS.map((comparison) => ({ group: "synthetic", comparison, task: "t1", metric: "NE" as const, seeds: [1, 2], values: [-99, -40], mean: -69.5, ci95: [-444, 305] as [number, number], n: 2 }));
  const point = (p: number) => ({ p, mean: p * 0.99, std: 0.05 });
  const pearson = { profile: "quick", d: 100, c: 1, m: 0, noiseStd: 0.01, samples: 1000, dataSets: 2, seed: 1, linear: [-1, 0, 1].map(point), nonlinear: [-1, 0, 1].map(point), wallTimeMs: 0 };
  return [
    ["funnel CVR AUC against bias", f.aucVsBiasFigure(esmm as never)],
    ["funnel violations", f.violationsFigure(aitm as never)],
    ["AdaTT Tables 6–8", a.relativeChangeFigure(changes as never)],
    ["MMoE Fig. 2", studies.mmoeSynthetic.labelPearsonFigure(pearson as never)],
  ];
}

describe("every study figure that draws an interval declares its range and keeps to it", () => {
  const figures: [string, Figure][] = [
    ...otherStudyFigures(),
    ...Object.entries(censusFigures(extremeCensusRuns())).map(([k, f]) => [`census ${k}`, f] as [string, Figure]),
    ["seesaw Fig. 8", studies.seesaw.expertUtilisationFigure(gateRuns(), { regression: "r", binary: "b" }, "census", ["mmoe", "cgc"])],
  ];
  for (const [name, fig] of figures) {
    test(name, () => {
      assert.ok(fig.data.some((t) => t.error_x || t.error_y || t.fill), "the figure draws intervals (else this test checks nothing)");
      assert.deepEqual(undeclaredIntervals(fig), []);
      assert.deepEqual(rangeViolations(fig.data), []);
      assert.doesNotThrow(() => assertFigure(fig));
    });
  }
});
