/**
 * `--decide`: an experiment trained in rounds until its claims are decided. Each round judges
 * every claim on the runs stored so far (judge.ts), gives seeds only to the arms of claims still
 * open (allocate.ts), and records what it did (rounds.ts); it stops when no claim is open or the
 * budget is spent. Runs go to results/<experiment>/decide-<budget>/, never to a profile's folder;
 * the profile's own stored runs of the same configurations and seeds are copied in first. The
 * folder lock, the run store, the training of groups (threads, queue) are the engine's.
 */
import * as fs from "node:fs";
import type { BackendName, BackendPreference } from "../backend";
import { declarationHash } from "../engine/store/config-hash";
import { resolveExperiment, type Experiment, type ProfileName, type ResolvedExperiment } from "../engine/plan/experiment";
import { FolderLock } from "../engine/store/folder-lock";
import { silentProgress, type ProgressSink } from "../engine/report/progress";
import { defaultResultsRoot, resultsDir, runKey, RunsFile } from "../engine/store/results-store";
import type { RunRecord } from "../engine/store/run-record";
import type { ModelFactory } from "../engine/train/run-group";
import { trainMissing } from "../engine/runner";
import { UserError } from "../errors";
import { nextRound, roundSize, runsPerArm, seedAt } from "./allocate";
import { decideFolderName, type DecideBudget } from "./budget";
import { judgeLook, type ClaimStatus } from "./judge";
import { writeDecideReport } from "./report";
import { lastLook, RoundsLog, unfinishedStart, type RoundEvent, type RoundLook } from "./rounds";
import { armsOfProfile, checkSource, type DecideSource } from "./source";

/** Trains the plan's missing runs into the store (the engine's trainMissing, or a test double). */
export type RoundTrainer = (plan: ResolvedExperiment, store: RunsFile) => Promise<void>;

export interface DecideOptions {
  budget: DecideBudget;
  /** Whose training settings the runs use (default quick). */
  profile?: ProfileName;
  out?: string;
  backend?: BackendPreference;
  queue?: string;
  workers?: number;
  progress?: ProgressSink;
  note?: (message: string) => void;
  createModel?: ModelFactory;
  /** Family-wise error of each family (default 0.05). */
  alpha?: number;
  /** Copy the profile's stored runs of the same arms first (default true). */
  reuseProfileRuns?: boolean;
  train?: RoundTrainer;
  now?: () => number;
}

export interface DecideResult {
  dir: string;
  claims: ClaimStatus[];
  /** Why the rounds stopped, in words. */
  stopped: string;
  /** Runs trained by this call. */
  trained: number;
  rounds: number;
}

/** The stored runs of the plan's arms (any seed: rounds go past the profile's run count), each key once; pilot runs only with `pilots`. */
export function decideRuns(plan: ResolvedExperiment, records: readonly RunRecord[], pilots = false): RunRecord[] {
  const hashes = new Set(plan.arms.map((a) => a.configHash));
  const seen = new Set<string>();
  return records.filter((r) => {
    const k = runKey(r.configHash, r.seed);
    if (!hashes.has(r.configHash) || seen.has(k) || (r.pilot && !pilots)) return false;
    seen.add(k);
    return true;
  });
}

/** Copies the profile folder's runs of these arms that the decide folder lacks; returns how many. */
function importProfileRuns(plan: ResolvedExperiment, root: string, store: RunsFile, note: (m: string) => void): number {
  const dir = resultsDir(root, plan.experiment.id, plan.profile);
  if (!fs.existsSync(dir)) return 0;
  let theirs: RunRecord[];
  try {
    theirs = decideRuns(plan, new RunsFile(dir).read(), true); // the pilots too: they fix the rates the new seeds train at
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    note(`not reusing the runs of ${dir}: ${e.message}`);
    return 0;
  }
  const mine = new Set(store.read().map((r) => runKey(r.configHash, r.seed)));
  const fresh = theirs.filter((r) => !mine.has(runKey(r.configHash, r.seed)));
  store.append(fresh);
  return fresh.length;
}

/** Time an interrupted round's stored runs took: from its start to the last of them. */
function interruptedMs(events: readonly RoundEvent[], records: readonly RunRecord[]): number {
  const start = unfinishedStart(events);
  if (!start) return 0;
  const t0 = Date.parse(start.startedAt);
  const ends = records.map((r) => Date.parse(r.finishedAt)).filter((t) => t > t0);
  return ends.length ? Math.max(...ends) - t0 : 0;
}

const looksOf = (events: readonly RoundEvent[]) => events.filter((e): e is RoundLook => e.kind === "look");

/**
 * Training time per run (ms): measured over this folder's rounds (the one not yet recorded included), else the stored runs' own
 * wall time (the profile's runs copied in), else unknown (null).
 */
function pace(events: readonly RoundEvent[], runs: readonly RunRecord[], unrecorded: { ms: number; trained: number }): number | null {
  const looks = looksOf(events);
  const trained = looks.reduce((a, l) => a + l.trained, 0) + unrecorded.trained;
  if (trained > 0) return (looks.reduce((a, l) => a + l.ms, 0) + unrecorded.ms) / trained;
  const times = runs.map((r) => r.wallTimeMs).filter((t) => Number.isFinite(t) && t > 0);
  return times.length ? times.reduce((a, b) => a + b, 0) / times.length : null;
}

/** Runs per arm the time left affords if every open arm keeps training at `msPerRun` (Infinity: no time limit or pace unknown). */
function affordableRuns(budget: DecideBudget, elapsed: number, msPerRun: number | null, openArms: number, perArmNow: number): number {
  if (!Number.isFinite(budget.ms) || msPerRun === null || openArms === 0) return Infinity;
  return perArmNow + Math.max(0, Math.floor((budget.ms - elapsed) / (msPerRun * openArms)));
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

export async function decideExperiment(experiment: Experiment, declared: DecideSource, opts: DecideOptions): Promise<DecideResult> {
  const plan = resolveExperiment(experiment, { profile: opts.profile ?? "quick" });
  const source = armsOfProfile(declared, plan.arms.map((a) => a.key));
  checkSource(source, plan.arms.map((a) => a.key));
  const root = opts.out ?? defaultResultsRoot();
  const dir = resultsDir(root, experiment.id, decideFolderName(opts.budget, plan.profile));
  const note = opts.note ?? ((m: string) => process.stderr.write(`${m}\n`));
  const now = opts.now ?? Date.now;
  const alpha = opts.alpha ?? 0.05;
  const hash = experiment.claimsDeclaration === undefined ? null : declarationHash(experiment.claimsDeclaration as object);
  const lock = FolderLock.acquire(dir, note);
  try {
    const store = new RunsFile(dir);
    const log = new RoundsLog(dir);
    const events = log.read();
    const train = opts.train ?? engineTrainer(opts, lock);
    const imported = events.length === 0 && opts.reuseProfileRuns !== false ? importProfileRuns(plan, root, store, note) : 0;
    let elapsed = looksOf(events).reduce((a, l) => a + l.ms, 0);
    let roundMs = interruptedMs(events, store.read());
    elapsed += roundMs;
    let roundTrained = 0;
    let trained = 0;
    let round = events.length ? events[events.length - 1].round : 0;
    let statuses: ClaimStatus[] | undefined = lastLook(events)?.claims;
    let pending = unfinishedStart(events) !== undefined;
    let stopped = "";
    const size0 = roundSize(plan, opts.budget.maxRuns);
    for (;;) {
      const runs = decideRuns(plan, store.read());
      const perArm = runsPerArm(plan, runs);
      const openArms = (list: readonly ClaimStatus[] | undefined) => [...new Set(source.claims.filter((c) => !list || list.find((s) => s.id === c.id)?.state === "open").flatMap((c) => c.arms))];
      const armsNow = openArms(statuses);
      const msPerRun = pace(events, runs, { ms: roundMs, trained: roundTrained });
      const maxRuns = Math.min(opts.budget.maxRuns, affordableRuns(opts.budget, elapsed, msPerRun, armsNow.length, Math.max(0, ...armsNow.map((a) => perArm[a]))));
      const last = lastLook(events);
      if (pending || !last || last.storedRuns !== runs.length) {
        statuses = judgeLook(source, runs, { alpha, maxRuns, round, earlier: statuses, perArm });
        const look: RoundLook = {
          kind: "look", round, at: new Date(now()).toISOString(), ms: roundMs, trained: roundTrained, storedRuns: runs.length,
          ...(round === 0 && !last ? { imported } : {}), runsPerArm: perArm, maxRuns: Number.isFinite(maxRuns) ? maxRuns : null, declarationHash: hash, claims: statuses,
        };
        log.append(look);
        events.push(look);
        pending = false;
        roundMs = 0;
        roundTrained = 0;
        writeDecideReport(dir, { experiment, source, plan, budget: opts.budget, events, stopped: "", elapsedMs: elapsed, alpha });
      }
      const open = statuses!.filter((s) => s.state === "open");
      if (open.length === 0) {
        stopped = "no claim is open: each is decided, futile at its registered minimum effect, or excluded";
        break;
      }
      const arms = openArms(statuses);
      const next = nextRound(arms, perArm, size0);
      if (!next) {
        stopped = `run budget spent: ${opts.budget.maxRuns} runs per arm`;
        break;
      }
      const seeds = Object.fromEntries(next.arms.map((a) => [a, Array.from({ length: next.target - perArm[a] }, (_, i) => seedAt(plan, perArm[a] + i))]));
      const armRuns = Object.values(seeds).reduce((n, s) => n + s.length, 0);
      if (elapsed >= opts.budget.ms) {
        stopped = `time budget spent: ${minutes(elapsed)} of ${minutes(opts.budget.ms)}`;
        break;
      }
      if (msPerRun !== null && elapsed + msPerRun * armRuns > opts.budget.ms) {
        stopped = `time budget spent: the next round (${armRuns} runs, about ${minutes(msPerRun * armRuns)}) does not fit in the ${minutes(opts.budget.ms - elapsed)} left`;
        break;
      }
      round += 1;
      const start: RoundEvent = { kind: "start", round, startedAt: new Date(now()).toISOString(), open: open.map((s) => s.id), seeds };
      log.append(start);
      events.push(start);
      const before = runs.length;
      const t0 = now();
      const roundPlan: ResolvedExperiment = { ...plan, arms: plan.arms.filter((a) => next.arms.includes(a.key)), seeds: Array.from({ length: next.target }, (_, i) => seedAt(plan, i)) };
      await train(roundPlan, store);
      const took = now() - t0;
      roundMs += took;
      elapsed += took;
      roundTrained = decideRuns(plan, store.read()).length - before;
      trained += roundTrained;
      pending = true;
    }
    const claims = statuses!;
    writeDecideReport(dir, { experiment, source, plan, budget: opts.budget, events, stopped, elapsedMs: elapsed, alpha });
    return { dir, claims, stopped, trained, rounds: round };
  } finally {
    lock.release();
  }
}

/** The engine's training of a round: threads or the queue, the backend started once, the folder's backend kept. */
function engineTrainer(opts: DecideOptions, lock: FolderLock): RoundTrainer {
  let backend: BackendName | undefined;
  return async (plan, store) => {
    if (!backend) {
      backend = opts.queue ? await (await import("../engine/distributed/queue")).queueBackend(store, opts.backend) : (await (await import("../backend")).initBackend(opts.backend)).name;
      store.checkBackend(backend);
    }
    await trainMissing(plan, store, lock, backend, { progress: opts.progress ?? silentProgress, createModel: opts.createModel, workers: opts.workers, queue: opts.queue });
  };
}
