/**
 * One line of runs.jsonl: everything about one finished run (one model, one condition, one seed,
 * after learning-rate selection). Schema version RUN_SCHEMA; readers reject other versions.
 */
import type { ModelConfig } from "../../models/config";
import type { ParameterCount } from "../../models/types";
import type { GateSummary } from "../train/evaluate";
import type { ProfileName, RowCaps } from "../plan/profiles";
import { higherIsBetter, type TaskEvaluation } from "../train/metrics";
import type { Curves, Divergence } from "../train/replica-state";
import type { TrainConfig } from "../train/train-config";
import type { ReplicaOutcome, StopReason } from "../train/trainer";

export const RUN_SCHEMA = 1;

/** task → metric → value. */
export type TaskMetrics = Record<string, Record<string, number>>;
/** task → metric → why it has no value. */
export type UndefinedMetrics = Record<string, Record<string, string>>;

export interface LearningRateTrial {
  learningRate: number;
  status: "ok" | "diverged";
  reason?: string;
  /** Why its training ended (absent in records stored before the engine kept it). */
  stopReason?: StopReason;
  /** How it diverged: NaN, infinite or exploded training loss or validation metric (only when it did). */
  divergence?: Divergence;
  /** Best validation value of the selection metric (null if none). */
  selectionValue: number | null;
  bestStep: number | null;
  // The trial's whole outcome, stored only with learningRateChoice "per-arm" (the arm's rate is chosen after all its runs) and on pilot runs:
  stepsTrained?: number;
  metrics?: { validation: TaskMetrics; test: TaskMetrics } | null;
  undefinedMetrics?: { validation?: UndefinedMetrics; test?: UndefinedMetrics };
  curves?: Curves;
  gates?: GateSummary[];
}

export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  experiment: string;
  profile: ProfileName;
  /** Key in summary.json (model, or condition/model). */
  arm: string;
  model: string;
  condition: string;
  configHash: string;
  /** The run's master seed (1..runs); paired across models. */
  seed: number;
  /**
   * Set on a run of `train.pilotSeeds` (learningRateChoice "pilot"): it trained every rate of the
   * grid to choose the arm's rate, keeps every rate's outcome, and is never reported.
   */
  pilot?: true;
  /** Seeds derived from it, as used. */
  derivedSeeds: { init: number; batchOrder: number };
  config: { model: ModelConfig; train: TrainConfig; rows: RowCaps; condition: unknown };
  /** BackendInfo.name: runs of different backends are never mixed. */
  backend: string;
  status: "ok" | "diverged";
  /** Why the run diverged (every learning rate diverged), or why the chosen one stopped early. */
  reason?: string;
  /** Why the shown learning rate's training ended: patience, step cap or diverged (absent in records stored before the engine kept it). */
  stopReason?: StopReason;
  /** The learning rate chosen on validation (null if every one diverged). */
  learningRate: number | null;
  learningRateTrials: LearningRateTrial[];
  selection: { task: string; metric: string };
  bestStep: number | null;
  stepsTrained: number;
  /** Metrics of the best checkpoint of the chosen learning rate; null when diverged without one. */
  metrics: { validation: TaskMetrics; test: TaskMetrics } | null;
  undefinedMetrics?: { validation?: UndefinedMetrics; test?: UndefinedMetrics };
  curves: Curves;
  gates: GateSummary[];
  /** Trainable scalars of one run (one replica), in total and per group. */
  parameters: Pick<ParameterCount, "perReplica" | "groups">;
  /** What the data source recorded about the data (generator parameters, checksums). */
  data?: Record<string, unknown>;
  /** Group wall time divided by the runs in the group. */
  wallTimeMs: number;
  groupWallTimeMs: number;
  replicasInGroup: number;
  finishedAt: string;
  /** sha256 of the rest of the record, added when it is stored (results-store.ts); absent in records stored before checksums existed. */
  checksum?: string;
}

function split(evals: Record<string, TaskEvaluation>): { metrics: TaskMetrics; undefined?: UndefinedMetrics } {
  const metrics: TaskMetrics = {};
  let undef: UndefinedMetrics | undefined;
  for (const [task, ev] of Object.entries(evals)) {
    metrics[task] = ev.metrics;
    if (ev.undefined) (undef ??= {})[task] = ev.undefined;
  }
  return { metrics, undefined: undef };
}

/** The learning rate whose replica reached the best validation selection value (diverged ones excluded). */
export function chooseLearningRate(trials: readonly ReplicaOutcome[], metric: string): ReplicaOutcome | undefined {
  const sign = higherIsBetter(metric) ? 1 : -1;
  let best: ReplicaOutcome | undefined;
  for (const t of trials) {
    if (t.status !== "ok" || t.selectionValue === null) continue;
    if (!best || sign * t.selectionValue > sign * best.selectionValue!) best = t;
  }
  return best;
}

/** Metrics of one trial as stored: numbers, and why a metric has none. */
function trialMetrics(t: ReplicaOutcome) {
  const val = t.validation ? split(t.validation) : undefined;
  const test = t.test ? split(t.test) : undefined;
  const undefinedMetrics = val?.undefined || test?.undefined ? { validation: val?.undefined, test: test?.undefined } : undefined;
  return { metrics: val && test ? { validation: val.metrics, test: test.metrics } : null, undefinedMetrics };
}

/**
 * The part of a RunRecord that comes from training: metrics, curves, gates, learning-rate choice.
 * `keepTrials` (learningRateChoice "per-arm") stores every rate's whole outcome with its trial.
 */
export function outcomeFields(trials: readonly ReplicaOutcome[], metric: string, keepTrials = false) {
  const chosen = chooseLearningRate(trials, metric);
  const shown = chosen ?? trials[0];
  const { metrics, undefinedMetrics } = trialMetrics(shown);
  const reasons = trials.filter((t) => t.status === "diverged").map((t) => `lr ${t.learningRate}: ${t.reason}`);
  return {
    status: chosen ? ("ok" as const) : ("diverged" as const),
    reason: chosen ? chosen.reason : reasons.join("; "),
    stopReason: shown.stopReason,
    learningRate: chosen ? chosen.learningRate : null,
    learningRateTrials: trials.map((t): LearningRateTrial => ({
      learningRate: t.learningRate,
      status: t.status,
      reason: t.reason,
      stopReason: t.stopReason,
      ...(t.divergence ? { divergence: t.divergence } : {}),
      selectionValue: t.selectionValue,
      bestStep: t.bestStep,
      ...(keepTrials ? { stepsTrained: t.stepsTrained, ...trialMetrics(t), curves: t.curves, gates: t.gates } : {}),
    })),
    bestStep: shown.bestStep,
    stepsTrained: shown.stepsTrained,
    metrics: chosen ? metrics : null,
    undefinedMetrics,
    curves: shown.curves,
    gates: shown.gates,
  };
}

/**
 * The learning rate of an arm under learningRateChoice "per-arm" (MMoE §5.1: grid search per
 * model): among the grid's rates, the fewest runs diverged, then the best mean validation
 * selection value over the runs. `runs` are one arm's runs; null when every rate diverged in
 * every run.
 */
export function armLearningRate(runs: readonly RunRecord[]): number | null {
  if (runs.length === 0) return null;
  const sign = higherIsBetter(runs[0].selection.metric) ? -1 : 1;
  const scored = runs[0].config.train.learningRates.map((lr) => {
    const values = runs.map((r) => r.learningRateTrials.find((t) => t.learningRate === lr)).map((t) => (t?.status === "ok" ? t.selectionValue : null));
    const ok = values.filter((v): v is number => v !== null && Number.isFinite(v));
    return { lr, diverged: runs.length - ok.length, score: ok.length ? (sign * ok.reduce((a, b) => a + b, 0)) / ok.length : Infinity };
  });
  const viable = scored.filter((s) => s.diverged < runs.length);
  if (viable.length === 0) return null;
  viable.sort((a, b) => a.diverged - b.diverged || a.score - b.score);
  return viable[0].lr;
}

/** The record as it reads at learning rate `lr`: that trial's status, metrics, curves and gates. */
export function runAtLearningRate(run: RunRecord, lr: number): RunRecord {
  const t = run.learningRateTrials.find((x) => x.learningRate === lr);
  if (!t) throw new RangeError(`run ${run.arm}#${run.seed} did not train learning rate ${lr}; its grid is [${run.learningRateTrials.map((x) => x.learningRate).join(", ")}]`);
  if (t.curves === undefined || t.metrics === undefined) {
    throw new RangeError(`run ${run.arm}#${run.seed} stores no outcome per learning rate (trained without learningRateChoice "per-arm"); retrain it`);
  }
  const ok = t.status === "ok" && t.metrics !== null;
  return {
    ...run,
    status: ok ? "ok" : "diverged",
    reason: t.reason ?? (ok ? undefined : `no finite validation ${run.selection.metric} at the arm's learning rate ${lr}`),
    stopReason: t.stopReason,
    learningRate: ok ? lr : null,
    bestStep: t.bestStep,
    stepsTrained: t.stepsTrained ?? run.stepsTrained,
    metrics: ok ? t.metrics! : null,
    undefinedMetrics: t.undefinedMetrics,
    curves: t.curves,
    gates: t.gates ?? [],
  };
}

/**
 * Runs of learningRateChoice "per-arm" rewritten at their arm's rate (one rate per arm, chosen by
 * `armLearningRate` over the given runs of that arm); other runs unchanged. Idempotent.
 */
export function applyArmLearningRates(runs: readonly RunRecord[]): RunRecord[] {
  const arms = new Map<string, RunRecord[]>();
  for (const r of runs) if (r.config.train.learningRateChoice === "per-arm") arms.set(r.configHash, [...(arms.get(r.configHash) ?? []), r]);
  const rate = new Map([...arms].map(([hash, rs]) => [hash, armLearningRate(rs)]));
  return runs.map((r) => {
    const lr = rate.get(r.configHash);
    if (lr === undefined) return r;
    // every rate diverged in every run: the record already says so
    return lr === null ? r : runAtLearningRate(r, lr);
  });
}
