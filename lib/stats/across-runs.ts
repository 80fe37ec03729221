/**
 * Statistics across runs (docs/protocol.md, "Reporting"): every reported number is mean ± std over n runs with a 95 %
 * confidence interval of the mean (Student t), plus the comparisons the papers print:
 * MTL gain over Single-Task (PLE Eq. 11), relative change in % (AdaTT tables) and a significance
 * test between two models (paired by seed where the runs pair up, Welch otherwise).
 * Pure functions over numbers; simple-statistics where it has the function.
 */
import { mean, median, sampleStandardDeviation, sampleVariance } from "simple-statistics";
import { studentTQuantile, twoSidedP } from "./student-t";

/** Whether a larger value of the metric is better. */
export function higherIsBetter(metric: string): boolean {
  return metric === "auc" || metric === "pearson";
}

export interface Summary {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null for n < 2. */
  std: number | null;
  min: number | null;
  max: number | null;
  median: number | null;
  /** 95 % CI of the mean, mean ± t_{0.975, n−1} · std / √n; null for n < 2. */
  ci95: [number, number] | null;
}

/** Summary of the finite values (NaN and ±Infinity are not run results and are left out). */
export function summarize(values: readonly number[]): Summary {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return { n, mean: null, std: null, min: null, max: null, median: null, ci95: null };
  const m = mean(xs);
  const std = n >= 2 ? sampleStandardDeviation(xs) : null;
  const half = std === null ? null : (studentTQuantile(0.975, n - 1) * std) / Math.sqrt(n);
  return {
    n,
    mean: m,
    std,
    min: Math.min(...xs),
    max: Math.max(...xs),
    median: median(xs),
    ci95: half === null ? null : [m - half, m + half],
  };
}

/** Index of the best value (`metric` decides the direction); ties keep the first; -1 if none is finite. */
export function argBest(values: readonly number[], metric: string): number {
  const sign = higherIsBetter(metric) ? 1 : -1;
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    if (best < 0 || sign * values[i] > sign * values[best]) best = i;
  }
  return best;
}

/**
 * MTL gain over Single-Task, PLE Eq. 11: positive means multi-task is better.
 * M_MTL − M_single for metrics where higher is better (AUC), M_single − M_MTL otherwise (MSE).
 */
export function mtlGain(metric: string, mtl: number, single: number): number {
  return higherIsBetter(metric) ? mtl - single : single - mtl;
}

/** Relative change of `value` against `baseline`, in %, as the AdaTT tables print it. */
export function relativeChange(value: number, baseline: number): number {
  if (baseline === 0) throw new RangeError("relativeChange: the baseline is 0, so a relative change is undefined");
  return ((value - baseline) / Math.abs(baseline)) * 100;
}

export interface SignificanceTest {
  test: "paired-t" | "welch-t";
  /** Mean of a − b (paired: mean of the per-seed differences). */
  meanDifference: number;
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  n: [number, number];
}

/** Paired t-test on per-pair differences a_i − b_i (same seed in both models). */
export function pairedTTest(a: readonly number[], b: readonly number[]): SignificanceTest {
  if (a.length !== b.length) throw new RangeError(`pairedTTest: ${a.length} vs ${b.length} values; pairs need equal lengths`);
  if (a.length < 2) throw new RangeError(`pairedTTest needs at least 2 pairs, got ${a.length}`);
  const d = a.map((x, i) => x - b[i]);
  const md = mean(d);
  const sd = sampleStandardDeviation(d);
  const df = d.length - 1;
  const t = sd === 0 ? (md === 0 ? 0 : Math.sign(md) * Infinity) : md / (sd / Math.sqrt(d.length));
  return { test: "paired-t", meanDifference: md, t, df, p: twoSidedP(t, df), n: [a.length, b.length] };
}

/** Welch's unequal-variance t-test with Welch–Satterthwaite degrees of freedom. */
export function welchTTest(a: readonly number[], b: readonly number[]): SignificanceTest {
  if (a.length < 2 || b.length < 2) throw new RangeError(`welchTTest needs at least 2 values per group, got ${a.length} and ${b.length}`);
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const md = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  const df = se === 0 ? a.length + b.length - 2 : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = se === 0 ? (md === 0 ? 0 : Math.sign(md) * Infinity) : md / se;
  return { test: "welch-t", meanDifference: md, t, df, p: twoSidedP(t, df), n: [a.length, b.length] };
}

/**
 * Significance of a − b for results keyed by seed: paired t-test when both hold the same seeds
 * (the design pairs them: same data and batch order per seed), Welch otherwise.
 */
export function compareBySeed(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): SignificanceTest {
  const finite = (m: ReadonlyMap<number, number>) => [...m].filter(([, v]) => Number.isFinite(v));
  const fa = finite(a);
  const fb = finite(b);
  const paired = fa.length === fb.length && fa.every(([seed]) => b.has(seed) && Number.isFinite(b.get(seed)!));
  if (paired) {
    const seeds = fa.map(([s]) => s).sort((x, y) => x - y);
    return pairedTTest(seeds.map((s) => a.get(s)!), seeds.map((s) => b.get(s)!));
  }
  return welchTTest(fa.map(([, v]) => v), fb.map(([, v]) => v));
}

export interface MeanDifference {
  /** Mean of a − b: of the per-seed differences when paired. */
  mean: number;
  /** 95 % CI of that mean (Student t; Welch–Satterthwaite when unpaired); null with too few runs. */
  ci95: [number, number] | null;
  /** Pairs when paired, else the smaller group's size. */
  n: number;
  paired: boolean;
}

/**
 * a − b for results keyed by seed, with its 95 % CI: over the seeds both hold when at least two
 * do (the pairs share data and batch order, so their difference drops the shared noise), else
 * the difference of the two means with Welch's interval; null when either side has no value.
 */
export function differenceOfMeans(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): MeanDifference | null {
  const finite = (m: ReadonlyMap<number, number>) => new Map([...m].filter(([, v]) => Number.isFinite(v)));
  const fa = finite(a);
  const fb = finite(b);
  const common = [...fa.keys()].filter((s) => fb.has(s)).sort((x, y) => x - y);
  if (common.length >= 2) {
    const s = summarize(common.map((seed) => fa.get(seed)! - fb.get(seed)!));
    return { mean: s.mean!, ci95: s.ci95, n: common.length, paired: true };
  }
  if (fa.size === 0 || fb.size === 0) return null;
  const xa = [...fa.values()];
  const xb = [...fb.values()];
  const md = mean(xa) - mean(xb);
  if (xa.length < 2 || xb.length < 2) return { mean: md, ci95: null, n: Math.min(xa.length, xb.length), paired: false };
  const t = welchTTest(xa, xb);
  const se = Math.sqrt(sampleVariance(xa) / xa.length + sampleVariance(xb) / xb.length);
  const half = studentTQuantile(0.975, t.df) * se;
  return { mean: md, ci95: [md - half, md + half], n: Math.min(xa.length, xb.length), paired: false };
}
