/**
 * Adam's update in the native addon (kernel set "native"): one kernel, MtlAdam, that
 * reads θ, m, v and g in the wasm heap and writes the next θ, m and v in one pass, instead of
 * ops.ts' adamUpdate, ~12 tfjs ops and ~10 passes per variable. The same float32 operations in the
 * same order (native/adam.cc), so bit-identical; inactive replicas are copied unchanged, as
 * the ops' `where` keeps them.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeAddon } from "./native-addon";
import { kernelSet } from "./sets";

const ADAM_KERNEL = "MtlAdam";

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Adam's constants for one step, as ops.ts' adamUpdate passes them to tfjs ops (JS numbers; the addon rounds each to float32). */
export interface AdamStepScalars {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  c1: number;
  c2: number;
  epsilon: number;
}

function adamKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const { theta, m, v, g, lr, active } = args.inputs as { theta: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; g: tf.TensorInfo; lr: tf.TensorInfo; active?: tf.TensorInfo };
  const a = args.attrs as unknown as AdamStepScalars;
  for (const [name, t] of [["m", m], ["v", v], ["g", g]] as const) {
    if (t.dtype !== "float32" || t.shape.join() !== theta.shape.join()) throw new Error(`MtlAdam: ${name} must be float32 of θ's shape ${theta.shape}; got ${t.dtype} ${t.shape}`);
  }
  const R = theta.shape[0], size = theta.shape.reduce((x, y) => x * y, 1);
  if (lr.dtype !== "float32" || lr.shape.join() !== `${R}` || (active && (active.dtype !== "bool" || active.shape.join() !== `${R}`))) {
    throw new Error(`MtlAdam: lr must be float32 [${R}] and active bool [${R}] (θ's first axis)`);
  }
  const outs = [0, 1, 2].map(() => backend.makeOutput(theta.shape, "float32"));
  if (size === 0) return outs;
  const off = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  nativeAddon()!.adam(backend.wasm.HEAPU8.buffer as ArrayBuffer, R, size / R, off(theta), off(m), off(v), off(g), off(outs[0]), off(outs[1]), off(outs[2]),
    off(lr), active ? off(active) : null, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.c1, a.c2, a.epsilon);
  return outs;
}

/** True where Adam should run in the addon: the wasm backend, kernel set "native", the addon loaded. */
export function nativeAdamActive(): boolean {
  if (tf.getBackend() !== "wasm" || kernelSet() !== "native" || !nativeAddon()) return false;
  if (!tf.getKernel(ADAM_KERNEL, "wasm")) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: "wasm", kernelFunc: adamKernel as unknown as tf.KernelFunc });
  return true;
}

/**
 * The next θ, m and v of one [R, …] variable (new tensors; the caller assigns them). lr: [R]
 * float32, each replica's learning rate; active: null = all train, else a [R] bool whose false
 * keeps a replica's θ, m, v. Both stay on the backend: nothing is read to the host.
 */
export function nativeAdamStep(theta: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, lr: tf.Tensor1D, active: tf.Tensor1D | null, s: AdamStepScalars): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = active ? { theta, m, v, g, lr, active } : { theta, m, v, g, lr };
  const [next, mNext, vNext] = tf.engine().runKernel(ADAM_KERNEL, inputs, s as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [next, mNext, vNext];
}

