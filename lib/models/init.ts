/**
 * Weight initialisers. Every Dense block (one expert's layer, one gate, one tower layer) is
 * initialised by name through a `DenseInit`, drawing from its own seed `seeds.at(name, "kernel")`
 * (and `"bias"`), so no two experts start identical and a block's initial weights do not depend
 * on how blocks are packed into fused matrices.
 *
 * Schemes (the model config's `init` field):
 *   "glorot" (default): kernels Glorot (Xavier) uniform, U(±sqrt(6 / (fanIn + fanOut))), biases
 *     zero: the Keras defaults the MMoE and PLE authors' TensorFlow code would have used.
 *   "torch-default": PyTorch nn.Linear's default, U(±1/sqrt(fanIn)) for kernels AND biases: what
 *     facebookresearch/AdaTT (mtl_lib.py) uses for every expert, gate and tower, and so what the
 *     AdaTT paper's hidden sizes were tuned with.
 * For a categorical column the fan-in counts its one-hot width, so the lookup path initialises
 * exactly like a Dense layer on the one-hot input. Parameters that are not Dense layers (AdaTT's
 * native weights, cross-stitch and sluice mixers, Tucker factors) keep their own initialisation
 * under every scheme.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng, Seeds } from "../seeds";
import { orthonormalVectors } from "../linalg";

export type InitScheme = "glorot" | "torch-default";
export const INIT_SCHEMES: readonly InitScheme[] = ["glorot", "torch-default"];
/** The scheme of a config that names none. */
export const DEFAULT_INIT_SCHEME: InitScheme = "glorot";

/**
 * How the Dense block `name` (a seed path such as "expert/2/layer/0") starts, in one replica
 * (`seeds` is that replica's root): kernel [fanIn, fanOut], bias [fanOut]. Programmatic callers
 * (tests, weight ports) may pass their own in place of a scheme name.
 */
export interface DenseInit {
  kernel(name: string, fanIn: number, fanOut: number, seeds: Seeds): tf.Tensor;
  bias(name: string, fanIn: number, fanOut: number, seeds: Seeds): tf.Tensor;
}

export const GLOROT_INIT: DenseInit = {
  kernel: (name, fanIn, fanOut, s) => glorotUniform([fanIn, fanOut], fanIn, fanOut, s.at(name, "kernel")),
  bias: (_name, _fanIn, fanOut) => tf.zeros([fanOut]),
};

/** torch.nn.Linear.reset_parameters: kaiming_uniform(a = √5) is U(±1/√fanIn); bias U(±1/√fanIn). */
export const TORCH_DEFAULT_INIT: DenseInit = {
  kernel: (name, fanIn, fanOut, s) => uniform([fanIn, fanOut], 1 / Math.sqrt(fanIn), s.at(name, "kernel")),
  bias: (name, fanIn, fanOut, s) => uniform([fanOut], 1 / Math.sqrt(fanIn), s.at(name, "bias")),
};

/** The DenseInit of a scheme name (absent = "glorot"), or the object itself. */
export function denseInit(init: InitScheme | DenseInit | undefined): DenseInit {
  if (init === undefined || init === DEFAULT_INIT_SCHEME) return GLOROT_INIT;
  if (init === "torch-default") return TORCH_DEFAULT_INIT;
  if (typeof init === "object" && typeof init.kernel === "function" && typeof init.bias === "function") return init;
  throw new RangeError(`init must be one of ${INIT_SCHEMES.map((s) => `"${s}"`).join(", ")} (or a DenseInit object), got ${JSON.stringify(init)}`);
}

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
