/**
 * kind → builder, checked by the compiler: a kind without a builder (or a builder without a
 * config) does not compile. `createModel` is the one way the trainer and experiments build models.
 */
import { type ModelConfig, type ModelKind, type Resolved, parseModelConfig } from "./config";
import { inputWidth } from "./input";
import { MMoE } from "./mmoe";
import { omoe } from "./omoe";
import { SharedBottom } from "./shared-bottom";
import { SingleTask } from "./single-task";
import type { InputSpec, MtlModel, TaskSpec } from "./types";

type Builder<C> = (cfg: Resolved<C>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) => MtlModel;

export const BUILDERS: { [K in ModelKind]: Builder<Extract<ModelConfig, { kind: K }>> } = {
  "single-task": (c, t, i, s) => new SingleTask(c, t, i, s),
  "shared-bottom": (c, t, i, s) => new SharedBottom(c, t, i, s),
  omoe,
  mmoe: (c, t, i, s) => new MMoE(c, t, i, s),
};

function validateTasks(tasks: TaskSpec[]): void {
  if (!Array.isArray(tasks) || tasks.length < 1) throw new RangeError("tasks must list at least one task");
  const seen = new Set<string>();
  tasks.forEach((t, k) => {
    if (typeof t.name !== "string" || t.name === "") throw new RangeError(`tasks[${k}].name must be a non-empty string`);
    if (seen.has(t.name)) throw new RangeError(`tasks[${k}].name "${t.name}" is used twice`);
    seen.add(t.name);
    if (t.kind !== "binary" && t.kind !== "regression") throw new RangeError(`tasks[${k}].kind must be "binary" or "regression", got ${JSON.stringify(t.kind)}`);
  });
}

function validateInput(input: InputSpec): void {
  if (!Number.isInteger(input.numeric) || input.numeric < 0) throw new RangeError(`input.numeric must be a non-negative integer, got ${input.numeric}`);
  input.categorical.forEach((v, c) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`input.categorical[${c}] must be a positive integer (a vocabulary size), got ${v}`);
  });
  if (inputWidth(input) < 1) throw new RangeError("input must have at least one numeric or categorical column");
}

/**
 * Builds a model of R = replicaSeeds.length replicas; replica r is initialised from
 * replicaSeeds[r] only. The config is validated and completed with defaults (parseModelConfig).
 */
export function createModel(config: ModelConfig, tasks: TaskSpec[], input: InputSpec, replicaSeeds: number[]): MtlModel {
  const cfg = parseModelConfig(config);
  validateTasks(tasks);
  validateInput(input);
  const build = BUILDERS[cfg.kind] as Builder<ModelConfig>;
  return build(cfg as Resolved<ModelConfig>, [...tasks], { numeric: input.numeric, categorical: [...input.categorical] }, replicaSeeds);
}
