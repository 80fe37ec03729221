/**
 * ReLU's gradient in the native addon (kernel set "native"): one kernel, MtlReluGrad, instead of
 * the three tfjs' gradient runs (Step, a float32-to-float32 Cast, Multiply), each a full pass over
 * the activation: ~10 % of a census AdaTT step. The same float32 multiply dy · step(x), so
 * bit-identical (native/relu-grad.cc). The gradient is registered for every backend and decides
 * per call; elsewhere it runs tfjs' own ops.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeAddon } from "./native-addon";
import { kernelSet } from "./sets";

const RELU_GRAD_KERNEL = "MtlReluGrad";

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

function reluGradKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  if (dy.dtype !== "float32" || x.dtype !== "float32" || dy.shape.join() !== x.shape.join()) {
    throw new Error(`${RELU_GRAD_KERNEL}: float32 dy and x of one shape expected; got ${dy.dtype} [${dy.shape}], ${x.dtype} [${x.shape}]`);
  }
  const out = backend.makeOutput(x.shape, "float32");
  const n = x.shape.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  const off = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset; // after makeOutput: the heap may have grown
  nativeAddon()!.reluGrad(backend.wasm.HEAPU8.buffer as ArrayBuffer, n, off(dy), off(x), off(out));
  return out;
}

/** True where ReLU's gradient runs in the addon: the wasm backend, kernel set "native", the addon loaded. */
function nativeReluGradActive(): boolean {
  if (tf.getBackend() !== "wasm" || kernelSet() !== "native" || !nativeAddon()) return false;
  if (!tf.getKernel(RELU_GRAD_KERNEL, "wasm")) tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: "wasm", kernelFunc: reluGradKernel as unknown as tf.KernelFunc });
  return true;
}

let registered = false;

/** Registers ReLU's gradient (once): the native kernel where active, else tfjs' own ops. */
export function installReluGradient(): void {
  if (registered) return;
  tf.registerGradient({
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [x] = saved, d = dy as tf.Tensor;
      return {
        x: () => (x.dtype === "float32" && nativeReluGradActive()
          ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: d, x }, {}) as tf.Tensor)
          : tf.mul(d, tf.cast(tf.step(x), "float32"))), // tfjs' own gradient (Relu_grad)
      };
    },
  });
  registered = true;
}
