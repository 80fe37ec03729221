/**
 * Checking committed numbers by recomputing them (`npm run reproduce -- --verify [K]`): the runs
 * of an experiment (or its first K seeds per arm) are trained again into a temporary folder and
 * compared record by record with the stored ones, ignoring only timing, grouping and host fields.
 * A run trains to the same bits alone or inside its seed group (replicas never mix), so a sample
 * costs only its own runs. On the stored backend the records must be identical; on another
 * backend the report gives the largest difference per metric and which tables would change.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UserError } from "../../errors";
import { canonicalJson } from "./config-hash";
import { pilotSeedsOf, resolveExperiment, type Experiment, type ExperimentResult, type ProfileName, type ResolvedExperiment } from "../plan/experiment";
import { reportTables } from "../report/report";
import { defaultResultsRoot, resultsDir, runKey, RunsFile, type BadLine } from "./results-store";
import type { RunRecord } from "./run-record";
import { runExperiment, type RunOptions } from "../runner";
import { buildSummary } from "../report/summary";
import { toMarkdown } from "../../tables";

/** Fields that differ between two computations of the same run without the run differing. */
// the checksum covers the timing fields too, so it differs whenever they do; the other fields are compared one by one
export const VOLATILE_FIELDS = ["wallTimeMs", "groupWallTimeMs", "replicasInGroup", "finishedAt", "host", "checksum"] as const;

export interface RecordDifference {
  arm: string;
  seed: number;
  /** The stored record's line in runs.jsonl. */
  line: number;
  /** Dotted path of the first differing field. */
  field: string;
  stored: unknown;
  recomputed: unknown;
}

export interface VerifyReport {
  experiment: string;
  profile: ProfileName;
  storedBackend: string | null;
  backend: string;
  /** Runs recomputed and compared. */
  checked: number;
  /** Sampled seeds per arm (null = every seed). */
  sample: number | null;
  identical: boolean;
  firstDifference: RecordDifference | null;
  /** Every record that differs, with its line and first differing field. */
  differences: RecordDifference[];
  /** Stored lines that are not usable records (changed, edited, unreadable): each is a difference too. */
  damaged: BadLine[];
  /** Largest |stored − recomputed| per test metric (task/metric), over the compared runs. */
  largestDifference: Record<string, number>;
  /** Tables whose Markdown changes when the recomputed runs replace the stored ones. */
  changedTables: string[];
  /** Fields the recomputed records carry that the stored ones predate (not counted as differences). */
  added: string[];
  line: string;
}

function stripVolatile(r: RunRecord): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...r };
  for (const f of VOLATILE_FIELDS) delete copy[f];
  return copy;
}

/** Dotted path of the first difference between two JSON values (canonical key order), or null. */
export function firstDifferingField(a: unknown, b: unknown, at = ""): { field: string; a: unknown; b: unknown } | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return { field: at || "(record)", a, b };
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const d = firstDifferingField((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k);
    if (d) return d;
  }
  return null;
}

export interface VerifyOptions extends Pick<RunOptions, "backend" | "progress" | "workers" | "createModel"> {
  profile?: ProfileName;
  /** Seeds per arm to recompute (the first K); default every seed of the profile. */
  sample?: number;
  /** Recompute these models only (default every model). */
  models?: string[];
  /** Results root holding the stored runs (default <project>/results or MTL_RESULTS_DIR). */
  root?: string;
  /** Where to recompute (default a fresh temporary folder, removed afterwards). */
  scratch?: string;
}

/** Recomputes the stored runs of `experiment` (or a sample) and compares them. */
export async function verifyExperiment(experiment: Experiment, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const profile = opts.profile ?? "quick";
  const full = resolveExperiment(experiment, { profile });
  const dir = resultsDir(opts.root ?? defaultResultsRoot(), experiment.id, profile);
  const scanned = new RunsFile(dir).scan();
  const stored = new Map(scanned.records.map((r) => [runKey(r.configHash, r.seed), r]));
  const lineOf = new Map(scanned.records.map((r, i) => [runKey(r.configHash, r.seed), scanned.lines[i]]));
  const wanted = full.arms.flatMap((a) => [...pilotSeedsOf(full), ...full.seeds].map((s) => runKey(a.configHash, s)));
  const missing = wanted.filter((k) => !stored.has(k));
  if (missing.length === wanted.length) throw new UserError(`${experiment.id}/${profile}: no stored runs in ${dir} to verify; run \`npm run reproduce -- ${experiment.id} --profile ${profile}\` first`);
  if (opts.sample !== undefined && (!Number.isInteger(opts.sample) || opts.sample < 1)) throw new RangeError(`--verify takes a whole number of runs per cell ≥ 1, got ${opts.sample}`);
  const sample = opts.sample !== undefined && opts.sample < full.seeds.length ? opts.sample : null;
  const scratch = opts.scratch ?? fs.mkdtempSync(path.join(os.tmpdir(), `mtl-verify-${experiment.id}-`));
  try {
    const again = await runExperiment(experiment, { profile, runs: sample ?? undefined, models: opts.models, out: scratch, report: false, backend: opts.backend, progress: opts.progress, workers: opts.workers, createModel: opts.createModel });
    return compare(full, [...stored.values()], again, sample, missing.length, dir, opts.models, lineOf, scanned.bad);
  } finally {
    if (!opts.scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A value as the report shows it; a field one side lacks is "(missing)". */
const shown = (v: unknown) => (v === undefined ? "(missing)" : JSON.stringify(v));

function compare(full: ResolvedExperiment, stored: RunRecord[], again: ExperimentResult, sample: number | null, missing: number, dir: string, models: string[] | undefined, lineOf: ReadonlyMap<string, number>, damaged: BadLine[]): VerifyReport {
  const byKey = new Map(stored.map((r) => [runKey(r.configHash, r.seed), r]));
  const storedBackend = stored[0]?.backend ?? null;
  const backend = again.summary.backend;
  const differences: RecordDifference[] = [];
  const largest: Record<string, number> = {};
  let checked = 0;
  const added: string[] = [];
  for (const r of [...(again.pilotRuns ?? []), ...again.runs]) {
    const s = byKey.get(runKey(r.configHash, r.seed));
    if (!s) continue;
    checked++;
    const kept = canonicalize(stripVolatile(s));
    const { value, added: more } = withoutAdditions(kept, canonicalize(stripVolatile(r)));
    for (const a of more) if (!added.includes(a)) added.push(a);
    const d = firstDifferingField(kept, value);
    if (d) differences.push({ arm: r.arm, seed: r.seed, line: lineOf.get(runKey(r.configHash, r.seed)) ?? 0, field: d.field, stored: d.a, recomputed: d.b });
    for (const [task, metrics] of Object.entries(r.metrics?.test ?? {})) {
      for (const [metric, v] of Object.entries(metrics)) {
        const w = s.metrics?.test?.[task]?.[metric];
        if (w === undefined) continue;
        const key = `${task}/${metric}`;
        largest[key] = Math.max(largest[key] ?? 0, Math.abs(v - w));
      }
    }
  }
  const changedTables = tablesChangedBy(full, stored, again.runs, dir);
  const first = differences[0] ?? null;
  const identical = first === null && damaged.length === 0 && checked > 0 && missing === 0;
  const arms = models?.length ? `of models ${models.join(", ")}` : "of each arm";
  const what = sample === null && !models?.length ? `all ${checked} runs` : `${checked} runs (${sample === null ? "every seed" : `the first ${sample} seed(s)`} ${arms})`;
  const id = `${full.experiment.id}/${full.profile}`;
  const largestText = Object.entries(largest).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(", ");
  const additions = added.length ? ` (recomputed records also carry ${added.join(", ")}, which the stored ones predate)` : "";
  const damagedText = damaged.length
    ? `; ${damaged.length} stored line(s) are not usable records and were not compared: ${damaged.map((b) => `line ${b.line}${b.run ? ` (${b.run})` : ""}: ${b.problem}`).join("; ")}`
    : "";
  const each = differences.slice(0, 10).map((x) => `line ${x.line} (${x.arm} seed ${x.seed}) ${x.field}: stored ${shown(x.stored)}, recomputed ${shown(x.recomputed)}`).join("; ") + (differences.length > 10 ? `; … ${differences.length - 10} more` : "");
  const line = identical
    ? `${id}: identical — ${what} recomputed on ${backend} match the stored records bit for bit${additions}`
    : first === null
      ? `${id}: ${damaged.length ? "differs" : "incomplete"} — ${missing > 0 ? `${missing} stored run(s) missing; ` : ""}${what} recomputed match${damagedText}`
      : `${id}: differs — ${what} recomputed on ${backend} (stored: ${storedBackend}); ${differences.length} record(s) differ: ${each}` +
        (largestText ? `; largest test-metric differences: ${largestText}` : "") +
        (changedTables.length ? `; tables that would change: ${changedTables.join(", ")}` : "; no table cell would change") +
        damagedText;
  return { experiment: full.experiment.id, profile: full.profile, storedBackend, backend, checked, sample, identical, firstDifference: first, differences, damaged, largestDifference: largest, changedTables, added, line };
}

const canonicalize = (v: unknown) => JSON.parse(canonicalJson(v)) as unknown;

/**
 * `recomputed` without the fields `stored` lacks (fields a newer engine records, such as a new
 * curve), and their dotted paths: stored numbers are still checked field by field, and the
 * additions are named rather than counted as differences.
 */
export function withoutAdditions(stored: unknown, recomputed: unknown, at = ""): { value: unknown; added: string[] } {
  if (Array.isArray(stored) && Array.isArray(recomputed) && stored.length === recomputed.length) {
    // per-element additions (a field new in every learning-rate trial) are named once, as name[]
    const inner = recomputed.map((v, i) => withoutAdditions(stored[i], v, `${at}[]`));
    return { value: inner.map((x) => x.value), added: [...new Set(inner.flatMap((x) => x.added))] };
  }
  if (typeof stored !== "object" || stored === null || typeof recomputed !== "object" || recomputed === null || Array.isArray(stored) || Array.isArray(recomputed)) return { value: recomputed, added: [] };
  const out: Record<string, unknown> = {};
  const added: string[] = [];
  for (const [k, v] of Object.entries(recomputed)) {
    const here = at ? `${at}.${k}` : k;
    if (!(k in stored)) {
      // a metric the stored record lacks was removed from it, not added by a newer engine: a difference
      if (/(^|\.)metrics(\.|$)/.test(here)) {
        out[k] = v;
        continue;
      }
      added.push(here);
      continue;
    }
    const inner = withoutAdditions((stored as Record<string, unknown>)[k], v, here);
    out[k] = inner.value;
    added.push(...inner.added);
  }
  return { value: out, added };
}

/** Tables (by name) whose Markdown changes when recomputed runs replace the stored ones. */
/** `dir`: the stored results folder (reports may read files kept there, e.g. a label-Pearson study; never the working directory). */
function tablesChangedBy(plan: ResolvedExperiment, stored: RunRecord[], recomputed: RunRecord[], dir: string): string[] {
  const keys = new Set(plan.arms.flatMap((a) => plan.seeds.map((s) => runKey(a.configHash, s))));
  const planned = stored.filter((r) => keys.has(runKey(r.configHash, r.seed)));
  const replacement = new Map(recomputed.map((r) => [runKey(r.configHash, r.seed), r]));
  const swapped = planned.map((r) => replacement.get(runKey(r.configHash, r.seed)) ?? r);
  const render = (runs: RunRecord[]) => {
    const summary = buildSummary(plan, runs, runs[0]?.backend ?? "unknown");
    return Object.fromEntries(Object.entries(reportTables(plan.experiment, { summary, runs, dir, reportDir: dir, computed: 0 })).map(([n, t]) => [n, toMarkdown(t)]));
  };
  const before = render(planned);
  const after = render(swapped);
  return Object.keys(before).filter((n) => before[n] !== after[n]);
}
