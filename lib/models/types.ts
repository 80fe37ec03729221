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
  /**
   * Read x' = scale · x + shift in place of x (x: the one-hot view), as a cross network's output
   * is (cross-network.ts): scale [R, B, 1] per row, shift [R, D] per replica. The input layer
   * computes x'·W = scale ⊙ (x·W) + shift·W, keeping its fast data products.
   */
  affine?: { scale: tf.Tensor; shift: tf.Tensor };
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
  /**
   * A per-replica term added to the training loss: [R]. It may read the model's weights
   * (L2-Constrained's α‖θ1 − θ2‖²) or this step's outputs [R, B, T] (AITM's calibrator, which
   * penalises a later funnel step predicted above an earlier one, and needs them); the trainer
   * always passes the outputs.
   */
  extraLoss?(outputs?: tf.Tensor3D): tf.Tensor1D;
  /**
   * Which labels each task's training loss counts, per row: a 0/1 mask broadcastable to
   * [R, B, T], from the batch's labels [B, T] or [R, B, T]. Absent: every label counts. With a
   * mask, task t's loss is the mean over its unmasked rows of the batch (0 when none). For models
   * whose outputs are trained on part of the rows only (ESMM's BASE: CVR on clicked impressions)
   * or not at all (ESMM's pCVR, an output for evaluation whose loss ESMM never forms).
   * Validation losses and metrics are computed on every row.
   */
  lossMask?(labels: tf.Tensor): tf.Tensor;
  /**
   * The first `funnelSteps` tasks are the steps of a conversion funnel in order (binary labels,
   * each step reachable only through the one before). Evaluation then adds to every later step
   * the metric `violations`: the fraction of rows predicted more likely to reach the step than the
   * step before (the monotonicity AITM's calibrator enforces).
   */
  readonly funnelSteps?: number;
  parameterCount(): ParameterCount;
  dispose(): void;
}
