/**
 * The contract every model, the trainer and the experiments share.
 *
 * Replicas: a model holds R independent replicas (R seeded runs) and trains them in one graph.
 * Every trainable variable has the replica axis first ([R, ...]); replica r is initialised only
 * from seed `replicaSeeds[r]`, so replica r of an R-replica model equals an R = 1 model built
 * with that seed. The trainer sums the per-replica losses; since replicas share no weights, each
 * replica's gradient is exactly its own loss's gradient.
 */
import type * as tf from "@tensorflow/tfjs";

export type { InputSpec, TaskKind, TaskSpec } from "../data/spec";
import type { InputSpec, TaskSpec } from "../data/spec";

/**
 * One minibatch.
 * - Shared data (census): numeric [B, numeric] float32, categorical [B, nCat] int32; every
 *   replica sees the same rows, only the initialisation differs (as in the papers).
 * - Per-replica data (synthetic studies): numeric [R, B, numeric]; categorical absent.
 */
export interface Batch {
  numeric: tf.Tensor;
  categorical?: tf.Tensor;
}

/** Gate (or fusion) weights of one task at one level, for the expert-utilisation figures. */
export interface GateWeights {
  task: string;
  level: number;
  /** Names of the experts the weights refer to, in column order, e.g. ["shared/0", "income/1"]. */
  experts: string[];
  /** [R, B, experts.length]. */
  weights: tf.Tensor3D;
}

export interface ParameterCount {
  /** Trainable scalars of one replica. */
  perReplica: number;
  /** perReplica × R. */
  total: number;
  /** Per named group (e.g. "experts", "gates", "towers"), per replica. */
  groups: Record<string, number>;
}

export interface MtlModel {
  readonly kind: string;
  readonly replicas: number;
  readonly replicaSeeds: readonly number[];
  readonly tasks: readonly TaskSpec[];
  readonly input: InputSpec;
  /** Every trainable variable, replica axis first. */
  readonly variables: readonly tf.Variable[];
  /** Forward pass: [R, B, T] — logits for binary tasks, values for regression tasks. */
  apply(batch: Batch): tf.Tensor3D;
  /** Gate / fusion weights per task and level, where the model has gates. */
  gates?(batch: Batch): GateWeights[];
  /** A per-replica regulariser added to the loss (L2-Constrained's α‖θ1 − θ2‖²): [R]. */
  extraLoss?(): tf.Tensor1D;
  parameterCount(): ParameterCount;
  dispose(): void;
}
