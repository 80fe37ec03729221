/**
 * Power of a t test through the noncentral t distribution, and the runs a claim would need.
 * A normal approximation understates the runs badly at the small n and strict levels of a Holm
 * family (n = 3, level 0.05 / 31), which is where an inconclusive verdict asks for more runs.
 */
import { studentTQuantile } from "../stats/student-t";

/** Standard normal CDF through erfc (Numerical Recipes' erfcc: relative error < 1.2e-7 everywhere). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r / 2 : r / 2;
}

function logGamma(x: number): number {
  // Lanczos, g = 7
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * P(T > t) for T noncentral t with `df` degrees of freedom and noncentrality `delta`:
 * T = (Z + δ) / √(V/df), V ~ χ²(df), so P(T > t) = E[Φ(δ − t·√(V/df))], integrated over the
 * χ density of √V by Simpson's rule.
 */
export function noncentralTUpper(t: number, df: number, delta: number): number {
  if (!(df > 0)) throw new RangeError(`noncentralTUpper: df must be > 0, got ${df}`);
  const k = df;
  const logNorm = (1 - k / 2) * Math.LN2 - logGamma(k / 2);
  const density = (x: number) => (x <= 0 ? 0 : Math.exp(logNorm + (k - 1) * Math.log(x) - (x * x) / 2));
  const hi = Math.sqrt(k) + 12;
  const steps = 4000;
  const h = hi / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const x = i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * density(x) * normalCdf(delta - (t * x) / Math.sqrt(k));
  }
  return Math.min(1, Math.max(0, (sum * h) / 3));
}

/**
 * Power of a one-sample (or paired) t test with n units to find a standardised effect `d`
 * (mean / sd) at `level`: two-sided — P(reject on either side) — or one-sided in the effect's
 * direction.
 */
export function tTestPower(n: number, d: number, level: number, sides: 1 | 2 = 2): number {
  if (n < 2) return 0;
  const df = n - 1;
  const crit = studentTQuantile(1 - level / sides, df);
  const delta = d * Math.sqrt(n);
  const upper = noncentralTUpper(crit, df, delta);
  return sides === 2 ? upper + noncentralTUpper(crit, df, -delta) : upper;
}

/** Smallest n ≥ `from` whose power reaches `power`; Infinity for d = 0 or beyond `cap`. */
export function runsForPower(d: number, level: number, power: number, opts: { sides?: 1 | 2; from?: number; cap?: number } = {}): number {
  const sides = opts.sides ?? 2;
  const cap = opts.cap ?? 1e6;
  const from = Math.max(2, opts.from ?? 2);
  if (!(Math.abs(d) > 0) || !Number.isFinite(d)) return Infinity;
  const ok = (n: number) => tTestPower(n, Math.abs(d), level, sides) >= power;
  if (ok(from)) return from;
  let lo = from;
  let hi = from * 2;
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > cap) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Smallest standardised effect |d| that n units detect with `power` at `level` (bisection). */
export function detectableEffect(n: number, level: number, power: number, sides: 1 | 2 = 2): number {
  if (n < 2) return Infinity;
  let lo = 0;
  let hi = 1;
  while (tTestPower(n, hi, level, sides) < power) hi *= 2;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (tTestPower(n, mid, level, sides) >= power) hi = mid;
    else lo = mid;
  }
  return hi;
}
