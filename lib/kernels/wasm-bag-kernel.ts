/**
 * Faster kernels for tfjs-backend-wasm 4.22, as small hand-assembled WebAssembly SIMD modules
 * that import the tfjs wasm backend's own memory, so they read and write tensors where they live
 * (no copies). Each is selected by a named kernel set (install.ts):
 *   - sparse embedding bag (set "sparse"): the categorical inputs' lookup-and-sum
 *       out[r, b, :] = Σ_c table[r, idx[b, c], :]  and its gradient (a scatter-add)
 *       dTable[r, v, :] = Σ_{(b, c): idx[b, c] = v} dy[r, b, :]
 *     without the multi-hot product's V / nCat ≈ 16× arithmetic; one CSR gather-sum serves both
 *     (the gradient's list: the examples stably sorted by the row they hit). Out-of-range indices
 *     are refused before the loop runs.
 *   - Sum over contiguous non-innermost axes in place ("sparse-sum"): the same gather-sum.
 *   - products with ≤ 8 left rows in one pass ("sparse-sum-dw").
 *   - the gated mix Σ_i w_i·e_i and its gradients fused ("sparse-sum-dw-mix").
 *
 * Summation order: every kernel performs the float operations of the ops it replaces in their
 * order (bag rows start at +0 and add in index order — columns c ascending; for the gradient,
 * examples b ascending — which is the multi-hot product's k order because the census columns'
 * offsets ascend with c; SIMD lanes add and multiply exactly as scalar f32 operations do). So the
 * results can equal the replaced ops' bit for bit; test/kernels-wasm-bag.test.ts and kernels-bit-identity.test.ts check that they do.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeAddon } from "./native-addon";
import { kernelSet } from "./sets";

interface WasmBackend {
  disposeData(dataId: object): boolean;
  wasm: { asm?: { memory?: WebAssembly.Memory }; HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}
interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

export const BAG_KERNEL = "MtlEmbeddingBag";
export const BAG_GRAD_KERNEL = "MtlEmbeddingBagGrad";

// ---- a minimal WebAssembly assembler (only what the two loops need) ----
const I32 = 0x7f;
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];

const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i];
const i32c = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, GE_U = 0x4f;
const memarg = (align: number, offset = 0) => [align, ...uleb(offset)];
const block = (...body: number[][]) => [0x02, 0x40, ...body.flat(), 0x0b];
const loop = (...body: number[][]) => [0x03, 0x40, ...body.flat(), 0x0b];
const brIf = (depth: number) => [0x0d, depth];
const br = (depth: number) => [0x0c, depth];
/** while (cond is false) { body } — `exitIf` computes the exit condition. */
const whileNot = (exitIf: number[], ...body: number[][]) => block(loop(exitIf, brIf(1), ...body, br(0)));
const inc = (i: number, by: number[]) => [...get(i), ...by, ADD, ...set(i)];

/*
 * One function, a replica-batched sparse gather-sum over a CSR list:
 *   gsum(src, list, starts, out, R, nOut, U, srcStride, outStride)
 *   for r < R, o < nOut:  out[r, o, :] = +0 + Σ_{j = starts[o] .. starts[o+1]-1} src[r, list[j], :]
 * (src/out/list/starts: heap byte offsets; rows U floats; srcStride/outStride: bytes per replica),
 * the terms added in list order. Rows are walked in column blocks of 16 floats held in four
 * f32x4 accumulators (each output written once), then blocks of 4, then single floats.
 * Forward: list = the flat indices, starts[b] = b·nCat. Gradient: list = the examples b sorted by
 * the row v they hit (stable: b ascending), starts = the CSR offsets per v.
 */
const V128 = 0x7b, F32 = 0x7d;
const GT_U = 0x4b;
const v128Zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const v128Load = (offset: number) => [0xfd, 0x00, 0, ...uleb(offset)];
const v128Store = (offset: number) => [0xfd, 0x0b, 0, ...uleb(offset)];
const f32x4Add = [0xfd, 0xe4, 0x01];

export function bagModule(): Uint8Array {
  const [src, list, starts, out, R, nOut, U, srcStride, outStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r, o, rowB, sBase, dst, p0, p1, p, u, s] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18]; // i32 locals
  const accLocals = [19, 20, 21, 22, 23, 24, 25, 26]; // v128 locals
  const acc = 27; // f32 local
  /** s = sBase + list[p]·rowB + u */
  const rowPtr = [...get(sBase), ...get(p), 0x28, ...memarg(2), ...get(rowB), MUL, ADD, ...get(u), ADD, ...set(s)];
  /** for every output row o: dst = its u-th byte, [p0, p1) = its list entries; then `body` */
  const eachRow = (...body: number[][]) => [
    ...i32c(0), ...set(o),
    ...whileNot([...get(o), ...get(nOut), GE_U],
      get(out), get(r), get(outStride), [MUL, ADD], get(o), get(rowB), [MUL, ADD], get(u), [ADD], set(dst),
      get(list), get(starts), get(o), i32c(2), [SHL, ADD], [0x28, ...memarg(2)], i32c(2), [SHL, ADD], set(p0),
      get(list), get(starts), get(o), i32c(2), [SHL, ADD], [0x28, ...memarg(2, 4)], i32c(2), [SHL, ADD], set(p1),
      ...body,
      inc(o, i32c(1))),
  ];
  /**
   * Column blocks of `lanes` floats (16 or 4; lanes/4 vector accumulators) while u + 4·lanes ≤ rowB.
   * The block loop is outside the row loop: one block of every source row (V × 64 bytes) stays in
   * the L1 cache while all output rows read it.
   */
  const vecBlocks = (lanes: number) => {
    const accs = accLocals.slice(0, lanes / 4);
    return whileNot([...get(u), ...i32c(4 * lanes), ADD, ...get(rowB), GT_U],
      eachRow(
        ...accs.map((a) => [...v128Zero, ...set(a)]),
        get(p0), set(p),
        whileNot([...get(p), ...get(p1), GE_U],
          rowPtr,
          ...accs.map((a, k) => [...get(a), ...get(s), ...v128Load(16 * k), ...f32x4Add, ...set(a)]),
          inc(p, i32c(4))),
        ...accs.map((a, k) => [...get(dst), ...get(a), ...v128Store(16 * k)])),
      inc(u, i32c(4 * lanes)));
  };
  const scalarTail = whileNot([...get(u), ...get(rowB), GE_U],
    eachRow(
      [0x43, 0, 0, 0, 0], set(acc),
      get(p0), set(p),
      whileNot([...get(p), ...get(p1), GE_U],
        rowPtr,
        get(acc), get(s), [0x2a, ...memarg(2)], [0x92], set(acc),
        inc(p, i32c(4))),
      get(dst), get(acc), [0x38, ...memarg(2)]),
    inc(u, i32c(4)));
  const code = [
    ...get(U), ...i32c(2), SHL, ...set(rowB),
    ...i32c(0), ...set(r),
    ...whileNot([...get(r), ...get(R), GE_U],
      get(src), get(r), get(srcStride), [MUL, ADD], set(sBase),
      i32c(0), set(u),
      vecBlocks(32), vecBlocks(4), scalarTail,
      inc(r, i32c(1))),
  ];
  const f = [...vec([[10, I32], [8, V128], [1, F32]]), ...code, 0x0b];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 9 }, () => [I32])), 0x00]])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("gsum"), 0x00, 0]])),
    ...section(10, vec([[...uleb(f.length), ...f]])),
  ];
  return new Uint8Array(bytes);
}

type GatherSum = (src: number, list: number, starts: number, out: number, R: number, nOut: number, U: number, srcStride: number, outStride: number) => void;
const instances = new WeakMap<WebAssembly.Memory, GatherSum>();
let compiled: WebAssembly.Module | undefined;

/** The gather-sum bound to the backend's memory (null when the memory is not reachable). */
function gsumOf(backend: WasmBackend): GatherSum | null {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let fn = instances.get(memory);
  if (!fn) {
    compiled ??= new WebAssembly.Module(bagModule());
    fn = new WebAssembly.Instance(compiled, { env: { memory } }).exports.gsum as GatherSum;
    instances.set(memory, fn);
  }
  return fn;
}

/** The native addon where kernel set "native" runs its kernels instead of this file's wasm modules. */
const addonOfSet = () => (kernelSet() === "native" ? nativeAddon() : undefined);

/**
 * One gather-sum (see bagModule): in the native addon under kernel set "native" (the same float
 * adds at the CPU's vector width, lib/kernels/native/gather-sum.cc), else the wasm module. Byte
 * offsets into the heap; nSrc and listLength bound what the addon may read.
 */
function gatherSum(backend: WasmBackend, t: { src: tf.TensorInfo; list: tf.TensorInfo; starts: tf.TensorInfo; out: tf.TensorInfo }, R: number, nOut: number, U: number, nSrc: number, listLength: number, srcStride: number, outStride: number): void {
  const [src, list, starts, out] = [t.src, t.list, t.starts, t.out].map((x) => offsetOf(backend, x));
  const addon = addonOfSet();
  if (addon) addon.gsum(backend.wasm.HEAPU8.buffer as ArrayBuffer, R, nOut, U, nSrc, src, srcStride, list, listLength, starts, out, outStride);
  else gsumOf(backend)!(src, list, starts, out, R, nOut, U, srcStride, outStride);
}

/** True when the kernel can run on this wasm backend (its memory is reachable, SIMD compiles). */
export function wasmBagSupported(): boolean {
  try {
    return gsumOf(tf.backend() as unknown as WasmBackend) !== null;
  } catch {
    return false;
  }
}

function checkIndices(idx: ArrayLike<number>, V: number): void {
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < V)) throw new Error(`${BAG_KERNEL}: index ${idx[i]} is not in [0, ${V - 1}]`);
  }
}

const offsetOf = (backend: WasmBackend, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;

/** table [R, V, U], indices int32 [B·nCat] (row b's columns contiguous), attrs {nCat} → [R, B, U]. */
function bagForward(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { table, indices } = args.inputs as { table: tf.TensorInfo; indices: tf.TensorInfo };
  const { nCat } = args.attrs as unknown as { nCat: number };
  const [R, V, U] = table.shape;
  const B = indices.shape[0] / nCat;
  if (table.dtype !== "float32" || indices.dtype !== "int32" || !Number.isInteger(B)) throw new Error(`${BAG_KERNEL}: float32 table [R, V, U] and int32 indices [B·${nCat}] expected`);
  const out = backend.makeOutput([R, B, U], "float32");
  if (R * B * U === 0) return out;
  const starts = backend.makeOutput([B + 1], "int32");
  try {
    checkIndices(backend.typedArrayFromHeap(indices), V); // views taken after the allocations (growth detaches them)
    const st = backend.typedArrayFromHeap(starts);
    for (let b = 0; b <= B; b++) st[b] = b * nCat;
    gatherSum(backend, { src: table, list: indices, starts, out }, R, B, U, V, B * nCat, V * U * 4, B * U * 4);
  } finally {
    backend.disposeData(starts.dataId);
  }
  return out;
}

/** dy [R, B, U], indices int32 [B·nCat], attrs {nCat, V} → dTable [R, V, U]. */
function bagGradient(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, indices } = args.inputs as { dy: tf.TensorInfo; indices: tf.TensorInfo };
  const { nCat, V } = args.attrs as unknown as { nCat: number; V: number };
  const [R, B, U] = dy.shape;
  const n = B * nCat;
  if (dy.dtype !== "float32" || indices.dtype !== "int32" || indices.shape[0] !== n) throw new Error(`${BAG_GRAD_KERNEL}: float32 dy [R, B, U] and int32 indices [B·${nCat}] expected`);
  const out = backend.makeOutput([R, V, U], "float32");
  if (R * V * U === 0) return out;
  const starts = backend.makeOutput([V + 1], "int32"), list = backend.makeOutput([Math.max(n, 1)], "int32");
  try {
    const idx = backend.typedArrayFromHeap(indices), st = backend.typedArrayFromHeap(starts), ls = backend.typedArrayFromHeap(list);
    checkIndices(idx, V);
    st.fill(0); // counting sort of the examples by the row they hit, stable (b ascending)
    for (let i = 0; i < n; i++) st[idx[i] + 1]++;
    for (let v = 0; v < V; v++) st[v + 1] += st[v];
    const at = Int32Array.from(st.subarray(0, V));
    for (let i = 0; i < n; i++) ls[at[idx[i]]++] = (i / nCat) | 0;
    gatherSum(backend, { src: dy, list, starts, out }, R, V, U, B, n, B * U * 4, V * U * 4);
  } finally {
    backend.disposeData(starts.dataId);
    backend.disposeData(list.dataId);
  }
  return out;
}

/** Registers the two kernels on the wasm backend; false (nothing registered) where they cannot run. */
export function installWasmBag(): boolean {
  if (!wasmBagSupported()) return false;
  for (const [kernelName, kernelFunc] of [[BAG_KERNEL, bagForward], [BAG_GRAD_KERNEL, bagGradient]] as const) {
    if (!tf.getKernel(kernelName, "wasm")) tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return true;
}

/** True when the bag kernels are registered for the current backend. */
export function wasmBagInstalled(): boolean {
  return tf.getBackend() === "wasm" && tf.getKernel(BAG_KERNEL, "wasm") !== undefined;
}

/**
 * Σ_c table[:, idx[b, c], :] → [R, B, U] with the bag kernels (caller checks wasmBagInstalled()).
 * flatIdx: int32 [B·nCat], already offset into the table's rows.
 */
export function embeddingBag(table: tf.Tensor3D, flatIdx: tf.Tensor1D, nCat: number): tf.Tensor3D {
  const V = table.shape[1];
  const op = tf.customGrad((t, save) => {
    (save as tf.GradSaveFunc)([flatIdx]);
    const value = tf.engine().runKernel(BAG_KERNEL, { table: t as tf.Tensor, indices: flatIdx }, { nCat } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
    return {
      value,
      gradFunc: (dy: tf.Tensor, [idx]: tf.Tensor[]) => tf.engine().runKernel(BAG_GRAD_KERNEL, { dy, indices: idx }, { nCat, V } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
  });
  return op(table) as tf.Tensor3D;
}

/**
 * Sum over one block of contiguous axes that are not the innermost ones (the gated mixes' Σ over
 * experts, [R, T, K, B, H] → [R, T, B, H]; a bias gradient's Σ over the batch, [R, B, U] → [R, U]).
 * tfjs' wasm Sum first transposes the reduced axes to the end (a full permuting copy), then sums
 * each output sequentially from 0 in the reduced axes' row-major order. Here the same sums in the
 * same order, read in place: x viewed as [O, K, I] → out[o, :] = +0 + Σ_k x[o, k, :], one gather-sum
 * with the list 0..K-1. Every other case (innermost axes, non-float32, non-contiguous axes) keeps
 * the original kernel. Active only with the "sparse-sum" kernel set (checked per call, so one
 * process can compare sets).
 */
function axisSum(args: KernelArgs, original: tf.KernelFunc, active: () => boolean): tf.TensorInfo {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const contiguous = axes.every((a, i) => a === axes[0] + i);
  if (!active() || x.dtype !== "float32" || axes.length === 0 || !contiguous || axes[axes.length - 1] === rank - 1) return original(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const first = axes[0], last = axes[axes.length - 1];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const O = size(x.shape.slice(0, first)), K = size(x.shape.slice(first, last + 1)), I = size(x.shape.slice(last + 1));
  const outShape = keepDims ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : [...x.shape.slice(0, first), ...x.shape.slice(last + 1)];
  const out = backend.makeOutput(outShape, "float32");
  if (O * I === 0) return out;
  if (K === 0) {
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }
  const starts = backend.makeOutput([2], "int32"), list = backend.makeOutput([K], "int32");
  try {
    const st = backend.typedArrayFromHeap(starts), ls = backend.typedArrayFromHeap(list);
    st[0] = 0;
    st[1] = K;
    for (let k = 0; k < K; k++) ls[k] = k;
    gatherSum(backend, { src: x, list, starts, out }, O, 1, I, K, K, K * I * 4, I * 4);
  } finally {
    backend.disposeData(starts.dataId);
    backend.disposeData(list.dataId);
  }
  return out;
}

/** Wraps the wasm Sum kernel: axisSum when `active()`, the original otherwise. False if it cannot run. */
export function installWasmAxisSum(active: () => boolean): boolean {
  if (!wasmBagSupported()) return false;
  const config = tf.getKernel("Sum", "wasm");
  if (!config) return false;
  const original = config.kernelFunc;
  tf.unregisterKernel("Sum", "wasm");
  tf.registerKernel({ ...config, setupFunc: undefined, kernelFunc: ((a: KernelArgs) => axisSum(a, original, active)) as unknown as tf.KernelFunc });
  return true;
}

/*
 * A product with few left rows, a [M, K] @ b [K, N] → [M, N] for M ≤ 8 (the numeric columns'
 * weight gradient xᵀ·dy: M = 7 rows, K = the batch, N = R·U up to tens of thousands). XNNPACK
 * treats b as the layer's weights and packs all of it on every call (a new tensor each step),
 * which costs about as much as the product. Here: one pass over b, column blocks of 8 held in
 * 2·M f32x4 accumulators, k ascending, acc + a·b as a multiply then an add (two roundings, as
 * XNNPACK's wasm SIMD kernels do), then blocks of 4 and single columns. One module per M.
 *   smallRows(a, b, out, K, N)   (heap byte offsets)
 */
function smallRowsModule(M: number): Uint8Array {
  const [a, b, out, K, N] = [0, 1, 2, 3, 4];
  const [j, k, nB, kB, pa, pb] = [5, 6, 7, 8, 9, 10]; // i32 locals: column byte offset, k, N·4, K·4, a + 4k, b + k·N·4 + j
  const vb0 = 11, vb1 = 12, va = 13; // v128
  const acc = (i: number, h: number) => 14 + 2 * i + h; // v128 accumulators (2M)
  const fAcc = (i: number) => 14 + 2 * M + i; // f32 accumulators (M)
  const fb = 14 + 3 * M; // f32
  const f32x4Mul = [0xfd, 0xe6, 0x01], splat = [0xfd, 0x13];
  const rowsOf = (f: (i: number) => number[]) => Array.from({ length: M }, (_, i) => f(i));
  /** a[i, k] (f32) on the stack */
  const aik = (i: number) => [...get(pa), ...get(kB), ...i32c(i), MUL, ADD, 0x2a, ...memarg(2)];
  const block = (lanes: 8 | 4) => {
    const halves = lanes / 4;
    return whileNot([...get(j), ...i32c(4 * lanes), ADD, ...get(nB), GT_U],
      ...rowsOf((i) => Array.from({ length: halves }, (_, h) => [...v128Zero, ...set(acc(i, h))]).flat()),
      get(a), set(pa), get(b), get(j), [ADD], set(pb), i32c(0), set(k),
      whileNot([...get(k), ...get(K), GE_U],
        get(pb), v128Load(0), set(vb0),
        halves === 2 ? [...get(pb), ...v128Load(16), ...set(vb1)] : [],
        ...rowsOf((i) => [
          ...aik(i), ...splat, ...set(va),
          ...Array.from({ length: halves }, (_, h) => [...get(acc(i, h)), ...get(va), ...get(h === 0 ? vb0 : vb1), ...f32x4Mul, ...f32x4Add, ...set(acc(i, h))]).flat(),
        ]),
        inc(pa, i32c(4)), inc(pb, get(nB)), inc(k, i32c(1))),
      ...rowsOf((i) => Array.from({ length: halves }, (_, h) => [...get(out), ...get(nB), ...i32c(i), MUL, ADD, ...get(j), ADD, ...get(acc(i, h)), ...v128Store(16 * h)]).flat()),
      inc(j, i32c(4 * lanes)));
  };
  const scalar = whileNot([...get(j), ...get(nB), GE_U],
    ...rowsOf((i) => [0x43, 0, 0, 0, 0, ...set(fAcc(i))]),
    get(a), set(pa), get(b), get(j), [ADD], set(pb), i32c(0), set(k),
    whileNot([...get(k), ...get(K), GE_U],
      get(pb), [0x2a, ...memarg(2)], set(fb),
      ...rowsOf((i) => [...get(fAcc(i)), ...aik(i), ...get(fb), 0x94, 0x92, ...set(fAcc(i))]),
      inc(pa, i32c(4)), inc(pb, get(nB)), inc(k, i32c(1))),
    ...rowsOf((i) => [...get(out), ...get(nB), ...i32c(i), MUL, ADD, ...get(j), ADD, ...get(fAcc(i)), 0x38, ...memarg(2)]),
    inc(j, i32c(4)));
  const code = [
    ...get(N), ...i32c(2), SHL, ...set(nB), ...get(K), ...i32c(2), SHL, ...set(kB),
    ...i32c(0), ...set(j),
    ...block(8), ...block(4), ...scalar,
  ];
  const f = [...vec([[6, I32], [3 + 2 * M, V128], [M + 1, F32]]), ...code, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 5 }, () => [I32])), 0x00]])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("smallRows"), 0x00, 0]])),
    ...section(10, vec([[...uleb(f.length), ...f]])),
  ]);
}

type SmallRows = (a: number, b: number, out: number, K: number, N: number) => void;
const smallModules = new Map<number, WebAssembly.Module>();
const smallInstances = new WeakMap<WebAssembly.Memory, Map<number, SmallRows>>();

/** Largest left-row count the small-rows product takes. */
export const SMALL_ROWS_MAX = 8;

/**
 * out = a @ b on the heap for a [M, K], b [K, N], M ≤ SMALL_ROWS_MAX (byte offsets). False when
 * the module cannot run here (the caller then takes XNNPACK).
 */
export function smallRowsProduct(backend: unknown, aOff: number, bOff: number, outOff: number, M: number, K: number, N: number): boolean {
  const memory = (backend as WasmBackend).wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || M < 1 || M > SMALL_ROWS_MAX) return false;
  let byM = smallInstances.get(memory);
  if (!byM) smallInstances.set(memory, (byM = new Map()));
  let fn = byM.get(M);
  if (!fn) {
    let mod = smallModules.get(M);
    if (!mod) smallModules.set(M, (mod = new WebAssembly.Module(smallRowsModule(M))));
    fn = new WebAssembly.Instance(mod, { env: { memory } }).exports.smallRows as SmallRows;
    byM.set(M, fn);
  }
  fn(aOff, bOff, outOff, K, N);
  calls++;
  return true;
}

let calls = 0;

/** How many products the small-rows kernel has run in this thread (tests check that it ran). */
export function smallRowsCalls(): number {
  return calls;
}

/*
 * The gated mix f[r, k, b, :] = Σ_i w[r, b, k, i] · e[r, i, b, :] (blocks.ts mix) and its gradients,
 * without materialising the [R, K, n, B, H] products (kernel set sparse-sum-dw-mix).
 *   scaled(w, src, out, R, O, J, B, H, wsR, wsB, wsO, wsJ):
 *     out[r, o, b, :] = +0 + Σ_{j < J} w[r·wsR + b·wsB + o·wsO + j·wsJ] · src[r, j, b, :]   (j ascending)
 *   forward: O = K, J = n, src = e (w strides B·K·n, K·n, n, 1); dE: O = n, J = K, src = dy (… 1, n)
 *   dots(dy, e, out, R, K, n, B, H): out[r, b, k, i] = +0 + Σ_h dy[r, k, b, h] · e[r, i, b, h]   (h ascending, scalar)
 * Each term is rounded as a product, then added (f32x4.mul, f32x4.add), in the order tfjs' mul + Sum
 * use, so the values can equal the unfused ops' bit for bit (the tests check it).
 */
function mixModule(): Uint8Array {
  const f32x4Mul = [0xfd, 0xe6, 0x01], splat = [0xfd, 0x13];
  // scaled: params 0..11; locals 12 r, 13 o, 14 b, 15 u (byte), 16 j, 17 wBase (byte), 18 dst, 19 rowB; v128 20 a0, 21 a1, 22 wv; f32 23 acc
  const [w, src, out, R, O, J, B, H, wsR, wsB, wsO, wsJ] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [r, o, b, u, j, wBase, dst, rowB] = [12, 13, 14, 15, 16, 17, 18, 19];
  const [a0, a1, wv, acc] = [20, 21, 22, 23];
  /** byte address of src[r, j, b, u] */
  const srcAt = [...get(src), ...get(r), ...get(J), MUL, ...get(j), ADD, ...get(B), MUL, ...get(b), ADD, ...get(rowB), MUL, ADD, ...get(u), ADD];
  /** w[wBase + j·wsJ] as f32 */
  const wj = [...get(wBase), ...get(j), ...get(wsJ), MUL, ...i32c(2), SHL, ADD, 0x2a, ...memarg(2)];
  const vecBlock = (lanes: 8 | 4) => {
    const accs = lanes === 8 ? [a0, a1] : [a0];
    return whileNot([...get(u), ...i32c(4 * lanes), ADD, ...get(rowB), GT_U],
      ...accs.map((a) => [...v128Zero, ...set(a)]),
      i32c(0), set(j),
      whileNot([...get(j), ...get(J), GE_U],
        wj, splat, set(wv),
        ...accs.map((a, h) => [...get(a), ...get(wv), ...srcAt, ...v128Load(16 * h), ...f32x4Mul, ...f32x4Add, ...set(a)]),
        inc(j, i32c(1))),
      ...accs.map((a, h) => [...get(dst), ...get(u), ADD, ...get(a), ...v128Store(16 * h)]),
      inc(u, i32c(4 * lanes)));
  };
  const scalarTail = whileNot([...get(u), ...get(rowB), GE_U],
    [0x43, 0, 0, 0, 0], set(acc), i32c(0), set(j),
    whileNot([...get(j), ...get(J), GE_U],
      get(acc), wj, srcAt, [0x2a, ...memarg(2)], [0x94, 0x92], set(acc),
      inc(j, i32c(1))),
    get(dst), get(u), [ADD], get(acc), [0x38, ...memarg(2)],
    inc(u, i32c(4)));
  const scaled = [
    ...get(H), ...i32c(2), SHL, ...set(rowB),
    ...i32c(0), ...set(r),
    ...whileNot([...get(r), ...get(R), GE_U],
      i32c(0), set(o),
      whileNot([...get(o), ...get(O), GE_U],
        i32c(0), set(b),
        whileNot([...get(b), ...get(B), GE_U],
          // wBase = w + 4·(r·wsR + b·wsB + o·wsO); dst = out + ((r·O + o)·B + b)·rowB
          get(w), get(r), get(wsR), [MUL], get(b), get(wsB), [MUL, ADD], get(o), get(wsO), [MUL, ADD], i32c(2), [SHL, ADD], set(wBase),
          get(out), get(r), get(O), [MUL], get(o), [ADD], get(B), [MUL], get(b), [ADD], get(rowB), [MUL, ADD], set(dst),
          i32c(0), set(u),
          vecBlock(8), vecBlock(4), scalarTail,
          inc(b, i32c(1))),
        inc(o, i32c(1))),
      inc(r, i32c(1))),
  ];
  // dots: params 0 dy, 1 e, 2 out, 3 R, 4 K, 5 n, 6 B, 7 H; locals 8 r, 9 b, 10 k, 11 i, 12 h, 13 pd, 14 pe, 15 po; f32 16 acc
  const [dy, e, dOut, dR, dK, dn, dB, dH] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [rr, bb, kk, ii, hh, pd, pe, po] = [8, 9, 10, 11, 12, 13, 14, 15];
  const dacc = 16;
  const dots = [
    ...get(dOut), ...set(po),
    ...i32c(0), ...set(rr),
    ...whileNot([...get(rr), ...get(dR), GE_U],
      i32c(0), set(bb),
      whileNot([...get(bb), ...get(dB), GE_U],
        i32c(0), set(kk),
        whileNot([...get(kk), ...get(dK), GE_U],
          i32c(0), set(ii),
          whileNot([...get(ii), ...get(dn), GE_U],
            // pd = dy + ((r·K + k)·B + b)·H·4, pe = e + ((r·n + i)·B + b)·H·4
            get(dy), get(rr), get(dK), [MUL], get(kk), [ADD], get(dB), [MUL], get(bb), [ADD], get(dH), [MUL], i32c(2), [SHL, ADD], set(pd),
            get(e), get(rr), get(dn), [MUL], get(ii), [ADD], get(dB), [MUL], get(bb), [ADD], get(dH), [MUL], i32c(2), [SHL, ADD], set(pe),
            [0x43, 0, 0, 0, 0], set(dacc), i32c(0), set(hh),
            whileNot([...get(hh), ...get(dH), GE_U],
              get(dacc), get(pd), [0x2a, ...memarg(2)], get(pe), [0x2a, ...memarg(2)], [0x94, 0x92], set(dacc),
              inc(pd, i32c(4)), inc(pe, i32c(4)), inc(hh, i32c(1))),
            get(po), get(dacc), [0x38, ...memarg(2)], inc(po, i32c(4)),
            inc(ii, i32c(1))),
          inc(kk, i32c(1))),
        inc(bb, i32c(1))),
      inc(rr, i32c(1))),
  ];
  const fScaled = [...vec([[8, I32], [3, V128], [1, F32]]), ...scaled, 0x0b];
  const fDots = [...vec([[8, I32], [1, F32]]), ...dots, 0x0b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 12 }, () => [I32])), 0x00], [0x60, ...vec(Array.from({ length: 8 }, () => [I32])), 0x00]])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name("scaled"), 0x00, 0], [...name("dots"), 0x00, 1]])),
    ...section(10, vec([[...uleb(fScaled.length), ...fScaled], [...uleb(fDots.length), ...fDots]])),
  ]);
}

interface MixFns {
  scaled: (...a: number[]) => void;
  dots: (...a: number[]) => void;
}
let mixCompiled: WebAssembly.Module | undefined;
const mixInstances = new WeakMap<WebAssembly.Memory, MixFns>();

function mixOf(backend: WasmBackend): MixFns {
  const memory = backend.wasm.asm!.memory!;
  let fns = mixInstances.get(memory);
  if (!fns) {
    mixCompiled ??= new WebAssembly.Module(mixModule());
    fns = new WebAssembly.Instance(mixCompiled, { env: { memory } }).exports as unknown as MixFns;
    mixInstances.set(memory, fns);
  }
  return fns;
}

export const MIX_KERNEL = "MtlMix", MIX_GRAD_W_KERNEL = "MtlMixGradW", MIX_GRAD_E_KERNEL = "MtlMixGradE";

/** w [R, B, K, n], e [R, n, B, H] → [R, K, B, H] */
function mixForward(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { w, e } = args.inputs as { w: tf.TensorInfo; e: tf.TensorInfo };
  const [R, B, K, n] = w.shape, H = e.shape[3];
  const out = backend.makeOutput([R, K, B, H], "float32");
  if (R * K * B * H > 0) mixOf(backend).scaled(offsetOf(backend, w), offsetOf(backend, e), offsetOf(backend, out), R, K, n, B, H, B * K * n, K * n, n, 1);
  return out;
}

/** dy [R, K, B, H], w [R, B, K, n] → dE [R, n, B, H] */
function mixGradE(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, w } = args.inputs as { dy: tf.TensorInfo; w: tf.TensorInfo };
  const [R, B, K, n] = w.shape, H = dy.shape[3];
  const out = backend.makeOutput([R, n, B, H], "float32");
  if (R * n * B * H > 0) mixOf(backend).scaled(offsetOf(backend, w), offsetOf(backend, dy), offsetOf(backend, out), R, n, K, B, H, B * K * n, K * n, 1, n);
  return out;
}

/** dy [R, K, B, H], e [R, n, B, H] → dW [R, B, K, n] */
function mixGradW(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, e } = args.inputs as { dy: tf.TensorInfo; e: tf.TensorInfo };
  const [R, K, B, H] = dy.shape, n = e.shape[1];
  const out = backend.makeOutput([R, B, K, n], "float32");
  if (R * B * K * n === 0) return out;
  const addon = addonOfSet(); // the same sums at the CPU's vector width (native/mix-dots.cc)
  if (addon) addon.mixDots(backend.wasm.HEAPU8.buffer as ArrayBuffer, R, K, n, B, H, offsetOf(backend, dy), offsetOf(backend, e), offsetOf(backend, out));
  else mixOf(backend).dots(offsetOf(backend, dy), offsetOf(backend, e), offsetOf(backend, out), R, K, n, B, H);
  return out;
}

/** Registers the three mix kernels on the wasm backend (false where the module cannot run). */
export function installWasmMix(): boolean {
  if (!wasmBagSupported()) return false;
  for (const [kernelName, kernelFunc] of [[MIX_KERNEL, mixForward], [MIX_GRAD_E_KERNEL, mixGradE], [MIX_GRAD_W_KERNEL, mixGradW]] as const) {
    if (!tf.getKernel(kernelName, "wasm")) tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  return true;
}

/** f = Σ_i w[·, k, i]·e_i as blocks.ts mix, with the fused kernels (caller checks they are active). */
export function fusedMix(w: tf.Tensor4D, e: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((wt, et, save) => {
    (save as tf.GradSaveFunc)([wt as tf.Tensor, et as tf.Tensor]);
    const value = tf.engine().runKernel(MIX_KERNEL, { w: wt as tf.Tensor, e: et as tf.Tensor }, {}) as tf.Tensor4D;
    return {
      value,
      gradFunc: (dy: tf.Tensor, [ws, es]: tf.Tensor[]) => [
        tf.engine().runKernel(MIX_GRAD_W_KERNEL, { dy, e: es }, {}) as tf.Tensor,
        tf.engine().runKernel(MIX_GRAD_E_KERNEL, { dy, w: ws }, {}) as tf.Tensor,
      ],
    };
  });
  return op(w, e) as tf.Tensor4D;
}
