/**
 * The files derived from runs.jsonl for every experiment: the summary table (tables/summary.md,
 * .csv, .tex), the validation-loss curves per task (figures/*.html, .svg, .png) and manifest.json
 * (provenance). Experiments add their own tables and figures through `report()`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ChromiumMissingError, colorAt, NON_NEGATIVE, rangeMeta, saveFiguresIfChanged, standaloneFigureHtml, withAlpha, type Figure } from "../../figures";
import { writeFileIfChanged } from "../../project";
import { finishProvenance, type Provenance } from "../../provenance";
import { saveTableIfChanged, tableFromRows, type Table } from "../../tables";
import type { Experiment, ExperimentResult, ResolvedExperiment } from "../plan/experiment";
import { declarationHash } from "../store/config-hash";
import { MANIFEST_FILE, readJson, RUNS_FILE, SUMMARY_FILE, writeJsonAtomic } from "../store/results-store";
import { withRunNotes } from "../train/degenerate";
import { learningRateEdgeNotes } from "./learning-rate-edges";
import { applyArmLearningRates, type RunRecord } from "../store/run-record";
import type { ExperimentSummary } from "./summary";

const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? "–" : x.toFixed(digits));

/** One row per arm, task and test metric: mean ± std (n), 95 % CI, best, and the baseline comparison. */
export function summaryTable(summary: ExperimentSummary): Table {
  const compared = Object.keys(summary.comparisons).length > 0;
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
          [`Δ vs baseline`]: c ? `${fmt(c.meanDifference)} (${fmt(c.relativeChangePct, 2)} %)` : compared ? "baseline" : "–",
          "p (unadjusted, exploratory)": c?.significance ? `${fmt(c.significance.p, 3)} (${c.significance.test})` : "–",
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
      compared
        ? `Δ and p: against the first model of the same condition, a baseline no paper chose; paired t-test by seed where both hold the same seeds, Welch otherwise. Exploratory: each p is unadjusted for the ${rows.filter((r) => r["p (unadjusted, exploratory)"] !== "–").length} tests of this table and is not a verdict; the claims a study declares are judged in its claims table.`
        : "No model-vs-baseline comparison: this study declares none (its claims table judges what the papers compare).",
      ...(missing.length ? [`No row (every run diverged): ${missing.join("; ")}.`] : []),
      ...(summary.profileStatement.train.learningRateChoice === "per-arm"
        ? [`Learning rate: one per row's model and condition, from {${summary.profileStatement.train.learningRates.join(", ")}}, the best mean validation ${summary.selection.task} ${summary.selection.metric} over its runs; every run is reported at that rate.`]
        : summary.profileStatement.train.learningRateChoice === "pilot"
          ? [`Learning rate: one per row's model and condition, from {${summary.profileStatement.train.learningRates.join(", ")}}, the best validation ${summary.selection.task} ${summary.selection.metric} of its pilot run (seed ${(summary.profileStatement.train.pilotSeeds ?? []).join(", ")}, stored in runs.jsonl, not reported); the reported runs trained at that rate alone.`]
          : []),
    ],
  });
}

/** Mean ± std over the runs of each step (nulls skipped), cut at 0: a loss is never negative. */
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
    lo.push(m === null ? null : Math.max(0, m - sd));
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
    const line = { type: "scatter", mode: "lines", x: steps, legendgroup: arm, line: { color }, meta: rangeMeta({ y: NON_NEGATIVE }) };
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
      title: { text: `${title} (mean ± 1 std over runs, cut at 0)` },
      xaxis: { title: { text: "training step" } },
      yaxis: { title: { text: `validation loss (${task})` } },
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.18, yanchor: "top" },
      height: 460 + 24 * legendRows,
      margin: { b: 90 + 24 * legendRows },
    },
  };
}

async function writeFigures(figures: Record<string, Figure>, dir: string, previous: Record<string, string>): Promise<{ files: string[]; changed: string[]; keys: Record<string, string>; note?: string }> {
  try {
    const { saved, changed, keys } = await saveFiguresIfChanged(figures, dir, previous);
    return { files: Object.values(saved).flatMap((s) => [s.html, s.svg, s.png]), changed, keys };
  } catch (e) {
    if (!(e instanceof ChromiumMissingError)) throw e;
    // without a browser the HTML is written and the SVG/PNG already there are kept as they are
    // (with their recorded keys): a machine without chromium never deletes committed images
    const files: string[] = [];
    const changed: string[] = [];
    const keys: Record<string, string> = {};
    for (const [name, fig] of Object.entries(figures)) {
      const html = path.join(dir, `${name}.html`);
      files.push(html);
      if (writeFileIfChanged(html, standaloneFigureHtml(fig))) changed.push(html);
      const images = [".svg", ".png"].map((ext) => path.join(dir, name + ext)).filter((f) => fs.existsSync(f));
      files.push(...images);
      if (images.length && previous[name]) keys[name] = previous[name];
    }
    return { files, changed, keys, note: `SVG/PNG not rendered: ${e.message}` };
  }
}

/** Every table of an experiment's report by file name: the summary table and the experiment's own. */
export function reportTables(experiment: Experiment, result: ExperimentResult): Record<string, Table> {
  return withReportNotes({ summary: summaryTable(result.summary), ...experiment.report?.(atArmRates(result)).tables }, result.runs);
}

/** The notes every table of a report carries about its runs: degenerate runs, learning rates at an edge of their grid. */
function withReportNotes(tables: Record<string, Table>, runs: readonly RunRecord[]): Record<string, Table> {
  const edges = learningRateEdgeNotes(runs);
  const noted = withRunNotes(tables, runs);
  return edges.length ? Object.fromEntries(Object.entries(noted).map(([name, t]) => [name, { ...t, notes: [...(t.notes ?? []), ...edges] }])) : noted;
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

/** manifest.json as stored, or undefined when absent or damaged (a damaged one is replaced). */
function readManifest(file: string): Provenance | undefined {
  try {
    const m = readJson<Provenance>(file);
    return m && typeof m === "object" && m.extra && typeof m.extra === "object" ? m : undefined;
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** One command that changed a report folder: appended to manifest.json's extra.history, never rewritten. */
export interface HistoryEntry {
  /** "trained": it trained runs (listed in groups); "report": it only rebuilt derived files. */
  action: "trained" | "report";
  at: string;
  command: string[];
  code: Provenance["code"];
  backend: string | null;
  kernels?: Provenance["kernels"];
  node: string;
  machine: Provenance["machine"];
  computedNow: number;
  groups?: { arm: string; seeds: number[] }[];
  /** Derived files (under version control) whose bytes this command changed. */
  changedFiles?: string[];
  removedStaleFiles?: string[];
  figureNote?: string;
}

/**
 * Keys of manifest.json's extra that describe the last command that wrote the report (they are
 * in its history entry too): replaced, or dropped when that command had none.
 */
const PER_COMMAND_KEYS = ["figureNote", "removedStaleFiles"];

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The manifest after this command. Its top level is the provenance of the command that trained
 * the runs, kept from the stored manifest unless this command trained every run itself (a
 * --force, or a new folder); what changed the folder since is in extra.history, one entry per
 * command, appended. Returns undefined when there is nothing to record (a load that trained
 * nothing and changed no derived file), so the file stays as it is.
 */
function nextManifest(old: Provenance | undefined, provenance: Provenance, derived: Record<string, unknown>, entry: HistoryEntry, totalRuns: number): Provenance | undefined {
  const changedFolder = entry.computedNow > 0 || (entry.changedFiles?.length ?? 0) > 0 || (entry.removedStaleFiles?.length ?? 0) > 0;
  const sameDerived = old !== undefined && Object.entries(derived).every(([k, v]) => sameJson(old.extra[k], v));
  if (old && !changedFolder && sameDerived) return undefined;
  const history = [...(Array.isArray(old?.extra.history) ? (old!.extra.history as HistoryEntry[]) : []), entry];
  const last = { ...(entry.figureNote ? { figureNote: entry.figureNote } : {}), ...(entry.removedStaleFiles ? { removedStaleFiles: entry.removedStaleFiles } : {}) };
  if (!old || (entry.computedNow === totalRuns && totalRuns > 0)) {
    return finishProvenance(provenance, { ...derived, computedNow: entry.computedNow, ...last, ...(old?.extra.migrations ? { migrations: old.extra.migrations } : {}), history });
  }
  const extra = Object.fromEntries(Object.entries(old.extra).filter(([k]) => !PER_COMMAND_KEYS.includes(k)));
  return { ...old, extra: { ...extra, ...derived, ...last, history } };
}

/**
 * The claims declaration's hash as of the runs' training: the current one when every run trained
 * now or the runs already carried it, else whatever the replaced manifest recorded (null: none).
 */
function claimsDeclarationAtTraining(plan: ResolvedExperiment, result: ExperimentResult, file: string): string | null {
  let old: string | null = null;
  try {
    const h = readJson<{ extra?: { claimsDeclaration?: { hash?: unknown } } }>(file)?.extra?.claimsDeclaration?.hash;
    old = typeof h === "string" ? h : null;
  } catch {
    old = null; // no manifest yet, or a damaged one
  }
  if (plan.experiment.claimsDeclaration === undefined) return old;
  const now = declarationHash(plan.experiment.claimsDeclaration);
  const trainedUnderNow = result.computed > 0 && (result.computed >= result.runs.length || old === now);
  return trainedUnderNow ? now : old;
}

/**
 * Writes tables, figures and manifest.json into result.reportDir and removes the tables and
 * figures an earlier report left there; returns the files written (relative to reportDir).
 * A file whose bytes would not change is not touched, and a figure whose inputs did not change
 * (figureInputKey, recorded in the manifest) is not rendered again: loading stored runs leaves
 * the folder as it was.
 */
export async function writeReport(plan: ResolvedExperiment, result: ExperimentResult, provenance: Provenance): Promise<string[]> {
  const atRates = atArmRates(result);
  const { reportDir: dir, summary, runs } = atRates;
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const old = readManifest(manifestFile);
  const declared = claimsDeclarationAtTraining(plan, result, manifestFile);
  result.claimsDeclarationHash = atRates.claimsDeclarationHash = declared;
  const extra = plan.experiment.report?.(atRates) ?? {};
  const tables = withReportNotes({ summary: summaryTable(summary), ...extra.tables }, runs);
  const savedTables = Object.entries(tables).map(([name, t]) => saveTableIfChanged(t, path.join(dir, "tables"), name, `${plan.experiment.id}:${name}`));
  const tasks = Object.keys(runs.find((r) => r.metrics)?.metrics?.test ?? {});
  const curves = Object.fromEntries(tasks.map((t) => [`validation-loss-${t}`, validationLossFigure(runs, t, `${summary.title}: validation loss, ${t}`)]));
  const previousKeys = (old?.extra.figureInputs ?? {}) as Record<string, string>;
  const figs = await writeFigures({ ...curves, ...extra.figures }, path.join(dir, "figures"), previousKeys);
  const files = [...savedTables.flatMap((t) => Object.values(t.files)), ...figs.files].map((f) => path.relative(dir, f)).sort();
  const removed = removeStale(dir, files);
  // HTML figures are not under version control (a fresh clone has none): writing them changes nothing to record
  const changed = [...savedTables.flatMap((t) => t.changed), ...figs.changed].map((f) => path.relative(dir, f)).filter((f) => !f.endsWith(".html")).sort();
  const derived = {
    experiment: plan.experiment.id,
    profile: plan.profile,
    ...(plan.subset ? { subset: plan.subset } : {}),
    ...(plan.overrides.length ? { overrides: plan.overrides.map((o) => o.text), overridden: plan.overridden } : {}),
    profileStatement: summary.profileStatement,
    configHashes: Object.fromEntries(plan.arms.map((a) => [a.key, a.configHash])),
    runs: summary.runs,
    studyWallTimeMs: summary.wallTimeMs,
    ...(result.pilotRuns?.length ? { pilotRuns: result.pilotRuns.length, pilotWallTimeMs: result.pilotRuns.reduce((a, r) => a + r.wallTimeMs, 0) } : {}),
    data: runs[0]?.data,
    files: [path.relative(dir, path.join(result.dir, RUNS_FILE)), SUMMARY_FILE, ...files],
    ...(Object.keys(figs.keys).length ? { figureInputs: figs.keys } : {}),
    // the claims declaration the runs trained under (lib/claims/registration.ts), so reports can tell whether it predates them
    ...(declared ? { claimsDeclaration: { hash: declared } } : {}),
  };
  const done = finishProvenance(provenance);
  const entry: HistoryEntry = {
    action: result.computed > 0 ? "trained" : "report",
    at: done.finishedAt!,
    command: done.command,
    code: done.code,
    backend: done.backend?.name ?? summary.backend,
    ...(done.kernels ? { kernels: done.kernels } : {}),
    node: done.node,
    machine: done.machine,
    computedNow: result.computed,
    ...(result.trainedGroups?.length ? { groups: result.trainedGroups } : {}),
    ...(changed.length ? { changedFiles: changed } : {}),
    ...(removed.length ? { removedStaleFiles: removed } : {}),
    ...(figs.note ? { figureNote: figs.note } : {}),
  };
  const manifest = nextManifest(old, provenance, JSON.parse(JSON.stringify(derived)) as Record<string, unknown>, entry, summary.runs);
  if (manifest) writeJsonAtomic(manifestFile, manifest);
  return files;
}
