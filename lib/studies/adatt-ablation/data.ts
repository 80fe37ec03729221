/**
 * The two task groups of the AdaTT ablation study (notebook 05), as the engine's data sources:
 *
 * - census: Census-Income's AdaTT group (income, never married, education bachelor+),
 *   the full training file, the .test file split 1:1 into validation and test with the recorded
 *   seed. Shared layout: every run sees the same rows in the same order; runs differ by their
 *   initialisation only (as in the papers).
 * - synthetic: four tasks of the paper's kinds in the paper's order (task 1 regression / MSE,
 *   tasks 2–4 binary / NE; AdaTT Tables 6–8 report four tasks so), with relations built in: two
 *   related pairs, {y1, y2} and {y3, y4}, at weight cosine 0.9, and cosine 0 across the pairs
 *   (lib/data/synthetic-group.ts; MMoE §3's generator otherwise: d = 100, c = 1, m = 5, noise
 *   variance 0.01). Binary labels threshold the latent label at its median. Per-replica layout:
 *   every run seed draws its own data set, so comparisons between models are paired by seed.
 */
import { blockCosines, censusGroup, censusGroupTasks, generateSyntheticGroup, loadCensus, type CensusGroup, type SyntheticGroupParams } from "../../data";
import { splitsInOrder, type DataSet, type DataSource, type SplitArrays } from "../../engine/train/data";
import type { DataContext, RowCaps } from "../../engine/plan/experiment";
import type { TaskKind, TaskSpec } from "../../models/types";
import { deriveSeed } from "../../seeds";

export interface CensusCondition {
  group: "census";
  /** The task group of lib/data/task-groups.ts. */
  taskGroup: "adatt";
}

/** Everything that defines the synthetic group (stored with every run through the condition). */
export interface SyntheticGroupCondition {
  group: "synthetic";
  d: number;
  c: number;
  m: number;
  noiseStd: number;
  alphaBetaStd: number;
  kinds: TaskKind[];
  /** Blocks of related tasks (task indices); tasks in no common block are unrelated. */
  related: number[][];
  /** Weight cosine of related tasks. */
  cosine: number;
  positiveRate: number;
  /** Rows drawn per run (profiles may cap them). */
  rows: { train: number; validation: number; test: number };
}

export type AdattCondition = CensusCondition | SyntheticGroupCondition;

export const CENSUS_CONDITION: CensusCondition = { group: "census", taskGroup: "adatt" };

export const SYNTHETIC_CONDITION: SyntheticGroupCondition = {
  group: "synthetic",
  d: 100,
  c: 1,
  m: 5,
  noiseStd: 0.1,
  alphaBetaStd: 1,
  kinds: ["regression", "binary", "binary", "binary"],
  related: [
    [0, 1],
    [2, 3],
  ],
  cosine: 0.9,
  positiveRate: 0.5,
  // more rows than MMoE's 10,000 / 2,000 / 2,000: with 20,000 training rows the final model
  // overfitted the binary tasks in pilot runs (test NE 0.37 vs 0.29 at 40,000), and the effects
  // judged here are fractions of a percent, so the test split is larger too
  rows: { train: 40_000, validation: 5_000, test: 10_000 },
};

/** Pairs (task index, its related tasks) of a synthetic condition. */
export function relatedTasks(c: SyntheticGroupCondition, task: number): number[] {
  return (c.related.find((b) => b.includes(task)) ?? [task]).filter((t) => t !== task);
}

export function syntheticGroupParams(c: SyntheticGroupCondition, seed: number, samples: number): SyntheticGroupParams {
  return {
    d: c.d,
    c: c.c,
    m: c.m,
    noiseStd: c.noiseStd,
    alphaBetaStd: c.alphaBetaStd,
    seed,
    samples,
    kinds: c.kinds,
    cosines: blockCosines(c.kinds.length, c.related, c.cosine),
    positiveRate: c.positiveRate,
  };
}

/** Run `seed`'s synthetic data set: one draw of the generator, split in order, only the rows used. */
export function syntheticGroupDataSet(c: SyntheticGroupCondition, seed: number, caps: RowCaps = {}): DataSet {
  const rows = { train: Math.min(c.rows.train, caps.train ?? Infinity), validation: Math.min(c.rows.validation, caps.validation ?? Infinity), test: Math.min(c.rows.test, caps.test ?? Infinity) };
  const g = generateSyntheticGroup(syntheticGroupParams(c, deriveSeed(seed, "adatt-synthetic-data"), rows.train + rows.validation + rows.test));
  const d = c.d;
  const { alpha, beta, threshold, seed: dataSeed } = g.params;
  return {
    tasks: g.tasks,
    input: g.input,
    ...splitsInOrder(g.x, d, g.labels, rows),
    info: { generator: "synthetic task group (lib/data/synthetic-group.ts)", seed: dataSeed, cosines: g.params.cosines, kinds: g.params.kinds, alpha, beta, threshold, rows },
  };
}

function censusDataSet(group: CensusGroup): DataSet {
  const T = group.tasks.length;
  const split = (s: CensusGroup["train"]): SplitArrays => {
    const labels = new Float32Array(s.rows * T);
    s.labels.forEach((col, t) => col.forEach((v, i) => (labels[i * T + t] = v)));
    return { rows: s.rows, numeric: s.numeric, categorical: s.categorical, labels };
  };
  return {
    tasks: group.tasks,
    input: group.input,
    train: split(group.train),
    validation: split(group.validation),
    test: split(group.test),
    info: { group: group.name, description: group.description, splitSeed: group.provenance.splitSeed, files: group.provenance.files, preparationVersion: group.provenance.preparationVersion },
  };
}

// one copy per thread: every worker builds it once for all its groups
let censusMemo: DataSet | undefined;

/** The Census-Income AdaTT group as the engine's shared data set (loaded once per thread). */
export function adattCensusDataSet(): DataSet {
  censusMemo ??= censusDataSet(censusGroup(loadCensus(), "adatt"));
  return censusMemo;
}

/** A condition's tasks, known without building its data. */
export function adattAblationTasks(_: string, c: AdattCondition): TaskSpec[] {
  return c.group === "census" ? censusGroupTasks("adatt") : c.kinds.map((kind, k) => ({ name: `y${k + 1}`, kind }));
}

/** The engine's data source for one condition. */
export function adattAblationSource(ctx: DataContext<AdattCondition>): DataSource {
  const c = ctx.condition;
  if (c.group === "census") return { layout: "shared", data: adattCensusDataSet() };
  return { layout: "per-replica", tasks: adattAblationTasks(ctx.conditionName, c), input: { numeric: c.d, categorical: [] }, dataFor: (seed) => syntheticGroupDataSet(c, seed, ctx.rows) };
}
