/**
 * Anytime-valid inference on the mean of paired differences with unknown variance: the
 * t-mixture e-value and the confidence sequence it gives.
 *
 * The e-value is the Bayes factor of the one-sample t-test with the right-Haar prior on σ and a
 * normal prior δ = μ/σ ~ N(0, g) on the standardised effect (the "safe t-test"; Pérez-Ortiz,
 * Lardy, de Heide and Grünwald, "E-statistics, group invariance and anytime-valid testing",
 * Annals of Statistics 2024; the closed form is Gönen, Johnson, Lu and Westfall, American
 * Statistician 2005):
 *
 *   E_n(μ0) = (1 + n·g)^(−1/2) · [ (1 + t²/ν) / (1 + t²/(ν·(1 + n·g))) ]^((ν+1)/2),
 *   t = (mean − μ0) / (s/√n), ν = n − 1.
 *
 * Under μ = μ0 it is a test martingale in n, so by Ville's inequality
 * P(E_n(μ0) ≥ 1/α for some n) ≤ α: the verdict may be looked at after every new run, and runs
 * may be added because of what was seen, without inflating the error. Inverting it gives a
 * confidence sequence {μ0 : E_n(μ0) < 1/α} that covers the true mean at every n at once with
 * probability ≥ 1 − α. E grows with t², so the sequence is mean ± t*·s/√n with t* in closed form.
 */

/** The prior variance g of the standardised effect when none is given: δ ~ N(0, 1). */
export const DEFAULT_PRIOR_VARIANCE = 1;

export interface SampleMoments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator). */
  sd: number;
}

export function moments(xs: readonly number[]): SampleMoments {
  const n = xs.length;
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`value ${bad} is ${xs[bad]}: leave diverged runs out of sequential evidence`);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean, sd };
}

/** The t-mixture e-value of H0: mean = mu0 (two-sided), from the sample's moments. */
export function tMixtureEValue(m: SampleMoments, mu0 = 0, g = DEFAULT_PRIOR_VARIANCE): number {
  if (m.n < 2) return 1;
  const nu = m.n - 1;
  const c = 1 + m.n * g;
  if (m.sd === 0) return m.mean === mu0 ? 1 / Math.sqrt(c) : Infinity;
  const t2 = ((m.mean - mu0) / (m.sd / Math.sqrt(m.n))) ** 2;
  return Math.exp(-0.5 * Math.log(c) + ((nu + 1) / 2) * (Math.log1p(t2 / nu) - Math.log1p(t2 / (nu * c))));
}

/**
 * The |t| at which the e-value reaches 1/alpha after n values (Infinity when it never does: the
 * sequence is then the whole line, as it must be with too few values for the level).
 */
export function criticalT(n: number, alpha: number, g = DEFAULT_PRIOR_VARIANCE): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (n < 2) return Infinity;
  const nu = n - 1;
  const c = 1 + n * g;
  // (1 + x/ν) = r·(1 + x/(ν·c)) with r = (√c / α)^(2/(ν+1)), solved for x = t²
  const r = Math.exp((2 / (nu + 1)) * (0.5 * Math.log(c) - Math.log(alpha)));
  if (r >= c) return Infinity;
  return Math.sqrt((nu * (r - 1)) / (1 - r / c));
}

/** The time-uniform (1 − alpha) confidence sequence for the mean after these values. */
export function confidenceSequence(m: SampleMoments, alpha: number, g = DEFAULT_PRIOR_VARIANCE): [number, number] {
  const t = criticalT(m.n, alpha, g);
  if (!Number.isFinite(t)) return [-Infinity, Infinity];
  const half = (t * m.sd) / Math.sqrt(m.n);
  return [m.mean - half, m.mean + half];
}

/** The fewest values after which the sequence at this level can exclude anything at all. */
export function firstInformativeN(alpha: number, g = DEFAULT_PRIOR_VARIANCE): number {
  for (let n = 2; n < 10_000; n++) if (Number.isFinite(criticalT(n, alpha, g))) return n;
  return Infinity;
}
