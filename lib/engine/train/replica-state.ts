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
  /**
   * The training loss (sum over tasks) that "exploding" is judged against, fixed before training
   * so that a blow-up cannot set it: see lossReference.
   */
  reference?: number;
  /** How the replica diverged (only when it did). */
  divergence?: Divergence;
  /** Step at which the replica stopped training (early stop or divergence). */
  stoppedAt?: number;
  curves: Curves;
}

/** Why a replica counts as diverged, in a form tables and tests can use without parsing prose. */
export interface Divergence {
  cause: "nan" | "infinite" | "exploded";
  /** What went wrong: the training loss or the validation selection metric. */
  signal: "training loss" | "validation";
  step: number;
  /** The exploded loss (null when not finite). */
  value: number | null;
  /** The reference it was judged against (exploded only). */
  reference?: number;
}

/**
 * The reference of the explosion check: the larger of the loss before the first step (the model
 * as initialised) and the loss of a constant predictor of the training labels (their mean:
 * variance for squared error, label entropy for binary cross-entropy). Both are known before any
 * update, so a run that blows up inside its first evaluation window is still caught; the constant
 * predictor keeps a model initialised near a perfect fit from being judged on ordinary noise.
 */
export function lossReference(initialLoss: number, constantPredictorLoss: number): number {
  return Math.max(initialLoss, constantPredictorLoss);
}

export interface StoppingRule {
  /** Evaluations without improvement of the selection metric before a replica stops. */
  patience: number;
  /** A training loss above explodeFactor × the track's reference (lossReference) counts as divergence. */
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

/** Marks the replica diverged when its training loss is not finite or has exploded past its reference. */
export function checkTrainLoss(track: ReplicaTrack, perTask: readonly number[], step: number, rule: StoppingRule): void {
  if (track.status !== "training") return;
  const total = perTask.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(total)) {
    track.divergence = { cause: Number.isNaN(total) ? "nan" : "infinite", signal: "training loss", step, value: null };
    stopReplica(track, "diverged", step, `training loss became ${total} by step ${step}`);
  } else if (track.reference !== undefined && total > rule.explodeFactor * Math.max(track.reference, 1e-12)) {
    track.divergence = { cause: "exploded", signal: "training loss", step, value: total, reference: track.reference };
    stopReplica(
      track,
      "diverged",
      step,
      `training loss exploded to ${total.toPrecision(4)} by step ${step} (reference before training ${track.reference.toPrecision(4)}; limit ×${rule.explodeFactor})`,
    );
  }
}

/**
 * Records one validation value of the selection metric. Returns true when it improved (the
 * caller then copies this replica's weights into its best checkpoint).
 */
export function recordValidation(track: ReplicaTrack, value: number, step: number, rule: StoppingRule): boolean {
  if (track.status !== "training") return false;
  if (!Number.isFinite(value)) {
    track.divergence = { cause: Number.isNaN(value) ? "nan" : "infinite", signal: "validation", step, value: null };
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
