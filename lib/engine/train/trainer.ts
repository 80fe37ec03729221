/**
 * The training loop for replica-batched models (one model = R seeded runs, or seeds × learning
 * rates). Per step: gather a minibatch on the backend from a seeded per-epoch permutation, sum the
 * per-replica losses, take gradients, apply ReplicaAdam. Every `evalEvery` steps (and only then)
 * read losses to the host, evaluate on validation, keep each replica's best weights (early
 * stopping on the selection metric, per replica) and stop replicas that diverged or stalled.
 * At the end the best weights are restored and validation and test are evaluated once.
 */
import * as tf from "@tensorflow/tfjs";
import type { MtlModel, TaskSpec } from "../../models/types";
import { ReplicaAdam } from "./adam";
import type { DataSet } from "./data";
import { DeviceSplit } from "./device-data";
import { evaluateReplica, gateSummaries, predictSplit, selectionValue, taskColumn, taskLoss, type GateSummary } from "./evaluate";
import { taskLosses, totalLoss } from "./losses";
import type { TaskEvaluation } from "./metrics";
import { checkTrainLoss, lossReference, newTracks, recordCurvePoint, recordValidation, type Curves, type Divergence, type ReplicaTrack } from "./replica-state";
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig } from "./train-config";
import { Seeds } from "../../seeds";

/** The data of one training group. */
export interface GroupData {
  layout: "shared" | "per-replica";
  /** Shared: exactly one; per-replica: the distinct data sets of the group. */
  datasets: DataSet[];
  /** Per-replica only: replica → index into `datasets`. */
  datasetOf?: number[];
  /** Seed of the minibatch order, one per data set (shared: one for all replicas). */
  orderSeeds: number[];
}

export interface ReplicaOutcome {
  status: "ok" | "diverged";
  /** Why it diverged, or why it stopped early. */
  reason?: string;
  /** Why training ended: early stopping's patience ran out, the step cap was reached, or it diverged. */
  stopReason: StopReason;
  /** How it diverged (only when it did). */
  divergence?: Divergence;
  learningRate: number;
  /** Step of the best validation value (the checkpoint evaluated on test); null if none. */
  bestStep: number | null;
  /** Steps this replica trained before it stopped. */
  stepsTrained: number;
  /** Best validation value of the selection metric; null if none. */
  selectionValue: number | null;
  /** Metrics of the best checkpoint; null when the replica never had a finite validation value. */
  validation: Record<string, TaskEvaluation> | null;
  test: Record<string, TaskEvaluation> | null;
  curves: Curves;
  gates: GateSummary[];
}

export type StopReason = "patience" | "step cap" | "diverged";

export interface TrainingProgress {
  step: number;
  steps: number;
  training: number;
}

/** Trains `model` (already built with one seed per replica) with per-replica learning rates. */
export async function trainReplicas(
  model: MtlModel,
  data: GroupData,
  config: TrainConfig,
  learningRates: readonly number[],
  onEvaluate?: (p: TrainingProgress) => void,
): Promise<ReplicaOutcome[]> {
  const cfg = resolveTrainConfig(config, model.tasks);
  if (learningRates.length !== model.replicas) {
    throw new RangeError(`trainReplicas: ${learningRates.length} learning rates for ${model.replicas} replicas; give one per replica`);
  }
  const session = new TrainingSession(model, data, cfg, learningRates);
  try {
    for (let step = 1; step <= cfg.steps && session.anyTraining(); step++) {
      session.trainStep(step);
      if (step % cfg.evalEvery === 0 || step === cfg.steps) {
        session.evaluate(step);
        onEvaluate?.({ step, steps: cfg.steps, training: session.trainingCount() });
        await new Promise((resolve) => setImmediate(resolve)); // let progress output and signals through
      }
    }
    return session.finish();
  } finally {
    session.dispose();
  }
}

/**
 * Training loss (sum over tasks) of predicting every training label by the labels' mean: the
 * variance for squared error, the label entropy for binary cross-entropy.
 */
export function constantPredictorLoss(data: DataSet, tasks: readonly TaskSpec[]): number {
  const { rows, labels } = data.train;
  const T = tasks.length;
  return tasks.reduce((sum, task, t) => {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += labels[i * T + t];
    mean /= Math.max(1, rows);
    if (task.kind === "binary") {
      return sum + (mean <= 0 || mean >= 1 ? 0 : -(mean * Math.log(mean) + (1 - mean) * Math.log(1 - mean)));
    }
    let sq = 0;
    for (let i = 0; i < rows; i++) sq += (labels[i * T + t] - mean) ** 2;
    return sum + sq / Math.max(1, rows);
  }, 0);
}

/** The tensors and host state of one training run; every tensor it creates it disposes. */
class TrainingSession {
  private train: DeviceSplit;
  private readonly validation: DeviceSplit;
  private readonly adam: ReplicaAdam;
  private readonly best: tf.Variable[];
  private readonly lossSum: tf.Variable;
  private readonly taskWeights: tf.Tensor1D;
  private readonly lr: tf.Tensor1D;
  private active: tf.Tensor1D;
  private epochIndex?: tf.Tensor;
  private stepsInWindow = 0;
  private readonly stepsPerEpoch: number;
  private readonly batchSize: number;
  readonly tracks: ReplicaTrack[];
  private readonly taskNames: string[];

  constructor(
    private readonly model: MtlModel,
    private readonly data: GroupData,
    private readonly cfg: ResolvedTrainConfig,
    private readonly learningRates: readonly number[],
  ) {
    const { input, tasks } = data.datasets[0];
    this.taskNames = tasks.map((t) => t.name);
    const datasetOf = data.layout === "per-replica" ? data.datasetOf : undefined;
    const fresh = data.datasets.filter((d) => d.freshTrain).length;
    if (fresh !== 0 && fresh !== data.datasets.length) throw new RangeError(`trainReplicas: ${fresh} of ${data.datasets.length} data sets draw fresh training rows; all or none must`);
    this.train = new DeviceSplit(data.datasets.map((d) => d.train), input.numeric, tasks.length, datasetOf);
    this.validation = new DeviceSplit(data.datasets.map((d) => d.validation), input.numeric, tasks.length, datasetOf);
    this.batchSize = Math.min(cfg.batchSize, this.train.rows);
    this.stepsPerEpoch = Math.floor(this.train.rows / this.batchSize);
    this.adam = new ReplicaAdam(model.variables, cfg.adam);
    // inside tidy: the initial tensors are released once the variables hold their data
    this.best = tf.tidy(() => model.variables.map((v) => tf.variable(v.clone(), false)));
    this.lossSum = tf.tidy(() => tf.variable(tf.zeros([model.replicas, tasks.length]), false));
    this.taskWeights = tf.tensor1d(cfg.taskWeights);
    this.lr = tf.tensor1d([...learningRates]);
    this.active = tf.ones([model.replicas], "bool");
    this.tracks = newTracks(model.replicas, this.taskNames);
  }

  anyTraining(): boolean {
    return this.trainingCount() > 0;
  }

  trainingCount(): number {
    return this.tracks.filter((t) => t.status === "training").length;
  }

  /** The seeded row order of epoch `epoch`: one permutation per data set (of fresh rows, where the data draw them). */
  private newEpoch(epoch: number): void {
    this.epochIndex?.dispose();
    if (epoch > 0 && this.data.datasets[0].freshTrain) {
      const splits = this.data.datasets.map((d) => d.freshTrain!(epoch));
      if (splits.some((s) => s.rows !== this.train.rows)) throw new RangeError(`freshTrain(${epoch}) returned ${splits.map((s) => s.rows).join(", ")} rows; every epoch must have the ${this.train.rows} rows of epoch 0`);
      this.train.dispose();
      this.train = new DeviceSplit(splits, this.train.features, this.train.tasks, this.train.datasetOf);
    }
    const perms = this.data.orderSeeds.map((seed) => new Seeds(seed).rng("batch-order", epoch).permutation(this.train.rows));
    this.epochIndex = this.train.epochIndices(perms);
  }

  trainStep(step: number): void {
    const position = (step - 1) % this.stepsPerEpoch;
    if (position === 0) this.newEpoch(Math.floor((step - 1) / this.stepsPerEpoch));
    const index = this.epochIndex!;
    const start = position * this.batchSize;
    tf.tidy(() => {
      const rows = this.train.perReplica ? index.slice([0, start], [-1, this.batchSize]) : index.slice([start], [this.batchSize]);
      const { batch, labels } = this.train.gather(rows);
      let perTask: tf.Tensor2D | undefined;
      const { grads } = tf.variableGrads(() => {
        const outputs = this.model.apply(batch);
        perTask = tf.keep(taskLosses(outputs, labels, this.model.tasks, this.model.lossMask?.(labels)));
        return totalLoss(perTask, this.taskWeights, this.model.extraLoss?.(outputs));
      }, [...this.model.variables]);
      // every replica still training (the usual case): Adam skips the per-replica mask
      const active = this.trainingCount() === this.model.replicas ? null : this.active;
      this.adam.apply(this.model.variables.map((v) => grads[v.name]), this.lr, active);
      // the loss of the first batch under the initial weights: the explosion reference (read once)
      if (step === 1) this.setReferences(tf.sum(perTask!, 1).dataSync());
      this.lossSum.assign(tf.add(this.lossSum, perTask!));
      perTask!.dispose();
    });
    this.stepsInWindow += 1;
  }

  private setReferences(initialLoss: ArrayLike<number>): void {
    // once per data set, not per replica: with shared data every replica would rescan the same rows
    const constant = this.data.datasets.map((d) => constantPredictorLoss(d, this.model.tasks));
    this.tracks.forEach((track, r) => {
      const d = this.data.layout === "per-replica" ? this.data.datasetOf![r] : 0;
      track.reference = lossReference(initialLoss[r], constant[d]);
    });
  }

  /** Reads the training losses, evaluates validation, updates best checkpoints and stopping. */
  evaluate(step: number): void {
    const wasTraining = this.tracks.map((t) => t.status === "training");
    const trainLoss = this.readTrainLoss(); // [R][T]
    this.tracks.forEach((track, r) => checkTrainLoss(track, trainLoss[r], step, this.cfg.stopping));
    const pred = predictSplit(this.model, this.validation, this.cfg.evalBatchSize);
    const valLoss = this.tracks.map((_, r) => this.model.tasks.map((task, t) => taskLoss(this.column(pred, r, t, "validation"), task.kind)));
    const selected = this.tracks.map((track, r) => {
      if (track.status !== "training") return NaN;
      const t = this.cfg.selectionTask;
      // t < 0: the validation objective, Σ_t w_t · loss_t (train-config.ts, ALL_TASKS)
      return t < 0 ? valLoss[r].reduce((s, l, k) => s + this.cfg.taskWeights[k] * l, 0) : selectionValue(this.column(pred, r, t, "validation"), this.model.tasks[t].kind, this.cfg.selection.metric);
    });
    const improved = this.tracks.map((track, r) => recordValidation(track, selected[r], step, this.cfg.stopping));
    recordCurvePoint(this.tracks, step, this.taskNames, (r, t) => trainLoss[r][t], (r, t) => valLoss[r][t], wasTraining, (r) => selected[r]);
    if (improved.some(Boolean)) this.copyToBest(improved);
    this.refreshActive();
  }

  private column(pred: Float32Array, r: number, t: number, split: "validation" | "test") {
    const d = this.data.layout === "per-replica" ? this.data.datasetOf![r] : 0;
    return taskColumn(pred, this.data.datasets[d][split], r, t, this.model.tasks.length);
  }

  private readTrainLoss(): number[][] {
    const sums = this.lossSum.arraySync() as number[][];
    const n = Math.max(1, this.stepsInWindow);
    this.stepsInWindow = 0;
    tf.tidy(() => this.lossSum.assign(tf.zerosLike(this.lossSum)));
    return sums.map((row) => row.map((x) => x / n));
  }

  private copyToBest(improved: boolean[]): void {
    tf.tidy(() => {
      const mask = tf.tensor1d(improved.map((b) => (b ? 1 : 0)), "bool");
      this.model.variables.forEach((v, i) => {
        const m = tf.broadcastTo(mask.reshape([mask.shape[0], ...v.shape.slice(1).map(() => 1)]), v.shape);
        this.best[i].assign(tf.where(m, v, this.best[i]));
      });
    });
  }

  private refreshActive(): void {
    this.active.dispose();
    this.active = tf.tensor1d(this.tracks.map((t) => (t.status === "training" ? 1 : 0)), "bool");
  }

  /** Restores each replica's best weights and evaluates validation and test once. */
  finish(): ReplicaOutcome[] {
    this.model.variables.forEach((v, i) => v.assign(this.best[i]));
    const { input, tasks } = this.data.datasets[0];
    const datasetOf = this.data.layout === "per-replica" ? this.data.datasetOf : undefined;
    const test = new DeviceSplit(this.data.datasets.map((d) => d.test), input.numeric, tasks.length, datasetOf);
    try {
      const valPred = predictSplit(this.model, this.validation, this.cfg.evalBatchSize);
      const testPred = predictSplit(this.model, test, this.cfg.evalBatchSize);
      const gates = gateSummaries(this.model, test, this.cfg.gateRows, this.cfg.evalBatchSize);
      return this.tracks.map((track, r) => this.outcome(track, r, valPred, testPred, gates[r]));
    } finally {
      test.dispose();
    }
  }

  private outcome(track: ReplicaTrack, r: number, valPred: Float32Array, testPred: Float32Array, gates: GateSummary[]): ReplicaOutcome {
    const d = this.data.layout === "per-replica" ? this.data.datasetOf![r] : 0;
    const hasBest = track.bestStep !== null;
    const lastStep = track.curves.steps[track.curves.steps.length - 1] ?? 0;
    return {
      status: track.status === "diverged" ? "diverged" : "ok",
      reason: track.reason,
      stopReason: track.status === "diverged" ? "diverged" : track.status === "stopped" ? "patience" : "step cap",
      ...(track.divergence ? { divergence: track.divergence } : {}),
      learningRate: this.learningRates[r],
      bestStep: track.bestStep,
      stepsTrained: track.stoppedAt ?? lastStep,
      selectionValue: hasBest ? track.best : null,
      validation: hasBest ? evaluateReplica(valPred, this.data.datasets[d].validation, r, this.model.tasks, this.model.funnelSteps) : null,
      test: hasBest ? evaluateReplica(testPred, this.data.datasets[d].test, r, this.model.tasks, this.model.funnelSteps) : null,
      curves: track.curves,
      gates: hasBest ? gates : [],
    };
  }

  dispose(): void {
    this.train.dispose();
    this.validation.dispose();
    this.adam.dispose();
    for (const b of this.best) b.dispose();
    this.lossSum.dispose();
    this.taskWeights.dispose();
    this.lr.dispose();
    this.active.dispose();
    this.epochIndex?.dispose();
  }
}
