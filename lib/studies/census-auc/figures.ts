/**
 * Figures of the census study as plotly specs (pure functions of the runs): one dot-and-CI plot
 * per paper table — our mean test AUC with its 95 % CI, our best-run value where the table has
 * one, and the paper's printed value as a separate marker — and validation-AUC curves over
 * training for the chosen model of every row. Paper values come from paper.ts (through the
 * analysis helpers); a paper value far below our axis is drawn as a labelled arrow at the bottom.
 */
import type { RunRecord } from "../../engine/run-record";
import { summarize } from "../../stats/across-runs";
import { PALETTE, withAlpha, type Figure } from "../../figures";
import {
  adattChoices, adattPaperAuc, aucStats, MMOE_PAPER_TABLE, mmoeChoices, ROW_LABEL, runsOf, TASK_LABEL, type CensusRuns, type ChosenRow,
} from "./analysis";
import { ADATT_COLUMN_TASKS, ADATT_ROWS, EXPERT_COUNTS, MMOE_GROUPS, MMOE_TABLE_ROWS, ONE_HOT_VARIANT_MODELS, type AdattRow, type MmoeGroup } from "./design";
import { ADATT_TABLE5, PLE_TABLE5_CENSUS } from "./paper";

const MMOE_CENSUS_RUNS = MMOE_PAPER_TABLE["mmoe-g1"].runs;
/** plotly's ten colours and two more, so that the twelve table rows never share one. */
const ROW_COLORS = [...PALETTE, "#000000", "#b15928"];
const OURS = PALETTE[0];
const OURS_ALT = PALETTE[2];
const PAPER = PALETTE[3];

interface Point {
  x: string;
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

/** A model label on two lines ("Tensor-<br>Factorization"): horizontal ticks keep the static image small and legible. */
const tick = (label: string) => label.replace(/-(?=[A-Z])/, "-<br>").replace(/ \(/, "<br>(");
const axisName = (kind: "x" | "y", i: number) => (i === 0 ? kind : `${kind}${i + 1}`);
const layoutKey = (kind: "x" | "y", i: number) => (i === 0 ? `${kind}axis` : `${kind}axis${i + 1}`);

/**
 * The y-range: every mean, best and nearby paper value, with a margin; CI ends stretch it by at
 * most 0.02 beyond them (with very few runs a t-interval can span more than all of AUC's range),
 * and it never passes 1. Paper values far below our values are flagged instead of drawn.
 */
function rangeOf(points: readonly Point[]): { range: [number, number]; offScale: (v: number | null | undefined) => boolean } {
  const finite = (xs: (number | null | undefined)[]) => xs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const ours = finite(points.flatMap((p) => [p.mean, p.best]));
  const paper = finite(points.flatMap((p) => [p.paper, p.paperBest]));
  const lowOurs = ours.length ? Math.min(...ours) : Math.min(...paper, 1);
  const floor = lowOurs - 0.03;
  const core = [...ours, ...paper.filter((v) => v >= floor)];
  const lo0 = core.length ? Math.min(...core) : 0.5;
  const hi0 = core.length ? Math.max(...core) : 1;
  const ends = finite(points.flatMap((p) => p.ci ?? []));
  const lo = Math.max(lo0 - 0.02, Math.min(lo0, ...ends));
  const hi = Math.min(hi0 + 0.02, Math.max(hi0, ...ends));
  const pad = Math.max(0.002, (hi - lo) * 0.06);
  return { range: [lo - pad, Math.min(1, hi + pad)], offScale: (v) => typeof v === "number" && v < floor };
}

/** Panel i of a grid with `columns` columns: its axis names and domains (row-major, top row first). */
function gridCell(i: number, count: number, columns: number, gaps = { x: 0.08, y: 0.2 }) {
  const rows = Math.ceil(count / columns);
  const w = (1 - gaps.x * (columns - 1)) / columns;
  const h = (1 - gaps.y * (rows - 1)) / rows;
  const col = i % columns;
  const row = Math.floor(i / columns);
  const top = 1 - row * (h + gaps.y);
  return { xaxis: axisName("x", i), yaxis: axisName("y", i), x: [col * (w + gaps.x), col * (w + gaps.x) + w] as [number, number], y: [top - h, top] as [number, number], rows };
}

/** Panels of dot-and-CI points in a grid, sharing one legend. */
function dotCiFigure(title: string, panels: readonly Panel[], labels: { ours: string; best?: string; paper: string; paperBest?: string }, size: { width?: number; columns?: number } = {}): Figure {
  const columns = size.columns ?? panels.length;
  const rows = Math.ceil(panels.length / columns);
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title, font: { size: 14 } },
    width: size.width ?? 720,
    height: 140 + rows * 240,
    margin: { b: 130, t: 80 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: rows > 1 ? -0.16 : -0.32 },
    scattermode: "group", // ours and the paper's marker side by side at each model
    annotations,
  };
  panels.forEach((panel, i) => {
    const cell = gridCell(i, panels.length, columns);
    const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis };
    const first = i === 0;
    const xs = panel.points.map((p) => p.x);
    const { range, offScale } = rangeOf(panel.points);
    const clip = (v: number | null | undefined) => (typeof v === "number" && !offScale(v) ? v : null);
    data.push({
      type: "scatter", mode: "markers", name: labels.ours, legendgroup: "ours", offsetgroup: "ours", showlegend: first, ...axes, x: xs,
      y: panel.points.map((p) => p.mean),
      error_y: { type: "data", symmetric: false, array: panel.points.map((p) => (p.ci && p.mean !== null ? p.ci[1] - p.mean : 0)), arrayminus: panel.points.map((p) => (p.ci && p.mean !== null ? p.mean - p.ci[0] : 0)), color: OURS },
      marker: { color: OURS, size: 9 },
    });
    if (labels.best) data.push({ type: "scatter", mode: "markers", name: labels.best, legendgroup: "best", offsetgroup: "ours", showlegend: first, ...axes, x: xs, y: panel.points.map((p) => p.best ?? null), marker: { color: OURS, size: 9, symbol: "circle-open", line: { width: 2 } } });
    data.push({ type: "scatter", mode: "markers", name: labels.paper, legendgroup: "paper", offsetgroup: "paper", showlegend: first, ...axes, x: xs, y: panel.points.map((p) => clip(p.paper)), marker: { color: PAPER, size: 10, symbol: "diamond" } });
    if (labels.paperBest) data.push({ type: "scatter", mode: "markers", name: labels.paperBest, legendgroup: "paper-best", offsetgroup: "paper", showlegend: first, ...axes, x: xs, y: panel.points.map((p) => clip(p.paperBest)), marker: { color: PAPER, size: 10, symbol: "diamond-open", line: { width: 2 } } });
    for (const p of panel.points) {
      const off = [p.paper, p.paperBest].filter((v) => offScale(v)) as number[];
      if (off.length) annotations.push({ x: p.x, y: range[0], xref: axes.xaxis, yref: axes.yaxis, text: `paper ${off.map((v) => v.toFixed(4)).join(" / ")} ↓`, showarrow: false, yanchor: "bottom", font: { size: 10, color: PAPER } });
    }
    layout[layoutKey("x", i)] = { domain: cell.x, anchor: axes.yaxis, tickangle: 0, tickfont: { size: 10 } };
    layout[layoutKey("y", i)] = { domain: cell.y, anchor: axes.xaxis, range, title: { text: i % columns === 0 ? "test AUC" : "" } };
    annotations.push({ text: panel.title, showarrow: false, xref: "paper", yref: "paper", x: (cell.x[0] + cell.x[1]) / 2, y: cell.y[1] + 0.01, xanchor: "center", yanchor: "bottom" });
  });
  return { data, layout };
}

/** MMoE Tables 1 and 2 beside ours: per group, the main task and marital status, one dot per model. */
export function mmoeTablesFigure(runs: readonly RunRecord[]): Figure {
  const panels = MMOE_GROUPS.flatMap((group) => {
    const paper = MMOE_PAPER_TABLE[group];
    const { main, auxiliary } = paper.tasks;
    const choices = mmoeChoices(runs, group);
    const panel = (task: string, values: typeof paper.main): Panel => ({
      title: `${paper.source.replace("MMoE §6.3, ", "")}: ${TASK_LABEL[task]} AUC (n = ${choices.mmoe.runs.length})`,
      points: MMOE_TABLE_ROWS.map((row) => {
        const s = aucStats(choices[row].runs, task, main);
        return { x: tick(ROW_LABEL[row]), mean: s.mean, ci: s.ci95, best: s.best, paper: values[row].mean, paperBest: values[row].best };
      }),
    });
    return [panel(main, paper.main), panel(auxiliary, paper.auxiliary)];
  });
  return dotCiFigure(
    `MMoE §6.3, Tables 1–2: ours (mean, 95 % CI, best run) beside the paper (${MMOE_CENSUS_RUNS} runs)`,
    panels,
    { ours: "ours: mean ± 95 % CI", best: "ours: best run (by main-task validation)", paper: "paper: mean (marital: col. 4)", paperBest: "paper: best (marital: col. 3)" },
    { columns: 2, width: 720 },
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
      return { x: tick(ROW_LABEL[row]), mean: s.mean, ci: s.ci95, paper: t.auc[row][task], paperBest: implied };
    }),
  }));
  return dotCiFigure(`${t.source}: ours (mean, 95 % CI) beside the paper`, panels, { ours: "ours: mean ± 95 % CI", paper: "paper: printed AUC", paperBest: "paper: MMoE income implied by its printed gain (inconsistent)" }, { width: 600 });
}

/** AdaTT Table 5 beside ours: one panel per task, one dot per model and expert count. */
export function adattTableFigure(runs: readonly RunRecord[]): Figure {
  const choices = Object.fromEntries(EXPERT_COUNTS.map((n) => [n, adattChoices(runs, n)])) as Record<number, Record<AdattRow, ChosenRow>>;
  const panels = ADATT_COLUMN_TASKS.map((task, j) => ({
    title: `${TASK_LABEL[task]} AUC (paper column ${j + 1})`,
    points: EXPERT_COUNTS.flatMap((n) =>
      ADATT_ROWS.map((row) => {
        const s = aucStats(choices[n][row].runs, task, "income");
        return { x: tick(`${ROW_LABEL[row]} (${n})`), mean: s.mean, ci: s.ci95, paper: adattPaperAuc(n, row, task) };
      }),
    ),
  }));
  return dotCiFigure(`AdaTT Table 5: ours (mean, 95 % CI) beside the paper (${ADATT_TABLE5.runs} runs), by expert count`, panels, { ours: "ours: mean ± 95 % CI", paper: "paper: mean" }, { width: 780 });
}

/** The one-hot shift: AUC by name and with the shift per model, beside AdaTT Table 5's 6-expert values. */
export function oneHotFigure(runs: readonly RunRecord[]): Figure {
  const rowOf: Record<string, AdattRow> = { "ml-mmoe-6": "ml-mmoe", "ple-6-s3": "ple", "adatt-sp-6": "adatt" };
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: "The public code's one-hot shift against the correct encoding (mean, 95 % CI), beside AdaTT Table 5 (6 experts)", font: { size: 14 } },
    width: 720,
    height: 380,
    margin: { b: 120 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.28 },
    scattermode: "group", // markers of one model side by side instead of on top of each other
  };
  const annotations: Record<string, unknown>[] = [];
  const gap = 0.07;
  const w = (1 - gap * 2) / 3;
  ADATT_COLUMN_TASKS.forEach((task, i) => {
    const axes = { xaxis: axisName("x", i), yaxis: axisName("y", i) };
    const xs = ONE_HOT_VARIANT_MODELS.map((m) => m);
    const series = (condition: string) =>
      ONE_HOT_VARIANT_MODELS.map((m) => summarize(runsOf(runs, condition, m).map((r) => r.metrics?.test[task]?.auc ?? NaN)));
    const trace = (condition: string, name: string, color: string) => {
      const s = series(condition);
      return {
        type: "scatter", mode: "markers", name, legendgroup: condition, showlegend: i === 0, ...axes, x: xs, y: s.map((v) => v.mean),
        error_y: { type: "data", symmetric: false, array: s.map((v) => (v.ci95 && v.mean !== null ? v.ci95[1] - v.mean : 0)), arrayminus: s.map((v) => (v.ci95 && v.mean !== null ? v.mean - v.ci95[0] : 0)), color },
        marker: { color, size: 9 }, offsetgroup: condition,
      };
    };
    data.push(trace("by-name", "by name (correct)", OURS));
    data.push(trace("positional-per-file", "positional per file (public code's shift)", OURS_ALT));
    data.push({ type: "scatter", mode: "markers", name: "AdaTT Table 5", legendgroup: "paper", offsetgroup: "paper", showlegend: i === 0, ...axes, x: xs, y: ONE_HOT_VARIANT_MODELS.map((m) => adattPaperAuc(6, rowOf[m], task)), marker: { color: PAPER, size: 10, symbol: "diamond" } });
    const domain: [number, number] = [i * (w + gap), i * (w + gap) + w];
    layout[layoutKey("x", i)] = { domain, anchor: axes.yaxis };
    layout[layoutKey("y", i)] = { anchor: axes.xaxis, title: { text: i === 0 ? "test AUC" : "" } };
    annotations.push({ text: `${TASK_LABEL[task]} AUC`, showarrow: false, xref: "paper", yref: "paper", x: (domain[0] + domain[1]) / 2, y: 1.02, xanchor: "center", yanchor: "bottom" });
  });
  layout.annotations = annotations;
  return { data, layout };
}

/** Mean selection curve (main-task validation AUC) over runs, with the 95 % CI of the mean at each point. */
export function validationAucBand(runs: readonly RunRecord[]): { steps: number[]; mean: (number | null)[]; lo: (number | null)[]; hi: (number | null)[]; n: number } {
  const ok = runs.filter((r) => r.status === "ok" && r.curves.selection);
  const steps = ok.reduce<number[]>((a, r) => (r.curves.steps.length > a.length ? r.curves.steps : a), []);
  const at = steps.map((_, i) => summarize(ok.map((r) => r.curves.selection![i]).filter((x): x is number => typeof x === "number")));
  return { steps, mean: at.map((s) => s.mean), lo: at.map((s) => s.ci95?.[0] ?? s.mean), hi: at.map((s) => s.ci95?.[1] ?? s.mean), n: ok.length };
}

/**
 * Validation AUC of the selection task over training, the chosen model of each row, one panel per
 * condition (up to three side by side); with `bands`, the 95 % CI of the mean around each line (off by
 * default: eight overlapping bands per panel hide the lines and triple the static image).
 */
export function validationAucCurvesFigure(panels: readonly { title: string; rows: readonly ChosenRow[]; task: string }[], title: string, bands = false): Figure {
  const columns = Math.min(3, panels.length);
  const rows = Math.ceil(panels.length / columns);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title, font: { size: 14 } },
    width: columns > 1 ? 780 : 600,
    height: 190 + rows * 240,
    margin: { b: 150, l: 60 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: rows > 1 ? -0.14 : -0.42 },
  };
  const annotations: Record<string, unknown>[] = [];
  const rowNames = [...new Set(panels.flatMap((p) => p.rows.map((r) => r.row)))];
  const shown = new Set<string>();
  panels.forEach((panel, i) => {
    const cell = gridCell(i, panels.length, columns, { x: 0.09, y: 0.22 });
    const axes = { xaxis: cell.xaxis, yaxis: cell.yaxis };
    for (const row of panel.rows) {
      const band = validationAucBand(row.runs);
      const color = ROW_COLORS[rowNames.indexOf(row.row) % ROW_COLORS.length];
      const base = { type: "scatter", mode: "lines", x: band.steps, legendgroup: row.row, ...axes };
      if (bands) {
        data.push(
          { ...base, y: band.hi, line: { width: 0, color }, showlegend: false, hoverinfo: "skip" },
          { ...base, y: band.lo, line: { width: 0, color }, fill: "tonexty", fillcolor: withAlpha(color, 0.15), showlegend: false, hoverinfo: "skip" },
        );
      }
      data.push({ ...base, y: band.mean, name: `${ROW_LABEL[row.row] ?? row.row}`, line: { color, width: 1.5 }, showlegend: !shown.has(row.row) });
      shown.add(row.row);
    }
    layout[layoutKey("x", i)] = { domain: cell.x, anchor: axes.yaxis, title: { text: "training step" } };
    layout[layoutKey("y", i)] = { domain: cell.y, anchor: axes.xaxis, title: { text: i === 0 ? "validation AUC" : "" } };
    annotations.push({ text: `${panel.title}: ${TASK_LABEL[panel.task] ?? panel.task}`, showarrow: false, xref: "paper", yref: "paper", x: (cell.x[0] + cell.x[1]) / 2, y: cell.y[1] + 0.01, xanchor: "center", yanchor: "bottom" });
  });
  layout.annotations = annotations;
  return { data, layout };
}

/** The validation-AUC curves of the chosen model of every row the runs have, one family each: group 1 (with PLE), group 2, AdaTT's 6 experts. */
export function validationAucFigure(input: CensusRuns): Figure {
  const panels: { title: string; rows: ChosenRow[]; task: string }[] = [];
  if (input.mmoe) {
    for (const g of MMOE_GROUPS) {
      const choices = mmoeChoices(input.mmoe, g);
      panels.push({ title: `${MMOE_PAPER_TABLE[g].source.replace("MMoE §6.3, ", "")} (${g})`, rows: Object.values(choices), task: MMOE_PAPER_TABLE[g].tasks.main });
    }
  }
  if (input.adatt) {
    // 6 experts only: the 9-expert rows are the same families
    const choices = adattChoices(input.adatt, 6);
    panels.push({ title: "AdaTT Table 5, 6 experts", rows: ADATT_ROWS.filter((r) => r !== "adatt-sp").map((r) => choices[r]), task: "income" });
  }
  return validationAucCurvesFigure(panels, "Validation AUC of the selection task over training: the chosen model of each row (mean over runs)");
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
