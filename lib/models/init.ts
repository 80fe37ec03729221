/**
 * Weight initialisers. Every kernel block (one expert's layer, one gate, one tower layer) draws
 * from its own seed `seeds.at(path, "kernel")`, so no two experts start identical and a block's
 * initial weights do not depend on how blocks are packed into fused matrices.
 *
 * Default: Glorot (Xavier) uniform, U(±sqrt(6 / (fanIn + fanOut))), the Keras default the MMoE
 * and PLE authors' TensorFlow code would have used; biases start at zero (Keras default). For a
 * categorical column the fan-in counts its one-hot width, so the lookup path initialises exactly
 * like a Dense layer on the one-hot input.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../seeds";
import { orthonormalVectors } from "../linalg";

/** U(±sqrt(6 / (fanIn + fanOut))): Glorot & Bengio (2010). */
export function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, "float32", seed);
}

/** U(±sqrt(6 / fanIn)): He et al. (2015), for ReLU layers when asked for explicitly. */
export function heUniform(shape: number[], fanIn: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / fanIn);
  return tf.randomUniform(shape, -limit, limit, "float32", seed);
}

/** U(±limit): AdaTT's native-expert weights use limit = sqrt(1 / m) (mtl_lib.py). */
export function uniform(shape: number[], limit: number, seed: number): tf.Tensor {
  return tf.randomUniform(shape, -limit, limit, "float32", seed);
}

/**
 * A rows × cols matrix with orthonormal columns (cols ≤ rows), from lib/linalg's Gram–Schmidt
 * on Gaussian draws of a host PRNG. Used for Tucker factors so that the composed weights have a known scale.
 */
export function orthonormalColumns(rows: number, cols: number, rng: Rng): tf.Tensor2D {
  const q = orthonormalVectors(rows, cols, rng);
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out[i * cols + j] = q[j][i];
  return tf.tensor2d(out, [rows, cols]);
}
