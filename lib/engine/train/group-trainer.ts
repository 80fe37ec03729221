/** The signature of a group's training: ordinary (trainer.ts) or another mode (meta-trainer.ts). */
import type { MtlModel } from "../../models/types";
import type { TrainConfig } from "./train-config";
import type { GroupData, ReplicaOutcome, TrainingProgress } from "./trainer";

/**
 * Trains `model` (one replica per seed × learning rate, `learningRates` one per replica) on the
 * group's data and returns one outcome per replica. The model is disposed by the caller afterwards.
 */
export type GroupTrainer = (model: MtlModel, data: GroupData, config: TrainConfig, learningRates: readonly number[], onEvaluate?: (p: TrainingProgress) => void) => Promise<ReplicaOutcome[]>;
