/**
 * The data side of the Census-Income AUC study: one task group of lib/data as the
 * engine's shared data set — the full training file, the .test file split 1:1 into validation
 * and test with the recorded split seed.
 *
 * A condition names the task group and how the .test file's categorical values are encoded:
 * `by-name` (correct, the default everywhere) or `positional-per-file` (the public code's one-hot
 * shift, lib/data/census-positional.ts). Conditions of one group share the minibatch order
 * (orderKey = the group), so a by-name run and its positional twin train identically and differ
 * only in the validation/test rows they are selected and scored on; with train.batchOrder
 * "per-seed" that holds at every seed, and a one-task condition reads its group's order too.
 *
 * A missing or altered data file stops here, before any training, with lib/data's error.
 */
import { censusGroup, loadCensus, type CategoricalEncoding, type CensusGroup, type CensusGroupName } from "../../data";
import { interleaveLabels, onlyTask, type DataSet, type DataSource, type SplitArrays } from "../../engine/train/data";
import { censusGroupTasks } from "../../data/task-groups";
import type { TaskSpec } from "../../data/spec";
import type { DataContext } from "../../engine/plan/experiment";

export interface CensusCondition {
  group: CensusGroupName;
  encoding: CategoricalEncoding;
  /** One task of the group only: the Single-Task baseline's condition for that task (its own
   *  learning rate, checkpoint and early stopping, on that task's validation metric). */
  task?: string;
}

/** The tasks a condition trains: the group's, or its one task. */
export function conditionTasks(c: CensusCondition): TaskSpec[] {
  const all = censusGroupTasks(c.group);
  return c.task === undefined ? all : all.filter((t) => t.name === c.task);
}

function split(g: CensusGroup, name: "train" | "validation" | "test"): SplitArrays {
  const s = g[name];
  return { rows: s.rows, numeric: s.numeric, categorical: s.categorical, labels: interleaveLabels(s.labels, s.rows) };
}

const memo = new Map<string, DataSet>();

/** The engine data set of one condition (prepared once per process; the census cache makes it fast). */
export function censusDataSet(condition: CensusCondition): DataSet {
  const key = `${condition.group}|${condition.encoding}|${condition.task ?? ""}`;
  const hit = memo.get(key);
  if (hit) return hit;
  if (condition.task !== undefined) {
    const narrowed = onlyTask(censusDataSet({ ...condition, task: undefined }), condition.task);
    memo.set(key, narrowed);
    return narrowed;
  }
  const g = censusGroup(loadCensus(), condition.group, { categoricalEncoding: condition.encoding });
  const data: DataSet = {
    tasks: g.tasks,
    input: g.input,
    train: split(g, "train"),
    validation: split(g, "validation"),
    test: split(g, "test"),
    info: {
      source: "UCI Census-Income (KDD), lib/data (docs/data.md)",
      group: g.name,
      description: g.description,
      tasks: g.tasks.map((t) => t.name),
      categoricalEncoding: g.provenance.categoricalEncoding,
      ...(g.provenance.positionalShift ? { positionalShift: g.provenance.positionalShift } : {}),
      rows: { train: g.train.rows, validation: g.validation.rows, test: g.test.rows },
      inputs: { numeric: g.numericColumns.length, categorical: g.categoricalColumns.length, oneHotWidth: g.oneHotWidth + g.numericColumns.length },
      splitSeed: g.provenance.splitSeed,
      preparationVersion: g.provenance.preparationVersion,
      options: g.provenance.options,
      files: { train: g.provenance.files.train.contentSha256, test: g.provenance.files.test.contentSha256 },
    },
  };
  memo.set(key, data);
  return data;
}

/** The engine's data source for one condition: shared rows, one minibatch order per task group. */
export function censusSource(ctx: DataContext<CensusCondition>): DataSource {
  return { layout: "shared", data: censusDataSet(ctx.condition), orderKey: ctx.condition.group };
}

/** Before any training: the files are there and intact, and the condition's data can be built (else lib/data's error). */
export function censusPreflight(ctx: DataContext<CensusCondition>): void {
  censusDataSet(ctx.condition);
}
