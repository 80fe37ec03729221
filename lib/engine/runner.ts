/**
 * Running an experiment at a profile: train every (arm, seed) not yet in runs.jsonl, group by
 * group, appending each group's runs as it finishes; then write summary.json, tables, figures
 * and manifest.json. The CLI, the notebooks (`runOrLoad`) and the tests all call these.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend, type BackendName, type BackendPreference } from "../backend";
import { createModel } from "../models/registry";
import { startProvenance } from "../provenance";
import type { DataSource } from "./train/data";
import { checkPilotSeeds, pilotSeedsOf, resolveExperiment, type Arm, type Experiment, type ExperimentResult, type ResolveOptions, type ResolvedExperiment, type TrainedGroup } from "./plan/experiment";
import { silentProgress, type ProgressSink } from "./report/progress";
import { experimentInModule } from "./plan/experiment-module";
import { presentLine } from "./store/results-origin";
import { errnoText, UserError } from "../errors";
import { writeFileIfChanged } from "../project";
import { FolderLock, ResultsFolderError } from "./store/folder-lock";
import { BadRunsLineError, defaultResultsRoot, readJson, REJECTED_FILE, resultsDir, runKey, RunsFile, SUMMARY_FILE, writeJsonAtomic } from "./store/results-store";
import { CONFIG_FILE, configFile, type ConfigFile } from "./plan/run-config";
import { runGroupsInWorkers, workerCount } from "./distributed/group-pool";
import { runGroup, type ModelFactory } from "./train/run-group";
import { inShard, planGroups, type Shard } from "./distributed/shard";
import { armLearningRate, type RunRecord } from "./store/run-record";
import { buildSummary, SUMMARY_SCHEMA, type ExperimentSummary } from "./report/summary";
import { writeReport } from "./report/report";
import { foreignRecordsLine } from "./train/degenerate";

export interface RunOptions extends ResolveOptions {
  /** Results root; the experiment writes to <out>/<experiment>/<profile>/. Default <project>/results. */
  out?: string;
  /** Recompute every run (empties runs.jsonl first). */
  force?: boolean;
  /** tfjs backend (default: MTL_BACKEND or auto). */
  backend?: BackendPreference;
  progress?: ProgressSink;
  /** Model factory; default lib/models' createModel (tests pass doubles). */
  createModel?: ModelFactory;
  /** Write tables, figures and manifest.json (default true). */
  report?: boolean;
  /** Groups trained at once in worker threads (default: MTL_WORKERS, else one per core on wasm/cpu). */
  workers?: number;
  /**
   * Move lines of runs.jsonl that are not run records (garbage, half lines, missing fields) to
   * runs.rejected.jsonl and retrain their runs, instead of stopping with their line numbers.
   */
  dropBadLines?: boolean;
  /** Train only this shard's groups (group i of the plan's order when i mod count = index): job arrays. */
  shard?: Shard;
  /** Redis URL: the groups train on a BullMQ queue (`npm run worker` on any machine), this process stores their records (queue.ts). */
  queue?: string;
}

function plannedRuns(plan: ResolvedExperiment, records: readonly RunRecord[], seeds: readonly number[] = plan.seeds): RunRecord[] {
  const keys = new Set(plan.arms.flatMap((a) => seeds.map((s) => runKey(a.configHash, s))));
  const seen = new Set<string>();
  return records.filter((r) => {
    const k = runKey(r.configHash, r.seed);
    if (!keys.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The data source of each condition, built once and only when a group of it needs training. */
function dataSources(plan: ResolvedExperiment): (arm: Arm) => Promise<DataSource> {
  const cache = new Map<string, Promise<DataSource>>();
  return (arm) => {
    if (!cache.has(arm.conditionName)) {
      const ctx = { conditionName: arm.conditionName, condition: arm.condition, profile: plan.profile, rows: plan.rows };
      cache.set(arm.conditionName, Promise.resolve(plan.experiment.data(ctx)));
    }
    return cache.get(arm.conditionName)!;
  };
}

interface PendingGroup {
  arm: Arm;
  seeds: number[];
  missing: number[];
  /** A reported group's one rate under learningRateChoice "pilot" (absent: the grid). */
  learningRates?: number[];
}

/**
 * Trains every planned run missing from the store; returns the runs it trained, group by group
 * (also the rounds of lib/decide, on plans of a few arms and seeds). Under learningRateChoice
 * "pilot" the arms' pilot groups train first; each arm's reported groups then train at the rate
 * its stored pilot runs chose.
 */
export async function trainMissing(plan: ResolvedExperiment, store: RunsFile, lock: FolderLock, backend: BackendName, opts: RunOptions): Promise<TrainedGroup[]> {
  checkPilotSeeds(plan.train, plan.seeds); // lib/decide continues the seeds past the profile's
  const progress = opts.progress ?? silentProgress;
  const done = new Set(store.read().map((r) => runKey(r.configHash, r.seed)));
  // the whole fixed group is retrained, so a resumed run computes exactly what an uninterrupted one would
  const all = planGroups(plan);
  const groups = all.filter((g) => inShard(g.shardKey, opts.shard)).map((g) => ({ ...g, missing: g.seeds.filter((s) => !done.has(runKey(g.arm.configHash, s))) }));
  const total = all.reduce((n, g) => n + g.seeds.length, 0);
  const alreadyDone = all.reduce((n, g) => n + g.keys.filter((k) => done.has(k)).length, 0);
  progress.start(`${plan.experiment.id}/${plan.profile}`, total, alreadyDone);
  const missing = groups.filter((g) => g.missing.length > 0);
  for (const arm of [...new Map(missing.map((g) => [g.arm.conditionName, g.arm])).values()]) {
    await plan.experiment.preflight?.({ conditionName: arm.conditionName, condition: arm.condition, profile: plan.profile, rows: plan.rows });
  }
  const pilots = missing.filter((g) => g.pilot);
  await trainGroups(plan, pilots, store, lock, backend, opts);
  // a shard holds whole arms under "pilot" (shard.ts), so every arm here has its pilot stored by now
  const records = store.read();
  const reported = missing.filter((g) => !g.pilot).map((g) => (plan.train.learningRateChoice === "pilot" ? { ...g, learningRates: [pilotRate(plan, g.arm, records)] } : g));
  await trainGroups(plan, reported, store, lock, backend, opts);
  return [...pilots, ...reported].map((g) => ({ arm: g.arm.key, seeds: g.missing }));
}

/** The rate an arm's reported runs train at under "pilot", from its stored pilot runs; UserError when every rate diverged in every pilot run. */
function pilotRate(plan: ResolvedExperiment, arm: Arm, records: readonly RunRecord[]): number {
  const seeds = pilotSeedsOf(plan);
  const runs = plannedRuns({ ...plan, arms: [arm] }, records, seeds);
  if (runs.length < seeds.length) throw new Error(`${plan.experiment.id} ${arm.key}: ${seeds.length - runs.length} pilot run(s) missing after the pilots trained`);
  const rate = armLearningRate(runs);
  if (rate === null) {
    throw new UserError(`${plan.experiment.id} ${arm.key}: every learning rate of [${plan.train.learningRates.join(", ")}] diverged in the pilot (seed${seeds.length > 1 ? "s" : ""} ${seeds.join(", ")}), so there is no rate to train the reported runs at; try lower rates with --set 'train.learningRates=[…]'`);
  }
  return rate;
}

/** Trains `pending` groups one after another, in worker threads or on a queue, storing each group's runs as it finishes. */
async function trainGroups(plan: ResolvedExperiment, pending: PendingGroup[], store: RunsFile, lock: FolderLock, backend: BackendName, opts: RunOptions): Promise<void> {
  if (pending.length === 0) return;
  const progress = opts.progress ?? silentProgress;
  const finished = (g: PendingGroup, records: RunRecord[]) => {
    lock.assertHeld();
    store.append(records.filter((r) => g.missing.includes(r.seed)));
    progress.groupDone(g.arm.key, g.missing, records[0]?.groupWallTimeMs ?? 0);
  };
  const workers = workerCount(backend, opts.workers === undefined ? undefined : String(opts.workers));
  // workers load the experiment from its module; experiments without one and model doubles stay here
  const inWorkers = workers > 1 && pending.length > 1 && !opts.createModel && loadableInWorkers(plan.experiment);
  if (opts.queue) {
    if (opts.createModel || !loadableInWorkers(plan.experiment)) throw new UserError(`${plan.experiment.id} cannot train on a queue: workers rebuild an experiment from its module (Experiment.module), without model doubles`);
    const groups = pending.map((g) => ({ keys: g.seeds.map((s) => runKey(g.arm.configHash, s)), data: { experiment: plan.experiment.id, resolve: plan.resolveOptions, armKey: g.arm.key, configHash: g.arm.configHash, seeds: g.seeds, learningRates: g.learningRates, backend } }));
    const { runGroupsOnQueue } = await import("./distributed/queue"); // bullmq loads only in queue mode
    await runGroupsOnQueue(groups, { url: opts.queue, onGroupStarted: (i) => progress.group(pending[i].arm.key, pending[i].seeds), onProgress: (p) => progress.step(p), note: noteSink(opts) }, (i, records) => finished(pending[i], records));
  } else if (inWorkers) {
    const jobs = pending.map((g) => ({ experiment: plan.experiment.id, module: plan.experiment.module!, resolve: plan.resolveOptions, armKey: g.arm.key, seeds: g.seeds, learningRates: g.learningRates, backend }));
    pending.forEach((g) => progress.group(g.arm.key, g.seeds));
    await runGroupsInWorkers(jobs, workers, (i, records) => finished(pending[i], records), (p) => progress.step(p));
  } else {
    const source = dataSources(plan);
    for (const g of pending) {
      progress.group(g.arm.key, g.seeds);
      finished(g, await runGroup({ plan, arm: g.arm, seeds: g.seeds, learningRates: g.learningRates, source: await source(g.arm), createModel: opts.createModel ?? createModel, backend, onProgress: (p) => progress.step(p) }));
    }
  }
}

/** A worker rebuilds exactly this experiment only if its module exports this very object. */
function loadableInWorkers(experiment: Experiment): boolean {
  return experiment.module !== undefined && experimentInModule(experiment.module, experiment.id) === experiment;
}

/** The folder a plan's runs live in: <root>/<experiment>/<profile>, or <profile>+set-<hash> when --set changed the configuration. */
export function planDir(plan: ResolvedExperiment, root: string): string {
  return resultsDir(root, plan.experiment.id, plan.overridden?.folder ?? plan.profile);
}

/** Adds the plan's resolved configurations (the whole profile's, not a subset's) to config.json. */
function writeConfigFile(plan: ResolvedExperiment, dir: string): void {
  const file = path.join(dir, CONFIG_FILE);
  const full = resolveExperiment(plan.experiment, { profile: plan.profile, set: plan.resolveOptions.set });
  let earlier: ConfigFile | undefined;
  try {
    earlier = readJson<ConfigFile>(file);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    earlier = undefined; // derived file: a damaged one is rebuilt (records keep their keys; only configs of other keys are lost)
  }
  writeFileIfChanged(file, JSON.stringify(configFile(plan.experiment.id, path.basename(dir), plan.overrides.map((o) => o.text), full.arms, earlier), null, 2) + "\n");
}

/**
 * Writes summary.json unless the stored one says the same: then the stored one (its generatedAt
 * included) stays, so that loading stored runs changes no file.
 */
function saveSummary(file: string, summary: ExperimentSummary): void {
  const { summary: stored } = readSummary(file);
  if (stored && JSON.stringify({ ...stored, generatedAt: "" }) === JSON.stringify({ ...summary, generatedAt: "" })) {
    summary.generatedAt = stored.generatedAt;
    return;
  }
  writeJsonAtomic(file, summary);
}

/** Where a plan's summary, tables, figures and manifest go: the profile's folder, or subsets/<label>/ in it. */
export function reportDirOf(plan: ResolvedExperiment, dir: string): string {
  return plan.subset ? path.join(dir, "subsets", plan.subset.label) : dir;
}

/** Messages for the user that are not progress (a stale lock taken over, a record set aside). */
function noteSink(opts: RunOptions): (message: string) => void {
  const sink = opts.progress;
  return sink?.note ? (m) => sink.note!(m) : (m) => process.stderr.write(`${m}\n`);
}

/**
 * Takes damaged lines out of runs.jsonl before anything trains, keeping them in runs.rejected.jsonl:
 * records whose checksum fails always (they are retrained, never used); lines that are not records
 * only with dropBadLines, else the run stops with their line numbers and the fix.
 */
function setAsideBadLines(store: RunsFile, opts: RunOptions, note: (m: string) => void): void {
  const { records, bad } = store.scan();
  const unreadable = bad.filter((b) => b.kind === "unreadable");
  if (unreadable.length && !opts.dropBadLines) throw new BadRunsLineError(store.file, unreadable, records.length);
  if (bad.length === 0) return;
  store.setAside(bad);
  for (const b of bad) note(`${store.file} line ${b.line}${b.run ? ` (${b.run})` : ""}: ${b.problem}. Not used: moved to ${REJECTED_FILE}; its run trains again.`);
}

/** runs.jsonl must be writable now, not after the first group has trained. */
function checkWritable(file: string): void {
  if (!fs.existsSync(file)) return;
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch (e) {
    throw new ResultsFolderError(`cannot write ${file}: ${errnoText(e)}. Nothing was trained. Make it writable, or write elsewhere with --out DIR.`);
  }
}

/**
 * Runs what is missing of `experiment` at a profile and writes every derived file. The results
 * folder is locked for the whole call (one writer per folder); it is created and checked for
 * writing before anything trains.
 */
export async function runExperiment(experiment: Experiment, opts: RunOptions = {}): Promise<ExperimentResult> {
  const plan = resolveExperiment(experiment, opts);
  const dir = planDir(plan, opts.out ?? defaultResultsRoot());
  const note = noteSink(opts);
  const lock = FolderLock.acquire(dir, note);
  try {
    const store = new RunsFile(dir);
    checkWritable(store.file);
    const info = opts.queue ? undefined : await initBackend(opts.backend); // queue mode: the workers start it
    if (opts.force) store.clear();
    else setAsideBadLines(store, opts, note);
    const backend = info?.name ?? (await (await import("./distributed/queue")).queueBackend(store, opts.backend));
    store.checkBackend(backend);
    writeConfigFile(plan, dir);
    const provenance = startProvenance({ seeds: plan.seeds, extra: { experiment: plan.experiment.id, profile: plan.profile } });
    const trained = await trainMissing(plan, store, lock, backend, opts);
    const records = store.read();
    const runs = plannedRuns(plan, records);
    const pilotRuns = plannedRuns(plan, records, pilotSeedsOf(plan));
    const foreign = plan.subset ? null : foreignRecordsLine(new Set([...runs, ...pilotRuns].map((r) => runKey(r.configHash, r.seed))), records, store.file); // a subset ignores the rest of its profile by design
    if (foreign) note(foreign);
    const summary = buildSummary(plan, runs, backend);
    const reportDir = reportDirOf(plan, dir);
    saveSummary(path.join(reportDir, SUMMARY_FILE), summary);
    const result: ExperimentResult = { summary, runs, ...(pilotRuns.length ? { pilotRuns } : {}), dir, reportDir, computed: trained.reduce((n, g) => n + g.seeds.length, 0), trainedGroups: trained };
    const computed = result.computed;
    if (opts.report !== false) await writeReport(plan, result, provenance);
    const stored = summary.complete ? `${summary.runs} runs` : `INCOMPLETE: ${summary.runs} of ${summary.expectedRuns} runs stored`;
    if (computed === 0 && summary.complete && !plan.subset) (opts.progress ?? silentProgress).finish(presentLine(plan, runs.length, dir));
    else (opts.progress ?? silentProgress).finish(
      `${plan.experiment.id}/${plan.profile}${plan.subset ? ` (subset: ${plan.subset.description})` : ""}: ${stored} (${computed} trained now, ${summary.diverged} diverged) → ${reportDir}`,
    );
    return result;
  } finally {
    lock.release();
  }
}

/** summary.json as stored, or why it cannot be used (it is derived: the caller rebuilds it). */
function readSummary(file: string): { summary?: ExperimentSummary; problem?: string } {
  if (!fs.existsSync(file)) return {};
  try {
    const s = JSON.parse(fs.readFileSync(file, "utf8")) as ExperimentSummary;
    if (s?.schema !== SUMMARY_SCHEMA || typeof s.backend !== "string" || typeof s.runs !== "number") return { problem: "is not a summary this engine wrote" };
    return { summary: s };
  } catch (e) {
    if (e instanceof SyntaxError) return { problem: `is damaged (${e.message})` };
    throw e;
  }
}

/**
 * For notebooks: the results of `experiment` at a profile, loaded from results/<exp>/<profile>/
 * when complete, otherwise completed first (only the missing runs are trained). A missing or
 * damaged summary.json is rebuilt from runs.jsonl.
 */
export async function runOrLoad(experiment: Experiment, opts: Omit<RunOptions, "force"> = {}): Promise<ExperimentResult> {
  const plan = resolveExperiment(experiment, opts);
  const dir = planDir(plan, opts.out ?? defaultResultsRoot());
  const reportDir = reportDirOf(plan, dir);
  const runs = fs.existsSync(dir) ? plannedRuns(plan, new RunsFile(dir).read()) : [];
  if (runs.length === plan.arms.length * plan.seeds.length) {
    const file = path.join(reportDir, SUMMARY_FILE);
    const { summary, problem } = readSummary(file);
    if (summary && summary.complete && summary.runs === runs.length) {
      opts.progress?.finish(presentLine(plan, runs.length, dir));
      const pilotRuns = plannedRuns(plan, new RunsFile(dir).read(), pilotSeedsOf(plan));
      return { summary: buildSummary(plan, runs, summary.backend), runs, ...(pilotRuns.length ? { pilotRuns } : {}), dir, reportDir, computed: 0 };
    }
    if (problem) noteSink(opts)(`${file} ${problem}; rebuilding it from ${path.join(dir, "runs.jsonl")}`);
  }
  return runExperiment(plan.experiment, opts);
}
