/** Small statistics the data layer needs for its own checks (kept here to stay dependency-free). */

/** Pearson correlation of two equally long series (Float64 accumulation, two-pass). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) {
    throw new RangeError(`pearson needs two series of equal length ≥ 2, got ${a.length} and ${b.length}`);
  }
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

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
