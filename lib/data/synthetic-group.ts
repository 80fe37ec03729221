/**
 * Synthetic task groups of mixed type with a chosen relation between every pair of tasks — the
 * MMoE §3 construction (synthetic.ts) generalised from "every task at cosine p to task 1" to a
 * full T × T cosine matrix G, with binary tasks made by thresholding a task's latent label:
 *
 *   u_1..u_T orthonormal in R^d;  L = Cholesky(G) (lower triangular, G = L·Lᵀ)
 *   w_k = c · Σ_j L_kj u_j                 so cos(w_k, w_j) = G_kj and ‖w_k‖ = c
 *   latent_k = w_kᵀx + Σ_{i=1..m} sin(α_i·w_kᵀx + β_i) + ε_k,  x ~ N(0, I_d), ε_k ~ N(0, noiseStd²)
 *   y_k = latent_k (regression)  or  1[latent_k > θ] (binary)
 *
 * Every latent label has the same distribution (w_kᵀx ~ N(0, c²) for every k, α and β shared), so
 * one threshold θ serves every binary task: the (1 − positiveRate)-quantile of that distribution,
 * estimated from 200,000 draws of its own seeded stream (independent of the sample count).
 * Use `blockCosines` for groups of related tasks (e.g. two related pairs and one unrelated task).
 */
import { deriveSeed, Rng } from "../seeds";
import { orthonormalVectors } from "../linalg";
import type { InputSpec, TaskKind, TaskSpec } from "./spec";
import { requireOption } from "./errors";
import { nonlinearity, sineTerms, type SyntheticParams } from "./synthetic";

export interface SyntheticGroupParams extends Omit<SyntheticParams, "p" | "tasks"> {
  /** T × T cosines of the task weight vectors: symmetric, unit diagonal, positive semidefinite. */
  cosines: readonly (readonly number[])[];
  /** The kind of each task (length T). */
  kinds: readonly TaskKind[];
  /** Share of positive labels of every binary task (default 0.5). */
  positiveRate?: number;
  /** Task names (default y1..yT). */
  names?: readonly string[];
}

/** Draws behind the binary threshold θ (its quantile error is ~1e-3 of the label's spread). */
export const THRESHOLD_DRAWS = 200_000;

/**
 * The cosine matrix of `tasks` tasks in which tasks of the same block are at cosine `within` and
 * tasks of different blocks at `between`; a task in no block is related to none (cosine `between`).
 * Example: blockCosines(5, [[0, 1], [2, 3]], 0.9) — two related pairs, task 4 unrelated.
 */
export function blockCosines(tasks: number, blocks: readonly (readonly number[])[], within: number, between = 0): number[][] {
  requireOption(Number.isInteger(tasks) && tasks >= 1, `tasks must be an integer ≥ 1, got ${tasks}`);
  const blockOf = new Array<number>(tasks).fill(-1);
  blocks.forEach((b, i) =>
    b.forEach((t) => {
      requireOption(Number.isInteger(t) && t >= 0 && t < tasks, `block ${i} names task ${t}; tasks are 0..${tasks - 1}`);
      requireOption(blockOf[t] === -1, `task ${t} is in two blocks`);
      blockOf[t] = i;
    }),
  );
  return Array.from({ length: tasks }, (_, i) =>
    Array.from({ length: tasks }, (_, j) => (i === j ? 1 : blockOf[i] >= 0 && blockOf[i] === blockOf[j] ? within : between)),
  );
}

/**
 * Lower-triangular L with G = L·Lᵀ for a positive semidefinite G (a zero pivot, e.g. two identical
 * tasks, gives a zero column); throws when G is not positive semidefinite.
 */
export function choleskyPsd(g: readonly (readonly number[])[]): number[][] {
  const n = g.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const tol = 1e-10;
  for (let j = 0; j < n; j++) {
    let pivot = g[j][j];
    for (let k = 0; k < j; k++) pivot -= L[j][k] ** 2;
    requireOption(pivot > -tol, `the cosine matrix is not positive semidefinite (pivot ${pivot.toExponential(2)} at task ${j}): no set of vectors has these cosines`);
    const ljj = pivot > tol ? Math.sqrt(pivot) : 0;
    L[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = g[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (ljj > 0) L[i][j] = s / ljj;
      else requireOption(Math.abs(s) < 1e-8, `the cosine matrix is not positive semidefinite (tasks ${j} and ${i})`);
    }
  }
  return L;
}

/** Throws a DataError naming the first bad field; returns the params unchanged otherwise. */
export function validateSyntheticGroup(q: SyntheticGroupParams): SyntheticGroupParams {
  const T = q.kinds.length;
  requireOption(T >= 1, "kinds must name at least one task");
  requireOption(Number.isInteger(q.d) && q.d >= T, `d must be an integer ≥ the number of tasks (${T}), got ${q.d}`);
  requireOption(Number.isInteger(q.samples) && q.samples >= 1, `samples must be an integer ≥ 1, got ${q.samples}`);
  requireOption(Number.isInteger(q.m) && q.m >= 0, `m must be an integer ≥ 0, got ${q.m}`);
  requireOption(Number.isFinite(q.c) && q.c > 0, `c must be a positive number, got ${q.c}`);
  requireOption(q.noiseStd >= 0 && q.alphaBetaStd >= 0, `noiseStd and alphaBetaStd must be ≥ 0`);
  q.kinds.forEach((k, i) => requireOption(k === "binary" || k === "regression", `kinds[${i}] must be "binary" or "regression", got ${JSON.stringify(k)}`));
  requireOption(q.cosines.length === T && q.cosines.every((r) => r.length === T), `cosines must be ${T} × ${T} (one row and column per task)`);
  for (let i = 0; i < T; i++) {
    requireOption(Math.abs(q.cosines[i][i] - 1) < 1e-12, `cosines[${i}][${i}] must be 1 (a task's cosine with itself), got ${q.cosines[i][i]}`);
    for (let j = 0; j < T; j++) {
      const v = q.cosines[i][j];
      requireOption(v >= -1 && v <= 1 && v === q.cosines[j][i], `cosines must be symmetric with entries in [-1, 1]; [${i}][${j}] = ${v}, [${j}][${i}] = ${q.cosines[j][i]}`);
    }
  }
  choleskyPsd(q.cosines);
  const rate = q.positiveRate ?? 0.5;
  requireOption(rate > 0 && rate < 1, `positiveRate must be in (0, 1), got ${rate}`);
  if (q.names) requireOption(q.names.length === T && new Set(q.names).size === T, `names must give ${T} distinct names`);
  if (q.alpha) requireOption(q.alpha.length === q.m, `alpha has ${q.alpha.length} values, m is ${q.m}`);
  if (q.beta) requireOption(q.beta.length === q.m, `beta has ${q.beta.length} values, m is ${q.m}`);
  return q;
}

/** w_1..w_T (float64): cos(w_k, w_j) = cosines[k][j], ‖w_k‖ = c. */
export function groupTaskWeights(q: SyntheticGroupParams): Float64Array[] {
  const T = q.kinds.length;
  const u = orthonormalVectors(q.d, T, new Rng(deriveSeed(q.seed, "synthetic-group", "weights")));
  const L = choleskyPsd(q.cosines);
  return L.map((row) => {
    const w = new Float64Array(q.d);
    row.forEach((l, j) => {
      if (l !== 0) for (let i = 0; i < q.d; i++) w[i] += q.c * l * u[j][i];
    });
    return w;
  });
}

/** θ: the (1 − positiveRate)-quantile of a latent label, from its own seeded draws. */
export function binaryThreshold(q: SyntheticGroupParams, alpha: readonly number[], beta: readonly number[]): number {
  const rng = new Rng(deriveSeed(q.seed, "synthetic-group", "threshold"));
  const draws = new Float64Array(THRESHOLD_DRAWS);
  for (let i = 0; i < draws.length; i++) draws[i] = nonlinearity(q.c * rng.normal(), alpha, beta) + q.noiseStd * rng.normal();
  draws.sort();
  return draws[Math.min(draws.length - 1, Math.floor((1 - (q.positiveRate ?? 0.5)) * draws.length))];
}

export interface SyntheticGroupRecord extends Omit<SyntheticGroupParams, "alpha" | "beta" | "cosines" | "kinds" | "names"> {
  cosines: number[][];
  kinds: TaskKind[];
  names: string[];
  positiveRate: number;
  alpha: number[];
  beta: number[];
  /** The latent value above which a binary label is 1. */
  threshold: number;
}

export interface SyntheticGroupData {
  /** [n × d] row-major. */
  x: Float32Array;
  /** One [n] array per task, in task order (0/1 for binary tasks). */
  labels: Float32Array[];
  tasks: TaskSpec[];
  input: InputSpec;
  params: SyntheticGroupRecord;
  /** w_1..w_T (float64). */
  weights: Float64Array[];
}

/** The whole data set: rows drawn one by one from one seeded stream. */
export function generateSyntheticGroup(params: SyntheticGroupParams): SyntheticGroupData {
  const q = validateSyntheticGroup(params);
  const T = q.kinds.length;
  const names = q.names ? [...q.names] : Array.from({ length: T }, (_, k) => `y${k + 1}`);
  const w = groupTaskWeights(q);
  // sineTerms reads only seed, m, alphaBetaStd, alpha and beta
  const { alpha, beta } = sineTerms({ ...q, p: 0, tasks: T });
  const threshold = binaryThreshold(q, alpha, beta);
  const rng = new Rng(deriveSeed(q.seed, "synthetic-group", "samples"));
  const { d, samples: n } = q;
  const x = new Float32Array(n * d);
  const labels = Array.from({ length: T }, () => new Float32Array(n));
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    rng.fillNormal(row);
    x.set(row, i * d);
    for (let k = 0; k < T; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += w[k][j] * row[j];
      const latent = nonlinearity(z, alpha, beta) + q.noiseStd * rng.normal();
      labels[k][i] = q.kinds[k] === "binary" ? (latent > threshold ? 1 : 0) : latent;
    }
  }
  const { alpha: _a, beta: _b, cosines, kinds, names: _n, ...rest } = q;
  return {
    x,
    labels,
    tasks: names.map((name, k) => ({ name, kind: q.kinds[k] })),
    input: { numeric: d, categorical: [] },
    params: { ...rest, cosines: cosines.map((r) => [...r]), kinds: [...kinds], names, positiveRate: q.positiveRate ?? 0.5, alpha, beta, threshold },
    weights: w,
  };
}
