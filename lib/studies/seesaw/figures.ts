/**
 * Figures of the seesaw study as plotly specs (pure functions, no I/O):
 * - PLE Fig. 3: the bubble plot of MTL gains (x: regression task, MSE; y: binary task, AUC),
 *   bubble area ∝ parameter count, error bars = 95 % CI of the mean gain over paired seeds,
 *   quadrant lines at zero and the "both better" quadrant shaded; models are named in the legend
 *   and on hover, not beside their bubbles (labels of nearby bubbles overprint);
 * - PLE Fig. 8: expert-utilisation bars, mean ± std of the gate weights over the test rows, per
 *   task and level, for MMoE, ML-MMoE, CGC and PLE; the bars stop at 0 and 1, the range of a
 *   gate weight.
 */
import type { RunRecord } from "../../engine/store/run-record";
import type { Figure } from "../../figures";
import { errorBars, PALETTE, spreadBars, rangeMeta, UNBOUNDED, UNIT_DIFFERENCE_RANGE, UNIT_RANGE, withAlpha } from "../../figures";
import { BASELINE, SEESAW_GROUP_LABELS, type ModelResult, type SeesawAnalysis, type SeesawTasks } from "./analysis";
import { FIG8_MODELS, SEESAW_MODELS, seesawLabel } from "./models";

/** One colour per model (the baseline has none: it is the origin). */
export function seesawColor(model: string): string {
  const i = SEESAW_MODELS.indexOf(model as (typeof SEESAW_MODELS)[number]);
  const colors = [...PALETTE, "#393b79"]; // eleven models, eleven colours
  return i < 0 ? "#555555" : colors[i % colors.length];
}

/** Shading of the "both better" quadrant. */
export const BOTH_BETTER_FILL = "rgba(44, 160, 44, 0.10)";
/** Largest bubble diameter in pixels (the largest parameter count). */
const MAX_BUBBLE_PX = 32;

interface Point {
  model: ModelResult;
  x: number;
  y: number;
  xLo: number;
  xHi: number;
  yLo: number;
  yHi: number;
}

function points(a: SeesawAnalysis): Point[] {
  return a.models
    .filter((m) => m.model !== BASELINE && m.regression?.summary.mean != null && m.binary?.summary.mean != null)
    .map((m) => {
      const x = m.regression!.summary.mean!;
      const y = m.binary!.summary.mean!;
      const [xLo, xHi] = m.regression!.summary.ci95 ?? [x, x];
      const [yLo, yHi] = m.binary!.summary.ci95 ?? [y, y];
      return { model: m, x, y, xLo, xHi, yLo, yHi };
    });
}

/** An axis range around the values and 0, padded by 12 %. */
function rangeAround(values: number[]): [number, number] {
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const pad = (hi - lo || 1e-3) * 0.12;
  return [lo - pad, hi + pad];
}

/** PLE Fig. 3 for one task group. */
export function bubbleFigure(a: SeesawAnalysis, runsPerModel?: number): Figure {
  const pts = points(a);
  const xr = rangeAround(pts.flatMap((p) => [p.xLo, p.xHi]));
  const yr = rangeAround(pts.flatMap((p) => [p.yLo, p.yHi]));
  const maxParams = Math.max(1, ...pts.map((p) => p.model.parameters ?? 0));
  const sizeref = (2 * maxParams) / MAX_BUBBLE_PX ** 2; // plotly "area": diameter² ∝ value
  const n = runsPerModel ?? Math.max(0, ...pts.map((p) => p.model.regression!.perSeed.size));
  const data = pts.map((p) => ({
    type: "scatter",
    mode: "markers",
    name: p.model.label, // parameter counts: hover and the sizes table (a longer legend costs ~15 % of the static image)
    x: [p.x],
    y: [p.y],
    meta: rangeMeta({ x: UNBOUNDED, y: UNIT_DIFFERENCE_RANGE }), // MSE gain is unbounded; an AUC gain lies in [−1, 1]
    error_x: errorBars([p.x], [[p.xLo, p.xHi]], UNBOUNDED, { color: seesawColor(p.model.model), thickness: 1.2, width: 3 }),
    error_y: errorBars([p.y], [[p.yLo, p.yHi]], UNIT_DIFFERENCE_RANGE, { color: seesawColor(p.model.model), thickness: 1.2, width: 3 }),
    marker: { size: [p.model.parameters ?? 0], sizemode: "area", sizeref, sizemin: 4, color: withAlpha(seesawColor(p.model.model), 0.7), line: { color: seesawColor(p.model.model), width: 1 } },
    hovertemplate: `${p.model.label} (${(p.model.parameters ?? 0).toLocaleString("en-US")} parameters)<br>MSE gain %{x:.5f} [${p.xLo.toFixed(5)}, ${p.xHi.toFixed(5)}]<br>AUC gain %{y:.5f} [${p.yLo.toFixed(5)}, ${p.yHi.toFixed(5)}]<extra></extra>`,
  }));
  const corner = (x: number, y: number, text: string, xanchor: string, yanchor: string) => ({ x, y, xref: "x", yref: "y", text, showarrow: false, xanchor, yanchor, font: { size: 11, color: "#555555" } });
  return {
    data,
    layout: {
      title: { text: `PLE Fig. 3 — ${SEESAW_GROUP_LABELS[a.group]}<br><sub>MTL gain over Single-Task, mean and 95 % CI over ${n} paired seeds; bubble area ∝ parameter count; models in the legend</sub>`, font: { size: 14 } },
      xaxis: { title: { text: `MTL gain on ${a.tasks.regression} (MSE: Single-Task − model)` }, range: xr, zeroline: false },
      yaxis: { title: { text: `MTL gain on ${a.tasks.binary} (AUC: model − Single-Task)` }, range: yr, zeroline: false },
      shapes: [
        { type: "rect", xref: "x", yref: "y", x0: 0, x1: xr[1], y0: 0, y1: yr[1], fillcolor: BOTH_BETTER_FILL, line: { width: 0 }, layer: "below" },
        { type: "line", xref: "x", yref: "y", x0: 0, x1: 0, y0: yr[0], y1: yr[1], line: { color: "#444444", width: 1 } },
        { type: "line", xref: "x", yref: "y", x0: xr[0], x1: xr[1], y0: 0, y1: 0, line: { color: "#444444", width: 1 } },
      ],
      annotations: [
        corner(xr[1], yr[1], "both better", "right", "top"),
        corner(xr[0], yr[1], `${a.tasks.binary} better, ${a.tasks.regression} worse`, "left", "top"),
        corner(xr[1], yr[0], `${a.tasks.regression} better, ${a.tasks.binary} worse`, "right", "bottom"),
        corner(xr[0], yr[0], "both worse", "left", "bottom"),
      ],
      width: 760,
      height: 520,
      legend: { font: { size: 10 } },
    },
  };
}

/** The lowest seed that every given model finished with gate statistics (PLE Fig. 8 shows one model per architecture). */
export function fig8Seed(runs: readonly RunRecord[], models: readonly string[] = FIG8_MODELS): number | null {
  const ok = (m: string) => new Set(runs.filter((r) => r.model === m && r.status === "ok" && r.gates.length > 0).map((r) => r.seed));
  const sets = models.map(ok);
  const common = [...(sets[0] ?? [])].filter((s) => sets.every((x) => x.has(s))).sort((a, b) => a - b);
  return common[0] ?? null;
}

/**
 * PLE Fig. 8: one panel per model; grouped bars of the mean gate weight per expert over the test
 * rows, error bars ± 1 std over those rows, coloured by the gate's task (ML-MMoE's level-1 gates,
 * which feed level-2 experts, in grey). One run per model: the seed `fig8Seed` picks.
 */
export function expertUtilisationFigure(runs: readonly RunRecord[], tasks: SeesawTasks, group: keyof typeof SEESAW_GROUP_LABELS, models: readonly string[] = FIG8_MODELS): Figure {
  const seed = fig8Seed(runs, models);
  const gap = 0.06;
  const w = (1 - gap * (models.length - 1)) / models.length;
  const taskColor = (gate: string) => (gate === tasks.regression ? PALETTE[0] : gate === tasks.binary ? PALETTE[1] : "#9e9e9e");
  const shown = new Set<string>();
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: `PLE Fig. 8 — expert utilisation, ${SEESAW_GROUP_LABELS[group]}<br><sub>mean gate weight over the test rows ± 1 std over rows (cut at 0 and 1); run seed ${seed ?? "–"} of each model</sub>`, font: { size: 14 } },
    barmode: "group",
    width: 960,
    height: 440,
    margin: { b: 140 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.42 },
    annotations: [] as Record<string, unknown>[],
  };
  models.forEach((model, i) => {
    const xa = i === 0 ? "x" : `x${i + 1}`;
    const ya = i === 0 ? "y" : `y${i + 1}`;
    const run = runs.find((r) => r.model === model && r.seed === seed && r.status === "ok");
    for (const g of run?.gates ?? []) {
      const kind = g.task === tasks.regression || g.task === tasks.binary ? `${g.task} gate` : "gate of a level-2 expert (ML-MMoE)";
      data.push({
        type: "bar",
        name: kind,
        legendgroup: kind,
        showlegend: !shown.has(kind),
        x: g.experts.map((e) => `L${g.level + 1} ${e}`),
        y: g.mean,
        // mean ± std can pass 0 or 1 for a skewed gate: the bar is cut at the range of a weight
        error_y: spreadBars(g.mean, g.std, UNIT_RANGE, { thickness: 1 }),
        meta: rangeMeta({ y: UNIT_RANGE }),
        marker: { color: taskColor(g.task) },
        hovertemplate: `${seesawLabel(model)}, level ${g.level + 1}, gate of ${g.task}<br>%{x}: %{y:.3f}<extra></extra>`,
        xaxis: xa,
        yaxis: ya,
      });
      shown.add(kind);
    }
    const domain: [number, number] = [i * (w + gap), i * (w + gap) + w];
    layout[`xaxis${i === 0 ? "" : i + 1}`] = { domain, anchor: ya, tickangle: -40, tickfont: { size: 9 } };
    layout[`yaxis${i === 0 ? "" : i + 1}`] = { anchor: xa, range: [0, 1.05], ...(i === 0 ? { title: { text: "gate weight" } } : { showticklabels: true }) };
    (layout.annotations as Record<string, unknown>[]).push({ text: seesawLabel(model), showarrow: false, xref: "paper", yref: "paper", x: (domain[0] + domain[1]) / 2, y: 1.02, xanchor: "center", yanchor: "bottom" });
  });
  return { data, layout };
}
