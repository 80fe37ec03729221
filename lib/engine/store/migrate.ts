/**
 * Bringing stored runs up to what the code writes now, without retraining them. Two changes:
 *   - re-keying, when the run key's definition changes (ENGINE_RESULTS_VERSION 1 → 2: from the
 *     configuration as written to the resolved one, run-config.ts): each arm's version-1 key is
 *     recomputed from the experiment as declared and the records under it get the arm's new key;
 *   - data descriptions: the text fields of a record's `data` (the generator's name, what the
 *     training rows are) follow the wording the data source gives now. Only strings change;
 *     every number a record holds stays as it is, and the sample below proves the rest equal.
 * Records are never edited by hand: a changed record gets a new checksum, summary and manifest
 * files follow, config.json is written, and a sample of runs is trained again and compared with
 * the changed records (verify.ts), on a copy of the folder. Only when the sample matches are the
 * folder's files rewritten; otherwise (or on an interrupt) they stay as they were.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UserError } from "../../errors";
import { writeFileAtomic } from "../../project";
import { codeRevision } from "../../provenance";
import { canonicalJson } from "./config-hash";
import type { DataSet } from "../train/data";
import { resolveExperiment, type Experiment, type ProfileName, type ResolvedExperiment } from "../plan/experiment";
import { FolderLock, LOCK_FILE } from "./folder-lock";
import { BadRunsLineError, MANIFEST_FILE, readJson, recordLine, REJECTED_FILE, resultsDir, RunsFile, RUNS_FILE, SUMMARY_FILE, writeJsonAtomic } from "./results-store";
import type { RunRecord } from "./run-record";
import { CONFIG_FILE, configFile } from "../plan/run-config";
import { verifyExperiment, type VerifyOptions, type VerifyReport } from "./verify";

/** An arm's key as engine results version 1 computed it: the configuration as written, profile train merged in. */
export function legacyConfigHash(plan: ResolvedExperiment, armKey: string): string {
  const arm = plan.arms.find((a) => a.key === armKey)!;
  const exp = plan.experiment;
  const config = { experiment: exp.id, conditionName: arm.conditionName, condition: arm.condition, model: exp.models[arm.model], train: { ...exp.train, ...exp.profiles[plan.profile].train }, rows: exp.profiles[plan.profile].rows ?? {} };
  return createHash("sha256").update(canonicalJson({ engine: 1, config })).digest("hex").slice(0, 16);
}

export interface MigrationReport {
  experiment: string;
  profile: ProfileName;
  dir: string;
  /** Records moved from a version-1 key to the arm's current key. */
  rekeyed: number;
  /** Records already under a current key. */
  current: number;
  /** Records whose data description text was brought up to the data source's current wording. */
  redescribed: number;
  /** Records under a key no arm of the profile has (an older configuration): left as they are. */
  other: number;
  verify: VerifyReport | null;
  /** False when the sample differed and every file was restored. */
  kept: boolean;
  line: string;
}

export interface MigrateOptions extends Pick<VerifyOptions, "backend" | "progress" | "workers" | "createModel"> {
  root: string;
  /** Seeds per arm trained again to prove the re-keyed records unchanged (default 1); 0 skips (tests only). */
  sample?: number;
  /**
   * Which models the sample trains: "ends" (default), the experiment's first and last model, or
   * "all". Every arm's key comes from the same resolution, so two models prove the path; "all"
   * proves every arm at the cost of a run per arm (hours for the census studies on wasm).
   */
  models?: "ends" | "all";
  /** Move lines that are not run records to runs.rejected.jsonl (with the reason) instead of stopping. */
  dropBadLines?: boolean;
}

/**
 * Re-keys results/<experiment>/<profile>/ if it holds version-1 records; proves a sample unchanged.
 * The folder is locked for the whole call, as a reproduce locks it: a command writing it meanwhile
 * is refused (or refuses this one), so no run it stores can be overwritten by the rewrite.
 */
export async function migrateFolder(experiment: Experiment, profile: ProfileName, opts: MigrateOptions): Promise<MigrationReport | null> {
  const dir = resultsDir(opts.root, experiment.id, profile);
  if (!fs.existsSync(path.join(dir, RUNS_FILE))) return null;
  const lock = FolderLock.acquire(dir, opts.progress?.note ? (m) => opts.progress!.note!(m) : (m) => process.stderr.write(`${m}\n`));
  try {
    return await migrateLocked(experiment, profile, dir, lock, opts);
  } finally {
    lock.release();
  }
}

/** The data set a stored record's run trains on, as the experiment's data source builds it now. */
async function dataSetOf(plan: ResolvedExperiment, record: RunRecord): Promise<DataSet | undefined> {
  const arm = plan.arms.find((a) => a.conditionName === record.condition);
  if (!arm) return undefined;
  const source = await plan.experiment.data({ conditionName: arm.conditionName, condition: arm.condition, profile: plan.profile, rows: plan.experiment.profiles[plan.profile].rows ?? {} });
  return source.layout === "shared" ? source.data : source.dataFor(record.seed);
}

/**
 * The record with its data description's text fields as the data source words them now
 * (undefined when nothing changes). Per condition the wording is built once (`cache`); a field
 * changes only where both values are strings, so no number can be carried across.
 */
async function redescribe(plan: ResolvedExperiment, record: RunRecord, cache: Map<string, Record<string, unknown> | undefined>): Promise<RunRecord | undefined> {
  if (!record.data) return undefined;
  if (!cache.has(record.condition)) cache.set(record.condition, (await dataSetOf(plan, record))?.info);
  const now = cache.get(record.condition);
  if (!now) return undefined;
  const changed = Object.entries(record.data).filter(([k, v]) => typeof v === "string" && typeof now[k] === "string" && now[k] !== v);
  return changed.length ? { ...record, data: { ...record.data, ...Object.fromEntries(changed.map(([k]) => [k, now[k]])) } } : undefined;
}

async function migrateLocked(experiment: Experiment, profile: ProfileName, dir: string, lock: FolderLock, opts: MigrateOptions): Promise<MigrationReport> {
  const plan = resolveExperiment(experiment, { profile });
  const map = new Map(plan.arms.map((a) => [legacyConfigHash(plan, a.key), a.configHash]));
  const currentKeys = new Set(plan.arms.map((a) => a.configHash));
  const store = new RunsFile(dir);
  const { records, lines: at, bad } = store.scan();
  const unreadable = bad.filter((b) => b.kind === "unreadable");
  if (unreadable.length && !opts.dropBadLines) throw new BadRunsLineError(store.file, unreadable, records.length);
  let rekeyed = 0;
  let current = 0;
  let other = 0;
  let redescribed = 0;
  const replace = new Map<number, string>();
  const wording = new Map<string, Record<string, unknown> | undefined>();
  const lines: string[] = [];
  for (const [i, stored] of records.entries()) {
    let r = stored;
    const to = map.get(r.configHash);
    if (to !== undefined && to !== r.configHash) {
      rekeyed++;
      r = { ...r, configHash: to };
    } else if (currentKeys.has(r.configHash)) current++;
    else other++;
    const described = currentKeys.has(r.configHash) ? await redescribe(plan, r, wording) : undefined;
    if (described) {
      redescribed++;
      r = described;
    }
    const line = recordLine(r);
    if (r !== stored) replace.set(at[i], line);
    lines.push(line);
  }
  const changed = rekeyed + redescribed;
  const id = `${experiment.id}/${profile}`;
  const rejected = bad.length ? `, ${bad.length} damaged line(s) moved to ${REJECTED_FILE} with the reason (${bad.map((b) => `line ${b.line}: ${b.problem}`).join("; ")})` : "";
  const counts = `${rekeyed} record(s) re-keyed, ${current} already current${redescribed ? `, ${redescribed} with their data description reworded` : ""}${other ? `, ${other} under keys of an older configuration (left as they are)` : ""}`;
  const finish = (verify: VerifyReport | null) => {
    const derived = derivedFiles(dir);
    lock.assertHeld();
    // a line is never deleted: a damaged one goes to runs.rejected.jsonl with its reason, in the same rewrite
    if (changed > 0 || bad.length > 0) store.setAside(bad, replace);
    if (rekeyed > 0) for (const f of derived) rewriteHashes(path.join(dir, f), map);
    if (changed > 0 && verify) {
      const what = rekeyed > 0 ? { fromEngineResultsVersion: 1, rekeyed } : {};
      stampManifests(dir, derived, { ...what, ...(redescribed > 0 ? { redescribed } : {}), verifiedBy: verify.line, code: codeRevision(), at: new Date().toISOString() });
    }
    writeJsonAtomic(path.join(dir, CONFIG_FILE), configFile(experiment.id, profile, [], plan.arms, readJson(path.join(dir, CONFIG_FILE))));
  };
  if (changed === 0 || opts.sample === 0) {
    finish(null);
    return { experiment: experiment.id, profile, dir, rekeyed, current, redescribed, other, verify: null, kept: true, line: `${id}: ${counts}${rejected}${changed && opts.sample === 0 ? "; not verified (sample 0)" : ""}` };
  }
  // the proof runs on a copy: the folder itself changes only after the sample matched, so an
  // interrupt, a failed recomputation or a difference leaves it exactly as it was
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `mtl-migrate-${experiment.id}-`));
  let verify: VerifyReport;
  try {
    const copy = resultsDir(scratch, experiment.id, profile);
    // the copy is the verification's own folder: it takes its own lock, not a copy of ours
    fs.cpSync(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== LOCK_FILE });
    writeFileAtomic(path.join(copy, RUNS_FILE), lines.join(""));
    const names = Object.keys(experiment.models);
    const models = opts.models === "all" ? undefined : [...new Set([names[0], names[names.length - 1]])];
    verify = await verifyExperiment(experiment, { profile, root: scratch, sample: opts.sample ?? 1, models, backend: opts.backend, progress: opts.progress, workers: opts.workers, createModel: opts.createModel });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const proven = verify.identical || (verify.firstDifference === null && verify.checked > 0);
  if (!proven && verify.storedBackend === verify.backend) {
    return { experiment: experiment.id, profile, dir, rekeyed, current, redescribed, other, verify, kept: false, line: `${id}: NOT migrated — the recomputed sample differs from the stored records; the folder is unchanged: ${verify.line}` };
  }
  finish(verify);
  return { experiment: experiment.id, profile, dir, rekeyed, current, redescribed, other, verify, kept: true, line: `${id}: ${counts}${rejected}; ${verify.line}` };
}

/** summary.json and manifest.json of the profile's report and of every subset report (relative paths). */
function derivedFiles(dir: string): string[] {
  const reports = [".", ...(fs.existsSync(path.join(dir, "subsets")) ? fs.readdirSync(path.join(dir, "subsets")).map((s) => path.join("subsets", s)) : [])];
  return reports.flatMap((r) => [SUMMARY_FILE, MANIFEST_FILE].map((f) => path.join(r, f))).filter((f) => fs.existsSync(path.join(dir, f)));
}

/** The derived JSON files name arms' keys as 16-hex strings: each old key becomes its new one. */
function rewriteHashes(file: string, map: ReadonlyMap<string, string>): void {
  let text = fs.readFileSync(file, "utf8");
  for (const [from, to] of map) text = text.split(`"${from}"`).join(`"${to}"`);
  JSON.parse(text); // still JSON, or stop before writing
  writeFileAtomic(file, text);
}

function stampManifests(dir: string, derived: readonly string[], migration: Record<string, unknown>): void {
  for (const f of derived.filter((d) => path.basename(d) === MANIFEST_FILE)) {
    const file = path.join(dir, f);
    const m = readJson<{ extra?: Record<string, unknown> }>(file);
    if (!m) continue;
    const extra = m.extra ?? {};
    const earlier = Array.isArray(extra.migrations) ? extra.migrations : [];
    writeJsonAtomic(file, { ...m, extra: { ...extra, migrations: [...earlier, migration] } });
  }
}

/** Every profile folder of `experiment` under root. */
export function storedProfiles(experiment: Experiment, root: string, profiles: readonly ProfileName[]): ProfileName[] {
  return profiles.filter((p) => fs.existsSync(path.join(resultsDir(root, experiment.id, p), RUNS_FILE)));
}

