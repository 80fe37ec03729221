/**
 * DUPN's group training: ordinary training (engine trainReplicas), then two evaluations of the
 * restored best weights that the engine does not know, stored as pseudo-tasks of the test split:
 *   "attention": per replica, the mean over test users of the attention mass on the behaviours in
 *     the query's category (relevantMass) and what uniform attention would put there, their share
 *     among the user's behaviours (uniformMass);
 *   "transfer-frozen" (conditions with transferHead): a logistic head fitted on the frozen user
 *     representation of the training users for the held-out task, its test AUC and log loss.
 * The head: w, b per replica, full-batch Adam (rate 0.05, 300 steps) on standardised
 * representations, from zero; deterministic, so resume and verify reproduce it.
 */
import * as tf from "@tensorflow/tfjs";
import { DUPN } from "../../models/dupn";
import type { MtlModel } from "../../models/types";
import type { Batch } from "../../models/types";
import { auc, logLossFromLogits, type TaskEvaluation } from "../../engine/train/metrics";
import type { SplitArrays } from "../../engine/train/data";
import type { TrainConfig } from "../../engine/train/train-config";
import { trainReplicas, type GroupData, type ReplicaOutcome, type TrainingProgress } from "../../engine/train/trainer";
import type { SessionsDataSet } from "./data";

/** Users scored for attention, and users the transfer head is fitted on (the first rows of each split). */
export const ATTENTION_ROWS = 4000;
export const HEAD_ROWS = 8000;
const HEAD_STEPS = 300;
const HEAD_RATE = 0.05;
const CHUNK = 2000;

function batchOf(s: SplitArrays, from: number, rows: number): Batch {
  const nCat = s.categorical!.length / s.rows, nNum = s.numeric.length / s.rows;
  return {
    numeric: tf.tensor2d(s.numeric.subarray(from * nNum, (from + rows) * nNum), [rows, nNum]),
    categorical: tf.tensor2d(s.categorical!.subarray(from * nCat, (from + rows) * nCat), [rows, nCat], "int32"),
  };
}

/** f over the first `rows` rows of a split in chunks, concatenated on axis 1 ([R, rows, …]). */
function chunked(s: SplitArrays, rows: number, f: (b: Batch) => tf.Tensor): tf.Tensor {
  const parts: tf.Tensor[] = [];
  for (let from = 0; from < rows; from += CHUNK) {
    const n = Math.min(CHUNK, rows - from);
    const b = batchOf(s, from, n);
    parts.push(tf.tidy(() => f(b)));
    tf.dispose([b.numeric, b.categorical!]);
  }
  const out = tf.concat(parts, 1);
  tf.dispose(parts);
  return out;
}

/** Per replica: mean attention mass on relevant behaviours, and their mean share of the behaviours. */
export function attentionMass(model: DUPN, s: SplitArrays, relevant: Uint8Array, L: number, rows = Math.min(ATTENTION_ROWS, s.rows)): { relevantMass: number[]; uniformMass: number[] } {
  const a = chunked(s, rows, (b) => model.attention(b)); // [R, rows, L]
  const w = a.arraySync() as number[][][];
  a.dispose();
  const nCat = s.categorical!.length / s.rows, nQuery = nCat - 3 * L;
  let share = 0;
  for (let i = 0; i < rows; i++) {
    let n = 0, rel = 0;
    for (let l = 0; l < L; l++) {
      if (s.categorical![i * nCat + nQuery + 3 * l] === 0) continue; // padding
      n++;
      rel += relevant[i * L + l];
    }
    share += rel / n;
  }
  const relevantMass = w.map((rep) => rep.reduce((sum, row, i) => sum + row.reduce((x, ai, l) => x + ai * relevant[i * L + l], 0), 0) / rows);
  return { relevantMass, uniformMass: w.map(() => share / rows) };
}

/** Per replica: test AUC and log loss of a logistic head fitted on the frozen representation. */
export function frozenHead(model: DUPN, train: SplitArrays, trainLabels: Float32Array, test: SplitArrays, testLabels: Float32Array): { auc: number[]; loss: number[] } {
  const nTrain = Math.min(HEAD_ROWS, train.rows);
  const u = chunked(train, nTrain, (b) => model.representation(b)); // [R, n, D]
  const uTest = chunked(test, test.rows, (b) => model.representation(b));
  const R = u.shape[0], D = u.shape[2] as number;
  const mean = u.mean(1, true), sd = tf.tidy(() => u.sub(mean).square().mean(1, true).sqrt().add(1e-6));
  const x = tf.tidy(() => u.sub(mean).div(sd)), xTest = tf.tidy(() => uTest.sub(mean).div(sd));
  const y = tf.tensor3d(trainLabels.subarray(0, nTrain), [1, nTrain, 1]);
  const w = tf.variable(tf.zeros([R, D, 1])), b = tf.variable(tf.zeros([R, 1, 1]));
  const opt = tf.train.adam(HEAD_RATE);
  try {
    for (let i = 0; i < HEAD_STEPS; i++) {
      opt.minimize(() => {
        const z = tf.matMul(x, w).add(b);
        // per replica a mean, summed: each replica's head gets its own loss's gradient
        return tf.relu(z).sub(z.mul(y)).add(tf.log1p(tf.exp(z.abs().neg()))).mean([1, 2]).sum() as tf.Scalar;
      });
    }
    const z = tf.tidy(() => tf.matMul(xTest, w).add(b)).dataSync() as Float32Array;
    const n = test.rows;
    const labels = testLabels.subarray(0, n);
    const per = Array.from({ length: R }, (_, r) => z.subarray(r * n, (r + 1) * n));
    return { auc: per.map((zr) => auc(labels, zr)), loss: per.map((zr) => logLossFromLogits(labels, zr)) };
  } finally {
    opt.dispose();
    tf.dispose([u, uTest, mean, sd, x, xTest, y, w, b]);
  }
}

/** GroupTrainer of the DUPN experiment (see the file header). */
export async function trainDupnGroup(model: MtlModel, data: GroupData, config: TrainConfig, learningRates: readonly number[], onEvaluate?: (p: TrainingProgress) => void): Promise<ReplicaOutcome[]> {
  const outcomes = await trainReplicas(model, data, config, learningRates, onEvaluate);
  if (!(model instanceof DUPN) || data.layout !== "shared") return outcomes;
  const d = data.datasets[0] as SessionsDataSet;
  const extras: Record<string, TaskEvaluation>[] = outcomes.map(() => ({}));
  const m = attentionMass(model, d.test, d.sessions.relevant.test, d.sessions.length);
  m.relevantMass.forEach((v, r) => (extras[r].attention = { metrics: { relevantMass: v, uniformMass: m.uniformMass[r], excess: v - m.uniformMass[r] } }));
  if (d.sessions.transferHead) {
    const h = frozenHead(model, d.train, d.sessions.transfer.train, d.test, d.sessions.transfer.test);
    h.auc.forEach((v, r) => (extras[r]["transfer-frozen"] = { metrics: { auc: v, loss: h.loss[r], logloss: h.loss[r] } }));
  }
  return outcomes.map((o, r) => (o.test ? { ...o, test: { ...o.test, ...extras[r] } } : o));
}
