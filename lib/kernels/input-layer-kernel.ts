/**
 * The input layer's forward pass for shared data in the native addon (kernel set "native"): one
 * kernel, MtlInputLayer, for (bias + x·W_num) + bag(W_cat), the floats of the unfused ops in their
 * order (native/input-layer.cc). On census those ops write and read the [R, B, U] intermediates
 * (U = 786 for AdaTT) four more times than the one output. The gradients are the unfused ops'
 * kernels: the product xᵀ·dy, the batch sum of dy and the bag's gradient.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeAddon } from "./native-addon";
import { kernelSet } from "./sets";
import { BAG_GRAD_KERNEL } from "./wasm-bag-kernel";

const INPUT_KERNEL = "MtlInputLayer";

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** x [B, Dn], w [R, Dn, U], bias [R, U], table [R, V, U], indices int32 [B·nCat] → [R, B, U]. */
function inputKernel(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, w, bias, table, indices } = args.inputs as Record<"x" | "w" | "bias" | "table" | "indices", tf.TensorInfo>;
  const { nCat } = args.attrs as unknown as { nCat: number };
  const [B, Dn] = x.shape, [R, V, U] = table.shape;
  const floats = [x, w, bias, table].every((t) => t.dtype === "float32");
  if (!floats || indices.dtype !== "int32" || w.shape.join() !== `${R},${Dn},${U}` || bias.shape.join() !== `${R},${U}` || indices.shape[0] !== B * nCat) {
    throw new Error(`${INPUT_KERNEL}: float32 x [B, Dn], w [R, Dn, U], bias [R, U], table [R, V, U] and int32 indices [B·nCat] expected`);
  }
  const out = backend.makeOutput([R, B, U], "float32");
  if (R * B * U === 0) return out;
  const off = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset; // after makeOutput: the heap may have grown
  nativeAddon()!.inputLayer(backend.wasm.HEAPU8.buffer as ArrayBuffer, R, B, Dn, U, V, nCat, off(x), off(w), off(bias), off(table), off(indices), off(out));
  return out;
}

/** True where the input layer runs in the addon: the wasm backend, kernel set "native", the addon loaded. */
export function nativeInputLayerActive(): boolean {
  if (tf.getBackend() !== "wasm" || kernelSet() !== "native" || !nativeAddon()) return false;
  if (!tf.getKernel(INPUT_KERNEL, "wasm")) tf.registerKernel({ kernelName: INPUT_KERNEL, backendName: "wasm", kernelFunc: inputKernel as unknown as tf.KernelFunc });
  return true;
}

/** (bias + x·wNum) + bag(table) as one kernel (caller checks nativeInputLayerActive()); gradients for wNum, bias and table. */
export function nativeInputLayer(x: tf.Tensor2D, wNum: tf.Tensor3D, bias: tf.Tensor2D, table: tf.Tensor3D, flatIdx: tf.Tensor1D, nCat: number): tf.Tensor3D {
  const [B, Dn] = x.shape, V = table.shape[1];
  const op = tf.customGrad((w, b, t, save) => {
    (save as tf.GradSaveFunc)([x.reshape([1, B, Dn]), flatIdx]);
    const value = tf.engine().runKernel(INPUT_KERNEL, { x, w: w as tf.Tensor, bias: b as tf.Tensor, table: t as tf.Tensor, indices: flatIdx }, { nCat } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
    return {
      value,
      gradFunc: (dy: tf.Tensor, [xs, idx]: tf.Tensor[]) => [
        tf.matMul(xs as tf.Tensor3D, dy as tf.Tensor3D, true, false), // [R, Dn, U], xᵀ read in place as the unfused product's gradient does
        dy.sum(1), // the bias's broadcast over the batch
        tf.engine().runKernel(BAG_GRAD_KERNEL, { dy, indices: idx }, { nCat, V } as unknown as tf.NamedAttrMap) as tf.Tensor,
      ],
    };
  });
  return op(wNum, bias, table) as tf.Tensor3D;
}
