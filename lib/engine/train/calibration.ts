/**
 * A binary task's predictions against the probabilities its labels were drawn with, for data whose
 * generator knows them (SplitArrays.truth), over every row with a known truth (for a funnel: the
 * clicked and the unclicked impressions alike, which real logs cannot score):
 *  - biasVsTruth: mean of σ(output) − p; positive = over-prediction on average;
 *  - maeVsTruth: mean of |σ(output) − p|, the per-row error a zero mean bias can hide;
 *  - eceVsTruth: expected calibration error against the truth over TRUTH_BINS bins of equal row
 *    count in the order of the prediction, Σ_b (rows of b / rows) · |mean σ(output) − mean p| over b.
 *    Equal-count bins because the predictions of a rare event crowd near 0, where equal-width bins
 *    would put almost every row in the first bin. Against p rather than the 0/1 labels, so the
 *    bins' means carry no label noise.
 * Rows are weighted by the split's metric weights when it has them.
 */
import type { Numbers } from "../../data/correlation";

export const TRUTH_BINS = 10;

export interface TruthCalibration {
  biasVsTruth: number;
  maeVsTruth: number;
  eceVsTruth: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** null when no row has a known (finite) truth. */
export function truthCalibration(logits: Numbers, truth: Numbers, weights?: Numbers, bins = TRUTH_BINS): TruthCalibration | null {
  if (logits.length !== truth.length) throw new RangeError(`truthCalibration: ${logits.length} outputs but ${truth.length} true probabilities`);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`truthCalibration: bins must be a positive integer, got ${bins}`);
  const rows: number[] = [];
  for (let i = 0; i < truth.length; i++) if (Number.isFinite(truth[i])) rows.push(i);
  if (rows.length === 0) return null;
  const q = new Float64Array(logits.length);
  for (const i of rows) q[i] = sigmoid(logits[i]);
  const w = (i: number) => (weights ? weights[i] : 1);
  let total = 0, bias = 0, mae = 0;
  for (const i of rows) {
    const d = q[i] - truth[i];
    total += w(i);
    bias += w(i) * d;
    mae += w(i) * Math.abs(d);
  }
  if (!(total > 0)) return null;
  rows.sort((a, b) => q[a] - q[b]);
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * rows.length) / bins), to = Math.floor(((b + 1) * rows.length) / bins);
    let wb = 0, gap = 0;
    for (let k = from; k < to; k++) {
      const i = rows[k];
      wb += w(i);
      gap += w(i) * (q[i] - truth[i]);
    }
    ece += Math.abs(gap); // = wb · |mean q − mean p| over the bin
  }
  return { biasVsTruth: bias / total, maeVsTruth: mae / total, eceVsTruth: ece / total };
}
