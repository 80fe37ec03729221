/**
 * Weighted Pearson correlation and the small weighted helpers the metrics share. It lives in the
 * data layer because the data checks need it too, and data sits below the engine (which
 * re-exports it from engine/metrics with the other metrics).
 */

export type Numbers = ArrayLike<number>;

/** Thrown when a metric has no value on this data; the message is the reason stored with results. */
export class MetricUndefinedError extends Error {
  constructor(metric: string, reason: string) {
    super(`${metric} is undefined: ${reason}`);
    this.name = "MetricUndefinedError";
  }
}

export function checkLengths(what: string, a: Numbers, b: Numbers, weights?: Numbers): void {
  if (a.length !== b.length) throw new RangeError(`${what}: labels (${a.length}) and predictions (${b.length}) differ in length`);
  if (weights && weights.length !== a.length) {
    throw new RangeError(`${what}: weights (${weights.length}) and labels (${a.length}) differ in length`);
  }
  if (a.length === 0) throw new MetricUndefinedError(what, "the split is empty");
}

export const weightAt = (weights: Numbers | undefined, i: number): number => (weights ? weights[i] : 1);

export function weightedMean(values: (i: number) => number, n: number, weights?: Numbers): number {
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = weightAt(weights, i);
    sum += w * values(i);
    wsum += w;
  }
  if (!(wsum > 0)) throw new MetricUndefinedError("weighted mean", "the weights sum to zero");
  return sum / wsum;
}

/** (Weighted) Pearson correlation of two series. */
export function pearson(x: Numbers, y: Numbers, weights?: Numbers): number {
  checkLengths("Pearson", x, y, weights);
  const mx = weightedMean((i) => x[i], x.length, weights);
  const my = weightedMean((i) => y[i], y.length, weights);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const w = weightAt(weights, i);
    sxy += w * (x[i] - mx) * (y[i] - my);
    sxx += w * (x[i] - mx) ** 2;
    syy += w * (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) throw new MetricUndefinedError("Pearson", `${sxx === 0 ? "the first" : "the second"} series is constant`);
  return sxy / Math.sqrt(sxx * syy);
}
