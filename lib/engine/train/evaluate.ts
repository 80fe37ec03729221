/**
 * Evaluation of a replica-batched model on a whole split: forward in chunks on the backend, then
 * metrics per replica and task on the host (AUC needs a sort), and gate statistics.
 */
import * as tf from "@tensorflow/tfjs";
import type { MtlModel, TaskSpec } from "../../models/types";
import type { SplitArrays } from "./data";
import type { DeviceSplit } from "./device-data";
import { truthCalibration } from "./calibration";
import { auc, evaluateTask, logLossFromLogits, mse, MetricUndefinedError, type TaskEvaluation } from "./metrics";

/** Model outputs for every row of the split: [R, N, T] row-major on the host. */
export function predictSplit(model: MtlModel, split: DeviceSplit, chunkRows: number): Float32Array {
  const r = model.replicas;
  const t = model.tasks.length;
  const n = split.rows;
  const out = new Float32Array(r * n * t);
  for (let start = 0; start < n; start += chunkRows) {
    const count = Math.min(chunkRows, n - start);
    const outputs = tf.tidy(() => model.apply(split.chunk(start, count))); // [R, count, T]
    const values = outputs.dataSync() as Float32Array;
    outputs.dispose();
    for (let i = 0; i < r; i++) out.set(values.subarray(i * count * t, (i + 1) * count * t), (i * n + start) * t);
  }
  return out;
}

/** Labels, outputs and weights of replica r, task t. */
export interface TaskColumn {
  labels: Float32Array;
  outputs: Float32Array;
  weights?: Float32Array;
}

export function taskColumn(pred: Float32Array, split: SplitArrays, r: number, t: number, tasks: number): TaskColumn {
  const n = split.rows;
  const labels = new Float32Array(n);
  const outputs = new Float32Array(n);
  const base = r * n * tasks;
  for (let i = 0; i < n; i++) {
    labels[i] = split.labels[i * tasks + t];
    outputs[i] = pred[base + i * tasks + t];
  }
  return { labels, outputs, weights: split.weights };
}

/**
 * Every metric of every task for replica r. With `funnelSteps` S (MtlModel.funnelSteps), steps
 * 2 … S also get `violations`: the fraction of rows whose output exceeds the previous step's
 * (logits, so the same order as probabilities), weighted like the other metrics. A split with
 * `truth` gives its binary tasks biasVsTruth, maeVsTruth and eceVsTruth (calibration.ts).
 */
export function evaluateReplica(pred: Float32Array, split: SplitArrays, r: number, tasks: readonly TaskSpec[], funnelSteps = 0): Record<string, TaskEvaluation> {
  const columns = tasks.map((_, t) => taskColumn(pred, split, r, t, tasks.length));
  return Object.fromEntries(
    tasks.map((task, t) => {
      const c = columns[t];
      const out = evaluateTask(task.kind, c.labels, c.outputs, c.weights);
      if (t > 0 && t < funnelSteps) {
        const before = columns[t - 1].outputs;
        let above = 0, total = 0;
        for (let i = 0; i < c.outputs.length; i++) {
          const w = c.weights ? c.weights[i] : 1;
          total += w;
          if (c.outputs[i] > before[i]) above += w;
        }
        if (total > 0) out.metrics.violations = above / total;
      }
      if (split.truth && task.kind === "binary") {
        const truth = new Float32Array(split.rows);
        for (let i = 0; i < split.rows; i++) truth[i] = split.truth[i * tasks.length + t];
        const calibration = truthCalibration(c.outputs, truth, c.weights);
        if (calibration) Object.assign(out.metrics, calibration);
      }
      return [task.name, out];
    }),
  );
}

/** The task loss (BCE or MSE) of replica r, task t; cheap enough for every evaluation. */
export function taskLoss(c: TaskColumn, kind: TaskSpec["kind"]): number {
  return kind === "binary" ? logLossFromLogits(c.labels, c.outputs, c.weights) : mse(c.labels, c.outputs, c.weights);
}

/** The early-stopping metric of one task column: "loss", "auc", "mse", … (NaN with no value). */
export function selectionValue(c: TaskColumn, kind: TaskSpec["kind"], metric: string): number {
  if (metric === "loss" || metric === "mse" || metric === "logloss") return taskLoss(c, kind);
  if (metric === "auc") {
    try {
      return auc(c.labels, c.outputs, c.weights);
    } catch (e) {
      if (e instanceof MetricUndefinedError) throw new Error(`cannot select on validation AUC: ${e.message}`);
      throw e;
    }
  }
  const all = evaluateTask(kind, c.labels, c.outputs, c.weights);
  return all.metrics[metric] ?? NaN;
}

export interface GateSummary {
  task: string;
  level: number;
  experts: string[];
  /** Mean gate weight per expert over the rows evaluated. */
  mean: number[];
  /** Standard deviation over those rows. */
  std: number[];
}

/**
 * Gate statistics per replica over the first `rows` rows of a split; [] for models without gates.
 * The rows are read in chunks of `chunkRows` (the evaluation batch size) so that every row of a
 * large split can be summarised without holding its activations at once; the chunks' means and
 * centred sums of squares are merged on the host in float64 (Chan et al.'s pairwise update), so
 * the result equals one pass over all rows up to float32 rounding. std is the population std.
 */
export function gateSummaries(model: MtlModel, split: DeviceSplit, rows: number, chunkRows: number = rows): GateSummary[][] {
  const perReplica: GateSummary[][] = Array.from({ length: model.replicas }, () => []);
  if (!model.gates) return perReplica;
  if (!(chunkRows >= 1)) throw new RangeError(`gateSummaries: chunkRows must be ≥ 1, got ${chunkRows}`);
  const gates = model.gates.bind(model);
  const total = Math.min(rows, split.rows);
  let meta: { task: string; level: number; experts: string[] }[] = [];
  let mean: Float64Array[] = []; // per gate: [R · E], running mean over the rows seen
  let m2: Float64Array[] = []; // per gate: [R · E], running centred sum of squares
  let seen = 0;
  for (let start = 0; start < total; start += chunkRows) {
    const count = Math.min(chunkRows, total - start);
    const read = tf.tidy(() =>
      gates(split.chunk(start, count)).map((g) => {
        const { mean: m, variance } = tf.moments(g.weights, 1); // [R, E] each
        return { g: { task: g.task, level: g.level, experts: g.experts }, m: m.dataSync() as Float32Array, v: variance.dataSync() as Float32Array };
      }),
    );
    if (seen === 0) {
      meta = read.map((x) => x.g);
      mean = read.map((x) => Float64Array.from(x.m));
      m2 = read.map((x) => Float64Array.from(x.v, (v) => v * count));
    } else {
      const n = seen + count;
      read.forEach((x, k) => {
        for (let i = 0; i < x.m.length; i++) {
          const delta = x.m[i] - mean[k][i];
          mean[k][i] += (delta * count) / n;
          m2[k][i] += x.v[i] * count + (delta * delta * seen * count) / n;
        }
      });
    }
    seen += count;
  }
  meta.forEach((g, k) => {
    const E = g.experts.length;
    for (let r = 0; r < model.replicas; r++) {
      const m = Array.from(mean[k].subarray(r * E, (r + 1) * E));
      // float32 like the weights (and like one tf.moments pass: a single chunk gives the same bits as before chunking)
      const std = Array.from(m2[k].subarray(r * E, (r + 1) * E), (s) => Math.fround(Math.sqrt(Math.max(0, s / seen))));
      perReplica[r].push({ ...g, mean: m, std });
    }
  });
  return perReplica;
}
