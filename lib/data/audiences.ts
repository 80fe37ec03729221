/**
 * A family of audience-expansion tasks with known truth, for MetaHeac's claims (meta-learned
 * experts and critics adapt to a new task from few examples). Each task is one audience: which
 * users belong to it. Real seed-user sets of an advertising platform cannot be reached from
 * here, so this stands in for them.
 *
 * Truth (drawn from the seed): G clusters, each with a unit direction μ_g ∈ R^d and an offset
 * a_g ~ N(0, 0.5²). Task j belongs to cluster g(j) (round-robin, so every cluster has tasks) and has
 *   w_j = normalise(μ_g + σ e_j),  e_j ~ N(0, I_d / d),     b_j = a_g + 0.25 z_j,  z_j ~ N(0, 1)
 * `spread` σ sets how far tasks stray from their cluster (0: every task of a cluster is the same).
 * A user x ~ N(0, I_d) belongs to audience j with probability
 *   p_j(x) = σ(γ w_jᵀ x + b_j),   γ = `scale`,
 * and the label is y ~ Bernoulli(p_j(x)). Every task draws its own users.
 *
 * Every task is drawn from its own stream (by name), so adding tasks moves no other. Training
 * tasks have `rows` users each. New tasks (drawn from the same clusters) have a support set of `shots` users (take its first k rows for k-shot
 * adaptation: the prefixes are nested) and a query set of `queryRows` users for evaluation.
 */
import { Seeds } from "../seeds";
import { requireOption } from "./errors";
import type { InputSpec, TaskSpec } from "./spec";

export interface AudiencesOptions {
  seed: number;
  /** Training tasks. Default 40. */
  tasks?: number;
  /** Users per training task. Default 200. */
  rows?: number;
  /** New (few-shot) tasks. Default 10. */
  newTasks?: number;
  /** Support users per new task (the most shots). Default 64. */
  shots?: number;
  /** Query users per new task. Default 500. */
  queryRows?: number;
  /** Clusters G. Default 4. */
  clusters?: number;
  /** Features d. Default 8. */
  features?: number;
  /** σ: spread of tasks around their cluster's direction. Default 0.5. */
  spread?: number;
  /** γ: logit scale. Default 2. */
  scale?: number;
}

/** One task's users. */
export interface AudienceSet {
  rows: number;
  /** [rows × d] row-major. */
  x: Float32Array;
  labels: Float32Array;
  /** p_j(x) per row. */
  probability: Float32Array;
}

export interface AudienceTask {
  name: string;
  cluster: number;
  /** Unit direction w_j and offset b_j. */
  direction: number[];
  offset: number;
}

export interface AudiencesData {
  input: InputSpec;
  /** The one output every audience task has: membership (binary). */
  task: TaskSpec;
  train: (AudienceTask & { data: AudienceSet })[];
  fresh: (AudienceTask & { support: AudienceSet; query: AudienceSet })[];
  /** Cluster directions μ_g and offsets a_g. */
  clusters: { direction: number[]; offset: number }[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const normalise = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** Draws the whole family (see the file header). */
export function audiencesData(o: AudiencesOptions): AudiencesData {
  const q = { tasks: 40, rows: 200, newTasks: 10, shots: 64, queryRows: 500, clusters: 4, features: 8, spread: 0.5, scale: 2, ...o };
  for (const key of ["tasks", "rows", "newTasks", "shots", "queryRows", "clusters", "features"] as const) {
    requireOption(Number.isInteger(q[key]) && q[key] >= 1, `audiences: ${key} must be a positive integer, got ${q[key]}`);
  }
  requireOption(q.spread >= 0 && Number.isFinite(q.spread), `audiences: spread must be a non-negative number, got ${q.spread}`);
  requireOption(q.scale > 0 && Number.isFinite(q.scale), `audiences: scale must be a positive number, got ${q.scale}`);
  const d = q.features;
  const seeds = new Seeds(q.seed);
  const truth = seeds.rng("audiences", "clusters");
  const clusters = Array.from({ length: q.clusters }, () => ({
    direction: normalise(Array.from({ length: d }, () => truth.normal())),
    offset: 0.5 * truth.normal(),
  }));
  const makeTask = (j: number, name: string): AudienceTask => {
    const g = j % q.clusters;
    const mu = clusters[g];
    const rng = seeds.rng("audiences", name, "task"); // its own stream: a task does not move when others are added
    const direction = normalise(mu.direction.map((m) => m + (q.spread * rng.normal()) / Math.sqrt(d)));
    return { name, cluster: g, direction, offset: mu.offset + 0.25 * rng.normal() };
  };
  const users = (t: AudienceTask, rows: number, stream: string): AudienceSet => {
    const rng = seeds.rng("audiences", t.name, stream);
    const x = new Float32Array(rows * d);
    rng.fillNormal(x);
    const probability = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let z = t.offset;
      for (let k = 0; k < d; k++) z += q.scale * t.direction[k] * x[i * d + k];
      probability[i] = sigmoid(z);
    }
    const labels = Float32Array.from(probability, (p) => (rng.uniform() < p ? 1 : 0));
    return { rows, x, labels, probability };
  };
  const train = Array.from({ length: q.tasks }, (_, j) => {
    const t = makeTask(j, `audience/${j}`);
    return { ...t, data: users(t, q.rows, "users") };
  });
  const fresh = Array.from({ length: q.newTasks }, (_, j) => {
    const t = makeTask(j, `new/${j}`);
    return { ...t, support: users(t, q.shots, "support"), query: users(t, q.queryRows, "query") };
  });
  return { input: { numeric: d, categorical: [] }, task: { name: "audience", kind: "binary" }, train, fresh, clusters };
}
