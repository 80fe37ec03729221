/**
 * The data of the user-models study.
 *
 * MetaHeac: the audiences family of lib/data/audiences.ts, one family per run seed (per-replica
 * layout). 40 training audiences of 200 users; 20 new audiences with 64 support and 500 query
 * users each, the first 10 choosing the checkpoint (validation), the last 10 scored (test). The
 * condition fixes the training mode and the episode settings (engine/meta-trainer.ts), so they
 * are part of every run key. The engine's pooled splits (train: every training row; validation /
 * test: the new tasks' query rows) only satisfy its checks: the episodic trainer reads `episodes`.
 *
 * DUPN: one sessions data set (lib/data/sessions.ts) shared by every run (the model reads
 * categorical columns, which the engine batches only for shared data, as Census-Income): runs
 * differ in initialisation, as in the census notebooks. 20,000 / 5,000 / 10,000 users. The
 * condition names the tasks trained: all three, one alone, or the held-out task alone (the
 * transfer baseline trained from scratch). The data set carries, beside the splits, which
 * behaviours are relevant and the held-out task's labels, for the attention and transfer
 * evaluations (dupn-trainer.ts); no training step reads them.
 */
import { audiencesData, sessionsData, type AudienceSet, type SessionsData } from "../../data";
import type { DataSource, SplitArrays } from "../../engine/train/data";
import type { DataContext } from "../../engine/plan/experiment";
import type { EpisodeSettings, EpisodicDataSet, FewShotTask, TaskRows } from "../../engine/train/meta-trainer";
import type { TaskSpec } from "../../models/types";
import { deriveSeed } from "../../seeds";

// ---- MetaHeac: audiences

export const AUDIENCE_FEATURES = 8;
export const AUDIENCE_TASK: TaskSpec = { name: "audience", kind: "binary" };
export const AUDIENCES = { tasks: 40, rows: 200, newTasks: 20, shots: 64, queryRows: 500 };

export interface AudienceCondition {
  episodes: EpisodeSettings;
}

const rowsOf = (s: AudienceSet): TaskRows => ({ rows: s.rows, numeric: s.x, labels: s.labels });

function pooled(sets: readonly TaskRows[]): SplitArrays {
  const rows = sets.reduce((n, s) => n + s.rows, 0);
  const numeric = new Float32Array(rows * AUDIENCE_FEATURES), labels = new Float32Array(rows);
  let at = 0;
  for (const s of sets) {
    numeric.set(s.numeric, at * AUDIENCE_FEATURES);
    labels.set(s.labels, at);
    at += s.rows;
  }
  return { rows, numeric, labels };
}

/** Run `seed`'s audience family with the condition's episode settings. */
export function audienceDataSet(seed: number, settings: EpisodeSettings): EpisodicDataSet {
  const a = audiencesData({ seed: deriveSeed(seed, "user-models-audiences"), features: AUDIENCE_FEATURES, ...AUDIENCES });
  const fresh: FewShotTask[] = a.fresh.map((t) => ({ support: rowsOf(t.support), query: rowsOf(t.query) }));
  const half = AUDIENCES.newTasks / 2;
  const train = a.train.map((t) => rowsOf(t.data));
  const validation = fresh.slice(0, half), test = fresh.slice(half);
  return {
    tasks: [{ ...AUDIENCE_TASK }],
    input: a.input,
    train: pooled(train),
    validation: pooled(validation.map((t) => t.query)),
    test: pooled(test.map((t) => t.query)),
    episodes: { settings, train, validation, test },
    info: {
      generator: "audiences (lib/data/audiences.ts): p_j(x) = σ(γ w_jᵀx + b_j), w_j around one of G cluster directions",
      seed,
      ...AUDIENCES,
      clusters: a.clusters.length,
      features: AUDIENCE_FEATURES,
      positiveRate: train.reduce((s, t) => s + t.labels.reduce((x, y) => x + y, 0), 0) / (AUDIENCES.tasks * AUDIENCES.rows),
    },
  };
}

export function audienceSource(ctx: DataContext<AudienceCondition>): DataSource {
  return { layout: "per-replica", tasks: [{ ...AUDIENCE_TASK }], input: { numeric: AUDIENCE_FEATURES, categorical: [] }, dataFor: (seed) => audienceDataSet(seed, ctx.condition.episodes) };
}

// ---- DUPN: sessions

export const SESSION_ROWS = { train: 20_000, validation: 5_000, test: 10_000 };
export const SESSION_TASKS: TaskSpec[] = [
  { name: "click", kind: "binary" },
  { name: "rank", kind: "binary" },
  { name: "price", kind: "regression" },
];
export const TRANSFER_TASK: TaskSpec = { name: "transfer", kind: "binary" };
/** The one world every DUPN run trains on (a seed of its own, not a run seed). */
export const SESSIONS_SEED = 7;

export interface SessionCondition {
  /** Task names trained, in SESSION_TASKS order, or ["transfer"]. */
  tasks: string[];
  /** Whether this condition's runs fit a head on their frozen representation for the held-out task. */
  transferHead: boolean;
}

/** Per split: which behaviours are relevant [rows × L] and the held-out task's labels. */
export interface SessionExtras {
  length: number;
  relevant: Record<"train" | "validation" | "test", Uint8Array>;
  transfer: Record<"train" | "validation" | "test", Float32Array>;
  transferHead: boolean;
}

let sessionsMemo: SessionsData | null = null;

/** The sessions world of every DUPN run, drawn once per process. */
export function sessionsWorld(): SessionsData {
  sessionsMemo ??= sessionsData({ rows: SESSION_ROWS.train + SESSION_ROWS.validation + SESSION_ROWS.test, seed: SESSIONS_SEED });
  return sessionsMemo;
}

export function sessionTasks(condition: SessionCondition): TaskSpec[] {
  return condition.tasks.map((name) => {
    const t = name === TRANSFER_TASK.name ? TRANSFER_TASK : SESSION_TASKS.find((x) => x.name === name);
    if (!t) throw new RangeError(`sessions: unknown task "${name}"; valid: ${[...SESSION_TASKS, TRANSFER_TASK].map((x) => x.name).join(", ")}`);
    return { ...t };
  });
}

export function sessionSource(ctx: DataContext<SessionCondition>): DataSource {
  const s = sessionsWorld();
  const tasks = sessionTasks(ctx.condition);
  const columns = tasks.map((t) => (t.name === TRANSFER_TASK.name ? s.transfer.labels : s.labels[SESSION_TASKS.findIndex((x) => x.name === t.name)]));
  const nCat = s.input.categorical.length, L = s.input.sequence!.length;
  const T = tasks.length;
  const bounds = { train: [0, SESSION_ROWS.train], validation: [SESSION_ROWS.train, SESSION_ROWS.validation], test: [SESSION_ROWS.train + SESSION_ROWS.validation, SESSION_ROWS.test] } as const;
  const cap = (name: keyof typeof bounds) => Math.min(bounds[name][1], ctx.rows[name] ?? Infinity);
  const split = (name: keyof typeof bounds): SplitArrays => {
    const [from] = bounds[name], rows = cap(name);
    const labels = new Float32Array(rows * T);
    for (let i = 0; i < rows; i++) for (let t = 0; t < T; t++) labels[i * T + t] = columns[t][from + i];
    return { rows, numeric: s.numeric.subarray(from, from + rows), categorical: s.categorical.subarray(from * nCat, (from + rows) * nCat), labels };
  };
  const extra = (name: keyof typeof bounds) => {
    const [from] = bounds[name], rows = cap(name);
    return { relevant: s.truth.relevant.subarray(from * L, (from + rows) * L), transfer: s.transfer.labels.subarray(from, from + rows) };
  };
  const sessions: SessionExtras = {
    length: L,
    relevant: { train: extra("train").relevant, validation: extra("validation").relevant, test: extra("test").relevant },
    transfer: { train: extra("train").transfer, validation: extra("validation").transfer, test: extra("test").transfer },
    transferHead: ctx.condition.transferHead,
  };
  return {
    layout: "shared",
    // every condition trains on the same rows in the same order: runs of one seed differ in the tasks only
    orderKey: "sessions",
    data: {
      tasks,
      input: s.input,
      train: split("train"),
      validation: split("validation"),
      test: split("test"),
      sessions,
      info: { generator: "sessions (lib/data/sessions.ts)", seed: SESSIONS_SEED, rows: { train: cap("train"), validation: cap("validation"), test: cap("test") }, tasks: tasks.map((t) => t.name) },
    } as SessionsDataSet,
  };
}

export type SessionsDataSet = import("../../engine/train/data").DataSet & { sessions: SessionExtras };
