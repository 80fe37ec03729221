/**
 * Sessions of item interactions with known truth, for DUPN's claims (a shared user
 * representation serves several tasks, transfers to a held-out task, and its attention finds the
 * behaviours relevant to the query). Public e-commerce behaviour logs with several task labels
 * cannot be reached from here, so this stands in for them.
 *
 * World (drawn from the seed): I items, each with a category c(i) ∈ 0..K−1, a price band
 * π(i) ∈ 0..P−1 and a latent vector v_i ~ N(0, I_k / k). Task t reads a unit direction w_t ∈ R^k.
 * User u (drawn from the user stream): a taste vector θ_{u,c} ~ N(0, I_k) per category,
 * independent across categories, a query category q_u (the context of the request), and n_u
 * behaviours (n_u uniform in minLength..L). Behaviour l is in category q_u with probability
 * `relevantShare` (at least one always is), otherwise in another category; its item is drawn
 * within that category with probability ∝ exp(β θ_{u,c}·v_i √k). Positions after n_u are padded.
 *
 * Labels read only the behaviours in the query category (the "relevant" ones, truth.relevant):
 *   r_u = mean of v_i over relevant behaviours · √k,     m_u = mean of π(i) / (P − 1) over them
 *   binary task t:     y ~ Bernoulli(σ(γ w_tᵀ r_u + b_t))   (b_t solved so that the mean rate is rates[t])
 *   "price" (regression): y = 2 m_u − 1 + ε,  ε ~ N(0, noise²)
 * Behaviours in other categories come from tastes independent of θ_{u,q_u}: they carry no signal
 * about the labels. The held-out task (transfer) is binary with direction
 *   w_h = λ · normalise(Σ training directions) + √(1 − λ²) · e,  e ⟂ that sum,
 * so λ = `transferOverlap` sets how much of it the training tasks' directions span.
 *
 * Layout: numeric [rows, 1] (activity n_u / L), categorical [rows, 1 + 3L]: the query category,
 * then per position (item id + 1, 0 = padding; category; price band). input.sequence declares the
 * sequence columns (InputSpec).
 */
import { type Rng, Seeds } from "../seeds";
import { requireOption } from "./errors";
import type { InputSpec, TaskSpec } from "./spec";

export interface SessionsOptions {
  /** Users (rows). */
  rows: number;
  seed: number;
  /** Items I. Default 200. */
  items?: number;
  /** Item categories K (also the query vocabulary). Default 8. */
  categories?: number;
  /** Price bands P. Default 5. */
  priceBands?: number;
  /** Sequence length L (padded). Default 12. */
  length?: number;
  /** Fewest behaviours per user. Default 4. */
  minLength?: number;
  /** Latent dimension k. Default 4. */
  latent?: number;
  /** Probability that a behaviour is in the query category. Default 0.3. */
  relevantShare?: number;
  /** Sharpness β of item choice given taste. Default 1.5. */
  choice?: number;
  /** Scale γ of the binary tasks' logits. Default 2. */
  scale?: number;
  /** Binary training tasks, by name, with their mean positive rates. Default click 0.3, rank 0.5. */
  binary?: { name: string; rate: number }[];
  /** Noise sd of the price-preference task (regression). Default 0.1. */
  noise?: number;
  /** λ: the held-out task's overlap with the training directions. Default 0.8. */
  transferOverlap?: number;
  /** Mean positive rate of the held-out task. Default 0.4. */
  transferRate?: number;
  /** The stream users are drawn from: another name gives other users of the same world. Default "users". */
  userStream?: string;
}

export interface SessionsWorld {
  itemCategory: Int32Array;
  itemPrice: Int32Array;
  /** [items × k] row-major. */
  itemVectors: Float64Array;
  /** Unit directions of the binary training tasks, then the held-out task's last. */
  directions: number[][];
  /** Offsets b_t in the same order. */
  offsets: number[];
}

export interface SessionsData {
  rows: number;
  input: InputSpec;
  /** Training tasks: the binary ones, then "price" (regression). */
  tasks: TaskSpec[];
  /** [rows × 1] row-major. */
  numeric: Float32Array;
  /** [rows × (1 + 3L)] row-major (file header). */
  categorical: Int32Array;
  /** One [rows] array per training task. */
  labels: Float32Array[];
  /** The held-out task, for transfer: its spec and labels. */
  transfer: { task: TaskSpec; labels: Float32Array };
  truth: {
    /** [rows × L]: 1 where the behaviour is in the query category. */
    relevant: Uint8Array;
    /** Query category q_u per row. */
    query: Int32Array;
    /** Behaviours per row n_u. */
    lengths: Int32Array;
    /** Per training task then the held-out one: P(y = 1) for binary tasks, E[y] for "price". */
    expected: Float32Array[];
  };
  world: SessionsWorld;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>, offB = 0) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[offB + j];
  return s;
};
const normalise = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function resolve(o: SessionsOptions): Required<SessionsOptions> {
  const q: Required<SessionsOptions> = {
    items: 200, categories: 8, priceBands: 5, length: 12, minLength: 4, latent: 4, relevantShare: 0.3, choice: 1.5, scale: 2,
    binary: [{ name: "click", rate: 0.3 }, { name: "rank", rate: 0.5 }], noise: 0.1, transferOverlap: 0.8, transferRate: 0.4,
    userStream: "users", ...o,
  };
  const posInt = (v: number, what: string) => requireOption(Number.isInteger(v) && v >= 1, `sessions: ${what} must be a positive integer, got ${v}`);
  posInt(q.rows, "rows");
  posInt(q.latent, "latent");
  posInt(q.length, "length");
  requireOption(Number.isInteger(q.categories) && q.categories >= 2, `sessions: categories must be an integer ≥ 2, got ${q.categories}`);
  requireOption(Number.isInteger(q.priceBands) && q.priceBands >= 2, `sessions: priceBands must be an integer ≥ 2, got ${q.priceBands}`);
  requireOption(Number.isInteger(q.items) && q.items >= q.categories, `sessions: items must be an integer ≥ categories (${q.categories}), got ${q.items}`);
  requireOption(Number.isInteger(q.minLength) && q.minLength >= 1 && q.minLength <= q.length, `sessions: minLength must be an integer in 1..length (${q.length}), got ${q.minLength}`);
  requireOption(q.relevantShare > 0 && q.relevantShare < 1, `sessions: relevantShare must lie in (0, 1), got ${q.relevantShare}`);
  requireOption(q.transferOverlap >= 0 && q.transferOverlap <= 1, `sessions: transferOverlap must lie in [0, 1], got ${q.transferOverlap}`);
  requireOption(q.binary.length >= 1, "sessions: binary must list at least one task");
  for (const r of [...q.binary.map((b) => b.rate), q.transferRate]) requireOption(r > 0 && r < 1, `sessions: rates must lie in (0, 1), got ${r}`);
  requireOption(q.latent >= 2 || q.transferOverlap === 1, "sessions: latent must be ≥ 2 for a held-out direction off the training span (or transferOverlap = 1)");
  return q;
}

/** The task directions: the binary training tasks', then the held-out one (file header). */
function taskDirections(q: Required<SessionsOptions>, rng: Rng): number[][] {
  const k = q.latent;
  const gauss = () => normalise(Array.from({ length: k }, () => rng.normal()));
  const train = q.binary.map(gauss);
  const span = normalise(train.reduce((s, w) => s.map((x, j) => x + w[j]), new Array<number>(k).fill(0)));
  const g = gauss();
  const along = dot(g, span);
  const e = normalise(g.map((x, j) => x - along * span[j]));
  const lam = q.transferOverlap;
  return [...train, span.map((x, j) => lam * x + Math.sqrt(1 - lam * lam) * e[j])];
}

/** b with mean σ(z + b) = rate over the draw (bisection). */
function solveOffset(z: Float64Array, rate: number): number {
  let lo = -30, hi = 30;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    let s = 0;
    for (const zi of z) s += sigmoid(zi + mid);
    if (s / z.length < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Draws one sessions data set (see the file header). */
export function sessionsData(options: SessionsOptions): SessionsData {
  const q = resolve(options);
  const { rows: n, items: I, categories: K, priceBands: P, length: L, latent: k } = q;
  const seeds = new Seeds(q.seed);
  const worldRng = seeds.rng("sessions", "world");
  const itemCategory = Int32Array.from({ length: I }, (_, i) => (i < K ? i : worldRng.int(K))); // every category has an item
  const itemPrice = Int32Array.from({ length: I }, () => worldRng.int(P));
  const itemVectors = new Float64Array(I * k);
  for (let j = 0; j < itemVectors.length; j++) itemVectors[j] = worldRng.normal() / Math.sqrt(k);
  const directions = taskDirections(q, worldRng);
  const byCategory = Array.from({ length: K }, (_, c) => [...itemCategory.keys()].filter((i) => itemCategory[i] === c));

  const rng = seeds.rng("sessions", q.userStream);
  const F = 3, nCat = 1 + F * L;
  const numeric = new Float32Array(n);
  const categorical = new Int32Array(n * nCat);
  const relevant = new Uint8Array(n * L);
  const query = new Int32Array(n), lengths = new Int32Array(n);
  const scores = directions.map(() => new Float64Array(n));
  const price = new Float64Array(n);
  const taste = new Float64Array(k);
  const weights = new Float64Array(I);
  for (let u = 0; u < n; u++) {
    const qu = rng.int(K), nu = q.minLength + rng.int(L - q.minLength + 1);
    query[u] = qu;
    lengths[u] = nu;
    numeric[u] = nu / L;
    categorical[u * nCat] = qu;
    const cats = Array.from({ length: nu }, () => (rng.uniform() < q.relevantShare ? qu : (qu + 1 + rng.int(K - 1)) % K));
    if (!cats.includes(qu)) cats[rng.int(nu)] = qu;
    const tastes = new Map<number, Float64Array>(); // θ_{u,c}, drawn when first needed, in behaviour order
    const r = new Float64Array(k);
    let m = 0, count = 0;
    cats.forEach((c, l) => {
      if (!tastes.has(c)) tastes.set(c, Float64Array.from(taste, () => rng.normal()));
      const th = tastes.get(c)!;
      const pool = byCategory[c];
      let total = 0;
      for (const i of pool) total += (weights[i] = Math.exp(q.choice * dot(th, itemVectors, i * k) * Math.sqrt(k)));
      let pick = rng.uniform() * total, item = pool[pool.length - 1];
      for (const i of pool) if ((pick -= weights[i]) <= 0) { item = i; break; }
      const at = u * nCat + 1 + l * F;
      categorical[at] = item + 1;
      categorical[at + 1] = c;
      categorical[at + 2] = itemPrice[item];
      if (c === qu) {
        relevant[u * L + l] = 1;
        for (let j = 0; j < k; j++) r[j] += itemVectors[item * k + j];
        m += itemPrice[item] / (P - 1);
        count++;
      }
    });
    for (let j = 0; j < k; j++) r[j] *= Math.sqrt(k) / count;
    directions.forEach((w, t) => (scores[t][u] = q.scale * dot(w, r)));
    price[u] = 2 * (m / count) - 1;
  }
  const rates = [...q.binary.map((b) => b.rate), q.transferRate];
  const offsets = scores.map((z, t) => solveOffset(z, rates[t]));
  const expectedBinary = scores.map((z, t) => Float32Array.from(z, (zi) => sigmoid(zi + offsets[t])));
  const labelRng = seeds.rng("sessions", q.userStream, "labels");
  const draw = (p: Float32Array) => Float32Array.from(p, (pi) => (labelRng.uniform() < pi ? 1 : 0));
  const binaryLabels = expectedBinary.map(draw);
  const priceLabels = Float32Array.from(price, (v) => v + q.noise * labelRng.normal());
  const B = q.binary.length;
  const seqFields = [I + 1, K, P];
  return {
    rows: n,
    input: { numeric: 1, categorical: [K, ...Array.from({ length: L }, () => seqFields).flat()], sequence: { length: L, fields: seqFields } },
    tasks: [...q.binary.map((b) => ({ name: b.name, kind: "binary" as const })), { name: "price", kind: "regression" }],
    numeric,
    categorical,
    labels: [...binaryLabels.slice(0, B), priceLabels],
    transfer: { task: { name: "transfer", kind: "binary" }, labels: binaryLabels[B] },
    truth: { relevant, query, lengths, expected: [...expectedBinary.slice(0, B), Float32Array.from(price), expectedBinary[B]] },
    world: { itemCategory, itemPrice, itemVectors, directions, offsets },
  };
}
