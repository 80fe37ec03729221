/**
 * Host-side bookkeeping of each replica during training: status, divergence, early stopping on
 * the selection metric, and the recorded loss curves. Pure (no tensors), so it is cheap to test.
 */
import { higherIsBetter } from "./metrics";

export type ReplicaStatus = "training" | "stopped" | "diverged";

export interface Curves {
  /** Optimiser steps at which the points below were recorded. */
  steps: number[];
  /** task → mean training loss over the steps since the previous point (null once the replica stopped). */
  train: Record<string, (number | null)[]>;
  /** task → validation loss at that step (null once the replica stopped). */
  validation: Record<string, (number | null)[]>;
  /**
   * The validation selection metric at that step (e.g. the main task's AUC; null once the replica
   * stopped). Absent in runs recorded before the engine kept it.
   */
  selection?: (number | null)[];
}

export interface ReplicaTrack {
  status: ReplicaStatus;
  reason?: string;
  /** Best validation value of the selection metric so far (NaN before the first evaluation). */
  best: number;
  bestStep: number | null;
  evalsSinceBest: number;
  /** First recorded training loss (sum over tasks): the reference for "exploding". */
  firstLoss?: number;
  /** Step at which the replica stopped training (early stop or divergence). */
  stoppedAt?: number;
  curves: Curves;
}

export interface StoppingRule {
  /** Evaluations without improvement of the selection metric before a replica stops. */
  patience: number;
  /** A training loss above explodeFactor × the first recorded loss counts as divergence. */
  explodeFactor: number;
  /** Selection metric name (decides the direction: AUC/Pearson up, losses down). */
  metric: string;
}

export function newTracks(replicas: number, taskNames: readonly string[]): ReplicaTrack[] {
  const perTask = () => Object.fromEntries(taskNames.map((t) => [t, [] as (number | null)[]]));
  return Array.from({ length: replicas }, () => ({
    status: "training",
    best: NaN,
    bestStep: null,
    evalsSinceBest: 0,
    curves: { steps: [], train: perTask(), validation: perTask(), selection: [] },
  }));
}

export function stopReplica(track: ReplicaTrack, status: "stopped" | "diverged", step: number, reason: string): void {
  track.status = status;
  track.reason = reason;
  track.stoppedAt = step;
}

/** Marks the replica diverged when its training loss is not finite or has exploded. */
export function checkTrainLoss(track: ReplicaTrack, perTask: readonly number[], step: number, rule: StoppingRule): void {
  if (track.status !== "training") return;
  const total = perTask.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(total)) {
    stopReplica(track, "diverged", step, `training loss became ${total} by step ${step}`);
  } else if (track.firstLoss === undefined) {
    track.firstLoss = total;
  } else if (total > rule.explodeFactor * Math.max(track.firstLoss, 1e-12)) {
    stopReplica(track, "diverged", step, `training loss exploded to ${total.toPrecision(4)} by step ${step} (first recorded ${track.firstLoss.toPrecision(4)}; limit ×${rule.explodeFactor})`);
  }
}

/**
 * Records one validation value of the selection metric. Returns true when it improved (the
 * caller then copies this replica's weights into its best checkpoint).
 */
export function recordValidation(track: ReplicaTrack, value: number, step: number, rule: StoppingRule): boolean {
  if (track.status !== "training") return false;
  if (!Number.isFinite(value)) {
    stopReplica(track, "diverged", step, `validation ${rule.metric} became ${value} at step ${step}`);
    return false;
  }
  const better = Number.isNaN(track.best) || (higherIsBetter(rule.metric) ? value > track.best : value < track.best);
  if (better) {
    track.best = value;
    track.bestStep = step;
    track.evalsSinceBest = 0;
    return true;
  }
  track.evalsSinceBest += 1;
  if (track.evalsSinceBest >= rule.patience) {
    stopReplica(track, "stopped", step, `early stop: no validation ${rule.metric} improvement in ${rule.patience} evaluations (best at step ${track.bestStep})`);
  }
  return false;
}

/** Appends one curve point; replicas that are no longer training get null. */
export function recordCurvePoint(
  tracks: ReplicaTrack[],
  step: number,
  taskNames: readonly string[],
  train: (r: number, t: number) => number,
  validation: (r: number, t: number) => number,
  wasTraining: readonly boolean[],
  selection?: (r: number) => number,
): void {
  tracks.forEach((track, r) => {
    track.curves.steps.push(step);
    if (selection) (track.curves.selection ??= []).push(wasTraining[r] ? finiteOrNull(selection(r)) : null);
    taskNames.forEach((name, t) => {
      track.curves.train[name].push(wasTraining[r] ? finiteOrNull(train(r, t)) : null);
      track.curves.validation[name].push(wasTraining[r] ? finiteOrNull(validation(r, t)) : null);
    });
  });
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
