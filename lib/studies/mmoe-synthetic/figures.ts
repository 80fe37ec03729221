/**
 * Figures of the MMoE synthetic study (MMoE Figs. 2–5) as plotly specs: pure functions from
 * results to `Figure`; no display, no I/O. Losses are drawn on log axes, so a curve is the
 * geometric mean over runs with the 95 % confidence interval of the mean LOG loss (Student t,
 * exponentiated): it stays positive and symmetric on the axis, and nothing is clipped.
 */
import { correlationOf, FIG3_MODEL, FIG4_MODELS, finalLossesOf, lossCurve, modelLabel, type FinalLosses } from "./analysis";
import type { LabelPearsonStudy } from "./data";
import { applyArmLearningRates, type RunRecord } from "../../engine/store/run-record";
import { studentTQuantile } from "../../stats/student-t";
import type { Figure } from "../../figures";
import { CORRELATION_RANGE, NON_NEGATIVE, PALETTE, rangeMeta, spreadBars, withAlpha } from "../../figures";

const MODEL_COLOR: Record<string, string> = { "shared-bottom": PALETTE[0], omoe: PALETTE[1], mmoe: PALETTE[2], "shared-bottom-16": PALETTE[4] };
const P_COLOR: Record<string, string> = { "1": "#1b9e77", "0.9": "#d95f02", "0.8": "#e7298a", "0.5": "#7570b3" };
const colorOfModel = (m: string) => MODEL_COLOR[m] ?? "#555555";
const colorOfP = (p: number) => P_COLOR[String(p)] ?? "#555555";

/** Which loss the curves of Figs. 3–4 show: the training loss on fresh samples (the paper's training objective). */
export const CURVE_SPLIT = "train" as const;
const CURVE_AXIS = "training MSE(y1) + MSE(y2), fresh samples";

export interface CurveBand {
  steps: number[];
  /** Geometric mean over runs. */
  mean: (number | null)[];
  /** 95 % CI of the mean log loss, exponentiated. */
  lo: (number | null)[];
  hi: (number | null)[];
  n: number;
}

/** Geometric mean and the exponentiated 95 % t-interval of the mean log of positive values (null with none). */
export function geometricMeanCi(values: readonly number[]): { mean: number; lo: number; hi: number } | null {
  const logs = values.filter((x) => x > 0 && Number.isFinite(x)).map(Math.log);
  if (logs.length === 0) return null;
  const m = logs.reduce((a, b) => a + b, 0) / logs.length;
  if (logs.length < 2) return { mean: Math.exp(m), lo: Math.exp(m), hi: Math.exp(m) };
  const sd = Math.sqrt(logs.reduce((a, x) => a + (x - m) ** 2, 0) / (logs.length - 1));
  const half = (studentTQuantile(0.975, logs.length - 1) * sd) / Math.sqrt(logs.length);
  return { mean: Math.exp(m), lo: Math.exp(m - half), hi: Math.exp(m + half) };
}

/** Loss curve over runs (runs that stopped are left out at that step): geometric mean with the 95 % CI of the mean log loss. */
export function meanLossCurve(runs: readonly RunRecord[], split: "train" | "validation" = CURVE_SPLIT): CurveBand {
  const curves = applyArmLearningRates(runs).filter((r) => r.status === "ok").map((r) => lossCurve(r, split));
  const steps = curves.reduce<number[]>((a, c) => (c.steps.length > a.length ? c.steps : a), []);
  const at = steps.map((_, i) => geometricMeanCi(curves.map((c) => c.loss[i]).filter((x): x is number => x !== null && x !== undefined)));
  return { steps, mean: at.map((s) => s?.mean ?? null), lo: at.map((s) => s?.lo ?? null), hi: at.map((s) => s?.hi ?? null), n: curves.length };
}

/** Three traces: upper edge, lower edge filled to it, and the mean line. */
function bandTraces(band: CurveBand, name: string, color: string, axes: { xaxis?: string; yaxis?: string } = {}, showlegend = true): Record<string, unknown>[] {
  const base = { type: "scatter", mode: "lines", x: band.steps, legendgroup: name, ...axes, meta: rangeMeta({ y: NON_NEGATIVE }) };
  return [
    { ...base, y: band.hi, line: { width: 0, color }, showlegend: false, hoverinfo: "skip" },
    { ...base, y: band.lo, line: { width: 0, color }, fill: "tonexty", fillcolor: withAlpha(color, 0.18), showlegend: false, hoverinfo: "skip" },
    { ...base, y: band.mean, name, line: { color, width: 2 }, showlegend },
  ];
}

/**
 * Tick values 1, 2, 5 × 10^k covering [lo, hi] (only 1 × 10^k beyond 3 decades), with their
 * labels: plotly's own log ticks label every digit inside a decade, and those labels overprint.
 */
export function logTicks(lo: number, hi: number): { tickvals: number[]; ticktext: string[] } {
  if (!(lo > 0) || !(hi >= lo)) return { tickvals: [], ticktext: [] };
  const decades = Math.log10(hi / lo);
  // wide ranges keep fewer labels per decade (1 only; every other decade beyond 8)
  const digits = decades > 3 ? [1] : [1, 2, 5];
  const every = decades > 8 ? 2 : 1;
  const vals: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) {
    if (k % every !== 0) continue;
    for (const d of digits) {
      const v = d * 10 ** k;
      if (v >= lo / 1.05 && v <= hi * 1.05) vals.push(Number(v.toPrecision(1)));
    }
  }
  return { tickvals: vals, ticktext: vals.map((v) => (v >= 1e5 || v < 1e-4 ? v.toExponential(0) : v >= 1 ? String(v) : v.toPrecision(1))) };
}

function logAxis(values: readonly (number | null)[]): Record<string, unknown> {
  const xs = values.filter((x): x is number => x !== null && x > 0);
  const lo = xs.length ? Math.min(...xs) : 0.01;
  const hi = xs.length ? Math.max(...xs) : 1;
  return { type: "log", ...logTicks(lo, hi), range: [Math.log10(lo) - 0.05, Math.log10(hi) + 0.05] };
}

/** MMoE Fig. 2: label Pearson correlation against p, mean ± 2 std over data sets (cut at ±1), linear and non-linear, with y = p and the noise-attenuated y = c²/(c² + σ²)·p on top. */
export function labelPearsonFigure(study: LabelPearsonStudy): Figure {
  const attenuation = (study.c * study.c) / (study.c * study.c + study.noiseStd * study.noiseStd);
  const trace = (pts: LabelPearsonStudy["linear"], name: string, color: string) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: pts.map((p) => p.p),
    y: pts.map((p) => p.mean),
    // ± 2 std of a correlation near ±1 would pass it: the bars stop at the range of a correlation
    error_y: spreadBars(pts.map((p) => p.mean), pts.map((p) => 2 * p.std), CORRELATION_RANGE, { color }),
    meta: rangeMeta({ y: CORRELATION_RANGE }),
    line: { color, width: 1.5 },
    marker: { size: 5 },
  });
  return {
    data: [
      trace(study.linear, "linear (m = 0)", "#1f77b4"),
      trace(study.nonlinear, `non-linear (m = ${study.m})`, "#d62728"),
      // drawn last, so they stay visible over the linear curve they nearly coincide with
      { type: "scatter", mode: "lines", name: "y = p", x: [-1, 1], y: [-1, 1], line: { color: "#000000", dash: "dot", width: 1.5 } },
      { type: "scatter", mode: "lines", name: `y = ${attenuation.toFixed(3)}·p (label noise)`, x: [-1, 1], y: [-attenuation, attenuation], line: { color: "#ff7f0e", dash: "dash", width: 1.5 } },
    ],
    layout: {
      title: { text: `MMoE Fig. 2: label Pearson correlation vs weight cosine p (${study.dataSets} data sets × ${study.samples.toLocaleString("en-US")} samples, mean ± 2 std)`, font: { size: 14 } },
      xaxis: { title: { text: "cosine of the task weights p" }, range: [-1.05, 1.05] },
      yaxis: { title: { text: "Pearson correlation of (y1, y2)" }, range: [-1.05, 1.05] },
      width: 720,
      height: 480,
      legend: { x: 0.02, y: 0.98 },
    },
  };
}

/** MMoE Fig. 3: Shared-Bottom (16) training loss over steps, one curve per p (geometric mean, 95 % CI band). */
export function sharedBottomCurvesFigure(runs: readonly RunRecord[], model: string = FIG3_MODEL): Figure {
  const mine = applyArmLearningRates(runs).filter((r) => r.model === model);
  const ps = [...new Set(mine.map(correlationOf))].sort((a, b) => b - a);
  const bands = ps.map((p) => ({ p, band: meanLossCurve(mine.filter((r) => correlationOf(r) === p)) }));
  return {
    data: bands.flatMap(({ p, band }) => bandTraces(band, `p = ${p} (n = ${band.n})`, colorOfP(p))),
    layout: {
      title: { text: `MMoE Fig. 3: ${modelLabel(model)} loss over training, by task correlation (geometric mean, 95 % CI)`, font: { size: 14 } },
      xaxis: { title: { text: "training step" } },
      yaxis: { title: { text: CURVE_AXIS }, ...logAxis(bands.flatMap((b) => [...b.band.lo, ...b.band.hi])) },
      width: 720,
      height: 450,
    },
  };
}

/** Side-by-side panels, one per p: domains and axis names. */
function panels(count: number, gap = 0.06): { xaxis: string; yaxis: string; domain: [number, number] }[] {
  const w = (1 - gap * (count - 1)) / count;
  return Array.from({ length: count }, (_, i) => ({ xaxis: i === 0 ? "x" : `x${i + 1}`, yaxis: i === 0 ? "y" : `y${i + 1}`, domain: [i * (w + gap), i * (w + gap) + w] as [number, number] }));
}

/** MMoE Fig. 4: one panel per p (descending), the models' training loss (geometric mean, 95 % CI band), one shared log axis. */
export function correlationCurvesFigure(runs: readonly RunRecord[], models: readonly string[] = FIG4_MODELS): Figure {
  const mine = applyArmLearningRates(runs).filter((r) => models.includes(r.model));
  const ps = [...new Set(mine.map(correlationOf))].sort((a, b) => b - a);
  const grid = panels(ps.length);
  const bands = ps.map((p) => models.map((m) => ({ m, band: meanLossCurve(mine.filter((r) => r.model === m && correlationOf(r) === p)) })));
  const data = bands.flatMap((row, i) => row.flatMap(({ m, band }) => bandTraces(band, `${modelLabel(m)} (n = ${band.n})`, colorOfModel(m), { xaxis: grid[i].xaxis, yaxis: grid[i].yaxis }, i === 0)));
  const yAxis = logAxis(bands.flat().flatMap((b) => [...b.band.lo, ...b.band.hi]));
  const layout: Record<string, unknown> = {
    title: { text: "MMoE Fig. 4: loss over training at task correlation p (geometric mean, 95 % CI band)", font: { size: 14 } },
    width: 960,
    height: 460,
    margin: { b: 110 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.3 },
    annotations: ps.map((p, i) => ({ text: `p = ${p}`, showarrow: false, xref: "paper", yref: "paper", x: (grid[i].domain[0] + grid[i].domain[1]) / 2, y: 1.02, xanchor: "center", yanchor: "bottom" })),
  };
  grid.forEach((g, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { domain: g.domain, anchor: g.yaxis, title: { text: "training step" } };
    layout[`yaxis${suffix}`] = { anchor: g.xaxis, ...yAxis, ...(i === 0 ? { title: { text: CURVE_AXIS } } : {}) };
  });
  return { data, layout };
}

/** `bins` bins of equal width in log(x) over [lo, hi] (lo > 0): edges, geometric centres and counts of `values`. */
export function logHistogram(values: readonly number[], lo: number, hi: number, bins: number): { edges: number[]; centers: number[]; counts: number[] } {
  if (!(lo > 0) || !(hi > lo)) throw new RangeError(`logHistogram needs 0 < lo < hi, got [${lo}, ${hi}]`);
  const step = (Math.log(hi) - Math.log(lo)) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => Math.exp(Math.log(lo) + i * step));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((Math.log(v) - Math.log(lo)) / step)))] += 1;
  }
  return { edges, centers: counts.map((_, i) => Math.sqrt(edges[i] * edges[i + 1])), counts };
}

/**
 * MMoE Fig. 5: histograms of the final loss over runs, one panel per (p, model): rows p
 * (descending), columns Shared-Bottom, OMoE, MMoE; every panel on the same log-spaced bins and the
 * same log x range, so shapes and positions compare directly.
 */
export function finalLossHistogramFigure(losses: FinalLosses | readonly RunRecord[], models: readonly string[] = FIG4_MODELS, bins = 24): Figure {
  const byModel: FinalLosses = Array.isArray(losses) ? finalLossesOf(losses as readonly RunRecord[]) : (losses as FinalLosses);
  const ps = [...new Set(models.flatMap((m) => [...(byModel.get(m)?.keys() ?? [])]))].sort((a, b) => b - a);
  const all = models.flatMap((m) => ps.flatMap((p) => [...(byModel.get(m)?.get(p)?.values() ?? [])])).filter((x) => x > 0);
  const lo = all.length ? Math.min(...all) / 1.02 : 0.01;
  const hi = all.length ? Math.max(...all) * 1.02 : 1;
  const gap = 0.05;
  const w = (1 - gap * (models.length - 1)) / models.length;
  const h = (1 - 0.08 * (ps.length - 1)) / Math.max(1, ps.length);
  const ticks = logTicks(lo, hi);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: `MMoE Fig. 5: final loss over runs (test MSE(y1) + MSE(y2)), ${bins} log-spaced bins`, font: { size: 14 } },
    width: 960,
    height: 260 * Math.max(1, ps.length) + 80,
    showlegend: false,
    bargap: 0,
    annotations: [] as Record<string, unknown>[],
  };
  ps.forEach((p, row) => {
    models.forEach((m, col) => {
      const k = row * models.length + col + 1;
      const xa = k === 1 ? "x" : `x${k}`;
      const ya = k === 1 ? "y" : `y${k}`;
      const values = [...(byModel.get(m)?.get(p)?.values() ?? [])];
      const hist = logHistogram(values, lo, hi, bins);
      // bars as filled steps between the edges: bar widths cannot follow a log axis
      data.push({
        type: "scatter",
        mode: "lines",
        x: hist.edges.flatMap((e, i) => (i < bins ? [e, e, hist.edges[i + 1]] : [e])),
        y: hist.counts.flatMap((c, i) => [i === 0 ? 0 : hist.counts[i - 1], c, c]).concat([0]),
        fill: "tozeroy",
        line: { color: colorOfModel(m), width: 1, shape: "linear" },
        fillcolor: withAlpha(colorOfModel(m), 0.6),
        name: `${modelLabel(m)}, p = ${p}`,
        xaxis: xa,
        yaxis: ya,
      });
      const xDomain: [number, number] = [col * (w + gap), col * (w + gap) + w];
      const yTop = 1 - row * (h + 0.08);
      layout[`xaxis${k === 1 ? "" : k}`] = { domain: xDomain, anchor: ya, type: "log", range: [Math.log10(lo), Math.log10(hi)], ...ticks, ...(k === 1 ? {} : { matches: "x" }), ...(row === ps.length - 1 ? { title: { text: "final loss (log scale)" } } : {}) };
      layout[`yaxis${k === 1 ? "" : k}`] = { domain: [yTop - h, yTop], anchor: xa, rangemode: "tozero", ...(col === 0 ? { title: { text: "runs" } } : {}) };
      (layout.annotations as Record<string, unknown>[]).push({ text: `${modelLabel(m)}, p = ${p} (n = ${values.length})`, showarrow: false, xref: "paper", yref: "paper", x: (xDomain[0] + xDomain[1]) / 2, y: yTop, xanchor: "center", yanchor: "bottom", font: { size: 12 } });
    });
  });
  return { data, layout };
}
