/**
 * The files derived from runs.jsonl for every experiment: the summary table (tables/summary.md,
 * .csv, .tex), the validation-loss curves per task (figures/*.html, .svg, .png) and manifest.json
 * (provenance). Experiments add their own tables and figures through `report()`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ChromiumMissingError, colorAt, saveFigures, standaloneFigureHtml, withAlpha, type Figure } from "../figures";
import { writeFileAtomic } from "../project";
import { finishProvenance, type Provenance } from "../provenance";
import { saveTable, tableFromRows, type Table } from "../tables";
import type { Experiment, ExperimentResult, ResolvedExperiment } from "./experiment";
import { MANIFEST_FILE, readJson, RUNS_FILE, SUMMARY_FILE, writeJsonAtomic } from "./results-store";
import { withRunNotes } from "./degenerate";
import { applyArmLearningRates, type RunRecord } from "./run-record";
import type { ExperimentSummary } from "./summary";

const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? "–" : x.toFixed(digits));

/** One row per arm, task and test metric: mean ± std (n), 95 % CI, best, and the baseline comparison. */
export function summaryTable(summary: ExperimentSummary): Table {
  const rows = Object.entries(summary.models).flatMap(([arm, tasks]) =>
    Object.entries(tasks).flatMap(([task, metrics]) =>
      // "loss" repeats mse (regression) or logloss (binary) under the generic name: shown once
      Object.entries(metrics).filter(([metric]) => metric !== "loss").map(([metric, s]) => {
        const c = summary.comparisons[arm]?.[task]?.[metric];
        return {
          model: arm,
          task,
          metric,
          "mean ± std (n)": `${fmt(s.mean)} ± ${fmt(s.std)} (${s.n})`,
          "95 % CI": s.ci95 ? `[${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]` : "–",
          best: s.best,
          median: s.median,
          [`Δ vs baseline`]: c ? `${fmt(c.meanDifference)} (${fmt(c.relativeChangePct, 2)} %)` : "baseline",
          p: c?.significance ? `${fmt(c.significance.p, 3)} (${c.significance.test})` : "–",
        };
      }),
    ),
  );
  const profileNote = `Profile ${summary.profile}: ${summary.profileStatement.statement}`;
  const allDiverged = Object.entries(summary.arms).filter(([, a]) => a.runs > 0 && a.diverged.length === a.runs);
  const missing = allDiverged.map(([arm, a]) => `${arm}: all ${a.runs} runs diverged (${a.diverged[0].reason})`);
  if (rows.length === 0) {
    // nothing to summarise: say so, one row per arm, rather than an empty table
    return tableFromRows(
      Object.entries(summary.arms).map(([arm, a]) => ({ model: arm, runs: a.runs, diverged: a.diverged.length, "why (first diverged run)": a.diverged[0]?.reason ?? "–" })),
      {
        caption: `${summary.title} — no test metrics: ${summary.runs === 0 ? "no runs stored" : `every one of the ${summary.runs} runs diverged`}, profile ${summary.profile}, backend ${summary.backend}`,
        notes: [`Every run's reason: summary.json, arms.<model>.diverged.`, profileNote],
      },
    );
  }
  return tableFromRows(rows, {
    caption: `${summary.title} — test metrics, profile ${summary.profile}, backend ${summary.backend}`,
    notes: [
      `best = test value of the run with the best validation ${summary.selection.task} ${summary.selection.metric}.`,
      profileNote,
      `Δ and p: against the first model of the same condition; paired t-test by seed where both hold the same seeds, Welch otherwise.`,
      ...(missing.length ? [`No row (every run diverged): ${missing.join("; ")}.`] : []),
      ...(summary.profileStatement.train.learningRateChoice === "per-arm"
        ? [`Learning rate: one per row's model and condition, from {${summary.profileStatement.train.learningRates.join(", ")}}, the best mean validation ${summary.selection.task} ${summary.selection.metric} over its runs; every run is reported at that rate.`]
        : []),
    ],
  });
}

/** Mean ± std over the runs of each step (nulls skipped). */
function meanBand(curves: (number | null)[][]): { mean: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] } {
  const len = Math.max(0, ...curves.map((c) => c.length));
  const mean: (number | null)[] = [];
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  for (let i = 0; i < len; i++) {
    const xs = curves.map((c) => c[i]).filter((x): x is number => x !== null && x !== undefined);
    const m = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    const sd = m !== null && xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
    mean.push(m);
    lo.push(m === null ? null : m - sd);
    hi.push(m === null ? null : m + sd);
  }
  return { mean, lo, hi };
}

/** Validation loss of one task over training steps: mean over runs ± 1 std, one line per arm. */
export function validationLossFigure(runs: readonly RunRecord[], task: string, title: string): Figure {
  const arms = [...new Set(runs.map((r) => r.arm))];
  const data = arms.flatMap((arm, i) => {
    const color = colorAt(i);
    const mine = runs.filter((r) => r.arm === arm && r.status === "ok");
    const steps = mine.reduce<number[]>((a, r) => (r.curves.steps.length > a.length ? r.curves.steps : a), []);
    const band = meanBand(mine.map((r) => r.curves.validation[task] ?? []));
    const line = { type: "scatter", mode: "lines", x: steps, legendgroup: arm, line: { color } };
    return [
      { ...line, y: band.hi, line: { width: 0, color }, showlegend: false, hoverinfo: "skip" },
      { ...line, y: band.lo, line: { width: 0, color }, fill: "tonexty", fillcolor: withAlpha(color, 0.2), showlegend: false, hoverinfo: "skip" },
      { ...line, y: band.mean, name: `${arm} (n=${mine.length})` },
    ];
  });
  // the legend goes below the plot and the figure grows with it, so no arm's entry is cut off
  const legendRows = Math.ceil(arms.length / 3);
  return {
    data,
    layout: {
      title: { text: `${title} (mean ± 1 std over runs)` },
      xaxis: { title: { text: "training step" } },
      yaxis: { title: { text: `validation loss (${task})` } },
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.18, yanchor: "top" },
      height: 460 + 24 * legendRows,
      margin: { b: 90 + 24 * legendRows },
    },
  };
}

async function writeFigures(figures: Record<string, Figure>, dir: string): Promise<{ files: string[]; note?: string }> {
  try {
    const saved = await saveFigures(figures, dir);
    return { files: Object.values(saved).flatMap((s) => [s.html, s.svg, s.png]) };
  } catch (e) {
    if (!(e instanceof ChromiumMissingError)) throw e;
    const files = Object.entries(figures).map(([name, fig]) => {
      const file = path.join(dir, `${name}.html`);
      writeFileAtomic(file, standaloneFigureHtml(fig));
      return file;
    });
    return { files, note: `SVG/PNG not written: ${e.message}` };
  }
}

/** Every table of an experiment's report by file name: the summary table and the experiment's own. */
export function reportTables(experiment: Experiment, result: ExperimentResult): Record<string, Table> {
  return withRunNotes({ summary: summaryTable(result.summary), ...experiment.report?.(atArmRates(result)).tables }, result.runs);
}

/** The result as its report reads it: runs of learningRateChoice "per-arm" at their arm's rate. */
function atArmRates(result: ExperimentResult): ExperimentResult {
  return { ...result, runs: applyArmLearningRates(result.runs) };
}


/**
 * Removes what an earlier report left in tables/ and figures/ that this one did not write (a
 * figure of a model no longer run, a table of an earlier configuration); returns what it removed.
 */
function removeStale(dir: string, written: readonly string[]): string[] {
  const keep = new Set(written.map((f) => path.resolve(dir, f)));
  const removed: string[] = [];
  for (const sub of ["tables", "figures"]) {
    const folder = path.join(dir, sub);
    if (!fs.existsSync(folder)) continue;
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (!entry.isFile() || keep.has(file)) continue;
      fs.rmSync(file);
      removed.push(path.relative(dir, file));
    }
  }
  return removed;
}

/** The re-keying history (engine/migrate.ts) of the manifest being replaced: a new report keeps it. */
function migrationsOf(file: string): { migrations?: unknown[] } {
  let old: { extra?: { migrations?: unknown } } | undefined;
  try {
    old = readJson(file);
  } catch (e) {
    if (e instanceof SyntaxError) return {}; // a damaged manifest is replaced; its history with it
    throw e;
  }
  const m = old?.extra?.migrations;
  return Array.isArray(m) ? { migrations: m } : {};
}

/**
 * Writes tables, figures and manifest.json into result.reportDir and removes the tables and
 * figures an earlier report left there; returns the files written (relative to reportDir).
 */
export async function writeReport(plan: ResolvedExperiment, result: ExperimentResult, provenance: Provenance): Promise<string[]> {
  const atRates = atArmRates(result);
  const { reportDir: dir, summary, runs } = atRates;
  const extra = plan.experiment.report?.(atRates) ?? {};
  const tables = withRunNotes({ summary: summaryTable(summary), ...extra.tables }, runs);
  const tableFiles = Object.entries(tables).flatMap(([name, t]) => Object.values(saveTable(t, path.join(dir, "tables"), name)));
  const tasks = Object.keys(runs.find((r) => r.metrics)?.metrics?.test ?? {});
  const curves = Object.fromEntries(tasks.map((t) => [`validation-loss-${t}`, validationLossFigure(runs, t, `${summary.title}: validation loss, ${t}`)]));
  const figs = await writeFigures({ ...curves, ...extra.figures }, path.join(dir, "figures"));
  const files = [...tableFiles, ...figs.files].map((f) => path.relative(dir, f)).sort();
  const removed = removeStale(dir, files);
  const manifest = finishProvenance(provenance, {
    experiment: plan.experiment.id,
    profile: plan.profile,
    ...(plan.subset ? { subset: plan.subset } : {}),
    ...(plan.overrides.length ? { overrides: plan.overrides.map((o) => o.text), overridden: plan.overridden } : {}),
    profileStatement: summary.profileStatement,
    configHashes: Object.fromEntries(plan.arms.map((a) => [a.key, a.configHash])),
    runs: summary.runs,
    computedNow: result.computed,
    studyWallTimeMs: summary.wallTimeMs,
    data: runs[0]?.data,
    files: [path.relative(dir, path.join(result.dir, RUNS_FILE)), SUMMARY_FILE, ...files],
    ...(figs.note ? { figureNote: figs.note } : {}),
    ...(removed.length ? { removedStaleFiles: removed } : {}),
    ...migrationsOf(path.join(dir, MANIFEST_FILE)),
  });
  writeJsonAtomic(path.join(dir, MANIFEST_FILE), manifest);
  return files;
}
