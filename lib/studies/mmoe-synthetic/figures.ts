/**
 * Figures of the MMoE synthetic study (MMoE Figs. 2–5) as plotly specs: pure functions from
 * results to `Figure`; no display, no I/O. Bands are 95 % confidence intervals of the mean over
 * runs (Student t) unless a caption says otherwise.
 */
import { correlationOf, FIG3_MODEL, FIG4_MODELS, finalLossesOf, lossCurve, modelLabel, type FinalLosses } from "./analysis";
import type { LabelPearsonStudy } from "./data";
import type { RunRecord } from "../../engine/run-record";
import { summarize } from "../../engine/stats";
import type { Figure } from "../../figures";
import { PALETTE, withAlpha } from "../../figures";

const MODEL_COLOR: Record<string, string> = { "shared-bottom": PALETTE[0], omoe: PALETTE[1], mmoe: PALETTE[2], "shared-bottom-16": PALETTE[4] };
const P_COLOR: Record<string, string> = { "1": "#1b9e77", "0.9": "#d95f02", "0.8": "#e7298a", "0.5": "#7570b3" };
const colorOfModel = (m: string) => MODEL_COLOR[m] ?? "#555555";
const colorOfP = (p: number) => P_COLOR[String(p)] ?? "#555555";

export interface CurveBand {
  steps: number[];
  mean: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  n: number;
}

/**
 * Mean loss curve over runs with the 95 % CI of the mean at each step (runs that stopped are left
 * out at that step). The lower edge is clipped at the smallest run's loss: with few runs the
 * t-interval can reach below zero, which a loss cannot and a log axis cannot draw.
 */
export function meanLossCurve(runs: readonly RunRecord[]): CurveBand {
  const curves = runs.filter((r) => r.status === "ok").map(lossCurve);
  const steps = curves.reduce<number[]>((a, c) => (c.steps.length > a.length ? c.steps : a), []);
  const at = steps.map((_, i) => summarize(curves.map((c) => c.loss[i]).filter((x): x is number => x !== null && x !== undefined)));
  return {
    steps,
    mean: at.map((s) => s.mean),
    lo: at.map((s) => (s.ci95 && s.min !== null ? Math.max(s.ci95[0], s.min) : s.mean)),
    hi: at.map((s) => s.ci95?.[1] ?? s.mean),
    n: curves.length,
  };
}

/** Three traces: upper edge, lower edge filled to it, and the mean line. */
function bandTraces(band: CurveBand, name: string, color: string, axes: { xaxis?: string; yaxis?: string } = {}, showlegend = true): Record<string, unknown>[] {
  const base = { type: "scatter", mode: "lines", x: band.steps, legendgroup: name, ...axes };
  return [
    { ...base, y: band.hi, line: { width: 0, color }, showlegend: false, hoverinfo: "skip" },
    { ...base, y: band.lo, line: { width: 0, color }, fill: "tonexty", fillcolor: withAlpha(color, 0.18), showlegend: false, hoverinfo: "skip" },
    { ...base, y: band.mean, name, line: { color, width: 2 }, showlegend },
  ];
}

/** MMoE Fig. 2: label Pearson correlation against p, mean ± 2 std over data sets, linear and non-linear, with the line y = p. */
export function labelPearsonFigure(study: LabelPearsonStudy): Figure {
  const trace = (pts: LabelPearsonStudy["linear"], name: string, color: string) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: pts.map((p) => p.p),
    y: pts.map((p) => p.mean),
    error_y: { type: "data", array: pts.map((p) => 2 * p.std), visible: true, color },
    line: { color },
    marker: { size: 5 },
  });
  return {
    data: [
      { type: "scatter", mode: "lines", name: "y = p", x: [-1, 1], y: [-1, 1], line: { color: "#999999", dash: "dot", width: 1 } },
      trace(study.linear, "linear (m = 0)", "#1f77b4"),
      trace(study.nonlinear, `non-linear (m = ${study.m})`, "#d62728"),
    ],
    layout: {
      title: { text: `MMoE Fig. 2: label Pearson correlation vs weight cosine p (${study.dataSets} data sets × ${study.samples.toLocaleString("en-US")} samples, mean ± 2 std)` , font: { size: 14 } },
      xaxis: { title: { text: "cosine of the task weights p" }, range: [-1.05, 1.05] },
      yaxis: { title: { text: "Pearson correlation of (y1, y2)" }, range: [-1.05, 1.05] },
      width: 720,
      height: 480,
      legend: { x: 0.02, y: 0.98 },
    },
  };
}

/** MMoE Fig. 3: Shared-Bottom (16) validation loss over steps, one curve per p, mean over runs with 95 % CI bands. */
export function sharedBottomCurvesFigure(runs: readonly RunRecord[], model: string = FIG3_MODEL): Figure {
  const mine = runs.filter((r) => r.model === model);
  const ps = [...new Set(mine.map(correlationOf))].sort((a, b) => b - a);
  const data = ps.flatMap((p) => {
    const band = meanLossCurve(mine.filter((r) => correlationOf(r) === p));
    return bandTraces(band, `p = ${p} (n = ${band.n})`, colorOfP(p));
  });
  return {
    data,
    layout: {
      title: { text: `MMoE Fig. 3: ${modelLabel(model)} loss over training, by task correlation`, font: { size: 14 } },
      xaxis: { title: { text: "training step" } },
      yaxis: { title: { text: "validation MSE(y1) + MSE(y2)" }, type: "log" },
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

/** MMoE Fig. 4: one panel per p (descending), the models' mean validation loss with 95 % CI bands. */
export function correlationCurvesFigure(runs: readonly RunRecord[], models: readonly string[] = FIG4_MODELS): Figure {
  const mine = runs.filter((r) => models.includes(r.model));
  const ps = [...new Set(mine.map(correlationOf))].sort((a, b) => b - a);
  const grid = panels(ps.length);
  const data = ps.flatMap((p, i) =>
    models.flatMap((m) => {
      const band = meanLossCurve(mine.filter((r) => r.model === m && correlationOf(r) === p));
      return bandTraces(band, `${modelLabel(m)} (n = ${band.n})`, colorOfModel(m), { xaxis: grid[i].xaxis, yaxis: grid[i].yaxis }, i === 0);
    }),
  );
  const layout: Record<string, unknown> = {
    title: { text: "MMoE Fig. 4: loss over training at task correlation p (mean, 95 % CI band)", font: { size: 14 } },
    width: 960,
    height: 460,
    margin: { b: 110 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.3 },
    annotations: ps.map((p, i) => ({ text: `p = ${p}`, showarrow: false, xref: "paper", yref: "paper", x: (grid[i].domain[0] + grid[i].domain[1]) / 2, y: 1.02, xanchor: "center", yanchor: "bottom" })),
  };
  grid.forEach((g, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { domain: g.domain, anchor: g.yaxis, title: { text: "training step" } };
    layout[`yaxis${suffix}`] = { anchor: g.xaxis, type: "log", ...(i === 0 ? { title: { text: "validation MSE(y1) + MSE(y2)" } } : { matches: "y" }) };
  });
  return { data, layout };
}

/** Equal-width bins over [lo, hi]: centres and counts of `values`. */
export function equalWidthHistogram(values: readonly number[], lo: number, hi: number, bins: number): { centers: number[]; counts: number[]; width: number } {
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))] += 1;
  }
  return { centers: counts.map((_, i) => lo + width * (i + 0.5)), counts, width };
}

/**
 * MMoE Fig. 5: histograms of the final loss over runs, one panel per (p, model): rows p
 * (descending), columns Shared-Bottom, OMoE, MMoE; the same bins everywhere so panels compare.
 */
export function finalLossHistogramFigure(losses: FinalLosses | readonly RunRecord[], models: readonly string[] = FIG4_MODELS, bins = 20): Figure {
  const byModel: FinalLosses = Array.isArray(losses) ? finalLossesOf(losses as readonly RunRecord[]) : (losses as FinalLosses);
  const ps = [...new Set(models.flatMap((m) => [...(byModel.get(m)?.keys() ?? [])]))].sort((a, b) => b - a);
  const all = models.flatMap((m) => ps.flatMap((p) => [...(byModel.get(m)?.get(p)?.values() ?? [])]));
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const gap = 0.05;
  const w = (1 - gap * (models.length - 1)) / models.length;
  const h = (1 - 0.08 * (ps.length - 1)) / Math.max(1, ps.length);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: `MMoE Fig. 5: final loss over runs (test MSE(y1) + MSE(y2)), ${bins} equal bins`, font: { size: 14 } },
    width: 960,
    height: 260 * Math.max(1, ps.length) + 80,
    showlegend: false,
    bargap: 0.05,
    annotations: [] as Record<string, unknown>[],
  };
  ps.forEach((p, row) => {
    models.forEach((m, col) => {
      const k = row * models.length + col + 1;
      const xa = k === 1 ? "x" : `x${k}`;
      const ya = k === 1 ? "y" : `y${k}`;
      const values = [...(byModel.get(m)?.get(p)?.values() ?? [])];
      const hist = equalWidthHistogram(values, lo, hi, bins);
      data.push({ type: "bar", x: hist.centers, y: hist.counts, width: hist.width * 0.95, marker: { color: colorOfModel(m) }, name: `${modelLabel(m)}, p = ${p}`, xaxis: xa, yaxis: ya });
      const xDomain: [number, number] = [col * (w + gap), col * (w + gap) + w];
      const yTop = 1 - row * (h + 0.08);
      layout[`xaxis${k === 1 ? "" : k}`] = { domain: xDomain, anchor: ya, range: [lo - (hi - lo) * 0.02, hi + (hi - lo) * 0.02], ...(row === ps.length - 1 ? { title: { text: "final loss" } } : {}) };
      layout[`yaxis${k === 1 ? "" : k}`] = { domain: [yTop - h, yTop], anchor: xa, ...(col === 0 ? { title: { text: "runs" } } : {}) };
      (layout.annotations as Record<string, unknown>[]).push({ text: `${modelLabel(m)}, p = ${p} (n = ${values.length})`, showarrow: false, xref: "paper", yref: "paper", x: (xDomain[0] + xDomain[1]) / 2, y: yTop, xanchor: "center", yanchor: "bottom", font: { size: 12 } });
    });
  });
  return { data, layout };
}
