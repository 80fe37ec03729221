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
import type { DataSource } from "./data";
import { resolveExperiment, type Arm, type Experiment, type ExperimentResult, type ResolveOptions, type ResolvedExperiment } from "./experiment";
import { silentProgress, type ProgressSink } from "./progress";
import { defaultResultsRoot, readJson, resultsDir, runKey, RunsFile, SUMMARY_FILE, writeJsonAtomic } from "./results-store";
import { experimentInModule } from "./experiment-module";
import { runGroupsInWorkers, workerCount } from "./group-pool";
import { runGroup, seedGroups, type ModelFactory } from "./run-group";
import type { RunRecord } from "./run-record";
import { buildSummary, type ExperimentSummary } from "./summary";
import { writeReport } from "./report";

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
}

function plannedRuns(plan: ResolvedExperiment, records: readonly RunRecord[]): RunRecord[] {
  const keys = new Set(plan.arms.flatMap((a) => plan.seeds.map((s) => runKey(a.configHash, s))));
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
}

/** Trains every planned run missing from the store; returns how many it trained. */
async function trainMissing(plan: ResolvedExperiment, store: RunsFile, backend: BackendName, opts: RunOptions): Promise<number> {
  const progress = opts.progress ?? silentProgress;
  const done = new Set(store.read().map((r) => runKey(r.configHash, r.seed)));
  const total = plan.arms.length * plan.seeds.length;
  const alreadyDone = plan.arms.reduce((n, a) => n + plan.seeds.filter((s) => done.has(runKey(a.configHash, s))).length, 0);
  progress.start(`${plan.experiment.id}/${plan.profile}`, total, alreadyDone);
  // the whole fixed group is retrained, so a resumed run computes exactly what an uninterrupted one would
  const pending: PendingGroup[] = plan.arms.flatMap((arm) =>
    seedGroups(plan.seeds, plan.seedsPerGroup)
      .map((seeds) => ({ arm, seeds, missing: seeds.filter((s) => !done.has(runKey(arm.configHash, s))) }))
      .filter((g) => g.missing.length > 0),
  );
  const finished = (g: PendingGroup, records: RunRecord[]) => {
    store.append(records.filter((r) => g.missing.includes(r.seed)));
    progress.groupDone(g.arm.key, g.missing, records[0]?.groupWallTimeMs ?? 0);
  };
  for (const arm of [...new Map(pending.map((g) => [g.arm.conditionName, g.arm])).values()]) {
    await plan.experiment.preflight?.({ conditionName: arm.conditionName, condition: arm.condition, profile: plan.profile, rows: plan.rows });
  }
  const workers = workerCount(backend, opts.workers === undefined ? undefined : String(opts.workers));
  // workers load the experiment from its module; experiments without one and model doubles stay here
  const inWorkers = workers > 1 && pending.length > 1 && !opts.createModel && loadableInWorkers(plan.experiment);
  if (inWorkers) {
    const jobs = pending.map((g) => ({ experiment: plan.experiment.id, module: plan.experiment.module!, resolve: plan.resolveOptions, armKey: g.arm.key, seeds: g.seeds, backend }));
    pending.forEach((g) => progress.group(g.arm.key, g.seeds));
    await runGroupsInWorkers(jobs, workers, (i, records) => finished(pending[i], records), (p) => progress.step(p));
  } else {
    const source = dataSources(plan);
    for (const g of pending) {
      progress.group(g.arm.key, g.seeds);
      finished(g, await runGroup({ plan, arm: g.arm, seeds: g.seeds, source: await source(g.arm), createModel: opts.createModel ?? createModel, backend, onProgress: (p) => progress.step(p) }));
    }
  }
  return pending.reduce((n, g) => n + g.missing.length, 0);
}

/** A worker rebuilds exactly this experiment only if its module exports this very object. */
function loadableInWorkers(experiment: Experiment): boolean {
  return experiment.module !== undefined && experimentInModule(experiment.module, experiment.id) === experiment;
}

/** Runs what is missing of `experiment` at a profile and writes every derived file. */
export async function runExperiment(experiment: Experiment, opts: RunOptions = {}): Promise<ExperimentResult> {
  const plan = resolveExperiment(experiment, opts);
  const info = await initBackend(opts.backend);
  const dir = resultsDir(opts.out ?? defaultResultsRoot(), plan.experiment.id, plan.profile);
  const store = new RunsFile(dir);
  if (opts.force) store.clear();
  store.checkBackend(info.name);
  const provenance = startProvenance({ seeds: plan.seeds, extra: { experiment: plan.experiment.id, profile: plan.profile } });
  const computed = await trainMissing(plan, store, info.name, opts);
  const runs = plannedRuns(plan, store.read());
  const summary = buildSummary(plan, runs, info.name);
  writeJsonAtomic(path.join(dir, SUMMARY_FILE), summary);
  const result: ExperimentResult = { summary, runs, dir, computed };
  if (opts.report !== false) await writeReport(plan, result, provenance);
  (opts.progress ?? silentProgress).finish(`${plan.experiment.id}/${plan.profile}: ${summary.runs} runs (${computed} trained now, ${summary.diverged} diverged) → ${dir}`);
  return result;
}

/**
 * For notebooks: the results of `experiment` at a profile, loaded from results/<exp>/<profile>/
 * when complete, otherwise completed first (only the missing runs are trained).
 */
export async function runOrLoad(experiment: Experiment, opts: Omit<RunOptions, "force"> = {}): Promise<ExperimentResult> {
  const plan = resolveExperiment(experiment, opts);
  const dir = resultsDir(opts.out ?? defaultResultsRoot(), plan.experiment.id, plan.profile);
  const summary = readJson<ExperimentSummary>(path.join(dir, SUMMARY_FILE));
  const runs = fs.existsSync(dir) ? plannedRuns(plan, new RunsFile(dir).read()) : [];
  const complete = runs.length === plan.arms.length * plan.seeds.length;
  if (summary && complete && summary.runs === runs.length && summary.complete) {
    return { summary: buildSummary(plan, runs, summary.backend), runs, dir, computed: 0 };
  }
  return runExperiment(plan.experiment, opts);
}
