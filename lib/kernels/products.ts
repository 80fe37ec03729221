/**
 * Matrix products with gradients shaped for speed on the wasm backend.
 *
 * tfjs-backend-wasm 4.22 runs BatchMatMul through XNNPACK only for a single batch without
 * transposeA/transposeB; every other case (a batch of matrices, or the transposed products
 * the default gradients use) takes a slow generic loop: measured 5–30× slower here. So on wasm:
 *   - gradients transpose explicitly and multiply plainly (dW = xᵀ·dy as transpose, then matMul);
 *   - a batch of one product runs as a 2-D matMul.
 * The numbers are the same products; other backends keep tf.matMul's batched kernels.
 */
import * as tf from "@tensorflow/tfjs";

const onWasm = () => tf.getBackend() === "wasm";

/** True once install.ts has installed this project's wasm product, which broadcasts any batch axis and reads transposes itself. */
let productInstalled = false;

/** Called by install.ts when it installs its product. */
export function useBroadcastingProduct(): void {
  productInstalled = true;
}

/**
 * a [G, M, K] @ b [G, K, N] → [G, M, N] without transposes; G = 1 takes the fast 2-D path.
 * (Splitting G > 1 into 2-D products would be faster per product, but slicing a batch apart
 * costs more than it saves on wasm 4.22: ~20 ms per slice of a [64, 128, 100] tensor, measured.)
 */
function plainBatched(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [G, M, K] = a.shape, N = b.shape[2];
  if (G === 1 && b.shape[0] === 1) return tf.matMul(a.reshape([M, K]), b.reshape([K, N])).reshape([1, M, N]);
  return tf.matMul(a, b); // a batch of one broadcasts
}

/**
 * x [R, B, D] (per-replica data, no gradient), or [1, B, D] shared by every replica, @ w [R, D, N]
 * → [R, B, N]; dW = xᵀ·dy (xᵀ materialised for tfjs' own kernels). Shared data comes out replica-major without the
 * transposes of one [B, D] @ [D, R·N] product, and every output is the same sum.
 */
export function dataBmm(x: tf.Tensor3D, w: tf.Tensor3D): tf.Tensor3D {
  if (!onWasm()) return tf.matMul(x, w);
  if (productInstalled) {
    // this project's product reads xᵀ in place (natively) or transposes it itself: no copy of x in every forward pass
    const op = tf.customGrad((wt, save) => {
      (save as tf.GradSaveFunc)([x]);
      return { value: plainBatched(x, wt as tf.Tensor3D), gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => tf.matMul(xs as tf.Tensor3D, dy as tf.Tensor3D, true, false) };
    });
    return op(w) as tf.Tensor3D;
  }
  const op = tf.customGrad((wt, save) => {
    const xt = x.transpose([0, 2, 1]); // [R or 1, D, B]
    (save as tf.GradSaveFunc)([xt]);
    return { value: plainBatched(x, wt as tf.Tensor3D), gradFunc: (dy: tf.Tensor, [xts]: tf.Tensor[]) => plainBatched(xts as tf.Tensor3D, dy as tf.Tensor3D) };
  });
  return op(w) as tf.Tensor3D;
}

/**
 * x [R, 1, B, I], read by every one of G groups, @ w [R, G, I, U] → [R, G, B, U], without copying
 * x per group. Only this project's wasm product broadcasts an inner batch axis correctly (tfjs'
 * kernels flatten the batch axes first and pair the wrong matrices), and tfjs 4.22's BatchMatMul
 * gradient does not sum over a broadcast axis (it fails on the shape). So elsewhere x is tiled as
 * before, and here the gradient is written out: dx = Σ_g dy_g · w_gᵀ, the groups added in order
 * from +0 as the tile's gradient adds them, and dW = xᵀ · dy_g per group.
 */
export function groupsShareInput(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [R, , B, I] = x.shape, [, G, , U] = w.shape;
  if (!onWasm() || !productInstalled) return tf.matMul(x.tile([1, G, 1, 1]).reshape([R * G, B, I]), w.reshape([R * G, I, U])).reshape([R, G, B, U]);
  const op = tf.customGrad((xv, wv, save) => {
    (save as tf.GradSaveFunc)([xv as tf.Tensor, wv as tf.Tensor]);
    return {
      value: tf.matMul(xv as tf.Tensor4D, wv as tf.Tensor4D),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        tf.matMul(dy as tf.Tensor4D, ws as tf.Tensor4D, false, true).sum(1, true),
        tf.matMul(xs as tf.Tensor4D, dy as tf.Tensor4D, true, false),
      ],
    };
  });
  return op(x, w) as tf.Tensor4D;
}
