/**
 * What the engine trains on: host typed arrays, one set per split, row-major.
 * Experiments adapt lib/data's generators and pipelines to these shapes; the engine uploads the
 * training split once and gathers minibatches on the backend.
 */
import type { InputSpec, TaskSpec } from "../../models/types";

export interface SplitArrays {
  rows: number;
  /** [rows, input.numeric] float32, row-major. */
  numeric: Float32Array;
  /** [rows, input.categorical.length] int32 indices, row-major; absent when there are no categorical columns. */
  categorical?: Int32Array;
  /** [rows, tasks.length] float32: 0/1 for binary tasks, the target for regression tasks. */
  labels: Float32Array;
  /** [rows] per-sample metric weights (metrics only; training is unweighted). */
  weights?: Float32Array;
  /**
   * [rows, tasks.length] float32: the true probability of each binary label, for a generator that
   * knows it (NaN where it does not). Metrics only: evaluation adds the predictions' bias and
   * calibration against it; training never reads it.
   */
  truth?: Float32Array;
}

/**
 * Per-task label columns to the engine's [rows, T] row-major labels: rows `from` … `from + rows − 1`
 * of every column (a generator's columns, or one split's).
 */
export function interleaveLabels(columns: readonly Float32Array[], rows: number, from = 0): Float32Array {
  const T = columns.length;
  const out = new Float32Array(rows * T);
  for (let t = 0; t < T; t++) {
    const col = columns[t];
    if (col.length < from + rows) throw new RangeError(`interleaveLabels: task ${t} has ${col.length} labels, rows ${from}…${from + rows - 1} asked`);
    for (let i = 0; i < rows; i++) out[i * T + t] = col[from + i];
  }
  return out;
}

/**
 * One generator draw (numeric rows [n, d] row-major and per-task label columns) cut in order
 * into train, validation and test splits of the given row counts; views, not copies, of `x`.
 */
export function splitsInOrder(x: Float32Array, d: number, labels: readonly Float32Array[], rows: { train: number; validation: number; test: number }, truth?: readonly Float32Array[]): Pick<DataSet, "train" | "validation" | "test"> {
  const split = (from: number, n: number): SplitArrays => ({
    rows: n,
    numeric: x.subarray(from * d, (from + n) * d),
    labels: interleaveLabels(labels, n, from),
    ...(truth ? { truth: interleaveLabels(truth, n, from) } : {}),
  });
  return { train: split(0, rows.train), validation: split(rows.train, rows.validation), test: split(rows.train + rows.validation, rows.test) };
}

export interface DataSet {
  tasks: TaskSpec[];
  input: InputSpec;
  train: SplitArrays;
  validation: SplitArrays;
  test: SplitArrays;
  /** What was generated or loaded (preset, row counts, checksums): stored with every run. */
  info?: Record<string, unknown>;
  /**
   * Fresh training rows for epoch `epoch` ≥ 1, for a generator that can draw without end: a new
   * split with `train`'s row count each call (`train` is epoch 0), called once per epoch in
   * order. With it no training row is seen twice, so the training loss is a loss on unseen
   * samples and training studies optimisation rather than memorisation of a finite set.
   */
  freshTrain?(epoch: number): SplitArrays;
}

/**
 * Shared: one data set, every replica sees the same rows in the same order (census: only the
 * initialisation differs between runs, as in the papers).
 * Per-replica: each run seed gets its own data set (synthetic studies draw a new data set per run).
 */
export type DataSource =
  | {
      layout: "shared";
      data: DataSet;
      /**
       * Conditions whose sources give the same key train on the same minibatch order (default: the
       * condition name). For conditions that share the training rows and differ only in how
       * validation/test are presented, so that their runs differ in nothing else.
       */
      orderKey?: string;
    }
  | { layout: "per-replica"; tasks: TaskSpec[]; input: InputSpec; dataFor(seed: number): DataSet };

const SPLITS = ["train", "validation", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

/** Checks every array length against the declared shapes; errors name the split and the array. */
export function checkDataSet(data: DataSet, where = "data set"): void {
  const nCat = data.input.categorical.length;
  for (const split of SPLITS) {
    const s = data[split];
    const expect = (name: string, actual: number | undefined, wanted: number) => {
      if (actual !== wanted) {
        throw new RangeError(`${where}: ${split}.${name} has length ${String(actual)}, expected ${wanted} (rows ${s.rows})`);
      }
    };
    if (!(s.rows > 0)) throw new RangeError(`${where}: ${split} has no rows`);
    expect("numeric", s.numeric.length, s.rows * data.input.numeric);
    expect("labels", s.labels.length, s.rows * data.tasks.length);
    if (nCat > 0) expect("categorical", s.categorical?.length, s.rows * nCat);
    if (s.weights) expect("weights", s.weights.length, s.rows);
    if (s.truth) expect("truth", s.truth.length, s.rows * data.tasks.length);
  }
}

/** The first `rows` rows of a split (profiles subsample by truncation of an already shuffled split). */
export function headRows(s: SplitArrays, rows: number, numeric: number, nCat: number, tasks: number): SplitArrays {
  if (rows >= s.rows) return s;
  return {
    rows,
    numeric: s.numeric.subarray(0, rows * numeric),
    categorical: s.categorical?.subarray(0, rows * nCat),
    labels: s.labels.subarray(0, rows * tasks),
    weights: s.weights?.subarray(0, rows),
    truth: s.truth?.subarray(0, rows * tasks),
  };
}

/** Column `task` of a [rows, T] label matrix. */
export function labelColumn(s: SplitArrays, task: number, tasks: number): Float32Array {
  const out = new Float32Array(s.rows);
  for (let i = 0; i < s.rows; i++) out[i] = s.labels[i * tasks + task];
  return out;
}

/**
 * The data set with one task kept (its label and truth columns; every input unchanged): what a
 * Single-Task baseline trains on when each task gets its own learning rate, checkpoint and early
 * stopping, selected on that task's validation metric alone.
 */
export function onlyTask(data: DataSet, task: string): DataSet {
  const t = data.tasks.findIndex((x) => x.name === task);
  if (t < 0) throw new RangeError(`onlyTask: no task "${task}" in the data; tasks: ${data.tasks.map((x) => x.name).join(", ")}`);
  const T = data.tasks.length;
  const narrow = (s: SplitArrays): SplitArrays => {
    const column = (m: Float32Array) => labelColumn({ ...s, labels: m }, t, T);
    return { ...s, labels: column(s.labels), ...(s.truth ? { truth: column(s.truth) } : {}) };
  };
  const narrowed: DataSet = { ...data, tasks: [data.tasks[t]], train: narrow(data.train), validation: narrow(data.validation), test: narrow(data.test), info: { ...data.info, onlyTask: task } };
  if (data.freshTrain) narrowed.freshTrain = (epoch) => narrow(data.freshTrain!(epoch));
  return narrowed;
}
