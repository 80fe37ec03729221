/**
 * Public surface of lib/engine: metrics, statistics, the replica trainer, experiments, the
 * results store and the runner. Internals (device data, per-replica bookkeeping) stay private.
 */
export * from "./metrics";
export { checkDataSet, interleaveLabels, splitsInOrder, type DataSet, type DataSource, type SplitArrays, type SplitName } from "./data";
export { ReplicaAdam, DEFAULT_ADAM, type AdamConfig } from "./adam";
export { taskLosses, totalLoss } from "./losses";
export { resolveTrainConfig, defaultSelection, ALL_TASKS, type TrainConfig, type ResolvedTrainConfig } from "./train-config";
export { lossReference, type Curves, type Divergence, type ReplicaStatus } from "./replica-state";
export type { GateSummary } from "./evaluate";
export { evaluateReplica } from "./evaluate";
export { trainReplicas, constantPredictorLoss, type GroupData, type ReplicaOutcome, type TrainingProgress } from "./trainer";
export { configHash, canonicalJson, declarationHash, ENGINE_RESULTS_VERSION } from "./config-hash";
export * from "./experiment";
export { applyArmLearningRates, armLearningRate, chooseLearningRate, runAtLearningRate, RUN_SCHEMA, type RunRecord, type LearningRateTrial, type TaskMetrics, type UndefinedMetrics } from "./run-record";
export { runGroup, seedGroups, initSeedOf, batchOrderSeedOf, sharedBatchOrderSeed, type ModelFactory, type GroupRequest } from "./run-group";
export * from "./results-store";
export * from "./folder-lock";
export * from "./summary";
export * from "./progress";
export { reportTables, summaryTable, validationLossFigure, writeReport, type HistoryEntry } from "./report";
export * from "./runner";
export { workerCount } from "./group-pool";
export { inShard, MAX_SHARDS, parseShard, planGroups, shardRunKeys, type PlanGroup, type Shard } from "./shard";
export { mergeShards, MergeRefusedError, shardFolder, type MergeResult } from "./merge";
export * from "./notebook-load";
export * from "./verify";
export { degenerateNotes, degenerateReason, runOutcome, withRunNotes, type RunOutcome } from "./degenerate";
export { presentLine, lastCommitOf } from "./results-origin";
