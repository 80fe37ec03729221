/**
 * Per-task metrics on a whole split, computed on the host from labels and model outputs.
 *
 * Binary tasks: AUC (exact Mann–Whitney, ties counted half), log loss, normalised entropy
 * (NE = mean log loss / entropy of the mean label; He et al., ADKDD 2014).
 * Regression tasks: MSE and Pearson correlation.
 * Every function takes optional per-sample weights. A metric that is undefined on the data
 * (AUC with one class only, NE with a constant label, Pearson with a constant series) throws a
 * `MetricUndefinedError` that says why — it never returns a silent 0.5 or 0.
 */

import { checkLengths, MetricUndefinedError, pearson, weightAt, weightedMean, type Numbers } from "../../data/correlation";

export { MetricUndefinedError, pearson, type Numbers } from "../../data/correlation";

/**
 * Exact AUC = P(score of a positive > score of a negative) + ½ P(tie), with weights as pair
 * weights w_i·w_j. Labels are 0/1 (any label > 0.5 counts as positive).
 */
export function auc(labels: Numbers, scores: Numbers, weights?: Numbers): number {
  checkLengths("AUC", labels, scores, weights);
  // before sorting: NaN !== NaN, so a NaN would never join its own tie group below (an endless loop)
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) throw new MetricUndefinedError("AUC", `score ${i} is NaN`);
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let negBelow = 0; // weight of negatives with a strictly lower score
  let pairs = 0;
  let totalPos = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let pos = 0;
    let neg = 0;
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      const i = order[end];
      if (labels[i] > 0.5) pos += weightAt(weights, i);
      else neg += weightAt(weights, i);
      end++;
    }
    pairs += pos * negBelow + 0.5 * pos * neg; // a tie group counts half of its pos–neg pairs
    negBelow += neg;
    totalPos += pos;
    start = end;
  }
  if (totalPos === 0 || negBelow === 0) {
    const only = totalPos === 0 ? "0" : "1";
    throw new MetricUndefinedError("AUC", `every one of the ${labels.length} labels is ${only} (one class only)`);
  }
  return pairs / (totalPos * negBelow);
}


/** Binary cross-entropy of one logit, stable for large |z|: softplus(z) − y·z. */
export function bceFromLogit(label: number, logit: number): number {
  const softplus = logit > 0 ? logit + Math.log1p(Math.exp(-logit)) : Math.log1p(Math.exp(logit));
  return softplus - label * logit;
}

/** Mean log loss of probabilities p (clipped to [1e-15, 1 − 1e-15], as scikit-learn does). */
export function logLoss(labels: Numbers, probabilities: Numbers, weights?: Numbers): number {
  checkLengths("log loss", labels, probabilities, weights);
  const eps = 1e-15;
  return weightedMean(
    (i) => {
      const p = Math.min(1 - eps, Math.max(eps, probabilities[i]));
      return -(labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p));
    },
    labels.length,
    weights,
  );
}

/** Mean log loss of logits (what binary heads output), computed without forming probabilities. */
export function logLossFromLogits(labels: Numbers, logits: Numbers, weights?: Numbers): number {
  checkLengths("log loss", labels, logits, weights);
  return weightedMean((i) => bceFromLogit(labels[i], logits[i]), labels.length, weights);
}

/** Entropy (nats) of a Bernoulli with mean p. */
export function bernoulliEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
}

/** NE = mean log loss / entropy of the (weighted) mean label. */
export function normalisedEntropy(labels: Numbers, logits: Numbers, weights?: Numbers): number {
  const loss = logLossFromLogits(labels, logits, weights);
  const prior = weightedMean((i) => labels[i], labels.length, weights);
  const h = bernoulliEntropy(prior);
  if (h === 0) throw new MetricUndefinedError("NE", `the mean label is ${prior}, whose entropy is 0`);
  return loss / h;
}

export function mse(targets: Numbers, predictions: Numbers, weights?: Numbers): number {
  checkLengths("MSE", targets, predictions, weights);
  return weightedMean((i) => (targets[i] - predictions[i]) ** 2, targets.length, weights);
}


export type BinaryMetric = "auc" | "logloss" | "ne";
export type RegressionMetric = "mse" | "pearson";
export type MetricName = BinaryMetric | RegressionMetric | "loss";


export interface TaskEvaluation {
  /** Metric name → value. `loss` is the training loss of the task (BCE or MSE). */
  metrics: Record<string, number>;
  /** Metric name → why it has no value on this split. */
  undefined?: Record<string, string>;
}

function tryMetric(out: TaskEvaluation, name: string, compute: () => number): void {
  try {
    out.metrics[name] = compute();
  } catch (e) {
    if (!(e instanceof MetricUndefinedError)) throw e;
    (out.undefined ??= {})[name] = e.message;
  }
}

/** Every metric of one task: binary → loss, auc, logloss, ne; regression → loss, mse, pearson. */
export function evaluateTask(kind: "binary" | "regression", labels: Numbers, outputs: Numbers, weights?: Numbers): TaskEvaluation {
  const out: TaskEvaluation = { metrics: {} };
  if (kind === "binary") {
    tryMetric(out, "loss", () => logLossFromLogits(labels, outputs, weights));
    tryMetric(out, "auc", () => auc(labels, outputs, weights));
    out.metrics.logloss = out.metrics.loss;
    tryMetric(out, "ne", () => normalisedEntropy(labels, outputs, weights));
  } else {
    tryMetric(out, "loss", () => mse(labels, outputs, weights));
    out.metrics.mse = out.metrics.loss;
    tryMetric(out, "pearson", () => pearson(labels, outputs, weights));
  }
  for (const [k, v] of Object.entries(out.metrics)) if (v === undefined) delete out.metrics[k];
  return out;
}
export { higherIsBetter } from "../../stats/across-runs";
