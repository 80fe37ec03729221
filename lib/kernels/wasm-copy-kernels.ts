/**
 * Copy kernels for tfjs-backend-wasm 4.22 that move memory in runs instead of element by element.
 * Measured here on [64, 128, 144]-sized tensors:
 *   Slice  copies the WHOLE input out of the heap first (readSync = HEAPU8.slice) before taking
 *          its part: 10–30 ms even for a contiguous slice. Here: views of the heap, one
 *          TypedArray.set per contiguous run.
 *   Tile   (and broadcastTo, which tiles) is a per-element C++ loop: 45 ms for [64,1,1] →
 *          [64,100,144], 140 ms for [64,1,128,144] → [64,2,128,144]. Here: the input's runs are
 *          written once, then repeated by doubling copyWithin.
 *   GatherV2 (axis gather, batchDims 0): a per-element C++ loop, 31 ms for 8,192 rows of 100.
 *          Here: one TypedArray.set per gathered slice.
 *   SplitV (tf.split, and so the gradient of every tf.concat) calls the module's Slice above once
 *          per piece, each copying the whole input out of the heap: 265 of 285 ms of a census PLE
 *          step (R = 3, batch 1,024). Here: the pieces' runs copied straight from the heap.
 *   Concat / Pack / Unpack (tf.concat, tf.stack, tf.unstack) copy one subarray per run: 2–3 ms
 *          for AdaTT's gate stack [8, 512, 6] × 3 → [8, 512, 3, 6] (4,096 runs of 6). Here: runs
 *          shorter than SHORT_RUN are copied element by element, which is ~20× cheaper than a
 *          subarray and a set; Slice and GatherV2 do the same.
 *   Identity (tf.clone) copies the whole tensor; tfjs' engine clones every tensor it saves for the
 *          backward pass, ~10 % of a census step. Here: the clone shares the input's buffer (one
 *          more reference), as tfjs' cpu backend does.
 * Results are bit-identical (pure copies, or none). Strings and batched gathers keep tfjs' kernels.
 *
 * Heap views are taken AFTER the output is allocated: an allocation can grow the wasm memory,
 * which detaches every earlier view.
 */
import * as tf from "@tensorflow/tfjs";

type Heap = Float32Array | Int32Array | Uint8Array;
interface WasmBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Heap;
  readSync(dataId: object): ArrayLike<number>;
}
interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** Below this many elements a run is copied by a loop: a subarray view and a set cost more than the copy. */
const SHORT_RUN = 64;

/** dst[at .. at+n) = src[from .. from+n). */
function copyRun(dst: Heap, at: number, src: Heap, from: number, n: number): void {
  if (n >= SHORT_RUN) dst.set(src.subarray(from, from + n), at);
  else for (let i = 0; i < n; i++) dst[at + i] = src[from + i];
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const stridesOf = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

function slice(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  if (x.dtype === "string") return original(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const out = backend.makeOutput(s, x.dtype);
  if (sizeOf(s) === 0) return out;
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length, xs = stridesOf(x.shape);
  if (rank === 0) {
    dst[0] = src[0];
    return out;
  }
  let k = rank; // axes k.. are taken whole (after axis k-1's range): one contiguous run
  while (k > 0 && (k === rank || (b[k] === 0 && s[k] === x.shape[k]))) k--;
  const run = s.slice(k).reduce((a, v) => a * v, 1);
  const outer = s.slice(0, k);
  const n = sizeOf(outer);
  const idx = new Array<number>(k).fill(0);
  for (let o = 0, at = 0; o < n; o++, at += run) {
    let off = b[k] * xs[k];
    for (let a = 0; a < k; a++) off += (b[a] + idx[a]) * xs[a];
    copyRun(dst, at, src, off, run);
    for (let a = k - 1; a >= 0; a--) { // odometer over the outer axes
      if (++idx[a] < outer[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

function tile(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  if (x.dtype === "string") return original(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const { reps } = args.attrs as unknown as { reps: number[] };
  const inShape = x.shape, rank = inShape.length;
  const outShape = inShape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (sizeOf(outShape) === 0) return out;
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  const inStr = stridesOf(inShape), outStr = stridesOf(outShape);
  let whole = rank; // axes whole.. are not repeated: copied as one run
  while (whole > 0 && reps[whole - 1] === 1) whole--;
  const fill = (axis: number, inOff: number, outOff: number): void => {
    if (axis >= whole) {
      const n = axis === rank ? 1 : inStr[axis] * inShape[axis];
      dst.set(src.subarray(inOff, inOff + n), outOff);
      return;
    }
    for (let i = 0; i < inShape[axis]; i++) fill(axis + 1, inOff + i * inStr[axis], outOff + i * outStr[axis]);
    const total = outShape[axis] * outStr[axis];
    for (let written = inShape[axis] * outStr[axis]; written < total; ) { // repeat by doubling
      const n = Math.min(written, total - written);
      dst.copyWithin(outOff + written, outOff, outOff + n);
      written += n;
    }
  };
  fill(0, 0, 0);
  return out;
}

function gather(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
  if (x.dtype === "string" || (batchDims ?? 0) !== 0) return original(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const dim = x.shape[ax];
  const idx = backend.readSync(indices.dataId);
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] <= dim - 1)) throw new Error(`GatherV2: the index value ${idx[i]} is not in [0, ${dim - 1}]`);
  }
  const outerSize = sizeOf(x.shape.slice(0, ax)), sliceSize = sizeOf(x.shape.slice(ax + 1));
  const out = backend.makeOutput([...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)], x.dtype);
  if (outerSize * idx.length * sliceSize === 0) return out;
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  let at = 0;
  for (let o = 0; o < outerSize; o++) {
    const base = o * dim * sliceSize;
    for (let i = 0; i < idx.length; i++, at += sliceSize) {
      const from = base + idx[i] * sliceSize;
      copyRun(dst, at, src, from, sliceSize);
    }
  }
  return out;
}

/**
 * Concat along `axis` of inputs that agree on every other axis: per outer index, each input's
 * run in turn (tfjs' own order of runs; a copy, so any order gives the same bits).
 */
function concatRuns(backend: WasmBackend, inputs: readonly tf.TensorInfo[], axis: number, outShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  const outer = sizeOf(outShape.slice(0, axis));
  const runs = inputs.map((t) => sizeOf(t.shape.slice(axis)));
  const width = runs.reduce((a, b) => a + b, 0);
  if (outer * width === 0) return out;
  const dst = backend.typedArrayFromHeap(out), srcs = inputs.map((t) => backend.typedArrayFromHeap(t));
  for (let o = 0; o < outer; o++) {
    let at = o * width;
    for (let i = 0; i < srcs.length; i++) {
      copyRun(dst, at, srcs[i], o * runs[i], runs[i]);
      at += runs[i];
    }
  }
  return out;
}

function concat(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const nonEmpty = inputs.filter((t) => sizeOf(t.shape) > 0);
  if (inputs[0].dtype === "string" || nonEmpty.length < 2) return original(args as never) as tf.TensorInfo;
  const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number }).axis, inputs[0].shape)[0];
  tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
  return concatRuns(args.backend as WasmBackend, nonEmpty, axis, tf.backend_util.computeOutShape(inputs.map((t) => t.shape), axis));
}

function pack(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const { axis } = args.attrs as unknown as { axis: number };
  const shape = inputs[0].shape;
  if (inputs.length < 2 || inputs[0].dtype === "string" || inputs.some((t) => t.dtype !== inputs[0].dtype || t.shape.join() !== shape.join())) {
    return original(args as never) as tf.TensorInfo; // tfjs' kernel says what is wrong
  }
  const ax = axis < 0 ? axis + shape.length + 1 : axis;
  // each input is viewed with a new axis of size 1 at ax: its runs are the elements after ax
  const viewed = inputs.map((t) => ({ ...t, shape: [...shape.slice(0, ax), 1, ...shape.slice(ax)] }));
  return concatRuns(args.backend as WasmBackend, viewed, ax, [...shape.slice(0, ax), inputs.length, ...shape.slice(ax)]);
}

/**
 * x cut along `ax` into pieces of `sizes` (which add up to x.shape[ax]), piece i given shape
 * `shapes[i]`: per outer index, each piece's run in turn.
 */
function splitRuns(backend: WasmBackend, x: tf.TensorInfo, ax: number, sizes: readonly number[], shapes: number[][]): tf.TensorInfo[] {
  const outer = sizeOf(x.shape.slice(0, ax)), inner = sizeOf(x.shape.slice(ax + 1)), width = x.shape[ax] * inner;
  const outs = shapes.map((shape) => backend.makeOutput(shape, x.dtype));
  if (outer * width === 0) return outs;
  const src = backend.typedArrayFromHeap(x); // after the allocations (growth detaches views)
  let from = 0;
  outs.forEach((out, i) => {
    const run = sizes[i] * inner, dst = backend.typedArrayFromHeap(out);
    for (let o = 0; o < outer; o++) copyRun(dst, o * run, src, o * width + from, run);
    from += run;
  });
  return outs;
}

function unpack(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo[] {
  const x = (args.inputs as { value: tf.TensorInfo }).value;
  if (x.dtype === "string") return original(args as never) as tf.TensorInfo[];
  const axis = (args.attrs as unknown as { axis: number }).axis;
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const num = x.shape[ax], outShape = x.shape.filter((_, i) => i !== ax);
  return splitRuns(args.backend as WasmBackend, x, ax, new Array<number>(num).fill(1), Array.from({ length: num }, () => outShape));
}

function splitV(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo[] {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  if (x.dtype === "string") return original(args as never) as tf.TensorInfo[];
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax); // checks that they add up
  return splitRuns(args.backend as WasmBackend, x, ax, sizes, sizes.map((s) => x.shape.map((d, i) => (i === ax ? s : d))));
}

/**
 * A clone that shares its input's buffer. Sound only because tensors are immutable here: no kernel
 * of this folder or of tfjs writes into an input (Adam's kernel writes new θ, m and v, which the
 * variables then take by assign), so a saved tensor or a checkpoint clone can never change under
 * its reader. A kernel that wrote in place would have to give this up.
 */
function identity(args: KernelArgs, original: tf.KernelFunc): tf.TensorInfo {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  if (x.dtype === "string") return original(args as never) as tf.TensorInfo;
  (args.backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

type Replacement = (a: KernelArgs, original: tf.KernelFunc) => tf.TensorInfo | tf.TensorInfo[];

/** Replaces the wasm copy kernels above (call once the wasm backend runs). */
export function installWasmCopyKernels(): void {
  const impls: [string, Replacement][] = [["Slice", slice], ["Tile", tile], ["GatherV2", gather], ["Concat", concat], ["Pack", pack], ["Unpack", unpack], ["SplitV", splitV], ["Identity", identity]];
  for (const [name, impl] of impls) {
    const config = tf.getKernel(name, "wasm");
    if (!config) continue;
    const original = config.kernelFunc;
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...config, setupFunc: undefined, kernelFunc: ((a: KernelArgs) => impl(a, original)) as unknown as tf.KernelFunc });
  }
}
