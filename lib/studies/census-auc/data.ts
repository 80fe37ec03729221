/**
 * The data side of the Census-Income AUC study: one task group of lib/data as the
 * engine's shared data set — the full training file, the .test file split 1:1 into validation
 * and test with the recorded split seed, every replica seeing the same rows in the same order
 * (runs differ only in their initialisation, as in the papers).
 *
 * A condition names the task group and how the .test file's categorical values are encoded:
 * `by-name` (correct, the default everywhere) or `positional-per-file` (the public code's one-hot
 * shift, lib/data/census-positional.ts). Conditions of one group share the minibatch order
 * (orderKey = the group), so a by-name run and its positional twin train identically and differ
 * only in the validation/test rows they are selected and scored on.
 *
 * A missing or altered data file stops here, before any training, with lib/data's error.
 */
import { censusGroup, loadCensus, type CategoricalEncoding, type CensusGroup, type CensusGroupName } from "../../data";
import { interleaveLabels, splitsInOrder, type DataSet, type DataSource, type SplitArrays } from "../../engine/data";
import type { DataContext } from "../../engine/experiment";

export interface CensusCondition {
  group: CensusGroupName;
  encoding: CategoricalEncoding;
}

function split(g: CensusGroup, name: "train" | "validation" | "test"): SplitArrays {
  const s = g[name];
  return { rows: s.rows, numeric: s.numeric, categorical: s.categorical, labels: interleaveLabels(s.labels, s.rows) };
}

const memo = new Map<string, DataSet>();

/** The engine data set of one condition (prepared once per process; the census cache makes it fast). */
export function censusDataSet(condition: CensusCondition): DataSet {
  const key = `${condition.group}|${condition.encoding}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const g = censusGroup(loadCensus(), condition.group, { categoricalEncoding: condition.encoding });
  const data: DataSet = {
    tasks: g.tasks,
    input: g.input,
    train: split(g, "train"),
    validation: split(g, "validation"),
    test: split(g, "test"),
    info: {
      source: "UCI Census-Income (KDD), lib/data (SPEC §1.2)",
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
