/**
 * MMoE §3 synthetic regression tasks with controllable task correlation (docs/protocol.md, Data).
 *
 *   u_1..u_T orthonormal in R^d (Gram–Schmidt on Gaussian draws)
 *   w_1 = c·u_1,  w_k = c·(p_k·u_1 + sqrt(1 − p_k²)·u_k)           (k ≥ 2)
 *   y_k = w_kᵀx + Σ_{i=1..m} sin(α_i·w_kᵀx + β_i) + ε_k,  x ~ N(0, I_d), ε_k ~ N(0, noiseStd²)
 *
 * With T = 2 this is the paper's construction (p = cos(w_1, w_2)). For T > 2 — our documented
 * extension — every task sits at cosine p_k to the FIRST task; tasks k, j ≥ 2 then have cosine
 * p_k·p_j with each other (their u_k, u_j are orthogonal). α, β are drawn once per data set and
 * shared by all tasks.
 *
 * Randomness: weights, (α, β) and samples use separate seeded streams derived from `seed`, and
 * samples are drawn row by row from one stream, so the data do not depend on the chunk size.
 */
import { deriveSeed, Rng } from "../seeds";
import { orthonormalVectors } from "../linalg";
import type { InputSpec, TaskSpec } from "./spec";
import { requireOption } from "./errors";
import { meanStd } from "./stats";

export interface SyntheticParams {
  /** Input dimension d. */
  d: number;
  /** Weight scale c (‖w_k‖ = c). */
  c: number;
  /** Task correlation: cos(w_1, w_k). A number applies to every k ≥ 2; an array gives p_2..p_T. */
  p: number | readonly number[];
  /** Number of sine terms m (0: linear tasks). */
  m: number;
  /** Number of tasks T ≥ 1. */
  tasks: number;
  /** Number of samples n. */
  samples: number;
  /** Standard deviation of the label noise ε (the paper: variance 0.01 → 0.1). */
  noiseStd: number;
  /** α_i, β_i ~ N(0, alphaBetaStd²) unless given explicitly (the paper: N(0, 1)). */
  alphaBetaStd: number;
  /** Explicit α (length m); drawn when absent. */
  alpha?: readonly number[];
  /** Explicit β (length m); drawn when absent. */
  beta?: readonly number[];
  /** Data-set seed (an integer in [0, 2^32)). */
  seed: number;
}

/**
 * Presets (docs/protocol.md). The papers leave c, m and the sample count loose; these are the
 * project's choices and every result records the resolved values.
 * - mmoe: d = 100, c = 1, m = 5; 10,000 samples (the per-point size of MMoE Fig. 2).
 * - ple: d = 512, c = 1, m = 10; 1.4 M samples (PLE §5.2) — generate it in chunks.
 */
export const SYNTHETIC_PRESETS = {
  mmoe: { d: 100, c: 1, m: 5, tasks: 2, samples: 10_000, noiseStd: 0.1, alphaBetaStd: 1 },
  ple: { d: 512, c: 1, m: 10, tasks: 2, samples: 1_400_000, noiseStd: 0.1, alphaBetaStd: 1 },
} as const;
export type SyntheticPreset = keyof typeof SYNTHETIC_PRESETS;

/** A preset plus overrides → fully specified, validated parameters. */
export function syntheticParams(
  preset: SyntheticPreset,
  overrides: Partial<SyntheticParams> & { p: SyntheticParams["p"]; seed: number },
): SyntheticParams {
  const base = SYNTHETIC_PRESETS[preset];
  requireOption(base !== undefined, `unknown synthetic preset ${JSON.stringify(preset)}; known: mmoe, ple`);
  return validateSynthetic({ ...base, ...overrides });
}

/** Throws a DataError naming the first bad field; returns the params unchanged otherwise. */
export function validateSynthetic(q: SyntheticParams): SyntheticParams {
  const posInt = (v: number, name: string): void => requireOption(Number.isInteger(v) && v >= 1, `${name} must be an integer ≥ 1, got ${v}`);
  posInt(q.d, "d");
  posInt(q.tasks, "tasks");
  posInt(q.samples, "samples");
  requireOption(Number.isInteger(q.m) && q.m >= 0, `m must be an integer ≥ 0, got ${q.m}`);
  requireOption(q.d >= q.tasks, `d (${q.d}) must be ≥ tasks (${q.tasks}): each task needs its own orthogonal direction`);
  requireOption(Number.isFinite(q.c), `c must be finite, got ${q.c}`);
  requireOption(q.noiseStd >= 0, `noiseStd must be ≥ 0, got ${q.noiseStd}`);
  requireOption(q.alphaBetaStd >= 0, `alphaBetaStd must be ≥ 0, got ${q.alphaBetaStd}`);
  const ps = taskCorrelations(q);
  ps.forEach((p, k) => requireOption(p >= -1 && p <= 1, `p[${k}] (task ${k + 2}) must be in [-1, 1], got ${p}`));
  if (q.alpha) requireOption(q.alpha.length === q.m, `alpha has ${q.alpha.length} values, m is ${q.m}`);
  if (q.beta) requireOption(q.beta.length === q.m, `beta has ${q.beta.length} values, m is ${q.m}`);
  return q;
}

/** p_2..p_T as an array (length tasks − 1). */
export function taskCorrelations(q: Pick<SyntheticParams, "p" | "tasks">): number[] {
  if (typeof q.p === "number") return Array.from({ length: q.tasks - 1 }, () => q.p as number);
  requireOption(q.p.length === q.tasks - 1, `p has ${q.p.length} values, expected tasks − 1 = ${q.tasks - 1}`);
  return [...q.p];
}

export { orthonormalVectors };

/** The task weight vectors w_1..w_T (float64) for the given params. */
export function taskWeights(q: SyntheticParams): Float64Array[] {
  const u = orthonormalVectors(q.d, q.tasks, new Rng(deriveSeed(q.seed, "synthetic", "weights")));
  const ps = taskCorrelations(q);
  return u.map((uk, k) => {
    if (k === 0) return uk.map((v) => q.c * v);
    const p = ps[k - 1];
    const s = Math.sqrt(Math.max(0, 1 - p * p));
    return uk.map((v, j) => q.c * (p * u[0][j] + s * v));
  });
}

/** α and β (explicit, or drawn from their own stream). */
export function sineTerms(q: SyntheticParams): { alpha: number[]; beta: number[] } {
  const rng = new Rng(deriveSeed(q.seed, "synthetic", "sines"));
  const alpha = q.alpha ? [...q.alpha] : Array.from({ length: q.m }, () => q.alphaBetaStd * rng.normal());
  const beta = q.beta ? [...q.beta] : Array.from({ length: q.m }, () => q.alphaBetaStd * rng.normal());
  return { alpha, beta };
}

/** The label function shared by every variant: z + Σ sin(α_i z + β_i). */
export function nonlinearity(z: number, alpha: readonly number[], beta: readonly number[]): number {
  let y = z;
  for (let i = 0; i < alpha.length; i++) y += Math.sin(alpha[i] * z + beta[i]);
  return y;
}

/** JSON-able record of how a data set was generated (store it with results). */
export interface SyntheticRecord extends Omit<SyntheticParams, "alpha" | "beta" | "p"> {
  p: number[];
  alpha: number[];
  beta: number[];
  extension: string;
}

export interface SyntheticChunk {
  /** Index of the chunk's first row in the data set. */
  offset: number;
  rows: number;
  /** [rows × d] row-major. */
  x: Float32Array;
  /** One [rows] array per task. */
  labels: Float32Array[];
}

export interface SyntheticData {
  /** [n × d] row-major. */
  x: Float32Array;
  /** One [n] array per task, task order y1..yT. */
  labels: Float32Array[];
  tasks: TaskSpec[];
  input: InputSpec;
  params: SyntheticRecord;
  /** w_1..w_T (float64), for checks such as cos(w_1, w_2) = p. */
  weights: Float64Array[];
}

export function syntheticTasks(count: number): TaskSpec[] {
  return Array.from({ length: count }, (_, k) => ({ name: `y${k + 1}`, kind: "regression" as const }));
}

export function syntheticRecord(q: SyntheticParams): SyntheticRecord {
  const { alpha, beta } = sineTerms(q);
  const { alpha: _a, beta: _b, p: _p, ...rest } = q;
  return {
    ...rest,
    p: taskCorrelations(q),
    alpha,
    beta,
    extension: q.tasks > 2 ? "T > 2: every task at cosine p_k to task 1 (tasks k, j ≥ 2 at p_k·p_j)" : "none (MMoE §3)",
  };
}

/**
 * The data set in chunks of at most `chunkRows` rows: only the chunk being filled is held, so
 * PLE's 1.4 M × 512 set (2.9 GB as float32) can be streamed to disk or consumed incrementally.
 * The rows are identical whatever the chunk size. `sampleStream` names the stream x and ε are
 * drawn from ("samples" by default): a second name gives independent samples of the same tasks,
 * e.g. fresh training rows beside a fixed held-out set.
 */
export function* syntheticChunks(params: SyntheticParams, chunkRows = 65_536, sampleStream = "samples"): Generator<SyntheticChunk> {
  const q = validateSynthetic(params);
  requireOption(Number.isInteger(chunkRows) && chunkRows >= 1, `chunkRows must be an integer ≥ 1, got ${chunkRows}`);
  const w = taskWeights(q);
  const { alpha, beta } = sineTerms(q);
  // another stream name draws other samples (x, ε) of the same tasks (same w, α, β)
  const rng = new Rng(deriveSeed(q.seed, "synthetic", sampleStream));
  const { d, tasks: T } = q;
  const xrow = new Float64Array(d);
  for (let offset = 0; offset < q.samples; offset += chunkRows) {
    const rows = Math.min(chunkRows, q.samples - offset);
    const x = new Float32Array(rows * d);
    const labels = Array.from({ length: T }, () => new Float32Array(rows));
    for (let i = 0; i < rows; i++) {
      rng.fillNormal(xrow);
      x.set(xrow, i * d);
      for (let k = 0; k < T; k++) {
        const wk = w[k];
        let z = 0;
        for (let j = 0; j < d; j++) z += wk[j] * xrow[j];
        labels[k][i] = nonlinearity(z, alpha, beta) + q.noiseStd * rng.normal();
      }
    }
    yield { offset, rows, x, labels };
  }
}

/** The whole data set at once: x [n × d] and one label array per task. */
export function generateSynthetic(params: SyntheticParams): SyntheticData {
  const q = validateSynthetic(params);
  const [chunk] = syntheticChunks(q, q.samples);
  return {
    x: chunk.x,
    labels: chunk.labels,
    tasks: syntheticTasks(q.tasks),
    input: { numeric: q.d, categorical: [] },
    params: syntheticRecord(q),
    weights: taskWeights(q),
  };
}

export interface SyntheticReplicas {
  /** [R × n × d] row-major: replica r's data set starts at r·n·d. */
  x: Float32Array;
  /** One [R × n] array per task. */
  labels: Float32Array[];
  tasks: TaskSpec[];
  input: InputSpec;
  replicas: number;
  samples: number;
  /** The generating record of each replica's data set (its seed differs). */
  params: SyntheticRecord[];
}

/**
 * R independent data sets for "per-replica data" training (each replica its own data set, as in
 * MMoE's repeated runs): replica r uses `params` with seed `replicaSeeds[r]`.
 */
export function syntheticReplicas(params: Omit<SyntheticParams, "seed">, replicaSeeds: readonly number[]): SyntheticReplicas {
  requireOption(replicaSeeds.length >= 1, "replicaSeeds must name at least one seed");
  const R = replicaSeeds.length;
  const { samples: n, d, tasks: T } = params;
  const x = new Float32Array(R * n * d);
  const labels = Array.from({ length: T }, () => new Float32Array(R * n));
  const records: SyntheticRecord[] = [];
  replicaSeeds.forEach((seed, r) => {
    const q = validateSynthetic({ ...params, seed });
    for (const chunk of syntheticChunks(q)) {
      x.set(chunk.x, (r * n + chunk.offset) * d);
      chunk.labels.forEach((l, k) => labels[k].set(l, r * n + chunk.offset));
    }
    records.push(syntheticRecord(q));
  });
  return { x, labels, tasks: syntheticTasks(T), input: { numeric: d, categorical: [] }, replicas: R, samples: n, params: records };
}

export interface LabelPearsonOptions {
  /** Task correlation p of the data sets. */
  p: number;
  /** Knobs of the generator (d, c, m, noiseStd, alphaBetaStd; default the mmoe preset). */
  params?: Partial<Omit<SyntheticParams, "p" | "seed" | "tasks">>;
  /** Samples per data set (default 10,000 as in MMoE Fig. 2). */
  samples?: number;
  /** Number of independent data sets (default 100). */
  dataSets?: number;
  /** Master seed; data set j uses deriveSeed(seed, "label-pearson", p, j). */
  seed: number;
  /**
   * "projected" (default): draw z = Uᵀx directly. For x ~ N(0, I_d) and orthonormal u_1, u_2 the
   * projections are i.i.d. N(0, 1) and the labels depend on x only through them, so the labels
   * have exactly the distribution of the full construction at 2/d of the cost (d = 100: 50×).
   * "full": generate x in R^d (for cross-checking the shortcut).
   */
  method?: "projected" | "full";
}

export interface LabelPearsonResult {
  p: number;
  /** Pearson(y1, y2) of each data set. */
  values: Float64Array;
  mean: number;
  /** Sample standard deviation over the data sets (plot mean ± 2·std as MMoE Fig. 2). */
  std: number;
}

/** MMoE Fig. 2: the Pearson correlation of (y1, y2) over repeated data sets at task correlation p. */
export function labelPearson(o: LabelPearsonOptions): LabelPearsonResult {
  const base = { ...SYNTHETIC_PRESETS.mmoe, ...o.params };
  const n = o.samples ?? 10_000;
  const sets = o.dataSets ?? 100;
  const values = new Float64Array(sets);
  for (let s = 0; s < sets; s++) {
    const q = validateSynthetic({ ...base, p: o.p, tasks: 2, samples: n, seed: deriveSeed(o.seed, "label-pearson", String(o.p), s) });
    values[s] = (o.method ?? "projected") === "full" ? pearsonFull(q) : pearsonProjected(q);
  }
  const { mean, std } = meanStd(values);
  return { p: o.p, values, mean, std };
}

/** labelPearson over a grid of p (default 21 points: −1, −0.9, …, 1). */
export function labelPearsonGrid(
  o: Omit<LabelPearsonOptions, "p"> & { grid?: readonly number[] },
): LabelPearsonResult[] {
  const grid = o.grid ?? Array.from({ length: 21 }, (_, i) => Math.round((-1 + i * 0.1) * 10) / 10);
  return grid.map((p) => labelPearson({ ...o, p }));
}

/** Streaming Pearson accumulator (float64). */
class PearsonAcc {
  private n = 0;
  private ma = 0;
  private mb = 0;
  private cab = 0;
  private caa = 0;
  private cbb = 0;
  add(a: number, b: number): void {
    this.n++;
    const da = a - this.ma;
    const db = b - this.mb;
    this.ma += da / this.n;
    this.mb += db / this.n;
    this.cab += da * (b - this.mb);
    this.caa += da * (a - this.ma);
    this.cbb += db * (b - this.mb);
  }
  value(): number {
    return this.cab / Math.sqrt(this.caa * this.cbb);
  }
}

function pearsonProjected(q: SyntheticParams): number {
  const { alpha, beta } = sineTerms(q);
  const p = taskCorrelations(q)[0];
  const s = Math.sqrt(Math.max(0, 1 - p * p));
  const rng = new Rng(deriveSeed(q.seed, "synthetic", "projected-samples"));
  const acc = new PearsonAcc();
  for (let i = 0; i < q.samples; i++) {
    const z1 = rng.normal();
    const z2 = rng.normal();
    const y1 = nonlinearity(q.c * z1, alpha, beta) + q.noiseStd * rng.normal();
    const y2 = nonlinearity(q.c * (p * z1 + s * z2), alpha, beta) + q.noiseStd * rng.normal();
    acc.add(y1, y2);
  }
  return acc.value();
}

function pearsonFull(q: SyntheticParams): number {
  const acc = new PearsonAcc();
  for (const chunk of syntheticChunks(q)) {
    for (let i = 0; i < chunk.rows; i++) acc.add(chunk.labels[0][i], chunk.labels[1][i]);
  }
  return acc.value();
}
