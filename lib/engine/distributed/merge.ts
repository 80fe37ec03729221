/**
 * `npm run reproduce -- <experiment> --merge DIR…`: joins the results folders of the shards of
 * a job array (shard.ts) into the experiment's results folder, then writes its summary and
 * report. Nothing is trained, so no backend is started (a login node without the shards' GPU can
 * merge). A folder is refused, with nothing written, when it holds runs of another experiment,
 * profile or configuration (its config hashes are not this checkout's plan), damaged lines, or
 * runs of another backend than the other folders (tables never mix backends), or records
 * without a checksum (appending signs them: merge signs only what it read verified). Records are added
 * in the plan's order, each run key once, through the store's atomic append.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../../errors";
import { startProvenance } from "../../provenance";
import { resolveExperiment, type Experiment, type ExperimentResult, type ResolvedExperiment } from "../plan/experiment";
import { FolderLock } from "../store/folder-lock";
import { writeReport } from "../report/report";
import { defaultResultsRoot, resultsDir, runKey, RUNS_FILE, RunsFile, SUMMARY_FILE, writeJsonAtomic } from "../store/results-store";
import type { RunOptions } from "../runner";
import { reportDirOf } from "../runner";
import type { RunRecord } from "../store/run-record";
import { planGroups } from "./shard";
import { buildSummary } from "../report/summary";

export class MergeRefusedError extends UserError {
  constructor(message: string) {
    super(`${message} Nothing was merged.`);
    this.name = "MergeRefusedError";
  }
}

/** The folder holding the experiment's runs.jsonl in `dir`: `dir` itself, or dir/<experiment>/<profile>/ (a shard's --out). */
export function shardFolder(dir: string, plan: ResolvedExperiment): string {
  const nested = resultsDir(dir, plan.experiment.id, planFolderName(plan));
  if (fs.existsSync(path.join(nested, RUNS_FILE))) return nested;
  if (fs.existsSync(path.join(dir, RUNS_FILE))) return dir;
  throw new MergeRefusedError(`${dir} holds no ${RUNS_FILE}, neither directly nor in ${path.join(plan.experiment.id, planFolderName(plan))}/.`);
}

/** The profile's folder name, or <profile>+set-<hash> when --set changed the configuration (as runner.ts's planDir). */
const planFolderName = (plan: ResolvedExperiment) => plan.overridden?.folder ?? plan.profile;

/** The records of one shard folder, checked against the plan. */
function shardRecords(folder: string, plan: ResolvedExperiment): RunRecord[] {
  const { records, bad, legacy } = new RunsFile(folder).scan();
  if (legacy > 0) {
    // appending signs every record: one merge cannot vouch for was never checked, so it is not signed here
    throw new MergeRefusedError(`${path.join(folder, RUNS_FILE)} holds ${legacy} record(s) without a checksum (written before checksums existed); merging would sign them unchecked. Rerun that shard with this checkout, or merge it with npm run migrate-results first.`);
  }
  if (bad.length) {
    const lines = bad.map((b) => `line ${b.line}${b.run ? ` (${b.run})` : ""}: ${b.problem}`).join("; ");
    throw new MergeRefusedError(`${path.join(folder, RUNS_FILE)} has lines that are not usable run records — ${lines}. Rerun that shard (its good runs are kept) and merge again.`);
  }
  const hashes = new Map(plan.arms.map((a) => [a.configHash, a.key]));
  for (const r of records) {
    const where = `${path.join(folder, RUNS_FILE)} (${r.arm} seed ${r.seed})`;
    if (r.experiment !== plan.experiment.id || r.profile !== plan.profile) {
      throw new MergeRefusedError(`${where} is a run of ${r.experiment}/${r.profile}, not ${plan.experiment.id}/${plan.profile}.`);
    }
    if (!hashes.has(r.configHash)) {
      throw new MergeRefusedError(
        `${where} comes from another configuration: config hash ${r.configHash.slice(0, 12)}… is none of this plan's (${plan.arms.map((a) => `${a.key} ${a.configHash.slice(0, 12)}…`).join(", ")}). ` +
          `The shard ran other code or other --model settings; rerun it with this checkout.`,
      );
    }
  }
  return records;
}

export interface MergeResult {
  /** The merged folder. */
  dir: string;
  /** Records added by this merge. */
  added: number;
  /** Runs of the plan now stored, of `expected`. */
  stored: number;
  expected: number;
  /** Groups of the plan (by index in its order) with runs still missing. */
  missingGroups: number[];
  /** Set when the folder is complete: the summary and report were written. */
  result?: ExperimentResult;
}

/** Merges the shard folders `from` into <out>/<experiment>/<profile>/ and, when complete, writes its summary and report. */
export async function mergeShards(experiment: Experiment, from: readonly string[], opts: RunOptions = {}): Promise<MergeResult> {
  const plan = resolveExperiment(experiment, opts);
  const dir = resultsDir(opts.out ?? defaultResultsRoot(), plan.experiment.id, planFolderName(plan));
  const folders = from.map((d) => shardFolder(d, plan));
  for (const f of folders) if (path.resolve(f) === path.resolve(dir)) throw new MergeRefusedError(`${f} is the folder being merged into; name only the shard folders.`);
  const sources = folders.map((f) => ({ folder: f, records: shardRecords(f, plan) }));
  const lock = FolderLock.acquire(dir, opts.progress?.note ? (m) => opts.progress!.note!(m) : (m) => process.stderr.write(`${m}\n`));
  try {
    const store = new RunsFile(dir);
    const existing = store.read();
    const origins = [{ where: store.file, records: existing }, ...sources.map((s) => ({ where: path.join(s.folder, RUNS_FILE), records: s.records }))];
    const byBackend = new Map<string, Set<string>>();
    for (const o of origins) for (const r of o.records) byBackend.set(r.backend, (byBackend.get(r.backend) ?? new Set()).add(o.where));
    if (byBackend.size > 1) {
      const said = [...byBackend].map(([b, where]) => `${b} (${[...where].join(", ")})`).join("; ");
      throw new MergeRefusedError(`the folders hold runs of different backends — ${said}. Results of different backends are never mixed: merge the folders of one backend.`);
    }
    const have = new Map<string, RunRecord>();
    for (const s of sources) for (const r of s.records) if (!have.has(runKey(r.configHash, r.seed))) have.set(runKey(r.configHash, r.seed), r);
    const stored = new Set(existing.map((r) => runKey(r.configHash, r.seed)));
    const groups = planGroups(plan);
    const adding = groups.flatMap((g) => g.keys.filter((k) => !stored.has(k) && have.has(k)).map((k) => have.get(k)!));
    lock.assertHeld();
    store.append(adding);
    for (const r of adding) stored.add(runKey(r.configHash, r.seed));
    const expected = groups.reduce((n, g) => n + g.keys.length, 0);
    const missingGroups = groups.filter((g) => g.keys.some((k) => !stored.has(k))).map((g) => g.index);
    const out: MergeResult = { dir, added: adding.length, stored: expected - groups.reduce((n, g) => n + g.keys.filter((k) => !stored.has(k)).length, 0), expected, missingGroups };
    if (missingGroups.length === 0) {
      const keys = new Set(groups.flatMap((g) => g.keys));
      const inPlan = store.read().filter((r) => keys.has(runKey(r.configHash, r.seed)));
      const runs = inPlan.filter((r) => !r.pilot);
      const pilotRuns = inPlan.filter((r) => r.pilot);
      const backend = runs[0]?.backend ?? "unknown";
      const provenance = startProvenance({ seeds: plan.seeds, extra: { experiment: plan.experiment.id, profile: plan.profile, mergedFrom: folders } });
      const summary = buildSummary(plan, runs, backend);
      const reportDir = reportDirOf(plan, dir);
      writeJsonAtomic(path.join(reportDir, SUMMARY_FILE), summary);
      const result: ExperimentResult = { summary, runs, ...(pilotRuns.length ? { pilotRuns } : {}), dir, reportDir, computed: 0 };
      if (opts.report !== false) await writeReport(plan, result, provenance);
      out.result = result;
    }
    return out;
  } finally {
    lock.release();
  }
}
