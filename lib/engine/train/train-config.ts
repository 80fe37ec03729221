/**
 * The training settings of an experiment, with every default documented on its field.
 * `resolveTrainConfig` validates them against the tasks and names the field on any error.
 */
import type { TaskSpec } from "../../models/types";
import { DEFAULT_ADAM, type AdamConfig } from "./adam";
import type { StoppingRule } from "./replica-state";

export interface TrainConfig {
  /** Maximum optimiser steps per run. */
  steps: number;
  /** Minibatch rows (capped at the training split's size). */
  batchSize: number;
  /** Steps between validation evaluations; also the interval of the recorded loss curves. */
  evalEvery: number;
  /** Evaluations without improvement before a replica stops early. Default: never stop early. */
  patience?: number;
  /** Learning-rate grid; the best on validation is chosen per run. MMoE used [1e-4, 1e-3, 1e-2]. */
  learningRates: number[];
  /**
   * How the grid's winner is chosen. "per-run" (default): each run keeps its own best rate.
   * "per-arm": every run trains every rate and one rate per arm (model × condition) is chosen
   * on the mean validation selection metric over its runs, as MMoE §5.1 grid-searches per model;
   * runs keep every rate's outcome and are reported at the arm's rate (see applyArmLearningRates).
   * "pilot": only the `pilotSeeds` train every rate; the arm's rate is chosen on their mean
   * validation selection metric, and the reported seeds train at that rate alone. The choice
   * never sees a reported run, and the grid costs its rates once per arm instead of once per run.
   */
  learningRateChoice?: "per-run" | "per-arm" | "pilot";
  /**
   * The seeds that choose the arm's rate under learningRateChoice "pilot": never reported, and
   * disjoint from every seed the experiment reports (checked when the plan resolves). Ignored,
   * and left out of the run key, under any other choice (so `--set train.learningRateChoice=…`
   * on a piloted experiment needs nothing else).
   */
  pilotSeeds?: number[];
  /** Early stopping and learning-rate selection: the main task's validation metric.
   *  Default: the first task, AUC for binary tasks, loss (MSE) for regression tasks.
   *  `{ task: "all", metric: "loss" }` selects on the validation objective instead: the task
   *  losses weighted by `taskWeights`, what training minimises (for studies where no task is
   *  the main one; a task really named "all" keeps its own meaning). */
  selection?: { task: string; metric: string };
  /** Loss weight per task in task order. Default: 1 each (docs/protocol.md, losses). */
  taskWeights?: number[];
  /** Training loss above this multiple of the first recorded loss = diverged. Default 1e4. */
  explodeFactor?: number;
  /** Rows per forward pass when evaluating. Default 4096. */
  evalBatchSize?: number;
  /** Test rows over which gate weights are averaged (read in chunks of evalBatchSize). Default 2048. */
  gateRows?: number;
  /** Adam constants. Default β1 0.9, β2 0.999, ε 1e-7 (tfjs defaults). */
  adam?: AdamConfig;
  /**
   * Where the minibatch order of shared data comes from. Absent: one order per arm, the same for
   * every seed (runs differ only in their initialisation). "per-seed": each seed draws its own
   * order, and at one seed every model of the experiment sees the same one (common random
   * numbers, so paired comparisons stay paired while intervals on absolute means cover order
   * variance); each training group then holds one seed. Per-replica data always orders per seed.
   */
  batchOrder?: "per-seed";
}

export interface ResolvedTrainConfig {
  steps: number;
  batchSize: number;
  evalEvery: number;
  learningRates: number[];
  selection: { task: string; metric: string };
  /** Index of the selection task; -1 = the weighted sum of every task's loss (ALL_TASKS). */
  selectionTask: number;
  taskWeights: number[];
  evalBatchSize: number;
  gateRows: number;
  adam: AdamConfig;
  stopping: StoppingRule;
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`train.${field} must be a positive integer, got ${String(value)}`);
  return value;
}

/** The selection "task" that means the whole validation objective (see TrainConfig.selection). */
export const ALL_TASKS = "all";

const METRICS = { binary: ["auc", "loss", "logloss", "ne"], regression: ["loss", "mse", "pearson"] } as const;

export function defaultSelection(tasks: readonly TaskSpec[]): { task: string; metric: string } {
  return { task: tasks[0].name, metric: tasks[0].kind === "binary" ? "auc" : "loss" };
}

const isPosInt = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v > 0;
const isPosNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
const isNumberList = (v: unknown, ok: (x: unknown) => boolean) => Array.isArray(v) && v.length > 0 && v.every(ok);

/** Every setting `--set train.<key>` may change, with the type it must have (engine/overrides.ts). */
export const TRAIN_FIELDS: Record<string, { type: string; check(v: unknown): boolean }> = {
  steps: { type: "a positive integer", check: isPosInt },
  batchSize: { type: "a positive integer", check: isPosInt },
  evalEvery: { type: "a positive integer", check: isPosInt },
  patience: { type: "a positive integer", check: isPosInt },
  learningRates: { type: "a non-empty list of positive numbers, e.g. [0.001,0.01]", check: (v) => isNumberList(v, isPosNumber) },
  learningRateChoice: { type: '"per-run", "per-arm" or "pilot"', check: (v) => v === "per-run" || v === "per-arm" || v === "pilot" },
  pilotSeeds: { type: "a non-empty list of positive integers, e.g. [1001]", check: (v) => isNumberList(v, isPosInt) },
  "selection.task": { type: "a task name", check: (v) => typeof v === "string" && v !== "" },
  "selection.metric": { type: "a metric name (auc, loss, logloss, ne, mse, pearson)", check: (v) => typeof v === "string" && v !== "" },
  taskWeights: { type: "a non-empty list of non-negative numbers", check: (v) => isNumberList(v, (x) => typeof x === "number" && Number.isFinite(x) && x >= 0) },
  explodeFactor: { type: "a positive number", check: isPosNumber },
  evalBatchSize: { type: "a positive integer", check: isPosInt },
  gateRows: { type: "a positive integer", check: isPosInt },
  "adam.beta1": { type: "a number in [0, 1)", check: (v) => typeof v === "number" && v >= 0 && v < 1 },
  "adam.beta2": { type: "a number in [0, 1)", check: (v) => typeof v === "number" && v >= 0 && v < 1 },
  "adam.epsilon": { type: "a positive number", check: isPosNumber },
  batchOrder: { type: '"per-seed"', check: (v) => v === "per-seed" },
};

/** The defaults of the optional fields, in one place: training and the run key both read them. */
export const TRAIN_DEFAULTS = {
  patience: Infinity,
  learningRateChoice: "per-run",
  explodeFactor: 1e4,
  evalBatchSize: 4096,
  gateRows: 2048,
} as const;

/**
 * `cfg` with every default filled in: what a run trains with, and what its key hashes (so a
 * default written out gives the same key, and a changed default a new one). Selection and task
 * weights depend on the tasks: without them they stay as written.
 */
export function withTrainDefaults(cfg: TrainConfig, tasks?: readonly TaskSpec[]): Required<Omit<TrainConfig, "selection" | "taskWeights" | "batchOrder" | "pilotSeeds">> & Pick<TrainConfig, "selection" | "taskWeights" | "batchOrder" | "pilotSeeds"> {
  return {
    steps: cfg.steps,
    batchSize: cfg.batchSize,
    evalEvery: cfg.evalEvery,
    learningRates: [...cfg.learningRates],
    patience: cfg.patience ?? TRAIN_DEFAULTS.patience,
    learningRateChoice: cfg.learningRateChoice ?? TRAIN_DEFAULTS.learningRateChoice,
    selection: cfg.selection ?? (tasks ? defaultSelection(tasks) : undefined),
    taskWeights: cfg.taskWeights ?? (tasks ? tasks.map(() => 1) : undefined),
    explodeFactor: cfg.explodeFactor ?? TRAIN_DEFAULTS.explodeFactor,
    evalBatchSize: cfg.evalBatchSize ?? TRAIN_DEFAULTS.evalBatchSize,
    gateRows: cfg.gateRows ?? TRAIN_DEFAULTS.gateRows,
    adam: { ...DEFAULT_ADAM, ...cfg.adam },
    // absent stays absent: the run keys of experiments that never set it are unchanged
    batchOrder: cfg.batchOrder,
    ...(cfg.learningRateChoice === "pilot" && cfg.pilotSeeds ? { pilotSeeds: [...cfg.pilotSeeds] } : {}),
  };
}

/** The choice of rate is one the engine knows, and a pilot has seeds and a grid to choose from. */
export function checkLearningRateChoice(cfg: Pick<TrainConfig, "learningRateChoice" | "pilotSeeds" | "learningRates">): void {
  const choice = cfg.learningRateChoice ?? TRAIN_DEFAULTS.learningRateChoice;
  if (choice !== "per-run" && choice !== "per-arm" && choice !== "pilot") {
    throw new RangeError(`train.learningRateChoice must be "per-run", "per-arm" or "pilot", got ${JSON.stringify(choice)}`);
  }
  if (choice === "pilot" && !(cfg.pilotSeeds && cfg.pilotSeeds.length > 0 && cfg.pilotSeeds.every((s) => Number.isInteger(s) && s > 0))) {
    throw new RangeError(`train.learningRateChoice "pilot" needs train.pilotSeeds, a non-empty list of positive integers (seeds kept apart from the reported ones, e.g. [1001]), got ${JSON.stringify(cfg.pilotSeeds)}`);
  }
}

export function resolveTrainConfig(written: TrainConfig, tasks: readonly TaskSpec[]): ResolvedTrainConfig {
  const cfg = withTrainDefaults(written, tasks);
  const selection = cfg.selection!;
  const selectionTask = tasks.findIndex((t) => t.name === selection.task);
  const objective = selectionTask < 0 && selection.task === ALL_TASKS;
  if (selectionTask < 0 && !objective) {
    throw new RangeError(`train.selection.task "${selection.task}" is not a task; valid: ${tasks.map((t) => t.name).join(", ")}, or "${ALL_TASKS}" (the weighted sum of the task losses)`);
  }
  if (objective && selection.metric !== "loss") {
    throw new RangeError(`train.selection.metric "${selection.metric}" does not apply to task "${ALL_TASKS}" (the weighted sum of the task losses); use "loss"`);
  }
  const valid: readonly string[] = objective ? ["loss"] : METRICS[tasks[selectionTask].kind];
  if (!valid.includes(selection.metric)) {
    throw new RangeError(`train.selection.metric "${selection.metric}" does not apply to ${tasks[selectionTask].kind} task ${selection.task}; valid: ${valid.join(", ")}`);
  }
  const taskWeights = cfg.taskWeights!;
  if (taskWeights.length !== tasks.length) throw new RangeError(`train.taskWeights has ${taskWeights.length} entries for ${tasks.length} tasks`);
  if (cfg.learningRates.length === 0 || cfg.learningRates.some((lr) => !(lr > 0))) {
    throw new RangeError(`train.learningRates must be a non-empty list of positive numbers, got [${cfg.learningRates.join(", ")}]`);
  }
  checkLearningRateChoice(cfg);
  const patience = cfg.patience;
  if (!(patience >= 1)) throw new RangeError(`train.patience must be ≥ 1 (or omitted for no early stopping), got ${patience}`);
  return {
    steps: positiveInt(cfg.steps, "steps"),
    batchSize: positiveInt(cfg.batchSize, "batchSize"),
    evalEvery: positiveInt(cfg.evalEvery, "evalEvery"),
    learningRates: [...cfg.learningRates],
    selection,
    selectionTask,
    taskWeights,
    evalBatchSize: positiveInt(cfg.evalBatchSize, "evalBatchSize"),
    gateRows: positiveInt(cfg.gateRows, "gateRows"),
    adam: cfg.adam,
    stopping: { patience, explodeFactor: cfg.explodeFactor, metric: selection.metric },
  };
}
