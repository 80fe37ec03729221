/**
 * A faster BatchMatMul kernel for tfjs-backend-wasm 4.22.
 *
 * Why: the wasm kernel sends a product to XNNPACK only when it is ONE matrix pair without
 * transposes; a batch of products ([R, B, D] @ [R, D, U], every replica-batched layer) or any
 * transposed product (every default matMul gradient) runs a generic scalar loop that measured
 * 5–30× slower here ([64,128,100]@[64,100,144]: 88–200 ms vs 8.5–10 ms as 64 XNNPACK products).
 *
 * How: the same XNNPACK entry point, called once per batch element on *views* of the operands.
 * The wasm heap addresses a tensor by an id registered with (offset, size); we register
 * temporary ids pointing inside the batched buffers (no copy), run the one-matrix fast path,
 * and unregister them on the C side only (the memory belongs to the real tensors). Disposing
 * an id also drops the XNNPACK operator cached for it, so nothing accumulates, and ids are never
 * reused (the backend's counter only grows), so a cached operator can never meet other weights.
 * Transposed operands are transposed explicitly first (one cheap pass) so that every product
 * takes the fast path. A batch-shared right operand is a single product over all left rows.
 *
 * The numbers are the same products; only the summation order inside XNNPACK differs from the
 * generic loop (float rounding, ~1e-6 relative). Installed by `installKernels()` once the
 * wasm backend runs; other backends are untouched.
 *
 * With the native addon (kernel sets native-gemm and native) every product goes to its
 * gemm instead: the same summation order as XNNPACK (bit-identical), transposes read in place.
 */
import * as tf from "@tensorflow/tfjs";
import { SMALL_ROWS_MAX, smallRowsProduct } from "./wasm-bag-kernel";
import { nativeAddon } from "./native-addon";

/** When it returns true, products with ≤ 8 left rows (all batches together) skip XNNPACK (kernel set sparse-sum-dw). */
let smallRowsActive: () => boolean = () => false;

/** Sets the predicate above (install.ts: true while the selected kernel set includes the lever). */
export function useSmallRowsProduct(active: () => boolean): void {
  smallRowsActive = active;
}

/** When it returns true (kernel sets native-gemm and native), every product runs in the native addon instead. */
let nativeActive: () => boolean = () => false;

/** Sets the predicate above (install.ts). */
export function useNativeProducts(active: () => boolean): void {
  nativeActive = active;
}

/** The parts of tfjs-backend-wasm's BackendWasm this kernel uses (not in tfjs' public types). */
interface WasmModule {
  HEAPU8: Uint8Array;
  cwrap(name: string, ret: null, args: string[]): (...a: unknown[]) => void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}
interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

type Product = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, ta: number, tb: number, outId: number) => void;

const products = new WeakMap<WasmModule, Product>();

function productOf(wasm: WasmModule): Product {
  let p = products.get(wasm);
  if (!p) {
    p = wasm.cwrap("BatchMatMul", null, ["number", "array", "number", "number", "array", "number", "number", "number", "number"]) as Product;
    products.set(wasm, p);
  }
  return p;
}

const shapeBytes = (s: number[]): Uint8Array => new Uint8Array(new Int32Array(s).buffer);

/** x with its last two axes swapped, as a new backend tensor (caller disposes). */
function swapLast(x: tf.TensorInfo, backend: WasmBackend): tf.TensorInfo {
  const r = x.shape.length;
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  const transpose = tf.getKernel("Transpose", "wasm")!.kernelFunc;
  return transpose({ inputs: { x }, backend: backend as unknown as tf.KernelBackend, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Multiplies G matrix pairs by the one-matrix fast path. aOff/bOff: heap byte offsets of the
 * first matrices; aStep/bStep: byte strides between consecutive pairs (0 = broadcast).
 */
function loop(backend: WasmBackend, G: number, M: number, K: number, N: number,
  aOff: number, aStep: number, bOff: number, bStep: number, outOff: number): void {
  const wasm = backend.wasm, product = productOf(wasm);
  const aShape = shapeBytes([1, M, K]), bShape = shapeBytes([1, K, N]);
  for (let g = 0; g < G; g++) {
    const ia = backend.dataIdNextNumber++, ib = backend.dataIdNextNumber++, io = backend.dataIdNextNumber++;
    wasm.tfjs.registerTensor(ia, M * K, aOff + g * aStep);
    wasm.tfjs.registerTensor(ib, K * N, bOff + g * bStep);
    wasm.tfjs.registerTensor(io, M * N, outOff + g * M * N * 4);
    try {
      product(ia, aShape, 3, ib, bShape, 3, 0, 0, io);
    } finally {
      wasm.tfjs.disposeData(ia);
      wasm.tfjs.disposeData(ib);
      wasm.tfjs.disposeData(io);
    }
  }
}

/** Broadcast index of output batch g into an operand with outer dims `dims` (out dims `outDims`). */
function operandIndex(g: number, outDims: number[], dims: number[]): number {
  let idx = 0, stride = 1, rest = g;
  const lead = outDims.length - dims.length;
  for (let i = outDims.length - 1; i >= 0; i--) {
    const coord = rest % outDims[i];
    rest = Math.floor(rest / outDims[i]);
    const j = i - lead;
    if (j >= 0) {
      if (dims[j] !== 1) idx += coord * stride;
      stride *= dims[j];
    }
  }
  return idx;
}

/**
 * The product in the native addon: transposes are read in place (no Transpose pass) and every
 * broadcast is a byte step of 0, so one call per distinct broadcast pattern.
 */
function nativeMatMul(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, ta: boolean, tb: boolean): tf.TensorInfo {
  const { gemm } = nativeAddon()!;
  const ar = a.shape.length, br = b.shape.length;
  const M = a.shape[ar - (ta ? 1 : 2)], K = a.shape[ar - (ta ? 2 : 1)];
  const Kb = b.shape[br - (tb ? 1 : 2)], N = b.shape[br - (tb ? 2 : 1)];
  if (Kb !== K) {
    throw new Error(`Error in matMul: inner shapes (${K}) and (${Kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${ta} and transposeB=${tb} must match.`);
  }
  const aDims = a.shape.slice(0, -2), bDims = b.shape.slice(0, -2);
  const outDims = tf.broadcast_util.assertAndGetBroadcastShape(aDims, bDims);
  const G = outDims.reduce((x, y) => x * y, 1);
  const out = backend.makeOutput([...outDims, M, N], "float32");
  if (G * M * N === 0) return out;
  const outOff = backend.dataIdMap.get(out.dataId).memoryOffset; // after makeOutput: the heap may have grown
  const aOff = backend.dataIdMap.get(a.dataId).memoryOffset, bOff = backend.dataIdMap.get(b.dataId).memoryOffset;
  const Ga = aDims.reduce((x, y) => x * y, 1), Gb = bDims.reduce((x, y) => x * y, 1);
  const heap = backend.wasm.HEAPU8.buffer as ArrayBuffer;
  if ((Ga === G || Ga === 1) && (Gb === G || Gb === 1)) {
    gemm(heap, G, M, N, K, aOff, Ga === 1 ? 0 : M * K * 4, bOff, Gb === 1 ? 0 : K * N * 4, outOff, ta, tb);
  } else {
    for (let g = 0; g < G; g++) { // general broadcasting of several outer axes
      const ia = operandIndex(g, outDims, aDims), ib = operandIndex(g, outDims, bDims);
      gemm(heap, 1, M, N, K, aOff + ia * M * K * 4, 0, bOff + ib * K * N * 4, 0, outOff + g * M * N * 4, ta, tb);
    }
  }
  return out;
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const given = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  let a = given.a, b = given.b;
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error("BatchMatMul for non non-float32 tensors not yet supported.");
  if (nativeActive()) return nativeMatMul(backend, a, b, transposeA, transposeB);
  const temps: tf.TensorInfo[] = [];
  try {
    if (transposeA) temps.push((a = swapLast(a, backend)));
    if (transposeB) temps.push((b = swapLast(b, backend)));
    const ar = a.shape.length, br = b.shape.length;
    const M = a.shape[ar - 2], K = a.shape[ar - 1], N = b.shape[br - 1];
    if (b.shape[br - 2] !== K) {
      throw new Error(`Error in matMul: inner shapes (${K}) and (${b.shape[br - 2]}) of Tensors with shapes ${given.a.shape} and ${given.b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
    }
    const aDims = a.shape.slice(0, -2), bDims = b.shape.slice(0, -2);
    const outDims = tf.broadcast_util.assertAndGetBroadcastShape(aDims, bDims);
    const G = outDims.reduce((x, y) => x * y, 1);
    const out = backend.makeOutput([...outDims, M, N], "float32");
    if (G * M * N === 0) return out;
    const outOff = backend.dataIdMap.get(out.dataId).memoryOffset;
    const aOff = backend.dataIdMap.get(a.dataId).memoryOffset, bOff = backend.dataIdMap.get(b.dataId).memoryOffset;
    const Ga = aDims.reduce((x, y) => x * y, 1), Gb = bDims.reduce((x, y) => x * y, 1);
    if (K === 0) {
      new Float32Array(backend.wasm.HEAPU8.buffer, outOff, G * M * N).fill(0);
    } else if (Gb === 1 && Ga === G && G * M <= SMALL_ROWS_MAX && N >= 64 && smallRowsActive() && smallRowsProduct(backend, aOff, bOff, outOff, G * M, K, N)) {
      // few left rows, a wide right matrix: one pass over b instead of XNNPACK packing all of it
    } else if (Gb === 1 && Ga === G) {
      loop(backend, 1, G * M, K, N, aOff, 0, bOff, 0, outOff); // one shared right matrix: all left rows at once
    } else if ((Ga === G || Ga === 1) && (Gb === G || Gb === 1)) {
      loop(backend, G, M, K, N, aOff, Ga === 1 ? 0 : M * K * 4, bOff, Gb === 1 ? 0 : K * N * 4, outOff);
    } else {
      for (let g = 0; g < G; g++) { // general broadcasting of several outer axes
        const ia = operandIndex(g, outDims, aDims), ib = operandIndex(g, outDims, bDims);
        loop(backend, 1, M, K, N, aOff + ia * M * K * 4, 0, bOff + ib * K * N * 4, 0, outOff + g * M * N * 4);
      }
    }
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Replaces the wasm BatchMatMul kernel with the one above (call once the wasm backend runs). */
export function installWasmMatMul(): void {
  if (tf.getKernel("BatchMatMul", "wasm")) tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({ kernelName: "BatchMatMul", backendName: "wasm", kernelFunc: batchMatMul as unknown as tf.KernelFunc });
}
