/**
 * Validation AUC over training, as notebook 03 describes it: per table, one small panel per row
 * (its chosen model), the mean over runs of the checkpoint-selection metric at each evaluation
 * with the 95 % CI of that mean as a band. Panels of one table share their value axis, so rows
 * compare by height and each row's own band shows whether its curve had flattened. Small
 * multiples rather than one panel per table: eight overlapping bands hide each other's lines.
 */
import type { RunRecord } from "../../engine/store/run-record";
import { summarize } from "../../stats/across-runs";
import { axisName, clipInterval, gridCell, layoutKey, NON_NEGATIVE, PALETTE, panelTitle, rangeMeta, UNIT_RANGE, withAlpha, type Figure, type MetricRange } from "../../figures";
import { adattChoices, meanGainBeforeBest, MMOE_PAPER_TABLE, mmoeChoices, ROW_LABEL, TASK_LABEL, type CensusRuns, type ChosenRow } from "./analysis";
import { ADATT_ROWS, MMOE_GROUPS } from "./design";

export interface ValidationBand {
  /** Every evaluation step any run recorded, ascending. */
  steps: number[];
  mean: (number | null)[];
  /** 95 % CI of the mean at each step, cut at the metric's range (equal to the mean with fewer than two runs there). */
  lo: (number | null)[];
  hi: (number | null)[];
  /** Runs with a value at each step: a run that stopped early leaves the later points. */
  n: number[];
  /** Finished runs with a selection curve. */
  runs: number;
}

/** The selection curve of `runs` over training: mean and 95 % CI per evaluation step, runs aligned by step (not by index). */
export function validationAucBand(runs: readonly RunRecord[]): ValidationBand {
  const ok = runs.filter((r) => r.status === "ok" && r.curves.selection);
  const steps = [...new Set(ok.flatMap((r) => r.curves.steps))].sort((a, b) => a - b);
  const at = steps.map((step) =>
    summarize(ok.map((r) => {
      const i = r.curves.steps.indexOf(step);
      return i < 0 ? NaN : (r.curves.selection![i] ?? NaN);
    })),
  );
  const ends = at.map((s) => clipInterval(s.ci95, metricRange(ok)));
  return { steps, mean: at.map((s) => s.mean), lo: at.map((s, i) => ends[i]?.[0] ?? s.mean), hi: at.map((s, i) => ends[i]?.[1] ?? s.mean), n: at.map((s) => s.n), runs: ok.length };
}

/** The range of a selection metric: AUC within [0, 1], a loss at least 0. */
const metricRange = (runs: readonly RunRecord[]): MetricRange => (runs.some((r) => r.selection.metric === "loss") ? NON_NEGATIVE : UNIT_RANGE);

/** Values as drawn: 5 decimals of AUC (hover shows 4), so the figure's JSON stays small in the notebook. */
const plotted = (ys: readonly (number | null)[]) => ys.map((y) => (y === null ? null : Math.round(y * 1e5) / 1e5));
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(4)}`;

export interface CurvePanelRow {
  /** The table ("Table 1 (mmoe-g1)"). */
  title: string;
  rows: readonly ChosenRow[];
}

/** The y axis of a table's panels: the selection metric's name. */
const metricLabel = (rows: readonly ChosenRow[]) => (rows.flatMap((r) => r.runs)[0]?.selection.metric === "loss" ? "loss" : "AUC");

/** What the runs select checkpoints on, in words ("validation income AUC"). */
function selectionLabel(rows: readonly ChosenRow[]): string {
  const s = rows.flatMap((r) => r.runs)[0]?.selection;
  return s ? `validation ${TASK_LABEL[s.task] ?? s.task} ${s.metric.toUpperCase()}` : "validation AUC";
}

const PANEL_PX = 110;
const GAP_PX = 110; // between rows of panels: step ticks, axis title, the next table's title and model titles
const TOP_PX = 155; // figure title, the first table's title and model titles
const BOTTOM_PX = 60;

/** One row of small panels per table, one panel per model row; a band and a mean line in each. */
export function validationAucCurvesFigure(tables: readonly CurvePanelRow[], title: string): Figure {
  const columns = Math.max(1, ...tables.map((t) => t.rows.length));
  const panelRows = tables.length;
  const plotPx = panelRows * PANEL_PX + (panelRows - 1) * GAP_PX;
  const gaps = { x: 0.025, y: GAP_PX / plotPx };
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: `${title}<br><sub>mean over runs and 95 % CI of the mean (band) at each evaluation; panels of a table share their y axis;<br>under each model, how much its runs' selection metric improved over the two epochs before their best checkpoint (positive = better)</sub>`, font: { size: 14 }, yref: "container", y: 1 - 14 / (plotPx + TOP_PX + BOTTOM_PX), yanchor: "top" },
    width: Math.max(600, 70 + columns * 115),
    height: plotPx + TOP_PX + BOTTOM_PX,
    margin: { l: 60, r: 20, t: TOP_PX, b: BOTTOM_PX },
    showlegend: false, // every panel is titled with its model
    annotations,
  };
  tables.forEach((table, t) => {
    table.rows.forEach((row, c) => {
      const i = t * columns + c;
      const cell = gridCell(i, panelRows * columns, columns, gaps);
      const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis };
      const band = validationAucBand(row.runs);
      const color = PALETTE[c % PALETTE.length];
      const name = ROW_LABEL[row.row] ?? row.row;
      const base = { type: "scatter", mode: "lines", x: band.steps, ...axes, meta: rangeMeta({ y: metricRange(row.runs) }) };
      data.push(
        { ...base, y: plotted(band.hi), line: { width: 0, color }, hoverinfo: "skip" },
        { ...base, y: plotted(band.lo), line: { width: 0, color }, fill: "tonexty", fillcolor: withAlpha(color, 0.25), hoverinfo: "skip" },
        { ...base, mode: "lines", y: plotted(band.mean), name, customdata: band.n, line: { color, width: 1.5 }, hovertemplate: `${name}, step %{x}: %{y:.4f} (%{customdata} runs)<extra></extra>` },
      );
      layout[layoutKey("x", i)] = { domain: cell.x, anchor: axes.yaxis, nticks: 4, tickfont: { size: 9 }, title: { text: c === 0 ? "step" : "", font: { size: 10 } } };
      layout[layoutKey("y", i)] = { domain: cell.y, anchor: axes.xaxis, tickfont: { size: 9 }, nticks: 5, ...(c === 0 ? { title: { text: metricLabel(table.rows), font: { size: 10 } } } : { matches: axisName("y", t * columns), showticklabels: false }) };
      const gain = meanGainBeforeBest(row.runs);
      annotations.push(panelTitle(`${name} (n = ${band.runs})<br>before best: ${gain === null ? "–" : signed(gain)}`, cell, 10));
    });
    const first = gridCell(t * columns, panelRows * columns, columns, gaps);
    annotations.push({ text: `<b>${table.title}</b>: ${selectionLabel(table.rows)}`, showarrow: false, xref: "paper", yref: "paper", x: 0, y: first.y[1], yshift: 34, xanchor: "left", yanchor: "bottom", font: { size: 12 } });
  });
  return { data, layout };
}

/** The validation-AUC curves of the chosen model of every row the runs have: group 1 (with PLE), group 2, AdaTT's 6 experts. */
export function validationAucFigure(input: CensusRuns): Figure {
  const tables: CurvePanelRow[] = [];
  if (input.mmoe) {
    for (const g of MMOE_GROUPS) tables.push({ title: MMOE_PAPER_TABLE[g].source.replace("MMoE §6.3, ", "MMoE "), rows: Object.values(mmoeChoices(input.mmoe, g)) });
  }
  if (input.adatt) {
    // 6 experts only: the 9-expert rows are the same families; AdaTT-sp is the AdaTT row's m_s = 0 candidate
    const choices = adattChoices(input.adatt, 6);
    tables.push({ title: "AdaTT Table 5, 6 experts", rows: ADATT_ROWS.filter((r) => r !== "adatt-sp").map((r) => choices[r]) });
  }
  return validationAucCurvesFigure(tables, "The checkpoint-selection metric on validation over training, the chosen model of each row");
}
