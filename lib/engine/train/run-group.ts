/**
 * One training group: a few seeds of one arm, each × every learning rate of the grid, trained as
 * the replicas of one model. Replica (seed s, lr l) is initialised from seed s alone, so every
 * learning rate of a seed starts from the same weights and sees the same batches; the learning
 * rate with the best validation selection metric becomes the run's result (MMoE §5.1's grid).
 * Groups are fixed chunks of the seed list, so a resumed study recomputes a group exactly as the
 * interrupted one would have. Under learningRateChoice "pilot" only the pilot seeds' groups train
 * the grid; a group of reported seeds trains the one rate its arm's pilot chose (`learningRates`).
 */
import type { InputSpec, MtlModel, ParameterCount, TaskSpec } from "../../models/types";
import type { ModelConfig } from "../../models/config";
import { deriveSeed } from "../../seeds";
import { checkDataSet, headRows, type DataSet, type DataSource } from "./data";
import { pilotSeedsOf, type Arm, type ResolvedExperiment, type RowCaps } from "../plan/experiment";
import type { GroupTrainer } from "./group-trainer";
import { outcomeFields, RUN_SCHEMA, type RunRecord } from "../store/run-record";
import { resolveTrainConfig } from "./train-config";
import { trainReplicas, type GroupData, type ReplicaOutcome, type TrainingProgress } from "./trainer";

export type ModelFactory = (config: ModelConfig, tasks: TaskSpec[], input: InputSpec, replicaSeeds: number[]) => MtlModel;

/** Initialisation seed of run `seed` (shared by every learning rate and model of that run). */
export const initSeedOf = (seed: number) => deriveSeed(seed, "model-init");
/** Minibatch-order seed of run `seed` with per-replica data. */
export const batchOrderSeedOf = (seed: number) => deriveSeed(seed, "batch-order");
/** Minibatch-order seed with shared data: one order for every run of the arm (runs differ only in
 *  their initialisation, as in the papers), independent of how runs are grouped. */
export const sharedBatchOrderSeed = (experiment: string, orderKey: string) => deriveSeed(1, "shared-batch-order", experiment, orderKey);
/** Minibatch-order seed with shared data and train.batchOrder "per-seed": one order per seed, the
 *  same for every model of the experiment at that seed (common random numbers). */
export const seedBatchOrderSeed = (seed: number, experiment: string, orderKey: string) => deriveSeed(seed, "shared-batch-order", experiment, orderKey);

/** Fixed chunks of the seed list: [1..k], [k+1..2k], … */
export function seedGroups(seeds: readonly number[], perGroup: number): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < seeds.length; i += perGroup) groups.push(seeds.slice(i, i + perGroup));
  return groups;
}

export function capRows(data: DataSet, rows: RowCaps): DataSet {
  const { numeric } = data.input;
  const nCat = data.input.categorical.length;
  const T = data.tasks.length;
  const cap = (name: "train" | "validation" | "test") => headRows(data[name], rows[name] ?? Infinity, numeric, nCat, T);
  const capped: DataSet = { ...data, train: cap("train"), validation: cap("validation"), test: cap("test") };
  if (data.freshTrain) {
    const fresh = data.freshTrain.bind(data);
    capped.freshTrain = (epoch) => headRows(fresh(epoch), rows.train ?? Infinity, numeric, nCat, T);
  }
  checkDataSet(capped);
  return capped;
}

function groupData(source: DataSource, seeds: readonly number[], lrs: number, arm: Arm, plan: ResolvedExperiment): GroupData {
  if (source.layout === "shared") {
    const key = source.orderKey ?? arm.conditionName;
    if (plan.train.batchOrder === "per-seed" && seeds.length !== 1) {
      throw new RangeError(`experiment ${plan.experiment.id}: train.batchOrder "per-seed" with shared data trains one seed per group (every replica of a group reads one order); set the profile's seedsPerGroup to 1, got a group of ${seeds.length}`);
    }
    const order = plan.train.batchOrder === "per-seed" ? seedBatchOrderSeed(seeds[0], plan.experiment.id, key) : sharedBatchOrderSeed(plan.experiment.id, key);
    return { layout: "shared", datasets: [capRows(source.data, plan.rows)], orderSeeds: [order] };
  }
  return {
    layout: "per-replica",
    datasets: seeds.map((s) => capRows(source.dataFor(s), plan.rows)),
    datasetOf: seeds.flatMap((_, i) => Array.from({ length: lrs }, () => i)),
    orderSeeds: seeds.map(batchOrderSeedOf),
  };
}

/** The tasks an experiment declares (and its run keys hash) must be the data's. */
function checkDeclaredTasks(plan: ResolvedExperiment, arm: Arm, tasks: readonly TaskSpec[]): void {
  const declared = arm.runConfig.tasks;
  const actual = tasks.map((t) => `${t.name}:${t.kind}`).join(", ");
  if (declared && declared.map((t) => `${t.name}:${t.kind}`).join(", ") !== actual) {
    throw new Error(`experiment ${plan.experiment.id}, condition ${arm.conditionName}: tasks() declares ${declared.map((t) => `${t.name}:${t.kind}`).join(", ")} but the data has ${actual}; make them agree`);
  }
}

export interface GroupRequest {
  plan: ResolvedExperiment;
  arm: Arm;
  seeds: number[];
  source: DataSource;
  createModel: ModelFactory;
  backend: string;
  /** The rates this group trains: the grid (default), or under "pilot" a reported group's one rate. */
  learningRates?: number[];
  onProgress?: (p: TrainingProgress) => void;
}

/** Whether `seeds` are pilot seeds of the plan (learningRateChoice "pilot"). */
function isPilotGroup(plan: ResolvedExperiment, seeds: readonly number[]): boolean {
  const pilots = pilotSeedsOf(plan);
  return seeds.length > 0 && seeds.every((s) => pilots.includes(s));
}

/** The rates a group trains, checked: a reported group under "pilot" trains exactly one rate of the grid. */
function groupRates(plan: ResolvedExperiment, seeds: readonly number[], rates: number[] | undefined): number[] {
  const grid = plan.train.learningRates;
  if (plan.train.learningRateChoice !== "pilot" || isPilotGroup(plan, seeds)) {
    if (rates && rates.join() !== grid.join()) throw new Error(`runGroup: seeds ${seeds.join(",")} train the whole grid [${grid.join(", ")}], not [${rates.join(", ")}]`);
    return grid;
  }
  if (!rates || rates.length !== 1 || !grid.includes(rates[0])) {
    throw new Error(`runGroup: reported seeds ${seeds.join(",")} under learningRateChoice "pilot" train the one rate of the grid [${grid.join(", ")}] their arm's pilot chose; got ${JSON.stringify(rates)}`);
  }
  return rates;
}

/** Trains the group and returns one RunRecord per seed. */
export async function runGroup(req: GroupRequest): Promise<RunRecord[]> {
  const { plan, arm, seeds, source } = req;
  const lrs = groupRates(plan, seeds, req.learningRates);
  const pilot = isPilotGroup(plan, seeds);
  const data = groupData(source, seeds, lrs.length, arm, plan);
  const { tasks, input } = data.datasets[0];
  checkDeclaredTasks(plan, arm, tasks);
  const selection = resolveTrainConfig(plan.train, tasks).selection;
  const started = Date.now();
  const model = req.createModel(arm.modelConfig, tasks, input, seeds.flatMap((s) => lrs.map(() => initSeedOf(s))));
  let outcomes: ReplicaOutcome[];
  let parameters: ParameterCount;
  try {
    parameters = model.parameterCount();
    // an experiment may train its groups another way (meta-training, extra evaluations); default: ordinary training
    const train: GroupTrainer = plan.experiment.trainer ?? trainReplicas;
    outcomes = await train(model, data, plan.train, seeds.flatMap(() => lrs), req.onProgress);
  } finally {
    model.dispose();
  }
  const groupWallTimeMs = Date.now() - started;
  return seeds.map((seed, i) => ({
    schema: RUN_SCHEMA,
    experiment: plan.experiment.id,
    profile: plan.profile,
    arm: arm.key,
    model: arm.model,
    condition: arm.conditionName,
    configHash: arm.configHash,
    seed,
    ...(pilot ? { pilot: true as const } : {}),
    derivedSeeds: { init: initSeedOf(seed), batchOrder: data.layout === "shared" ? data.orderSeeds[0] : batchOrderSeedOf(seed) },
    config: { model: arm.modelConfig, train: plan.train, rows: plan.rows, condition: arm.condition },
    backend: req.backend,
    selection,
    ...outcomeFields(outcomes.slice(i * lrs.length, (i + 1) * lrs.length), selection.metric, plan.train.learningRateChoice === "per-arm" || pilot),
    parameters: { perReplica: parameters.perReplica, groups: parameters.groups },
    data: data.datasets[data.layout === "shared" ? 0 : i].info,
    wallTimeMs: Math.round(groupWallTimeMs / seeds.length),
    groupWallTimeMs,
    replicasInGroup: seeds.length * lrs.length,
    finishedAt: new Date().toISOString(),
  }));
}
