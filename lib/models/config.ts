/**
 * Model configurations: the discriminated union over `kind`, each kind's fields with their
 * defaults (one table, `SCHEMAS`), the fields every kind shares (`init`), and `parseModelConfig`,
 * which rejects unknown kinds, unknown keys and bad values with a message naming the field, and
 * fills in defaults.
 */
import { type DenseInit, INIT_SCHEMES, type InitScheme } from "./init";
import type { AdaTTConfig, AdaTTNoNlfConfig, AdaTTSpConfig } from "./adatt";
import type { AITMConfig, AITMNoTransferConfig } from "./aitm";
import type { AsymmetricConfig } from "./asymmetric";
import type { CGCConfig } from "./cgc";
import type { DUPNConfig } from "./dupn";
import type { DCNMMoEConfig, DCNPLEConfig, DCNSharedBottomConfig } from "./cross-network";
import type { CrossStitchConfig } from "./cross-stitch";
import type { CustomizedConfig } from "./customized";
import type { ESMMBaseConfig, ESMMConfig } from "./esmm";
import type { L2ConstrainedConfig } from "./l2-constrained";
import type { MetaHeacConfig, MetaHeacNoCriticGateConfig, MetaHeacNoExpertGateConfig, MetaHeacNoGatesConfig } from "./metaheac";
import type { MLMMoEConfig } from "./ml-mmoe";
import type { MMoEConfig } from "./mmoe";
import type { OMoEConfig } from "./omoe";
import type { PLEConfig } from "./ple";
import type { SharedBottomConfig } from "./shared-bottom";
import type { SingleTaskConfig } from "./single-task";
import type { SluiceConfig } from "./sluice";
import type { TensorFactorizationConfig } from "./tensor-factorization";

export type {
  AdaTTConfig, AdaTTNoNlfConfig, AdaTTSpConfig, AsymmetricConfig, CGCConfig, CrossStitchConfig, CustomizedConfig,
  L2ConstrainedConfig, MLMMoEConfig, MMoEConfig, OMoEConfig, PLEConfig, SharedBottomConfig, SingleTaskConfig,
  SluiceConfig, TensorFactorizationConfig, ESMMConfig, ESMMBaseConfig, AITMConfig, AITMNoTransferConfig,
  DCNSharedBottomConfig, DCNMMoEConfig, DCNPLEConfig,
  DUPNConfig, MetaHeacConfig, MetaHeacNoExpertGateConfig, MetaHeacNoCriticGateConfig, MetaHeacNoGatesConfig,
};

/** Fields every kind accepts. */
export interface CommonModelFields {
  /**
   * How every Dense layer (experts, gates, towers, bottoms, task networks) starts (init.ts):
   * "glorot" (Glorot-uniform kernels, zero biases; the default) or "torch-default" (PyTorch's
   * U(±1/√fan_in) for kernels and biases, as in facebookresearch/AdaTT, with which the AdaTT
   * paper's hidden sizes were tuned). Left out of the parsed config when not given; the run key
   * (engine/plan/run-config.ts) fills in the default, so writing "glorot" out changes nothing.
   */
  init?: InitScheme;
}

export type ModelConfig = (
  | SingleTaskConfig | SharedBottomConfig | OMoEConfig | MMoEConfig | MLMMoEConfig | CrossStitchConfig | SluiceConfig
  | L2ConstrainedConfig | TensorFactorizationConfig | AsymmetricConfig | CustomizedConfig | CGCConfig | PLEConfig
  | AdaTTSpConfig | AdaTTConfig | AdaTTNoNlfConfig
  | ESMMConfig | ESMMBaseConfig | AITMConfig | AITMNoTransferConfig | DCNSharedBottomConfig | DCNMMoEConfig | DCNPLEConfig
  | DUPNConfig | MetaHeacConfig | MetaHeacNoExpertGateConfig | MetaHeacNoCriticGateConfig | MetaHeacNoGatesConfig
) & CommonModelFields;
export type ModelKind = ModelConfig["kind"];
/**
 * A configuration with every default filled in: what builders receive. `init` stays optional
 * (absent = "glorot"); programmatic callers of BUILDERS may give a DenseInit object instead of a
 * scheme name (e.g. tests that load fixed weights).
 */
export type Resolved<C> = Required<Omit<C, "init">> & { init?: InitScheme | DenseInit };
export type ResolvedModelConfig = { [K in ModelKind]: Resolved<Extract<ModelConfig, { kind: K }>> }[ModelKind];

type FieldType =
  | "positive integer"
  | "non-negative integer"
  | "non-negative number"
  | "units" // non-empty array of positive integers
  | "units or empty" // array of positive integers, may be empty (e.g. a tower with no hidden layer)
  | "levels"; // non-empty array of non-empty arrays of positive integers (one per level)

interface Field {
  type: FieldType;
  default: unknown;
}

type Schema<C> = { [F in Exclude<keyof C, "kind" | keyof CommonModelFields>]-?: Field };

const experts = (d: number): Field => ({ type: "positive integer", default: d });
const units = (d: number[]): Field => ({ type: "units", default: d });
const tower: Field = { type: "units or empty", default: [8] };

const count = (d: number): Field => ({ type: "non-negative integer", default: d });
const levels = (d: number[][]): Field => ({ type: "levels", default: d });

/** The fields of MetaHeac and its ablations: 8 experts × 16, 4 critics with [8] hidden units, task embeddings of 8. */
const METAHEAC = { experts: experts(8), expertUnits: units([16]), critics: experts(4), towerUnits: tower, taskEmbedding: experts(8) };

/** Every kind's fields and defaults. Defaults follow MMoE §5.1 (8 experts × 16, towers 8). */
export const SCHEMAS: { [K in ModelKind]: Schema<Extract<ModelConfig, { kind: K }>> } = {
  "single-task": { bottomUnits: units([16]), towerUnits: tower },
  "shared-bottom": { bottomUnits: units([16]), towerUnits: tower },
  omoe: { experts: experts(8), expertUnits: units([16]), towerUnits: tower },
  mmoe: { experts: experts(8), expertUnits: units([16]), towerUnits: tower },
  "ml-mmoe": { experts: experts(8), expertUnits: levels([[16], [16]]), towerUnits: tower },
  "cross-stitch": { units: units([16]), towerUnits: tower },
  sluice: { units: units([16, 16]), subspaces: experts(2), towerUnits: tower },
  "l2-constrained": { bottomUnits: units([16]), towerUnits: tower, alpha: { type: "non-negative number", default: 1e-3 } },
  "tensor-factorization": { bottomUnits: units([16]), towerUnits: tower, rank: experts(8), taskRank: experts(8) },
  asymmetric: { bottomUnits: units([16]), towerUnits: tower },
  customized: { sharedUnits: units([16]), taskUnits: units([16]), towerUnits: tower },
  cgc: { taskExperts: experts(1), sharedExperts: experts(1), expertUnits: units([16]), towerUnits: tower },
  ple: { taskExperts: experts(1), sharedExperts: experts(1), expertUnits: levels([[16], [16]]), towerUnits: tower },
  "adatt-sp": { taskExperts: experts(1), expertUnits: levels([[16], [16]]), towerUnits: tower },
  adatt: { taskExperts: experts(1), sharedExperts: count(1), expertUnits: levels([[16], [16]]), towerUnits: tower },
  "adatt-no-nlf": { taskExperts: experts(1), sharedExperts: count(0), expertUnits: levels([[16], [16]]), towerUnits: tower },
  esmm: { bottomUnits: units([16]), towerUnits: tower, steps: count(0) },
  "esmm-base": { bottomUnits: units([16]), towerUnits: tower, steps: count(0) },
  aitm: { bottomUnits: units([16]), towerUnits: units([16, 8]), calibrator: { type: "non-negative number", default: 0.6 } },
  "aitm-no-transfer": { bottomUnits: units([16]), towerUnits: units([16, 8]), calibrator: { type: "non-negative number", default: 0.6 } },
  "dcn-shared-bottom": { crossLayers: count(2), bottomUnits: units([16]), towerUnits: tower },
  "dcn-mmoe": { crossLayers: count(2), experts: experts(8), expertUnits: units([16]), towerUnits: tower },
  "dcn-ple": { crossLayers: count(2), taskExperts: experts(1), sharedExperts: experts(1), expertUnits: levels([[16], [16]]), towerUnits: tower },
  dupn: { embedding: experts(8), lstmUnits: experts(16), attentionUnits: experts(16), profileUnits: experts(8), towerUnits: tower },
  metaheac: METAHEAC,
  "metaheac-no-expert-gate": METAHEAC,
  "metaheac-no-critic-gate": METAHEAC,
  "metaheac-no-gates": METAHEAC,
};

/** Checks across fields, after each field passed its own check. */
const REFINE: { [K in ModelKind]?: (c: Resolved<Extract<ModelConfig, { kind: K }>>) => string | null } = {
  sluice: (c) =>
    c.units.some((u) => u !== c.units[0]) ? `sluice.units must all be equal (layer outputs are mixed by a weighted sum), got ${JSON.stringify(c.units)}`
    : c.units[0] % c.subspaces !== 0 ? `sluice.units (${c.units[0]}) must be divisible by sluice.subspaces (${c.subspaces})`
    : null,
};

export const MODEL_KINDS = Object.keys(SCHEMAS) as ModelKind[];

const isPosInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;

function check(type: FieldType, v: unknown): boolean {
  switch (type) {
    case "positive integer":
      return isPosInt(v);
    case "non-negative integer":
      return typeof v === "number" && Number.isInteger(v) && v >= 0;
    case "non-negative number":
      return typeof v === "number" && Number.isFinite(v) && v >= 0;
    case "units":
      return Array.isArray(v) && v.length > 0 && v.every(isPosInt);
    case "units or empty":
      return Array.isArray(v) && v.every(isPosInt);
    case "levels":
      return Array.isArray(v) && v.length > 0 && v.every((l) => check("units", l));
  }
}

const ARTICLE: Record<FieldType, string> = {
  "positive integer": "a positive integer",
  "non-negative integer": "a non-negative integer",
  "non-negative number": "a non-negative finite number",
  units: "a non-empty array of positive integers",
  "units or empty": "an array of positive integers",
  levels: "a non-empty array (one entry per level) of non-empty arrays of positive integers",
};

/** Validates `obj` as a ModelConfig and returns it with defaults filled in (a fresh object). */
export function parseModelConfig(obj: unknown): ResolvedModelConfig {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new TypeError(`model config must be an object with a "kind", got ${JSON.stringify(obj)}`);
  }
  const o = obj as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== "string" || !(MODEL_KINDS as string[]).includes(kind)) {
    throw new RangeError(`model.kind must be one of ${MODEL_KINDS.join(", ")}; got ${JSON.stringify(kind)}`);
  }
  const schema = SCHEMAS[kind as ModelKind] as Record<string, Field>;
  for (const key of Object.keys(o)) {
    if (key !== "kind" && key !== "init" && !(key in schema)) {
      throw new RangeError(`${kind}.${key} is not a field of ${kind}; valid fields: ${[...Object.keys(schema), "init"].join(", ")}`);
    }
  }
  const out: Record<string, unknown> = { kind };
  for (const [key, field] of Object.entries(schema)) {
    const v = o[key] === undefined ? field.default : o[key];
    if (!check(field.type, v)) throw new RangeError(`${kind}.${key} must be ${ARTICLE[field.type]}, got ${JSON.stringify(v)}`);
    out[key] = structuredClone(v);
  }
  if (o.init !== undefined) {
    if (!(INIT_SCHEMES as readonly unknown[]).includes(o.init)) {
      throw new RangeError(`${kind}.init must be one of ${INIT_SCHEMES.map((s) => `"${s}"`).join(", ")}, got ${JSON.stringify(o.init)}`);
    }
    out.init = o.init;
  }
  const refine = REFINE[kind as ModelKind] as ((c: unknown) => string | null) | undefined;
  const problem = refine?.(out);
  if (problem) throw new RangeError(problem);
  return out as ResolvedModelConfig;
}
