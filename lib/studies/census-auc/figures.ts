/**
 * Figures of the census study as plotly specs (pure functions of the runs):
 * - one horizontal dot plot per paper table: a panel per task, a row per model (labels on the
 *   y axis, where long names have room), our mean with its 95 % CI, our best run where the table
 *   has one, and the paper's printed values as distinct markers named in the legend; a paper
 *   value far below ours is drawn as a marker at the axis edge (its value on hover and in the
 *   table) rather than stretching the axis until our intervals vanish;
 * - the one-hot shift as per-seed differences (shifted − by name) with their 95 % CIs, beside
 *   how far AdaTT Table 5 sits from our by-name mean;
 * - validation AUC over training with its band (validation-figure.ts).
 * Every interval is cut at the metric's range and declares it (lib/figures/intervals.ts).
 */
import type { RunRecord } from "../../engine/store/run-record";
import { differenceOfMeans, summarize } from "../../stats/across-runs";
import { errorBars, gridCell, layoutKey, panelTitle, PALETTE, rangeMeta, UNIT_DIFFERENCE_RANGE, UNIT_RANGE, type Figure } from "../../figures";
import {
  adattChoices, adattPaperAuc, aucOf, aucStats, MMOE_PAPER_TABLE, mmoeChoices, ROW_LABEL, runsOf, TASK_LABEL, type CensusRuns, type ChosenRow,
} from "./analysis";
import { ADATT_COLUMN_TASKS, ADATT_ROWS, EXPERT_COUNTS, MMOE_GROUPS, MMOE_TABLE_ROWS, ONE_HOT_VARIANT_MODELS, type AdattRow } from "./design";
import { ADATT_TABLE5, PLE_TABLE5_CENSUS } from "./paper";
import { validationAucFigure } from "./validation-figure";

const MMOE_CENSUS_RUNS = MMOE_PAPER_TABLE["mmoe-g1"].runs;
const OURS = PALETTE[0];
const PAPER = PALETTE[3];
/** How far below our lowest value a paper value may sit and still be drawn on the axis. */
const PAPER_REACH = 0.06;
/** Pixels per model row of a dot plot, and the extra height of a panel row (title, ticks, gap). */
const ROW_PX = 24;
const PANEL_EXTRA_PX = 70;

interface Point {
  /** The model row's label (a y-axis category). */
  label: string;
  mean: number | null;
  ci: [number, number] | null;
  best?: number | null;
  paper?: number | null;
  paperBest?: number | null;
}

interface Panel {
  title: string;
  points: Point[];
}

interface Labels {
  ours: string;
  best?: string;
  paper: string;
  paperBest?: string;
}

const finite = (xs: readonly (number | null | undefined)[]) => xs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));

/**
 * The value axis of one panel: our means and best runs, the paper values within PAPER_REACH
 * below them, and CI ends up to 0.02 beyond those (with few runs a t-interval can span more than
 * all of AUC's range); padded, never past 1. Paper values further below are off scale.
 */
export function valueAxis(points: readonly Point[]): { range: [number, number]; offScale: (v: number | null | undefined) => boolean } {
  const ours = finite(points.flatMap((p) => [p.mean, p.best]));
  const paper = finite(points.flatMap((p) => [p.paper, p.paperBest]));
  const floor = (ours.length ? Math.min(...ours) : Math.min(1, ...paper)) - PAPER_REACH;
  const core = [...ours, ...paper.filter((v) => v >= floor)];
  const lo0 = core.length ? Math.min(...core) : 0.5;
  const hi0 = core.length ? Math.max(...core) : 1;
  const ends = finite(points.flatMap((p) => p.ci ?? []));
  const lo = Math.max(lo0 - 0.02, Math.min(lo0, ...ends));
  const hi = Math.min(hi0 + 0.02, Math.max(hi0, ...ends));
  const pad = Math.max(0.001, (hi - lo) * 0.05);
  return { range: [lo - pad, Math.min(1, hi + pad)], offScale: (v) => typeof v === "number" && v < floor };
}

/**
 * Panels of horizontal dot plots in a grid, one legend. Within a row the markers of ours and
 * the paper's are offset vertically (scattermode "group"), so equal values never hide each other.
 */
function dotPlotFigure(title: string, panels: readonly Panel[], labels: Labels, size: { width: number; columns: number; labelPx: number; groupRows?: number }): Figure {
  const { columns } = size;
  const panelRows = Math.ceil(panels.length / columns);
  const categories = Math.max(...panels.map((p) => p.points.length));
  const panelPx = categories * ROW_PX + 20;
  const legendPx = 30 * (2 + Number(Boolean(labels.best)) + Number(Boolean(labels.paperBest)));
  const height = 90 + panelRows * (panelPx + PANEL_EXTRA_PX) + legendPx;
  const gapY = PANEL_EXTRA_PX / (panelRows * (panelPx + PANEL_EXTRA_PX));
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title, font: { size: 14 } },
    width: size.width,
    height,
    margin: { l: size.labelPx, r: 20, t: 80, b: 40 + legendPx },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: 0.01, yanchor: "bottom", yref: "container", font: { size: 11 } },
    scattermode: "group",
    scattergap: 0.35,
    annotations,
    shapes,
  };
  const offScaleName = "paper: below the axis (value on hover and in the table)";
  let offScaleShown = false;
  panels.forEach((panel, i) => {
    const cell = gridCell(i, panels.length, columns, { x: 0.05, y: panelRows > 1 ? gapY : 0 });
    const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis };
    const first = i === 0;
    const ys = panel.points.map((p) => p.label);
    const { range, offScale } = valueAxis(panel.points);
    const onScale = (v: number | null | undefined) => (typeof v === "number" && !offScale(v) ? v : null);
    const marker = (name: string, group: string, offsetgroup: string, xs: (number | null)[], style: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      data.push({ type: "scatter", mode: "markers", orientation: "h", name, legendgroup: group, offsetgroup, showlegend: first, ...axes, x: xs, y: ys, meta: rangeMeta({ x: UNIT_RANGE }), marker: style, ...extra });
    const means = panel.points.map((p) => p.mean);
    marker(labels.ours, "ours", "ours", means, { color: OURS, size: 8 }, {
      error_x: errorBars(means, panel.points.map((p) => p.ci), UNIT_RANGE, { color: OURS, thickness: 1.5, width: 3 }),
      hovertemplate: "%{y}: mean %{x:.4f}<extra>ours</extra>",
    });
    if (labels.best) marker(labels.best, "best", "ours", panel.points.map((p) => p.best ?? null), { color: OURS, size: 9, symbol: "circle-open", line: { width: 1.5 } });
    marker(labels.paper, "paper", "paper", panel.points.map((p) => onScale(p.paper)), { color: PAPER, size: 10, symbol: "diamond" });
    if (labels.paperBest) marker(labels.paperBest, "paper-best", "paper", panel.points.map((p) => onScale(p.paperBest)), { color: PAPER, size: 10, symbol: "diamond-open", line: { width: 2 } });
    const off = panel.points.flatMap((p) => finite([p.paper, p.paperBest]).filter((v) => offScale(v)).map((v) => ({ y: p.label, v })));
    if (off.length) {
      data.push({
        type: "scatter", mode: "markers", orientation: "h", name: offScaleName, legendgroup: "off-scale", offsetgroup: "paper", showlegend: !offScaleShown, ...axes,
        // just inside the axis, so the marker cannot run into the row labels
        x: off.map(() => range[0] + 0.03 * (range[1] - range[0])), y: off.map((o) => o.y), customdata: off.map((o) => o.v), meta: rangeMeta({ x: UNIT_RANGE }),
        marker: { color: PAPER, size: 11, symbol: "triangle-left" }, hovertemplate: "%{y}: paper %{customdata:.4f} (below the axis)<extra></extra>",
      });
      offScaleShown = true;
    }
    layout[layoutKey("x", i)] = { domain: cell.x, anchor: axes.yaxis, range, nticks: 6, tickfont: { size: 10 }, title: { text: cell.row === panelRows - 1 ? "test AUC" : "", font: { size: 12 } }, zeroline: false };
    layout[layoutKey("y", i)] = { domain: cell.y, anchor: axes.xaxis, type: "category", categoryorder: "array", categoryarray: [...ys].reverse(), showticklabels: cell.column === 0, tickfont: { size: 11 }, showgrid: true };
    annotations.push(panelTitle(panel.title, cell));
    // a rule between groups of rows (AdaTT's 6 and 9 experts); category k sits at n − 1 − k on the reversed axis
    for (let k = size.groupRows ?? ys.length; k < ys.length; k += size.groupRows ?? ys.length) {
      shapes.push({ type: "line", xref: `${axes.xaxis} domain`, x0: 0, x1: 1, yref: axes.yaxis, y0: ys.length - k - 0.5, y1: ys.length - k - 0.5, line: { color: "#888888", width: 1, dash: "dot" } });
    }
  });
  return { data, layout };
}

/** MMoE Tables 1 and 2 beside ours: per group, the main task and marital status, one row per model. */
export function mmoeTablesFigure(runs: readonly RunRecord[]): Figure {
  const panels = MMOE_GROUPS.flatMap((group) => {
    const paper = MMOE_PAPER_TABLE[group];
    const { main, auxiliary } = paper.tasks;
    const choices = mmoeChoices(runs, group);
    const panel = (task: string, values: typeof paper.main): Panel => ({
      title: `${paper.source.replace("MMoE §6.3, ", "")}: ${TASK_LABEL[task]} AUC (n = ${choices.mmoe.runs.length})`,
      points: MMOE_TABLE_ROWS.map((row) => {
        const s = aucStats(choices[row].runs, task, main);
        return { label: ROW_LABEL[row], mean: s.mean, ci: s.ci95, best: s.best, paper: values[row].mean, paperBest: values[row].best };
      }),
    });
    return [panel(main, paper.main), panel(auxiliary, paper.auxiliary)];
  });
  return dotPlotFigure(
    `MMoE §6.3, Tables 1–2: ours (mean, 95 % CI, best run) beside the paper (${MMOE_CENSUS_RUNS} runs)`,
    panels,
    { ours: "ours: mean ± 95 % CI", best: "ours: best run (by main-task validation)", paper: "paper: mean (marital: col. 4)", paperBest: "paper: best (marital: col. 3)" },
    { columns: 2, width: 820, labelPx: 150 },
  );
}

/** PLE Table 5's census rows beside ours; the MMoE income value its printed gain implies is marked too. */
export function pleTableFigure(runs: readonly RunRecord[]): Figure {
  const choices = mmoeChoices(runs, "mmoe-g1");
  const t = PLE_TABLE5_CENSUS;
  const panels = (t.tasks as readonly ("income" | "marital")[]).map((task) => ({
    title: `${TASK_LABEL[task]} AUC`,
    points: (["single-task", "mmoe", "ple"] as const).map((row) => {
      const s = aucStats(choices[row].runs, task, "income");
      const implied = row === t.inconsistency.model && task === t.inconsistency.task ? t.inconsistency.impliedAuc : null;
      return { label: ROW_LABEL[row], mean: s.mean, ci: s.ci95, paper: t.auc[row][task], paperBest: implied };
    }),
  }));
  return dotPlotFigure(`${t.source}: ours (mean, 95 % CI) beside the paper`, panels, { ours: "ours: mean ± 95 % CI", paper: "paper: printed AUC", paperBest: "paper: MMoE income implied by its printed gain (inconsistent)" }, { columns: 2, width: 720, labelPx: 110 });
}

/** AdaTT Table 5 beside ours: one panel per task, one row per model and expert count. */
export function adattTableFigure(runs: readonly RunRecord[]): Figure {
  const choices = Object.fromEntries(EXPERT_COUNTS.map((n) => [n, adattChoices(runs, n)])) as Record<number, Record<AdattRow, ChosenRow>>;
  const panels = ADATT_COLUMN_TASKS.map((task, j) => ({
    title: `${TASK_LABEL[task]} AUC (paper column ${j + 1})`,
    points: EXPERT_COUNTS.flatMap((n) =>
      ADATT_ROWS.map((row) => {
        const s = aucStats(choices[n][row].runs, task, "income");
        return { label: `${ROW_LABEL[row]}, ${n} experts`, mean: s.mean, ci: s.ci95, paper: adattPaperAuc(n, row, task) };
      }),
    ),
  }));
  return dotPlotFigure(`AdaTT Table 5: ours (mean, 95 % CI) beside the paper (${ADATT_TABLE5.runs} runs)`, panels, { ours: "ours: mean ± 95 % CI", paper: "paper: mean" }, { columns: 3, width: 900, labelPx: 150, groupRows: ADATT_ROWS.length });
}

const ONE_HOT_PAPER_ROW: Record<(typeof ONE_HOT_VARIANT_MODELS)[number], AdattRow> = { "ml-mmoe-6": "ml-mmoe", "ple-6-s3": "ple", "adatt-sp-6": "adatt" };

/**
 * The one-hot shift as differences: per task and model, shifted − by name test AUC (mean and
 * 95 % CI, paired by seed where both encodings hold the seed, Welch otherwise), beside AdaTT
 * Table 5 − our by-name mean: where the two markers agree, the shift alone explains the gap.
 */
export function oneHotFigure(runs: readonly RunRecord[]): Figure {
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const models = [...ONE_HOT_VARIANT_MODELS];
  const labels = models.map((m) => `${ROW_LABEL[ONE_HOT_PAPER_ROW[m]]} (${m})`);
  const layout: Record<string, unknown> = {
    title: { text: "The public code's one-hot shift: change in test AUC against the correct encoding<br><sub>shifted − by name, mean and 95 % CI over seeds (paired by seed where both encodings ran it); AdaTT Table 5 (6 experts) − our by-name mean beside it</sub>", font: { size: 14 } },
    width: 900,
    height: 350,
    margin: { l: 170, r: 20, t: 110, b: 100 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: 0.01, yanchor: "bottom", yref: "container" },
    scattermode: "group",
    scattergap: 0.4,
    annotations,
  };
  ADATT_COLUMN_TASKS.forEach((task, i) => {
    const cell = gridCell(i, ADATT_COLUMN_TASKS.length, ADATT_COLUMN_TASKS.length, { x: 0.05, y: 0 });
    const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis };
    const diffs = models.map((m) => {
      const bySeed = (condition: string) => new Map(runsOf(runs, condition, m).map((r) => [r.seed, aucOf(r, "test", task)]));
      return differenceOfMeans(bySeed("positional-per-file"), bySeed("by-name"));
    });
    const paperGap = models.map((m) => {
      const byName = summarize(runsOf(runs, "by-name", m).map((r) => aucOf(r, "test", task))).mean;
      const paper = adattPaperAuc(6, ONE_HOT_PAPER_ROW[m], task);
      return byName === null || paper === null ? null : paper - byName;
    });
    const means = diffs.map((d) => d?.mean ?? null);
    data.push({
      type: "scatter", mode: "markers", orientation: "h", name: "shifted − by name (ours, 95 % CI)", legendgroup: "shift", offsetgroup: "shift", showlegend: i === 0, ...axes,
      x: means, y: labels, meta: rangeMeta({ x: UNIT_DIFFERENCE_RANGE }),
      error_x: errorBars(means, diffs.map((d) => d?.ci95 ?? null), UNIT_DIFFERENCE_RANGE, { color: OURS, thickness: 1.5, width: 3 }),
      customdata: diffs.map((d) => (d ? `${d.paired ? "paired" : "unpaired"}, n = ${d.n}` : "no runs")), hovertemplate: "%{y}: %{x:.4f} (%{customdata})<extra></extra>",
      marker: { color: OURS, size: 9 },
    });
    data.push({
      type: "scatter", mode: "markers", orientation: "h", name: "AdaTT Table 5 − our by-name mean", legendgroup: "paper", offsetgroup: "paper", showlegend: i === 0, ...axes,
      x: paperGap, y: labels, meta: rangeMeta({ x: UNIT_DIFFERENCE_RANGE }), marker: { color: PAPER, size: 10, symbol: "diamond" }, hovertemplate: "%{y}: paper − ours %{x:.4f}<extra></extra>",
    });
    layout[layoutKey("x", i)] = { domain: cell.x, anchor: axes.yaxis, zeroline: true, zerolinecolor: "#444444", zerolinewidth: 1, nticks: 5, tickfont: { size: 10 }, title: { text: "Δ test AUC", font: { size: 12 } } };
    layout[layoutKey("y", i)] = { domain: cell.y, anchor: axes.xaxis, type: "category", categoryorder: "array", categoryarray: [...labels].reverse(), showticklabels: i === 0 };
    annotations.push(panelTitle(`${TASK_LABEL[task]} AUC`, cell));
  });
  return { data, layout };
}

/** Every figure the available runs support, by file name. */
export function censusFigures(input: CensusRuns): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  if (input.mmoe) {
    out["mmoe-tables-auc"] = mmoeTablesFigure(input.mmoe);
    out["ple-table5-auc"] = pleTableFigure(input.mmoe);
  }
  if (input.adatt) {
    out["adatt-table5-auc"] = adattTableFigure(input.adatt);
    out["one-hot-shift"] = oneHotFigure(input.adatt);
  }
  if (input.mmoe || input.adatt) out["validation-auc"] = validationAucFigure(input);
  return out;
}
