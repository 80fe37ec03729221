/**
 * The two task groups of the seesaw study: one regression task (MSE) beside one
 * binary task (AUC), as in PLE's private VCR/VTR pair, on public data.
 *
 * - Census-Income `seesaw-weeks` (lib/data/task-groups.ts): weeks worked in the year
 *   (standardised with training statistics, MSE) beside income > 50k (AUC); weeks_worked and
 *   every task's source column are removed from the inputs. Chosen over `seesaw-wage` because
 *   wage_per_hour is 0 in 94 % of the training rows (a near-constant target whose MSE is set by a
 *   few rows) and its labels do not correlate with income (Pearson −0.008 on the training file),
 *   while weeks worked does (0.26). Full rows; the split of the .test file is the project's
 *   recorded one (CENSUS_SPLIT_SEED). Every run sees the same data; a seed sets the
 *   initialisation and the minibatch order, and every model at one seed sees the same order.
 * - Synthetic seesaw (lib/data/seesaw.ts): MMoE's construction (preset mmoe: d = 100, c = 1,
 *   m = 5) with a task correlation that depends on the sample: +0.9 where u₃ᵀx ≥ 0, −0.5
 *   elsewhere; y1 regression, y2 = 1[latent > 0]. Each run draws its own data set from its seed
 *   (the same for every model of that seed, so comparisons are paired).
 */
import { censusGroup, loadCensus, type CensusSplit } from "../../data";
import { generateSeesawSynthetic, seesawSyntheticParams } from "../../data/seesaw";
import { pearson } from "../../engine/train/metrics";
import { deriveSeed } from "../../seeds";
import { interleaveLabels, onlyTask, splitsInOrder, type DataSet, type DataSource, type SplitArrays } from "../../engine/train/data";
import type { DataContext, RowCaps } from "../../engine/plan/experiment";
import type { InputSpec, TaskSpec } from "../../models/types";
import type { OneTaskCondition } from "../own-task-runs";

/** The census task group of the study (lib/data/task-groups.ts). */
export const SEESAW_CENSUS_GROUP = "seesaw-weeks" as const;

/**
 * The one-hot input width of the census group (6 numeric columns + 510 categories). The model
 * sizes of the census experiment were chosen for it; the data source refuses data of another
 * width, because the stated parameter counts would no longer hold.
 */
export const SEESAW_CENSUS_INPUT_WIDTH = 516;

/** Tasks in model order: the regression task first (PLE Fig. 3's x axis), the binary task second. */
export const SEESAW_CENSUS_TASKS: readonly TaskSpec[] = [
  { name: "weeks_worked", kind: "regression" },
  { name: "income", kind: "binary" },
];
export const SEESAW_SYNTHETIC_TASKS: readonly TaskSpec[] = [
  { name: "y1", kind: "regression" },
  { name: "y2", kind: "binary" },
];

/** Per-sample task correlations of the synthetic group (lib/data/seesaw.ts defaults, stated here). */
export const SEESAW_SYNTHETIC_CORRELATIONS = { pPositive: 0.9, pNegative: -0.5 } as const;
/** Rows per synthetic run when a profile sets no cap. */
export const SEESAW_SYNTHETIC_ROWS = { train: 20_000, validation: 5_000, test: 5_000 } as const;
export const SEESAW_SYNTHETIC_D = 100;

const toSplit = (s: CensusSplit): SplitArrays => ({ rows: s.rows, numeric: s.numeric, categorical: s.categorical, labels: interleaveLabels(s.labels, s.rows) });

/** Pearson correlation of the two label columns of a split (what "related tasks" means here). */
export function labelPearsonOf(split: SplitArrays, tasks = 2): number {
  const a = new Float32Array(split.rows);
  const b = new Float32Array(split.rows);
  for (let i = 0; i < split.rows; i++) {
    a[i] = split.labels[i * tasks];
    b[i] = split.labels[i * tasks + 1];
  }
  return pearson(a, b);
}

let censusMemo: { key: string; data: DataSet } | undefined;

/** The census seesaw group as the engine's data set (all rows; loads through the census cache; one copy per thread). */
export function seesawCensusDataSet(): DataSet {
  const loaded = loadCensus();
  if (censusMemo?.key === loaded.cacheKey) return censusMemo.data;
  const g = censusGroup(loaded, SEESAW_CENSUS_GROUP);
  const width = g.input.numeric + g.input.categorical.reduce((a, v) => a + v, 0);
  if (width !== SEESAW_CENSUS_INPUT_WIDTH) {
    throw new RangeError(
      `census group ${SEESAW_CENSUS_GROUP} has ${width} one-hot input columns, the seesaw experiment was sized for ${SEESAW_CENSUS_INPUT_WIDTH}; ` +
        "re-choose the model widths in lib/studies/seesaw/models.ts (the parameter counts must stay comparable) and update SEESAW_CENSUS_INPUT_WIDTH",
    );
  }
  const names = g.tasks.map((t) => t.name).join(", ");
  if (names !== SEESAW_CENSUS_TASKS.map((t) => t.name).join(", ")) throw new RangeError(`census group ${SEESAW_CENSUS_GROUP} has tasks ${names}; the seesaw study expects weeks_worked, income`);
  const train = toSplit(g.train);
  const data: DataSet = {
    tasks: g.tasks,
    input: g.input,
    train,
    validation: toSplit(g.validation),
    test: toSplit(g.test),
    info: {
      group: g.name,
      description: g.description,
      rows: { train: g.train.rows, validation: g.validation.rows, test: g.test.rows },
      inputWidth: width,
      targetScaling: g.targetScaling,
      labelPearsonTrain: labelPearsonOf(train),
      provenance: g.provenance,
    },
  };
  censusMemo = { key: loaded.cacheKey, data };
  return data;
}

/** A condition of a seesaw experiment: both tasks, or one of them alone (the Single-Task baseline's network for that task). */
export interface SeesawCondition {
  task?: string;
}

/** The multi-task condition of the seesaw experiments, and the one-task conditions of their Single-Task baseline beside it. */
export const SEESAW_BOTH_TASKS = "both-tasks";
const oneTaskConditions = (tasks: readonly TaskSpec[]): OneTaskCondition[] => tasks.map((t) => ({ condition: `${t.name}-only`, of: SEESAW_BOTH_TASKS, task: t.name }));
export const SEESAW_ONE_TASK_CONDITIONS: readonly OneTaskCondition[] = [...oneTaskConditions(SEESAW_CENSUS_TASKS), ...oneTaskConditions(SEESAW_SYNTHETIC_TASKS)];

/** An experiment's conditions: both tasks, and each task alone. */
export function seesawConditions(tasks: readonly TaskSpec[]): Record<string, SeesawCondition> {
  return { [SEESAW_BOTH_TASKS]: {}, ...Object.fromEntries(oneTaskConditions(tasks).map((c) => [c.condition, { task: c.task }])) };
}

/** The tasks a condition trains. */
export const conditionTasks = (tasks: readonly TaskSpec[], c: SeesawCondition): TaskSpec[] => tasks.filter((t) => c.task === undefined || t.name === c.task);

/** The engine's data source for the census experiment: one data set shared by every run (one task of it under a one-task condition). */
export function seesawCensusSource(ctx: DataContext<SeesawCondition>): DataSource {
  const data = seesawCensusDataSet();
  return { layout: "shared", data: ctx.condition.task === undefined ? data : onlyTask(data, ctx.condition.task) };
}

/** Pearson of (y1, y2) among the rows of one half of the input space (u₃ᵀx ≥ 0 or < 0). */
function regionPearson(y1: Float32Array, y2: Float32Array, sampleP: Float32Array, p: number): number {
  const idx: number[] = [];
  sampleP.forEach((v, i) => Math.abs(v - p) < 1e-6 && idx.push(i));
  if (idx.length < 3) return NaN;
  return pearson(Float32Array.from(idx, (i) => y1[i]), Float32Array.from(idx, (i) => y2[i]));
}

/** Run `seed`'s synthetic seesaw data set: one draw of the generator, split in order. */
export function seesawSyntheticDataSet(seed: number, caps: RowCaps = {}): DataSet {
  const rows = { ...SEESAW_SYNTHETIC_ROWS, ...caps };
  const samples = rows.train + rows.validation + rows.test;
  const g = generateSeesawSynthetic(seesawSyntheticParams({ ...SEESAW_SYNTHETIC_CORRELATIONS, seed: deriveSeed(seed, "seesaw-synthetic-data"), samples }));
  const d = g.input.numeric;
  const [y1, y2] = g.labels;
  let positives = 0;
  for (const v of y2) positives += v;
  return {
    tasks: g.tasks,
    input: g.input,
    ...splitsInOrder(g.x, d, [y1, y2], rows),
    info: {
      generator: "synthetic seesaw group (docs/protocol.md, lib/data/seesaw.ts; MMoE §3.2 construction with a per-sample task correlation)",
      d: g.params.d,
      c: g.params.c,
      m: g.params.m,
      noiseStd: g.params.noiseStd,
      pPositive: g.params.pPositive,
      pNegative: g.params.pNegative,
      threshold: g.params.threshold,
      seed: g.params.seed,
      alpha: g.params.alpha,
      beta: g.params.beta,
      rows,
      prevalenceY2: positives / y2.length,
      labelPearson: pearson(y1, y2),
      labelPearsonPositiveHalf: regionPearson(y1, y2, g.sampleP, g.params.pPositive),
      labelPearsonNegativeHalf: regionPearson(y1, y2, g.sampleP, g.params.pNegative),
    },
  };
}

export const SEESAW_SYNTHETIC_INPUT: InputSpec = { numeric: SEESAW_SYNTHETIC_D, categorical: [] };

/** The engine's data source for the synthetic experiment: a fresh data set per run seed. */
export function seesawSyntheticSource(ctx: DataContext<SeesawCondition>): DataSource {
  const task = ctx.condition.task;
  return {
    layout: "per-replica",
    tasks: conditionTasks(SEESAW_SYNTHETIC_TASKS, ctx.condition),
    input: SEESAW_SYNTHETIC_INPUT,
    // the seed alone draws the data: a one-task run sees its seed's data set, as the multi-task runs do
    dataFor: (seed) => (task === undefined ? seesawSyntheticDataSet(seed, ctx.rows) : onlyTask(seesawSyntheticDataSet(seed, ctx.rows), task)),
  };
}
