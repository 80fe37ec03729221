/**
 * kind → builder, checked by the compiler: a kind without a builder (or a builder without a
 * config) does not compile. `createModel` is the one way the trainer and experiments build models.
 */
import { type ModelConfig, type ModelKind, type Resolved, parseModelConfig } from "./config";
import { inputWidth } from "./input";
import { AdaTT } from "./adatt";
import { AITM } from "./aitm";
import { Asymmetric } from "./asymmetric";
import { cgc } from "./cgc";
import { WithCross } from "./cross-network";
import { CrossStitch } from "./cross-stitch";
import { DUPN } from "./dupn";
import { ESMM } from "./esmm";
import { Customized } from "./customized";
import { L2Constrained } from "./l2-constrained";
import { MetaHeac } from "./metaheac";
import { MLMMoE } from "./ml-mmoe";
import { MMoE } from "./mmoe";
import { PLE } from "./ple";
import { Sluice } from "./sluice";
import { TensorFactorization } from "./tensor-factorization";
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
  "ml-mmoe": (c, t, i, s) => new MLMMoE(c, t, i, s),
  "cross-stitch": (c, t, i, s) => new CrossStitch(c, t, i, s),
  sluice: (c, t, i, s) => new Sluice(c, t, i, s),
  "l2-constrained": (c, t, i, s) => new L2Constrained(c, t, i, s),
  "tensor-factorization": (c, t, i, s) => new TensorFactorization(c, t, i, s),
  asymmetric: (c, t, i, s) => new Asymmetric(c, t, i, s),
  customized: (c, t, i, s) => new Customized(c, t, i, s),
  cgc,
  ple: (c, t, i, s) => new PLE(c, t, i, s),
  "adatt-sp": (c, t, i, s) => new AdaTT({ ...c, sharedExperts: 0 }, t, i, s),
  adatt: (c, t, i, s) => new AdaTT(c, t, i, s),
  "adatt-no-nlf": (c, t, i, s) => new AdaTT(c, t, i, s),
  esmm: (c, t, i, s) => new ESMM(c, t, i, s, true),
  "esmm-base": (c, t, i, s) => new ESMM(c, t, i, s, false),
  aitm: (c, t, i, s) => new AITM(c, t, i, s, true),
  "aitm-no-transfer": (c, t, i, s) => new AITM(c, t, i, s, false),
  "dcn-shared-bottom": ({ crossLayers, ...c }, t, i, s) => new WithCross({ ...c, crossLayers }, t, i, s, new SharedBottom({ ...c, kind: "shared-bottom" }, t, i, s)),
  "dcn-mmoe": ({ crossLayers, ...c }, t, i, s) => new WithCross({ ...c, crossLayers }, t, i, s, new MMoE({ ...c, kind: "mmoe" }, t, i, s)),
  "dcn-ple": ({ crossLayers, ...c }, t, i, s) => new WithCross({ ...c, crossLayers }, t, i, s, new PLE({ ...c, kind: "ple" }, t, i, s)),
  dupn: (c, t, i, s) => new DUPN(c, t, i, s),
  metaheac: (c, t, i, s) => new MetaHeac(c, t, i, s),
  "metaheac-no-expert-gate": (c, t, i, s) => new MetaHeac(c, t, i, s),
  "metaheac-no-critic-gate": (c, t, i, s) => new MetaHeac(c, t, i, s),
  "metaheac-no-gates": (c, t, i, s) => new MetaHeac(c, t, i, s),
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
  const copy: InputSpec = { numeric: input.numeric, categorical: [...input.categorical] };
  if (input.sequence) copy.sequence = { length: input.sequence.length, fields: [...input.sequence.fields] };
  return build(cfg as Resolved<ModelConfig>, [...tasks], copy, replicaSeeds);
}
