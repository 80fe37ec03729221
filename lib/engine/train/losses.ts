/**
 * Training losses (docs/protocol.md, "Models and training"): binary cross-entropy from logits for binary tasks, squared error for
 * regression tasks, averaged over the batch per replica and task. Replicas never mix: every
 * reduction here is over the batch axis only.
 */
import * as tf from "@tensorflow/tfjs";
import type { TaskSpec } from "../../models/types";

/**
 * Per-replica, per-task mean loss.
 * @param outputs [R, B, T] logits (binary) or values (regression).
 * @param labels [B, T] (shared data, broadcast over replicas) or [R, B, T].
 * @param mask optional 0/1 weights broadcastable to [R, B, T] (MtlModel.lossMask): task t's loss
 *   is then the mean over the rows whose mask is 1 (0 when there are none).
 * @returns [R, T]
 */
export function taskLosses(outputs: tf.Tensor3D, labels: tf.Tensor, tasks: readonly TaskSpec[], mask?: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const y = labels.rank === 2 ? labels.expandDims(0) : labels; // [1|R, B, T]
    // BCE from logits, stable form: max(z, 0) − z·y + log(1 + e^{−|z|})
    const bce = tf.add(tf.sub(tf.relu(outputs), tf.mul(outputs, y)), tf.log1p(tf.exp(tf.neg(tf.abs(outputs)))));
    const squared = tf.squaredDifference(outputs, y);
    const binary = tf.tensor1d(tasks.map((t) => (t.kind === "binary" ? 1 : 0)), "bool"); // [T]
    const perSample = tf.where(tf.broadcastTo(binary, outputs.shape), bce, squared); // [R, B, T]
    if (!mask) return tf.mean(perSample, 1) as tf.Tensor2D;
    const m = tf.broadcastTo(mask, outputs.shape); // [R, B, T]
    return tf.div(tf.sum(tf.mul(perSample, m), 1), tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor2D;
  });
}

/**
 * The scalar the optimiser minimises: Σ_r (Σ_t w_t · L_rt + extra_r). A sum, not a mean, so each
 * replica's gradient is exactly the gradient of its own loss, whatever the other replicas hold.
 */
export function totalLoss(perTask: tf.Tensor2D, taskWeights: tf.Tensor1D, extra?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const perReplica = tf.sum(tf.mul(perTask, taskWeights), 1); // [R]
    return tf.sum(extra ? tf.add(perReplica, extra) : perReplica) as tf.Scalar;
  });
}
