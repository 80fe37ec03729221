/**
 * Evidence: an effect estimate with the inference a verdict needs — one-sided p-values against
 * any null value, a confidence interval at any level, and a standard error for power. Three
 * sources: a paired t on per-seed differences (the default: our models share seeds, data and
 * batch order), Welch's t for unpaired samples, and a seeded bootstrap over units for statistics
 * with no closed-form error (spreads, quantile ratios).
 */
import { mean, sampleStandardDeviation, sampleVariance } from "simple-statistics";
import { Rng } from "../seeds";
import { studentTCdf, studentTQuantile } from "../engine/student-t";

export type Side = "greater" | "less";

export interface Evidence {
  /** The effect on the scale the claim is about (e.g. mean of the per-seed differences). */
  estimate: number;
  /** Independent units behind it (seeds, runs, data sets). */
  n: number;
  /** Standard error of the estimate. */
  se: number;
  /** How the inference is made, for the table ("paired t, n = 6"). */
  test: string;
  /** One-sided p-value of H0: effect ≤ nullValue (side "greater") or effect ≥ nullValue ("less"). */
  pOneSided(nullValue: number, side: Side): number;
  /** Two-sided confidence interval at level 1 − alpha. */
  interval(alpha: number): [number, number];
}

function tEvidence(estimate: number, se: number, df: number, n: number, test: string): Evidence {
  if (!(df > 0)) throw new RangeError(`${test}: needs at least 2 values per sample`);
  return {
    estimate,
    n,
    se,
    test,
    pOneSided(nullValue, side) {
      const sign = side === "greater" ? 1 : -1;
      const diff = sign * (estimate - nullValue);
      if (se === 0) return diff > 0 ? 0 : 1;
      return 1 - studentTCdf(diff / se, df);
    },
    interval(alpha) {
      const half = studentTQuantile(1 - alpha / 2, df) * se;
      return [estimate - half, estimate + half];
    },
  };
}

function finiteOrThrow(xs: readonly number[], what: string): void {
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`${what}: value ${bad} is ${xs[bad]}; leave diverged runs out before building evidence`);
}

/** Paired t on per-unit differences (effect = their mean). */
export function pairedEvidence(differences: readonly number[]): Evidence {
  finiteOrThrow(differences, "pairedEvidence");
  if (differences.length < 2) throw new RangeError(`pairedEvidence needs at least 2 pairs, got ${differences.length}`);
  const n = differences.length;
  return tEvidence(mean(differences as number[]), sampleStandardDeviation(differences as number[]) / Math.sqrt(n), n - 1, n, `paired t, n = ${n}`);
}

/** Welch's t for mean(a) − mean(b), unpaired. */
export function welchEvidence(a: readonly number[], b: readonly number[]): Evidence {
  finiteOrThrow(a, "welchEvidence (a)");
  finiteOrThrow(b, "welchEvidence (b)");
  if (a.length < 2 || b.length < 2) throw new RangeError(`welchEvidence needs at least 2 values per sample, got ${a.length} and ${b.length}`);
  const va = sampleVariance(a as number[]) / a.length;
  const vb = sampleVariance(b as number[]) / b.length;
  const se = Math.sqrt(va + vb);
  const df = se === 0 ? a.length + b.length - 2 : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return tEvidence(mean(a as number[]) - mean(b as number[]), se, df, Math.min(a.length, b.length), `Welch t, n = ${a.length} and ${b.length}`);
}

export interface BootstrapOptions {
  /** Number of units (seeds); a resample draws n unit indices with replacement. */
  n: number;
  /** The statistic on a set of unit indices; pairing is kept by using the same indices for every model. */
  statistic: (units: readonly number[]) => number;
  /** Seed of the resampling (recorded, so the verdict reproduces). */
  seed: number;
  /** Resamples (default 4,000). */
  resamples?: number;
}

/**
 * Percentile bootstrap over units. p-values are the bootstrap mass on the null side (with the
 * +1 correction, so never exactly 0); resamples whose statistic is undefined are dropped.
 */
export function bootstrapEvidence(opts: BootstrapOptions): Evidence {
  const { n, statistic, seed } = opts;
  const B = opts.resamples ?? 4000;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`bootstrapEvidence needs at least 2 units, got ${n}`);
  const all = Array.from({ length: n }, (_, i) => i);
  const estimate = statistic(all);
  if (!Number.isFinite(estimate)) throw new RangeError(`bootstrapEvidence: the statistic on the full sample is ${estimate}`);
  const rng = new Rng(seed);
  const draws: number[] = [];
  for (let b = 0; b < B; b++) {
    const units = Array.from({ length: n }, () => rng.int(n));
    const v = statistic(units);
    if (Number.isFinite(v)) draws.push(v);
  }
  if (draws.length < B / 2) throw new RangeError(`bootstrapEvidence: the statistic was undefined in ${B - draws.length} of ${B} resamples`);
  draws.sort((x, y) => x - y);
  const quantile = (q: number) => {
    const pos = q * (draws.length - 1);
    const lo = Math.floor(pos);
    return draws[lo] + (draws[Math.min(lo + 1, draws.length - 1)] - draws[lo]) * (pos - lo);
  };
  return {
    estimate,
    n,
    se: sampleStandardDeviation(draws),
    test: `bootstrap over ${n} seeds, ${draws.length} resamples`,
    pOneSided(nullValue, side) {
      const onNullSide = draws.filter((d) => (side === "greater" ? d <= nullValue : d >= nullValue)).length;
      return Math.min(1, (onNullSide + 1) / (draws.length + 1));
    },
    interval(alpha) {
      return [quantile(alpha / 2), quantile(1 - alpha / 2)];
    },
  };
}
