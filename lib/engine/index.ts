/**
 * Public surface of lib/engine: metrics, statistics, the replica trainer, experiments, the
 * results store and the runner. Internals (device data, per-replica bookkeeping) stay private.
 */
export * from "./train/metrics";
export { checkDataSet, interleaveLabels, splitsInOrder, type DataSet, type DataSource, type SplitArrays, type SplitName } from "./train/data";
export { ReplicaAdam, DEFAULT_ADAM, type AdamConfig } from "./train/adam";
export { taskLosses, totalLoss } from "./train/losses";
export { resolveTrainConfig, defaultSelection, ALL_TASKS, type TrainConfig, type ResolvedTrainConfig } from "./train/train-config";
export { lossReference, type Curves, type Divergence, type ReplicaStatus } from "./train/replica-state";
export type { GateSummary } from "./train/evaluate";
export { evaluateReplica } from "./train/evaluate";
export { trainReplicas, constantPredictorLoss, type GroupData, type ReplicaOutcome, type TrainingProgress } from "./train/trainer";
export { trainEpisodes, shotKey, type EpisodeSettings, type EpisodicDataSet, type FewShotTask, type TaskRows } from "./train/meta-trainer";
export type { GroupTrainer } from "./train/group-trainer";
export { configHash, canonicalJson, declarationHash, ENGINE_RESULTS_VERSION } from "./store/config-hash";
export * from "./plan/experiment";
export { applyArmLearningRates, armLearningRate, chooseLearningRate, runAtLearningRate, RUN_SCHEMA, type RunRecord, type LearningRateTrial, type TaskMetrics, type UndefinedMetrics } from "./store/run-record";
export { runGroup, seedGroups, initSeedOf, batchOrderSeedOf, sharedBatchOrderSeed, type ModelFactory, type GroupRequest } from "./train/run-group";
export * from "./store/results-store";
export * from "./store/folder-lock";
export * from "./report/summary";
export * from "./report/progress";
export { reportTables, summaryTable, validationLossFigure, writeReport, type HistoryEntry } from "./report/report";
export * from "./runner";
export { workerCount } from "./distributed/group-pool";
export { inShard, MAX_SHARDS, parseShard, planGroups, shardRunKeys, type PlanGroup, type Shard } from "./distributed/shard";
export { mergeShards, MergeRefusedError, shardFolder, type MergeResult } from "./distributed/merge";
export * from "./report/notebook-load";
export * from "./store/verify";
export { degenerateNotes, degenerateReason, runOutcome, withRunNotes, type RunOutcome } from "./train/degenerate";
export { learningRateEdgeNotes, learningRateEdges, type RateEdge } from "./report/learning-rate-edges";
export { presentLine, lastCommitOf } from "./store/results-origin";
