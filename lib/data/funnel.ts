/**
 * A synthetic conversion funnel with known ground truth: impressions → click → … →
 * the last step, for ESMM (2 steps: click, conversion) and AITM (any number of steps).
 *
 * Public funnel logs (Ali-CCP, the AITM credit data) cannot be reached from here, so this stands
 * in for them. Every impression x ~ N(0, I_d) has, for every step t, a logit
 *   z_t = α s_t − κ (s_t² − 1) + b_t,    s_t = u_tᵀ x ~ N(0, 1),
 * a unit direction u_t per step, and a POTENTIAL outcome v_t ~ Bernoulli(σ(z_t)) drawn for every
 * impression, whether or not it reaches step t − 1: "would pass step t if it got there". The logged
 * labels are the cumulative ones, y_t = v_1 · … · v_t (y_1 = click, y_2 = click ∧ conversion); the
 * conversion truth v_2 over ALL impressions is what real logs never show (unclicked impressions have
 * no conversion label) and what lets the notebook score CVR over the entire impression space.
 *
 * Controls:
 *  - selection bias β ∈ [0, 1): u_t = β u_{t−1} + √(1 − β²) e_t with e_t ⟂ u_{t−1} a random unit
 *    vector, so corr(s_t, s_{t−1}) = β: the click propensity and the conversion propensity share
 *    features; at β = 0 clicks are independent of conversion propensity (no selection on it), and
 *    the larger β the more the clicked impressions are the ones likely to convert.
 *  - sparsity: b_t is solved (bisection, on the draw itself) so that the mean conversion
 *    probability of step t AMONG impressions that reached step t − 1 is `rates[t]` (step 1: the CTR
 *    over impressions; step 2: the CVR of clicked items).
 *  - κ bends every logit (the propensity falls again for s_t > α / 2κ): a model fitted where the
 *    clicked impressions are must extrapolate to where they are not.
 * Directions and offsets are drawn from the seed: every data set is its own funnel.
 */
import { type Rng, Seeds } from "../seeds";

export interface FunnelOptions {
  /** Funnel steps S ≥ 1 (step 1 is the click). */
  steps: number;
  /** Selection bias β ∈ [0, 1): correlation of consecutive steps' propensity scores s_t. */
  bias: number;
  /** Per step, the mean probability of passing it among impressions that reached the step before (length S). */
  rates: number[];
  /** Input features d. Default 16. */
  features?: number;
  /** Linear weight α of the propensity score. Default 2. */
  scale?: number;
  /** Curvature κ. Default 0.5. */
  curvature?: number;
  rows: number;
  seed: number;
}

export interface FunnelDraw {
  rows: number;
  features: number;
  /** [rows, features] row-major. */
  x: Float32Array;
  /** v_t per step: would the impression pass step t having reached step t − 1 (0/1). */
  potential: Float32Array[];
  /** y_t = v_1 ⋯ v_t per step: the logged labels. */
  reached: Float32Array[];
  /** σ(z_t) per step: the true conditional probabilities. */
  probability: Float32Array[];
  /** The solved offsets b_t. */
  offsets: number[];
  /** Realised rates per step: mean of y_t over impressions, and mean of v_t among rows with y_{t−1} = 1. */
  observed: { reached: number[]; passRate: number[] };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Step directions u_1 … u_S with u_tᵀu_{t−1} = β. */
export function funnelDirections(steps: number, features: number, bias: number, rng: Rng): number[][] {
  const dirs: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const g = unit(Array.from({ length: features }, () => rng.normal()));
    if (t === 0) {
      dirs.push(g);
      continue;
    }
    const prev = dirs[t - 1];
    const dot = g.reduce((s, gi, i) => s + gi * prev[i], 0);
    const e = unit(g.map((gi, i) => gi - dot * prev[i])); // ⟂ u_{t−1}
    dirs.push(prev.map((p, i) => bias * p + Math.sqrt(1 - bias * bias) * e[i]));
  }
  return dirs;
}

/** Draws one funnel data set (see the file header). */
export function funnelData(o: FunnelOptions): FunnelDraw {
  const d = o.features ?? 16, alpha = o.scale ?? 2, kappa = o.curvature ?? 0.5;
  if (!(o.steps >= 1) || o.rates.length !== o.steps) throw new RangeError(`funnelData: rates must give one rate per step (${o.steps}), got ${o.rates.length}`);
  if (!(o.bias >= 0 && o.bias < 1)) throw new RangeError(`funnelData: bias must be in [0, 1), got ${o.bias}`);
  if (o.rates.some((r) => !(r > 0 && r < 1))) throw new RangeError(`funnelData: rates must lie in (0, 1), got ${o.rates.join(", ")}`);
  const seeds = new Seeds(o.seed);
  const dirs = funnelDirections(o.steps, d, o.bias, seeds.rng("funnel", "directions"));
  const draw = seeds.rng("funnel", "rows");
  const n = o.rows;
  const x = new Float32Array(n * d);
  draw.fillNormal(x);
  const base = dirs.map((u) => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += u[j] * x[i * d + j];
      z[i] = alpha * s - kappa * (s * s - 1);
    }
    return z;
  });
  // offsets, step by step: mean σ(z_t + b) weighted by P(reached t − 1) equals rates[t]
  const offsets: number[] = [];
  const reachProb = new Float64Array(n).fill(1);
  for (let t = 0; t < o.steps; t++) {
    let wsum = 0;
    for (let i = 0; i < n; i++) wsum += reachProb[i];
    const rate = (b: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += reachProb[i] * sigmoid(base[t][i] + b);
      return s / wsum;
    };
    let lo = -30, hi = 30;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (rate(mid) < o.rates[t]) lo = mid;
      else hi = mid;
    }
    const b = (lo + hi) / 2;
    offsets.push(b);
    for (let i = 0; i < n; i++) reachProb[i] *= sigmoid(base[t][i] + b);
  }
  const probability = base.map((z, t) => Float32Array.from(z, (zi) => sigmoid(zi + offsets[t])));
  const potential = probability.map((p) => Float32Array.from(p, (pi) => (draw.uniform() < pi ? 1 : 0)));
  const reached: Float32Array[] = [];
  for (let t = 0; t < o.steps; t++) reached.push(Float32Array.from(potential[t], (v, i) => (t === 0 ? v : v * reached[t - 1][i])));
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / n;
  const passRate = potential.map((v, t) => {
    if (t === 0) return mean(v);
    let num = 0, den = 0;
    for (let i = 0; i < n; i++) if (reached[t - 1][i] === 1) (den += 1), (num += v[i]);
    return den > 0 ? num / den : NaN;
  });
  return { rows: n, features: d, x, potential, reached, probability, offsets, observed: { reached: reached.map(mean), passRate } };
}
