/**
 * An experiment is one declared object (lib/studies/README.md): the data, the models, the training settings
 * and three profiles that say exactly how they subsample. `defineExperiment` validates it and
 * freezes it; `resolveExperiment` merges a profile and the CLI's overrides into the arms and
 * seeds to run, each arm with its config hash.
 */
import type { ModelConfig } from "../../models/config";
import type { Figure } from "../../figures";
import type { Table } from "../../tables";
import type { TaskSpec } from "../../data/spec";
import { createHash } from "node:crypto";
import { applyOverrides, parseOverride, type Override } from "./overrides";
import { resolveRunConfig, runConfigHash, type RunConfig } from "./run-config";
import { profileStatement } from "./profile-statement";
import type { DataSource } from "../train/data";
import type { RunRecord } from "../store/run-record";
import type { ExperimentSummary } from "../report/summary-schema";
import { checkLearningRateChoice, type TrainConfig } from "../train/train-config";
import type { GroupTrainer } from "../train/group-trainer";

import { PROFILES, DEFAULT_PROFILE, type ProfileName, type RowCaps } from "./profiles";
/** The most runs per model and condition a plan may ask for (the papers use at most 200). */
export const MAX_RUNS = 10_000;

export { PROFILES, DEFAULT_PROFILE, type ProfileName, type RowCaps };

export interface ProfileSpec {
  /** Runs per model and condition (seeds 1..runs after the experiment's seedOffset). */
  runs: number;
  /** Training settings this profile changes (steps, evalEvery, learning rates, …). */
  train?: Partial<TrainConfig>;
  /** Row caps per split (first rows of each split); absent = all rows. */
  rows?: RowCaps;
  /**
   * What the profile's numbers cannot say (what the paper did, why this profile cuts what it
   * cuts). The statement written into summary.json is generated from the numbers
   * (profile-statement.ts) with this note after it: never retype runs, steps, batch, rates or rows here.
   */
  note?: string;
  /**
   * The models this profile trains (default: every model). A profile may cut a search to the
   * candidates it can afford; its note says which, and the tables flag rows whose search it cut.
   */
  models?: readonly string[];
  /** The conditions this profile trains (default: every condition); its note says why it leaves any out. */
  conditions?: readonly string[];
  /** Seeds trained together in one replica-batched model (each × every learning rate). Default: 8
   *  (1 with train.batchOrder "per-seed", which shared data needs). */
  seedsPerGroup?: number;
}

export interface DataContext<C> {
  conditionName: string;
  condition: C;
  profile: ProfileName;
  /** Row caps of the profile, so generators can draw only what is used. */
  rows: RowCaps;
}

export interface ExperimentResult {
  summary: ExperimentSummary;
  runs: RunRecord[];
  /** The pilot runs that chose each arm's learning rate (learningRateChoice "pilot"; absent otherwise): kept, never reported. */
  pilotRuns?: RunRecord[];
  /** results/<experiment>/<profile>/: runs.jsonl, and the report of the profile. */
  dir: string;
  /** Where summary.json, tables, figures and manifest.json are: `dir`, or dir/subsets/<label>/ for a subset. */
  reportDir: string;
  /** Runs trained by this call (0 when everything was loaded). */
  computed: number;
  /** The runs this call trained, per group (the manifest records which command trained which runs). */
  trainedGroups?: TrainedGroup[];
  /** Hash of the claims declaration the runs trained under, as the manifest records it (null: none); set when a report is written. */
  claimsDeclarationHash?: string | null;
}

export interface TrainedGroup {
  arm: string;
  seeds: number[];
}

export interface ExperimentDefinition<C = undefined> {
  /** kebab-case id: the CLI argument and the results folder. */
  id: string;
  /**
   * The compiled file that exports this experiment (write `module: __filename`). Worker threads
   * load it from there to train groups in parallel; without it groups train in the calling thread.
   */
  module?: string;
  title: string;
  /**
   * false: not run by the default command (`npm run reproduce` without names), only when named;
   * for experiments that reproduce no paper artefact and keep no committed results (the engine demo).
   */
  inDefaultCommand?: boolean;
  /** The paper artefact reproduced and its claim, one or two sentences. */
  paper: string;
  /**
   * Runs use seeds seedOffset + 1 … seedOffset + runs (default 0). Experiments that must not
   * share seeds (and so data sets and initialisations) with another take disjoint ranges.
   */
  seedOffset?: number;
  /** Named data conditions (e.g. task correlations); default one condition "default". */
  conditions?: Record<string, C>;
  /**
   * The tasks a condition's data will have (names and kinds, in order), known without building
   * the data: they resolve the default selection and task weights into the run key. Checked
   * against the data when it is built.
   */
  tasks?(conditionName: string, condition: C): TaskSpec[];
  /** What a condition is called in the profile statements ("p", "group", …); default "condition". */
  conditionLabel?: string;
  /** Named models; the first is the baseline of the comparisons in summary.json. */
  models: Record<string, ModelConfig>;
  /**
   * The models summary.json compares with their condition's baseline (Δ and an exploratory,
   * unadjusted p); default every model. A study whose claims are not "model vs the first model"
   * declares [] so the summary lists no comparison it never chose.
   */
  summaryComparisons?: readonly string[];
  /**
   * The models trained under a condition, by condition name (in `models` order; the first listed
   * is that condition's baseline). A condition not named here trains every model.
   */
  conditionModels?: Record<string, string[]>;
  train: TrainConfig;
  profiles: Record<ProfileName, ProfileSpec>;
  data(ctx: DataContext<C>): DataSource | Promise<DataSource>;
  /**
   * Called in the calling thread for every condition that has runs to train, before any training
   * (worker threads build their data themselves, where an error would surface late and wrapped):
   * throw here when the data cannot be had — a missing or altered file — with the message to show.
   */
  preflight?(ctx: DataContext<C>): void | Promise<void>;
  /**
   * The tables README.md shows for this experiment, by file name without extension, in order
   * (default: `claims` if the report writes one, else `summary`): the verdicts a reader cites
   * first, not every table of the report.
   */
  headlineTables?: readonly string[];
  /**
   * The study's claims declaration (plain data: claims, families, margins, reasons). Its hash is
   * written into manifest.json when runs train, so a report can tell whether the declaration
   * predates the runs.
   */
  claimsDeclaration?: unknown;
  /**
   * How a group trains (default: trainReplicas, ordinary minibatch training). Whatever it does,
   * its outcomes are stored as ordinary runs; any setting it reads must be in the run key (the
   * condition, the model or the train config), so that resume and verify find the same runs.
   */
  trainer?: GroupTrainer;
  /** Tables and figures beyond the standard ones (summary table, validation-loss curves). */
  report?(result: ExperimentResult): { tables?: Record<string, Table>; figures?: Record<string, Figure> };
}

export type Experiment = Readonly<ExperimentDefinition<unknown>>;

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Validates the definition (names the field on error) and freezes it. */
export function defineExperiment<C = undefined>(def: ExperimentDefinition<C>): Experiment {
  const where = `experiment ${JSON.stringify(def.id)}`;
  if (!ID.test(def.id)) throw new RangeError(`${where}: id must be kebab-case (a-z, 0-9, -)`);
  if (Object.keys(def.models).length === 0) throw new RangeError(`${where}: models must name at least one model`);
  for (const p of PROFILES) {
    const spec = def.profiles[p];
    if (!spec) throw new RangeError(`${where}: profiles.${p} is missing; every experiment states smoke, quick and paper`);
    if (!Number.isInteger(spec.runs) || spec.runs < 1) throw new RangeError(`${where}: profiles.${p}.runs must be a positive integer, got ${spec.runs}`);
    const unknownModels = (spec.models ?? []).filter((m) => !(m in def.models));
    if (unknownModels.length) throw new RangeError(`${where}: profiles.${p}.models names unknown model ${unknownModels.join(", ")}; valid: ${Object.keys(def.models).join(", ")}`);
    if (spec.models && spec.models.length === 0) throw new RangeError(`${where}: profiles.${p}.models must name at least one model (or be left out for all)`);
  }
  const offset = def.seedOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff - 1e6) throw new RangeError(`${where}: seedOffset must be an integer in [0, 2^32 − 10^6), got ${String(def.seedOffset)}`);
  const unknown = Object.keys(def.profiles).filter((p) => !(PROFILES as readonly string[]).includes(p));
  if (unknown.length) throw new RangeError(`${where}: unknown profiles ${unknown.join(", ")}; valid: ${PROFILES.join(", ")}`);
  const conditionNames = Object.keys(def.conditions ?? { default: undefined });
  for (const p of PROFILES) {
    const unknownConditions = (def.profiles[p].conditions ?? []).filter((c) => !conditionNames.includes(c));
    if (unknownConditions.length) throw new RangeError(`${where}: profiles.${p}.conditions names unknown condition ${unknownConditions.join(", ")}; valid: ${conditionNames.join(", ")}`);
    if (def.profiles[p].conditions?.length === 0) throw new RangeError(`${where}: profiles.${p}.conditions must name at least one condition (or be left out for all)`);
  }
  for (const [condition, models] of Object.entries(def.conditionModels ?? {})) {
    if (!conditionNames.includes(condition)) throw new RangeError(`${where}: conditionModels names condition "${condition}"; valid: ${conditionNames.join(", ")}`);
    const bad = models.filter((m) => !(m in def.models));
    if (bad.length) throw new RangeError(`${where}: conditionModels.${condition} names unknown model ${bad.join(", ")}; valid: ${Object.keys(def.models).join(", ")}`);
    if (models.length === 0) throw new RangeError(`${where}: conditionModels.${condition} must name at least one model`);
  }
  return Object.freeze({ ...def }) as unknown as Experiment;
}

/** One model under one condition: the unit results are grouped and summarised by. */
export interface Arm {
  /** Key in summary.json: the model name, or `<condition>/<model>` with several conditions. */
  key: string;
  model: string;
  modelConfig: ModelConfig;
  conditionName: string;
  condition: unknown;
  /** Everything the numbers depend on, defaults filled in (written to config.json). */
  runConfig: RunConfig;
  configHash: string;
}

export interface ResolvedExperiment {
  experiment: Experiment;
  profile: ProfileName;
  runs: number;
  seeds: number[];
  train: TrainConfig;
  rows: RowCaps;
  seedsPerGroup: number;
  statement: string;
  arms: Arm[];
  /**
   * Set when --runs or --model select something other than the profile (fewer or more runs, some
   * models): the report then goes to subsets/<label>/ beside the profile's and says so everywhere.
   */
  subset: { label: string; description: string } | null;
  /** The options this plan was resolved with (worker threads resolve the same plan from them). */
  resolveOptions: ResolveOptions;
  /** The --set overrides applied (empty: the profile as declared). */
  overrides: Override[];
  /**
   * Set when the overrides change some arm's resolved configuration: the runs then live in
   * <experiment>/<profile>+set-<hash>/, never in the profile's own folder. Null when there are
   * no overrides or they only write defaults out (same keys, same folder, nothing retrained).
   */
  overridden: { folder: string; description: string } | null;
}

export interface ResolveOptions {
  profile?: ProfileName;
  /** Overrides the profile's run count. */
  runs?: number;
  /** Restricts the models (names from the experiment). */
  models?: string[];
  /** `key=value` overrides of the experiment's settings (engine/overrides.ts). */
  set?: string[];
}

export function resolveExperiment(exp: Experiment, opts: ResolveOptions = {}): ResolvedExperiment {
  const profile = opts.profile ?? DEFAULT_PROFILE;
  if (!(PROFILES as readonly string[]).includes(profile)) throw new RangeError(`unknown profile "${profile}"; valid: ${PROFILES.join(", ")}`);
  const spec = exp.profiles[profile];
  const runs = opts.runs ?? spec.runs;
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) throw new RangeError(`runs must be an integer from 1 to ${MAX_RUNS}, got ${String(opts.runs)}`);
  const declaredNames = Object.keys(exp.models);
  const names = spec.models ? declaredNames.filter((m) => spec.models!.includes(m)) : declaredNames;
  const bad = (opts.models ?? []).filter((m) => !names.includes(m));
  if (bad.length) {
    const elsewhere = bad.every((m) => declaredNames.includes(m));
    throw new RangeError(elsewhere ? `model ${bad.join(", ")} of experiment ${exp.id} is not trained by profile ${profile}; its models: ${names.join(", ")}` : `unknown model ${bad.join(", ")} for experiment ${exp.id}; valid: ${names.join(", ")}`);
  }
  const models = opts.models?.length ? names.filter((m) => opts.models!.includes(m)) : names;
  const declaredConditions: Record<string, unknown> = exp.conditions ?? { default: undefined };
  const conditions = spec.conditions ? Object.fromEntries(Object.entries(declaredConditions).filter(([c]) => spec.conditions!.includes(c))) : declaredConditions;
  const declared = { models: exp.models, train: { ...exp.train, ...spec.train } as TrainConfig, rows: spec.rows ?? {}, conditions };
  const overrides = (opts.set ?? []).map(parseOverride);
  const used = applyOverrides(declared, overrides);
  const { train, rows } = used;
  const several = Object.keys(declaredConditions).length > 1;
  const under = (conditionName: string, chosen: string[]) => {
    const only = exp.conditionModels?.[conditionName];
    return only ? chosen.filter((m) => only.includes(m)) : chosen;
  };
  const armsOf = (s: typeof declared, chosen = models) =>
    Object.keys(conditions).flatMap((conditionName) =>
      under(conditionName, chosen).map((model) => {
        const condition = s.conditions[conditionName];
        const tasks = exp.tasks?.(conditionName, condition);
        const runConfig = resolveRunConfig({ experiment: exp.id, conditionName, condition, model: s.models[model], train: s.train, rows: s.rows, tasks });
        return { key: several ? `${conditionName}/${model}` : model, model, modelConfig: s.models[model], conditionName, condition, runConfig, configHash: runConfigHash(runConfig) };
      }),
    );
  const arms = armsOf(used);
  // the folder is named by every model's resolved config, so --model or --runs with the same --set find it again
  const all = overrides.length ? armsOf(used, names) : [];
  const overridden = overrides.length && armsOf(declared, names).some((a, i) => a.configHash !== all[i].configHash)
    ? { folder: `${profile}+set-${createHash("sha256").update(all.map((a) => a.configHash).join(",")).digest("hex").slice(0, 8)}`, description: `--set ${overrides.map((o) => o.text).join(" --set ")}` }
    : null;
  // one order per seed over shared data: a group's replicas read one order, so a group holds one seed
  const seedsPerGroup = spec.seedsPerGroup ?? (train.batchOrder === "per-seed" ? 1 : 8);
  const seeds = Array.from({ length: runs }, (_, i) => (exp.seedOffset ?? 0) + i + 1);
  checkPilotSeeds(train, seeds);
  const resolveOptions: ResolveOptions = { profile, runs: opts.runs, models: opts.models, set: opts.set };
  const subset = subsetOf(profile, runs, spec.runs, models, names);
  const changed = overridden ? `OVERRIDDEN (${overridden.description}), not the profile's result. ` : "";
  const ownStatement = profileStatement({ runs: spec.runs, train: declared.train, rows: declared.rows, conditions: Object.keys(conditions).length, conditionLabel: exp.conditionLabel, note: spec.note });
  const statement = subset ? `${changed}SUBSET (${subset.description}), not the profile's result. The profile: ${ownStatement}` : overridden ? `${changed}The profile: ${ownStatement}` : ownStatement;
  return { experiment: exp, profile, runs, seeds, train, rows, seedsPerGroup, statement, arms, subset, resolveOptions, overrides, overridden };
}

/** The plan's pilot seeds (none unless learningRateChoice is "pilot"). */
export const pilotSeedsOf = (plan: Pick<ResolvedExperiment, "train">): number[] => (plan.train.learningRateChoice === "pilot" ? [...(plan.train.pilotSeeds ?? [])] : []);

/** A pilot chooses the rate its arm's reported runs train at, so it must be none of them. */
export function checkPilotSeeds(train: TrainConfig, seeds: readonly number[]): void {
  checkLearningRateChoice(train);
  const shared = pilotSeedsOf({ train }).filter((s) => seeds.includes(s));
  if (shared.length) throw new RangeError(`pilot seed${shared.length > 1 ? "s" : ""} ${shared.join(", ")} ${shared.length > 1 ? "are" : "is"} also reported; train.pilotSeeds must be disjoint from the reported seeds ${seeds[0]}…${seeds[seeds.length - 1]}`);
}

function subsetOf(profile: ProfileName, runs: number, profileRuns: number, models: string[], allModels: string[]): ResolvedExperiment["subset"] {
  const label: string[] = [];
  const said: string[] = [];
  if (runs !== profileRuns) {
    label.push(`runs-${runs}`);
    said.push(`${runs} runs per model instead of profile ${profile}'s ${profileRuns}`);
  }
  if (models.length !== allModels.length) {
    label.push(`models-${models.join("+")}`);
    said.push(`models ${models.join(", ")} only, of ${allModels.join(", ")}`);
  }
  return label.length ? { label: label.join("_"), description: said.join("; ") } : null;
}
