/**
 * One line of runs.jsonl: everything about one finished run (one model, one condition, one seed,
 * after learning-rate selection). Schema version RUN_SCHEMA; readers reject other versions.
 */
import type { ModelConfig } from "../models/config";
import type { ParameterCount } from "../models/types";
import type { GateSummary } from "./evaluate";
import type { ProfileName, RowCaps } from "./profiles";
import { higherIsBetter, type TaskEvaluation } from "./metrics";
import type { Curves } from "./replica-state";
import type { TrainConfig } from "./train-config";
import type { ReplicaOutcome } from "./trainer";

export const RUN_SCHEMA = 1;

/** task → metric → value. */
export type TaskMetrics = Record<string, Record<string, number>>;
/** task → metric → why it has no value. */
export type UndefinedMetrics = Record<string, Record<string, string>>;

export interface LearningRateTrial {
  learningRate: number;
  status: "ok" | "diverged";
  reason?: string;
  /** Best validation value of the selection metric (null if none). */
  selectionValue: number | null;
  bestStep: number | null;
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
  /** Seeds derived from it, as used. */
  derivedSeeds: { init: number; batchOrder: number };
  config: { model: ModelConfig; train: TrainConfig; rows: RowCaps; condition: unknown };
  /** BackendInfo.name: runs of different backends are never mixed. */
  backend: string;
  status: "ok" | "diverged";
  /** Why the run diverged (every learning rate diverged), or why the chosen one stopped early. */
  reason?: string;
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

/** The part of a RunRecord that comes from training: metrics, curves, gates, learning-rate choice. */
export function outcomeFields(trials: readonly ReplicaOutcome[], metric: string) {
  const chosen = chooseLearningRate(trials, metric);
  const shown = chosen ?? trials[0];
  const val = shown.validation ? split(shown.validation) : undefined;
  const test = shown.test ? split(shown.test) : undefined;
  const undefinedMetrics = val?.undefined || test?.undefined ? { validation: val?.undefined, test: test?.undefined } : undefined;
  const reasons = trials.filter((t) => t.status === "diverged").map((t) => `lr ${t.learningRate}: ${t.reason}`);
  return {
    status: chosen ? ("ok" as const) : ("diverged" as const),
    reason: chosen ? chosen.reason : reasons.join("; "),
    learningRate: chosen ? chosen.learningRate : null,
    learningRateTrials: trials.map((t) => ({
      learningRate: t.learningRate,
      status: t.status,
      reason: t.reason,
      selectionValue: t.selectionValue,
      bestStep: t.bestStep,
    })),
    bestStep: shown.bestStep,
    stepsTrained: shown.stepsTrained,
    metrics: chosen && val && test ? { validation: val.metrics, test: test.metrics } : null,
    undefinedMetrics,
    curves: shown.curves,
    gates: shown.gates,
  };
}
