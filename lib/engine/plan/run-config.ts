/**
 * The fully resolved configuration of one arm, and the run key that hashes it (docs/results.md).
 *
 * A run is "already done" when a stored record carries this key, so the key must change exactly
 * when the numbers can: every default filled in (model fields and init, training settings, Adam),
 * the data condition, the row caps, the task list, the engine's results version, the run-record
 * schema and the wasm kernel set's numerics class (tfjs' own kernels sum floats in another order). Writing a default out
 * gives the same key; changing a default gives a new one. `config.json` beside the runs holds
 * these objects, so a reader sees what every stored key stands for.
 */
import type { TaskSpec } from "../../data/spec";
import { parseModelConfig, type ModelConfig, type ResolvedModelConfig } from "../../models/config";
import { DEFAULT_INIT_SCHEME } from "../../models/init";
import { kernelNumerics, kernelSet } from "../../kernels/sets";
import { configHash, ENGINE_RESULTS_VERSION } from "../store/config-hash";
import type { RowCaps } from "./profiles";
import { RUN_SCHEMA } from "../store/run-record";
import { withTrainDefaults, type TrainConfig } from "../train/train-config";

export interface RunConfig {
  experiment: string;
  condition: { name: string; value: unknown };
  /** Every field of the kind, defaults included, and the init scheme. */
  model: ResolvedModelConfig;
  train: ReturnType<typeof withTrainDefaults>;
  rows: RowCaps;
  /** The tasks the experiment declares for the condition (they fix the default selection and task weights); null when it declares none. */
  tasks: TaskSpec[] | null;
  /** Switches that change float results without changing the configuration. */
  numerics: { wasmKernels: ReturnType<typeof kernelNumerics> };
  runSchema: number;
}

export interface ArmSettings {
  experiment: string;
  conditionName: string;
  condition: unknown;
  model: ModelConfig;
  train: TrainConfig;
  rows: RowCaps;
  tasks?: readonly TaskSpec[];
}

const capsOnly = (rows: RowCaps): RowCaps => Object.fromEntries(Object.entries(rows).filter(([, v]) => v !== undefined));

/** The arm's configuration with every default filled in (validating the model config on the way). */
export function resolveRunConfig(a: ArmSettings): RunConfig {
  const model = parseModelConfig(a.model);
  return {
    experiment: a.experiment,
    condition: { name: a.conditionName, value: a.condition ?? null },
    model: { ...model, init: model.init ?? DEFAULT_INIT_SCHEME },
    train: withTrainDefaults(a.train, a.tasks),
    rows: capsOnly(a.rows),
    tasks: a.tasks ? a.tasks.map((t) => ({ name: t.name, kind: t.kind })) : null,
    numerics: { wasmKernels: kernelNumerics(kernelSet()) },
    runSchema: RUN_SCHEMA,
  };
}

/** The run key's hash part: sha256 of the canonical resolved configuration and the engine results version. */
export function runConfigHash(config: RunConfig): string {
  return configHash(config);
}

export const CONFIG_FILE = "config.json";

/**
 * What config.json beside runs.jsonl holds: the resolved configuration behind every key its runs
 * are stored under (a folder may hold runs of several, e.g. of two kernel sets), so each record's
 * `configHash` can be read back as settings.
 */
export interface ConfigFile {
  schema: 1;
  experiment: string;
  /** The profile, or the profile's +set-<hash> folder name. */
  folder: string;
  engineResultsVersion: number;
  /** The --set overrides this folder's runs were resolved with (empty for a profile's own folder). */
  overrides: string[];
  configs: Record<string, { arm: string; config: RunConfig }>;
}

/** `earlier` (config.json as read, or undefined) with the plan's arms added. */
export function configFile(experiment: string, folder: string, overrides: readonly string[], arms: readonly { key: string; configHash: string; runConfig: RunConfig }[], earlier?: ConfigFile): ConfigFile {
  const configs = { ...(earlier?.configs ?? {}) };
  for (const a of arms) configs[a.configHash] = { arm: a.key, config: a.runConfig };
  const sorted = Object.fromEntries(Object.entries(configs).sort(([, x], [, y]) => (x.arm < y.arm ? -1 : x.arm > y.arm ? 1 : 0)));
  return { schema: 1, experiment, folder, engineResultsVersion: ENGINE_RESULTS_VERSION, overrides: [...overrides], configs: sorted };
}
