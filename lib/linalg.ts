/** Small dense linear algebra on host arrays, shared by the data generators and initialisers. */
import type { Rng } from "./seeds";

/**
 * `count` orthonormal vectors in R^d: Gram–Schmidt on Gaussian draws from `rng`, applied twice
 * per vector for float64 stability; a (probability ~0) degenerate draw is redrawn.
 */
export function orthonormalVectors(d: number, count: number, rng: Rng): Float64Array[] {
  if (!Number.isInteger(count) || count < 0 || count > d) {
    throw new RangeError(`orthonormalVectors needs 0 ≤ count ≤ d, got count ${count} for d ${d}`);
  }
  const us: Float64Array[] = [];
  while (us.length < count) {
    const v = rng.fillNormal(new Float64Array(d)) as Float64Array;
    for (let pass = 0; pass < 2; pass++) {
      for (const u of us) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += v[j] * u[j];
        for (let j = 0; j < d; j++) v[j] -= dot * u[j];
      }
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += v[j] * v[j];
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue;
    for (let j = 0; j < d; j++) v[j] /= norm;
    us.push(v);
  }
  return us;
}
