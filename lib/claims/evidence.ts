/**
 * Evidence: an effect estimate with the inference a verdict needs — one-sided p-values against
 * any null value, a confidence interval at any level, and a standard error for power. Three
 * sources: a paired t on per-seed differences (the default: our models share seeds, data and
 * batch order), Welch's t for unpaired samples, and a seeded bootstrap over units for statistics
 * with no closed-form error (spreads, quantile ratios).
 */
import { mean, sampleStandardDeviation } from "simple-statistics";
import { Rng } from "../seeds";
import { studentTCdf, studentTQuantile } from "../stats/student-t";

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
  /**
   * The per-unit paired differences the estimate is the mean of (paired t only): what a
   * sequential verdict (lib/decide) judges, so it reads the very numbers the fixed-n table does.
   */
  differences?: readonly number[];
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
  return { ...tEvidence(mean(differences as number[]), sampleStandardDeviation(differences as number[]) / Math.sqrt(n), n - 1, n, `paired t, n = ${n}`), differences: [...differences] };
}

/** Mean, sample standard deviation and count of a sample: what a study stores when it keeps no values. */
export interface SampleSummary {
  mean: number;
  sd: number;
  n: number;
}

function checkSummary(s: SampleSummary, what: string): void {
  if (!Number.isFinite(s.mean) || !(s.sd >= 0) || !Number.isInteger(s.n) || s.n < 2) {
    throw new RangeError(`${what}: needs a finite mean, sd ≥ 0 and n ≥ 2, got mean ${s.mean}, sd ${s.sd}, n ${s.n}`);
  }
}

/** One-sample t for the mean of independent values (effect = their mean), from the values or their summary. */
export function oneSampleEvidence(values: readonly number[] | SampleSummary): Evidence {
  let s: SampleSummary;
  if (Array.isArray(values)) {
    const xs = values as readonly number[];
    finiteOrThrow(xs, "oneSampleEvidence");
    if (xs.length < 2) throw new RangeError(`oneSampleEvidence needs at least 2 values, got ${xs.length}`);
    s = { mean: mean(xs as number[]), sd: sampleStandardDeviation(xs as number[]), n: xs.length };
  } else {
    s = values as SampleSummary;
    checkSummary(s, "oneSampleEvidence");
  }
  return tEvidence(s.mean, s.sd / Math.sqrt(s.n), s.n - 1, s.n, `one-sample t, n = ${s.n}`);
}

const summaryOf = (xs: readonly number[], what: string): SampleSummary => {
  finiteOrThrow(xs, what);
  if (xs.length < 2) throw new RangeError(`welchEvidence needs at least 2 values per sample, got ${xs.length}`);
  return { mean: mean(xs as number[]), sd: sampleStandardDeviation(xs as number[]), n: xs.length };
};

/** Welch's t for mean(a) − mean(b), unpaired, from the values or their summaries. */
export function welchEvidence(a: readonly number[] | SampleSummary, b: readonly number[] | SampleSummary): Evidence {
  const sa = Array.isArray(a) ? summaryOf(a as readonly number[], "welchEvidence (a)") : (a as SampleSummary);
  const sb = Array.isArray(b) ? summaryOf(b as readonly number[], "welchEvidence (b)") : (b as SampleSummary);
  checkSummary(sa, "welchEvidence (a)");
  checkSummary(sb, "welchEvidence (b)");
  const va = sa.sd ** 2 / sa.n;
  const vb = sb.sd ** 2 / sb.n;
  const se = Math.sqrt(va + vb);
  const df = se === 0 ? sa.n + sb.n - 2 : (va + vb) ** 2 / (va ** 2 / (sa.n - 1) + vb ** 2 / (sb.n - 1));
  return tEvidence(sa.mean - sb.mean, se, df, Math.min(sa.n, sb.n), `Welch t, n = ${sa.n} and ${sb.n}`);
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
  /**
   * Fewest units the percentile bootstrap decides with (default 10): with fewer, resamples repeat
   * the same few units and the interval is far too narrow, so the evidence keeps its estimate and
   * spread but decides nothing (p = 1, interval (−∞, ∞)).
   */
  minUnits?: number;
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
  const minUnits = opts.minUnits ?? 10;
  if (n < minUnits) {
    return {
      estimate,
      n,
      se: sampleStandardDeviation(draws),
      test: `bootstrap over ${n} seeds: too few to decide (needs ${minUnits})`,
      pOneSided: () => 1,
      interval: () => [-Infinity, Infinity],
    };
  }
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

/**
 * Paired bootstrap over units for a statistic of several aligned samples (samples[k][i] is unit
 * i's value in sample k: models sharing seeds, data and batch order). Every resample draws the
 * same units for every sample, so the pairing survives; `statistic` receives the resampled arrays.
 * E.g. the log ratio of two models' spreads: statistic = ([a, b]) => log(sd(a) / sd(b)).
 */
export function pairedBootstrapEvidence(opts: { samples: readonly (readonly number[])[]; statistic: (samples: number[][]) => number; seed: number; resamples?: number; minUnits?: number }): Evidence {
  const { samples, statistic } = opts;
  if (samples.length === 0) throw new RangeError("pairedBootstrapEvidence needs at least one sample");
  const n = samples[0].length;
  const ragged = samples.findIndex((x) => x.length !== n);
  if (ragged >= 0) throw new RangeError(`pairedBootstrapEvidence: sample ${ragged} has ${samples[ragged].length} units, sample 0 has ${n}; paired samples are aligned by unit`);
  samples.forEach((x, k) => finiteOrThrow(x, `pairedBootstrapEvidence (sample ${k})`));
  const e = bootstrapEvidence({ n, seed: opts.seed, resamples: opts.resamples, minUnits: opts.minUnits, statistic: (units) => statistic(samples.map((x) => units.map((i) => x[i]))) });
  return { ...e, test: `paired ${e.test}` };
}
