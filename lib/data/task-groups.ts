/**
 * Census-Income task groups (docs/protocol.md, Data): which labels are tasks, which columns are inputs,
 * and the model-ready arrays per split. Every group removes EVERY task's source column
 * (education, marital_stat, income_50k) from its inputs — not only its own tasks' — so all groups
 * share one input layout; a regression group also removes its target's column.
 */
import type { InputSpec, TaskSpec } from "./spec";
import type { LoadedCensus } from "./census";
import type { CensusLabel, PreparedCensus, PreparedRows } from "./census-prepare";
import { parseCategoricalEncoding, positionalPerFile, type CategoricalEncoding, type PositionalShift } from "./census-positional";
import { CENSUS_SPLIT_SEED, splitTestFile } from "./census-split";
import { DataError } from "./errors";

/** The columns labels are built from; never an input in any group. */
export const TASK_SOURCE_COLUMNS = ["education", "marital_stat", "income_50k"] as const;

export interface CensusTaskDef {
  /** Task name used in results ("income", "marital", "education", "weeks_worked", …). */
  name: string;
  kind: TaskSpec["kind"];
  label: CensusLabel;
}

export interface CensusGroupDef {
  description: string;
  /** Main task first. */
  tasks: readonly CensusTaskDef[];
  /** Columns removed from the inputs besides TASK_SOURCE_COLUMNS (a regression target's source). */
  alsoRemoved: readonly string[];
}

export const CENSUS_GROUPS = {
  "mmoe-g1": {
    description: "MMoE group 1: income (main) + never married; paper |Pearson| 0.1768",
    tasks: [
      { name: "income", kind: "binary", label: "income" },
      { name: "marital", kind: "binary", label: "never_married" },
    ],
    alsoRemoved: [],
  },
  "mmoe-g2": {
    description: "MMoE group 2: education associate+ (main) + never married; paper |Pearson| 0.2373 (associate+ gives 0.238)",
    tasks: [
      { name: "education", kind: "binary", label: "education_associate_plus" },
      { name: "marital", kind: "binary", label: "never_married" },
    ],
    alsoRemoved: [],
  },
  adatt: {
    description: "AdaTT Table 5: income, never married, education bachelor+ (the MMoEEx/AdaTT reading)",
    tasks: [
      { name: "income", kind: "binary", label: "income" },
      { name: "marital", kind: "binary", label: "never_married" },
      { name: "education", kind: "binary", label: "education_bachelor_plus" },
    ],
    alsoRemoved: [],
  },
  "seesaw-weeks": {
    description:
      "Seesaw stand-in (docs/data.md): weeks_worked regression (standardised, MSE) + income binary (AUC); weeks_worked removed from inputs",
    tasks: [
      { name: "weeks_worked", kind: "regression", label: "weeks_worked" },
      { name: "income", kind: "binary", label: "income" },
    ],
    alsoRemoved: ["weeks_worked"],
  },
  "seesaw-wage": {
    description:
      "Seesaw stand-in (docs/data.md): log(1 + wage_per_hour) regression (standardised, MSE) + income binary; wage_per_hour removed from inputs",
    tasks: [
      { name: "log_wage", kind: "regression", label: "log1p_wage_per_hour" },
      { name: "income", kind: "binary", label: "income" },
    ],
    alsoRemoved: ["wage_per_hour"],
  },
} as const satisfies Record<string, CensusGroupDef>;

export type CensusGroupName = keyof typeof CENSUS_GROUPS;
export const CENSUS_GROUP_NAMES = Object.keys(CENSUS_GROUPS) as CensusGroupName[];

/** A group's tasks (main task first), known without loading the data. */
export function censusGroupTasks(name: CensusGroupName): TaskSpec[] {
  return CENSUS_GROUPS[name].tasks.map((t) => ({ name: t.name, kind: t.kind }));
}

/** One split, model-ready. */
export interface CensusSplit {
  rows: number;
  /** [rows × numericColumns.length], row-major, standardised with train statistics. */
  numeric: Float32Array;
  /** [rows × categoricalColumns.length], row-major, vocabulary indices (0 = UNKNOWN). */
  categorical: Int32Array;
  /** One array per task, in task order: 0/1 for binary, the standardised target for regression. */
  labels: Float32Array[];
}

export interface CensusGroup {
  name: CensusGroupName;
  description: string;
  /** Main task first. */
  tasks: TaskSpec[];
  input: InputSpec;
  numericColumns: string[];
  categoricalColumns: string[];
  /** Per categorical column (same order): index → category, entry 0 = "<unknown>". */
  vocabularies: string[][];
  /** Sum of vocabulary sizes: the width of a one-hot encoding of the categorical inputs. */
  oneHotWidth: number;
  /** Regression targets' standardisation (train mean/std of the raw target), by task name. */
  targetScaling: Record<string, { mean: number; std: number }>;
  train: CensusSplit;
  validation: CensusSplit;
  test: CensusSplit;
  /** What a result must record to be reproducible. */
  provenance: {
    splitSeed: number;
    preparationVersion: number;
    options: PreparedCensus["options"];
    /** How the .test file's categorical values were encoded (census-positional.ts). */
    categoricalEncoding: CategoricalEncoding;
    /** positional-per-file only: what moved and why. */
    positionalShift?: PositionalShift;
    files: LoadedCensus["files"];
    cacheKey: string;
  };
}

export interface CensusGroupOptions {
  /** Seed of the validation/test split of the .test file (default CENSUS_SPLIT_SEED). */
  splitSeed?: number;
  /**
   * Encoding of the .test file's categorical values (validation and test rows). Default
   * "by-name"; "positional-per-file" reproduces the public code's one-hot shift on purpose
   * (census-positional.ts) and is never a default anywhere.
   */
  categoricalEncoding?: CategoricalEncoding;
}

function gather(rows: PreparedRows, idx: Uint32Array | null, numCols: string[], catCols: string[],
  labels: Float32Array[]): CensusSplit {
  const n = idx ? idx.length : rows.rows;
  const at = (i: number): number => (idx ? idx[i] : i);
  const numeric = new Float32Array(n * numCols.length);
  numCols.forEach((c, j) => {
    const src = rows.numeric[c];
    for (let i = 0; i < n; i++) numeric[i * numCols.length + j] = src[at(i)];
  });
  const categorical = new Int32Array(n * catCols.length);
  catCols.forEach((c, j) => {
    const src = rows.categorical[c];
    for (let i = 0; i < n; i++) categorical[i * catCols.length + j] = src[at(i)];
  });
  const out = labels.map((src) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = src[at(i)];
    return a;
  });
  return { rows: n, numeric, categorical, labels: out };
}

function standardised(x: Float32Array, s: { mean: number; std: number }): Float32Array {
  return Float32Array.from(x, (v) => (v - s.mean) / s.std);
}

/** Builds one task group from loaded data (cheap: copies arrays; load once, build many groups). */
export function censusGroup(loaded: LoadedCensus, name: CensusGroupName, options: CensusGroupOptions = {}): CensusGroup {
  const def: CensusGroupDef = CENSUS_GROUPS[name];
  if (!def) {
    throw new DataError("invalid-option", `unknown census group ${JSON.stringify(name)}; known: ${CENSUS_GROUP_NAMES.join(", ")}`);
  }
  const p = loaded.prepared;
  const removed = new Set<string>([...TASK_SOURCE_COLUMNS, ...def.alsoRemoved]);
  const numericColumns = p.numericColumns.filter((c) => !removed.has(c));
  const categoricalColumns = p.categoricalColumns.filter((c) => !removed.has(c));
  const vocabularies = categoricalColumns.map((c) => p.vocabularies[c]);
  const split = splitTestFile(p.testFile.rows, options.splitSeed ?? CENSUS_SPLIT_SEED);
  const categoricalEncoding = parseCategoricalEncoding(options.categoricalEncoding);
  let testFile = p.testFile;
  let positionalShift: PositionalShift | undefined;
  if (categoricalEncoding === "positional-per-file") {
    if (p.options.minCategoryCount !== 1) {
      throw new DataError("invalid-option", `categoricalEncoding "positional-per-file" needs every training category in the vocabulary (minCategoryCount 1, got ${p.options.minCategoryCount}), as the public code's one-hot has`);
    }
    const shifted = positionalPerFile(categoricalColumns, vocabularies, p.testFile.categorical);
    testFile = { ...p.testFile, categorical: { ...p.testFile.categorical, ...shifted.indices } };
    positionalShift = shifted.shift;
  }

  const targetScaling: Record<string, { mean: number; std: number }> = {};
  const labelsOf = (rows: PreparedRows): Float32Array[] =>
    def.tasks.map((t) => {
      const raw = rows.labels[t.label];
      return t.kind === "regression" ? standardised(raw, targetScaling[t.name]) : raw;
    });
  for (const t of def.tasks) {
    if (t.kind !== "regression") continue;
    const y = p.train.labels[t.label]; // fitted on the training file only
    let s = 0;
    for (const v of y) s += v;
    const mean = s / y.length;
    let ss = 0;
    for (const v of y) ss += (v - mean) ** 2;
    targetScaling[t.name] = { mean, std: Math.sqrt(ss / y.length) || 1 };
  }
  const trainLabels = labelsOf(p.train);
  const testLabels = labelsOf(testFile);
  return {
    name,
    description: def.description,
    tasks: def.tasks.map((t) => ({ name: t.name, kind: t.kind })),
    input: { numeric: numericColumns.length, categorical: vocabularies.map((v) => v.length) },
    numericColumns,
    categoricalColumns,
    vocabularies,
    oneHotWidth: vocabularies.reduce((s, v) => s + v.length, 0),
    targetScaling,
    train: gather(p.train, null, numericColumns, categoricalColumns, trainLabels),
    validation: gather(testFile, split.validation, numericColumns, categoricalColumns, testLabels),
    test: gather(testFile, split.test, numericColumns, categoricalColumns, testLabels),
    provenance: {
      splitSeed: split.seed,
      preparationVersion: p.version,
      options: p.options,
      categoricalEncoding,
      ...(positionalShift ? { positionalShift } : {}),
      files: loaded.files,
      cacheKey: loaded.cacheKey,
    },
  };
}
