/**
 * The named ops models and the engine call. Each does the same float operations in the same order
 * whichever kernel set is installed (README.md here); which kernels run is decided here, per call,
 * so no caller looks at kernel state.
 */
import * as tf from "@tensorflow/tfjs";
import { fusedMixActive, sparseBagActive } from "./install";
import { nativeAdamActive, nativeAdamStep, type AdamStepScalars } from "./wasm-adam-kernel";
import { embeddingBag, fusedMix } from "./wasm-bag-kernel";
import { nativeInputLayer, nativeInputLayerActive } from "./input-layer-kernel";
import { dataBmm } from "./products";

export type { AdamStepScalars } from "./wasm-adam-kernel";
export { dataBmm, groupsShareInput } from "./products";

/**
 * Embedding bag: Σ_c table[:, idx[b, c], :] → [R, B, U]; flatIdx int32 [B·nCat], already offset
 * into the table's rows. Without the sparse bag kernel it runs as a product with the multi-hot
 * count matrix X [B, V] (X[b, v] = how many of row b's columns hit v): X @ table[r] per replica.
 * Why not a gather of table rows: that materialises [R, B·nCat, U] (census AdaTT, R = 64:
 * 64 × 15,872 × 786 floats = 3.2 GB, beyond the wasm heap) and its scatter-add gradient the same
 * again; the product needs only X (B × V) and its gradient Xᵀ·dy is an ordinary product. Exact:
 * X holds small integers and every skipped entry contributes 0·w = 0. The sparse bag does the
 * same sums without the V/nCat ≈ 16× arithmetic, in the same order.
 */
export function embeddingBagSum(table: tf.Tensor3D, flatIdx: tf.Tensor1D, B: number, nCat: number): tf.Tensor3D {
  if (sparseBagActive()) return embeddingBag(table, flatIdx, nCat);
  const V = table.shape[1];
  const rows = tf.range(0, B, 1, "int32").expandDims(1).tile([1, nCat]).reshape([B * nCat, 1]); // row b of each lookup
  const where = tf.concat([rows, flatIdx.reshape([B * nCat, 1])], 1) as tf.Tensor2D; // [B·nCat, 2]
  const counts = tf.scatterND(where, tf.ones([B * nCat]), [B, V]) as tf.Tensor2D; // duplicates add up
  return tf.matMul(counts.expandDims(0), table) as tf.Tensor3D; // [1, B, V] @ [R, V, U], broadcast
}

/**
 * The input layer on shared data, (bias + x·wNum) + bag(table): x [B, Dn], wNum [R, Dn, U],
 * bias [R, U], table [R, V, U], flatIdx int32 [B·nCat] → [R, B, U]. The native kernel computes the
 * same floats in one pass; the ops write and read the [R, B, U] intermediates four times more.
 */
export function sharedInputLayer(x: tf.Tensor2D, wNum: tf.Tensor3D, bias: tf.Tensor2D, table: tf.Tensor3D, flatIdx: tf.Tensor1D, nCat: number): tf.Tensor3D {
  if (nativeInputLayerActive()) return nativeInputLayer(x, wNum, bias, table, flatIdx, nCat);
  const B = x.shape[0];
  return bias.expandDims(1).add(dataBmm(x.expandDims(0) as tf.Tensor3D, wNum)).add(embeddingBagSum(table, flatIdx, B, nCat)) as tf.Tensor3D;
}

/** Gated mix f_k = Σ_i w[·, k, i] · e_i: weights [R, B, K, n], experts [R, n, B, H] → [R, K, B, H]. */
export function gatedMix(w: tf.Tensor4D, e: tf.Tensor4D): tf.Tensor4D {
  if (fusedMixActive()) return fusedMix(w, e);
  return w.transpose([0, 2, 3, 1]).expandDims(4).mul(e.expandDims(1)).sum(2) as tf.Tensor4D; // [R, K, n, B, H] summed over n
}

/** A [R] vector reshaped to broadcast against a [R, …] variable. */
function perReplica(vector: tf.Tensor1D, like: tf.Tensor): tf.Tensor {
  return vector.reshape([vector.shape[0], ...like.shape.slice(1).map(() => 1)]);
}

/**
 * One Adam update of a [R, …] variable, in the form tf.train.adam uses:
 *   m' = β1·m + (1 − β1)·g,  v' = β2·v + (1 − β2)·g²,  θ' = θ − lr_r · (m' / c1) / (√(v' / c2) + ε)
 * with c1 = 1 − β1^t, c2 = 1 − β2^t. Returns new tensors θ', m', v' (the caller assigns and
 * disposes them). lr: [R] float32; active: null = every replica, else [R] bool whose false keeps
 * a replica's θ, m, v bit for bit. The native kernel does the same float32 operations in one pass.
 */
export function adamUpdate(theta: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, lr: tf.Tensor1D, active: tf.Tensor1D | null, s: AdamStepScalars): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (nativeAdamActive()) return nativeAdamStep(theta, m, v, g, lr, active, s);
  return tf.tidy(() => {
    const mNext = tf.add(tf.mul(m, s.beta1), tf.mul(g, s.oneMinusBeta1));
    const vNext = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), s.oneMinusBeta2));
    const step = tf.div(tf.div(mNext, s.c1), tf.add(tf.sqrt(tf.div(vNext, s.c2)), s.epsilon));
    const next = tf.sub(theta, tf.mul(perReplica(lr, theta), step));
    if (active === null) return [next, mNext, vNext];
    const keep = tf.broadcastTo(perReplica(active, theta), theta.shape);
    return [tf.where(keep, next, theta), tf.where(keep, mNext, m), tf.where(keep, vNext, v)];
  }) as [tf.Tensor, tf.Tensor, tf.Tensor];
}
