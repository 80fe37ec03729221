/**
 * Evaluation of a replica-batched model on a whole split: forward in chunks on the backend, then
 * metrics per replica and task on the host (AUC needs a sort), and gate statistics.
 */
import * as tf from "@tensorflow/tfjs";
import type { MtlModel, TaskSpec } from "../models/types";
import type { SplitArrays } from "./data";
import type { DeviceSplit } from "./device-data";
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

/** Every metric of every task for replica r. */
export function evaluateReplica(pred: Float32Array, split: SplitArrays, r: number, tasks: readonly TaskSpec[]): Record<string, TaskEvaluation> {
  return Object.fromEntries(
    tasks.map((task, t) => {
      const c = taskColumn(pred, split, r, t, tasks.length);
      return [task.name, evaluateTask(task.kind, c.labels, c.outputs, c.weights)];
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
 * Gate statistics per replica over the first `rows` rows of a split (pass the split's row count
 * for the whole split), read in chunks of `chunkRows` rows so a large split never builds one huge
 * forward pass; [] for models without gates. std is the population standard deviation over rows.
 */
export function gateSummaries(model: MtlModel, split: DeviceSplit, rows: number, chunkRows = 4096): GateSummary[][] {
  const perReplica: GateSummary[][] = Array.from({ length: model.replicas }, () => []);
  if (!model.gates) return perReplica;
  const gates = model.gates.bind(model);
  const n = Math.min(rows, split.rows);
  let sums: { g: Omit<GateSummary, "mean" | "std">; s: number[][]; ss: number[][] }[] = [];
  for (let start = 0; start < n; start += chunkRows) {
    const count = Math.min(chunkRows, n - start);
    const read = tf.tidy(() =>
      gates(split.chunk(start, count)).map((g) => ({
        g: { task: g.task, level: g.level, experts: g.experts },
        s: g.weights.sum(1).arraySync() as number[][], // [R, E]
        ss: g.weights.square().sum(1).arraySync() as number[][],
      })),
    );
    if (sums.length === 0) sums = read;
    else read.forEach((r, i) => r.s.forEach((row, k) => row.forEach((v, e) => ((sums[i].s[k][e] += v), (sums[i].ss[k][e] += r.ss[k][e])))));
  }
  for (const { g, s, ss } of sums) {
    for (let r = 0; r < model.replicas; r++) {
      const mean = s[r].map((v) => v / n);
      const std = ss[r].map((v, e) => Math.sqrt(Math.max(0, v / n - mean[e] ** 2)));
      perReplica[r].push({ ...g, mean, std });
    }
  }
  return perReplica;
}
