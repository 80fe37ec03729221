/** Small statistics the data layer needs for its own checks (Pearson: lib/engine/metrics). */

/** Share of entries equal to 1 (a binary label's prevalence). */
export function prevalence(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] === 1 ? 1 : 0;
  return s / y.length;
}

/** Mean and (sample, n − 1) standard deviation. */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - m) ** 2;
  return { mean: m, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}
