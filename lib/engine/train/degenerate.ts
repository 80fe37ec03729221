/**
 * Runs that trained without diverging but whose outcome measures nothing: the predictions of a
 * regression task collapsed to a constant (its Pearson correlation is undefined on the test
 * split), or a test metric is not a finite number. Their status is derived when the records are
 * read, from the stored metrics, so the run key and the stored records stay as they are; tables
 * count them in a note instead of letting their rows thin out without a word. (Constant scores on
 * a binary task give an AUC of exactly 0.5 and are not told apart from a chance-level model.)
 */
import type { RunRecord } from "../store/run-record";
import { runKey } from "../store/results-store";

export type RunOutcome = "ok" | "diverged" | "degenerate";

/** Why a stored "ok" run is degenerate, or null when it is not. */
export function degenerateReason(r: RunRecord): string | null {
  if (r.status !== "ok" || !r.metrics) return null;
  for (const [task, metrics] of Object.entries(r.metrics.test)) {
    for (const [metric, v] of Object.entries(metrics)) {
      if (typeof v !== "number" || !Number.isFinite(v)) return `test ${task} ${metric} is ${String(v)}`;
    }
  }
  for (const [task, reasons] of Object.entries(r.undefinedMetrics?.test ?? {})) {
    if (/second series is constant/.test(reasons.pearson ?? "")) return `constant predictions on task ${task} (test Pearson undefined)`;
  }
  return null;
}

/** The run's outcome: its stored status, or "degenerate" for an "ok" run that measures nothing. */
export function runOutcome(r: RunRecord): RunOutcome {
  return r.status === "diverged" ? "diverged" : degenerateReason(r) ? "degenerate" : "ok";
}

/**
 * The table note that counts degenerate runs (none when there are none): how many, per arm, and
 * the first reason. Every table built from these runs carries it (withRunNotes).
 */
export function degenerateNotes(runs: readonly RunRecord[]): string[] {
  const bad = runs.filter((r) => runOutcome(r) === "degenerate");
  if (bad.length === 0) return [];
  const arms = [...new Set(bad.map((r) => r.arm))].map((a) => `${a} ${bad.filter((r) => r.arm === a).length}`).join(", ");
  return [`Degenerate runs: ${bad.length} of ${runs.length} (${arms}) trained without diverging but measure nothing — ${degenerateReason(bad[0])} (${bad[0].arm} seed ${bad[0].seed}); they count in n where their metric has a value and are missing from every correlation.`];
}

/** The tables with the degenerate-run note added to each one's notes. */
export function withRunNotes<T extends { notes?: string[] }>(tables: Record<string, T>, runs: readonly RunRecord[]): Record<string, T> {
  const notes = degenerateNotes(runs);
  if (notes.length === 0) return tables;
  return Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, { ...t, notes: [...(t.notes ?? []), ...notes] }]));
}

/**
 * Records in a results folder that belong to no arm of the plan (another profile's or another
 * configuration's runs copied in): ignored, and counted in one line so they are not ignored silently.
 */
export function foreignRecordsLine(planned: ReadonlySet<string>, records: readonly RunRecord[], where: string): string | null {
  const foreign = records.filter((r) => !planned.has(runKey(r.configHash, r.seed)));
  if (foreign.length === 0) return null;
  const kinds = [...new Set(foreign.map((r) => `${r.experiment}/${r.profile}`))].join(", ");
  return `${where}: ${foreign.length} stored record(s) belong to no run of this plan (${kinds}; another profile, configuration or run count) and are ignored`;
}
