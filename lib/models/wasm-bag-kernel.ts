/**
 * A sparse embedding bag for tfjs-backend-wasm 4.22 (issue 19): the categorical inputs'
 * lookup-and-sum  out[r, b, :] = Σ_c table[r, idx[b, c], :]  and its gradient, the scatter-add
 *   dTable[r, v, :] = Σ_{(b, c): idx[b, c] = v} dy[r, b, :],
 * computed on the wasm heap in place, without the multi-hot product's V / nCat ≈ 16× arithmetic.
 *
 * How: a tiny hand-assembled WebAssembly module (below, ~150 bytes) that imports the tfjs wasm
 * backend's own memory, so it reads and writes tensors where they live (no copies). Its inner
 * loop adds one U-wide row into another with f32x4 additions (SIMD lanes add exactly as scalar
 * f32 additions do). Out-of-range indices are refused before the loop runs.
 *
 * Summation order: each output row starts at +0 and adds its rows in the order of the indices
 * (columns c = 0, 1, …; for the gradient: examples b = 0, 1, …). That is the order in which a
 * product with the multi-hot counts accumulates them (k ascending; the census columns' offsets
 * ascend with c), so the results can equal the dense product's bit for bit; the tests check it
 * (test/models-wasm-bag.test.ts). Selected by MTL_WASM_KERNELS=sparse (wasm-kernels.ts).
 */
import * as tf from "@tensorflow/tfjs";

interface WasmBackend {
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
const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, AND = 0x71, GE_U = 0x4f, GE_S = 0x4e;
const memarg = (align: number) => [align, 0];
const block = (...body: number[][]) => [0x02, 0x40, ...body.flat(), 0x0b];
const loop = (...body: number[][]) => [0x03, 0x40, ...body.flat(), 0x0b];
const brIf = (depth: number) => [0x0d, depth];
const br = (depth: number) => [0x0c, depth];
/** while (cond is false) { body } — `exitIf` computes the exit condition. */
const whileNot = (exitIf: number[], ...body: number[][]) => block(loop(exitIf, brIf(1), ...body, br(0)));
const inc = (i: number, by: number[]) => [...get(i), ...by, ADD, ...set(i)];

/*
 * func 0 addRow(dst, src, n): dst[0..n) += src[0..n)   (byte offsets; locals 3 = end4, 4 = end)
 * func 1 bag(table, idx, out, R, B, nCat, V, U, mode)
 *   mode 0 (forward):  out[r, b] += table[r, idx[b, c]]        for r, b, c ascending
 *   mode 1 (gradient): out[r, idx[b, c]] += table[r, b]        (table = dy [R, B, U], out = dTable [R, V, U])
 *   locals: 9 r, 10 b, 11 c, 12 row bytes, 13 ip, 14 tBase, 15 oBase, 16 v-row offset
 */
function bagModule(): Uint8Array {
  const addRow = [
    ...get(0), ...get(2), ...i32c(2), SHL, ADD, ...set(4), // end = dst + 4n
    ...get(0), ...get(2), ...i32c(-4), AND, ...i32c(2), SHL, ADD, ...set(3), // end4 = dst + 4(n & ~3)
    ...whileNot([...get(0), ...get(3), GE_U],
      get(0), get(0), [0xfd, 0x00, ...memarg(0)], get(1), [0xfd, 0x00, ...memarg(0)], [0xfd, 0xe4, 0x01], [0xfd, 0x0b, ...memarg(0)],
      inc(0, i32c(16)), inc(1, i32c(16))),
    ...whileNot([...get(0), ...get(4), GE_U],
      get(0), get(0), [0x2a, ...memarg(2)], get(1), [0x2a, ...memarg(2)], [0x92], [0x38, ...memarg(2)],
      inc(0, i32c(4)), inc(1, i32c(4))),
  ];
  const [table, idx, out, R, B, nCat, V, U, mode] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r, b, c, rowB, ip, tBase, oBase, vOff] = [9, 10, 11, 12, 13, 14, 15, 16];
  const bag = [
    ...get(U), ...i32c(2), SHL, ...set(rowB),
    ...i32c(0), ...set(r),
    ...whileNot([...get(r), ...get(R), GE_S],
      // forward: tBase = table + r·V·row, oBase = out + r·B·row; gradient: tBase = dy + r·B·row, oBase = dT + r·V·row
      get(table), get(r), get(mode), [0x04, I32], get(B), [0x05], get(V), [0x0b], [MUL], get(rowB), [MUL, ADD], set(tBase),
      get(out), get(r), get(mode), [0x04, I32], get(V), [0x05], get(B), [0x0b], [MUL], get(rowB), [MUL, ADD], set(oBase),
      i32c(0), set(b),
      whileNot([...get(b), ...get(B), GE_S],
        get(idx), get(b), get(nCat), [MUL], i32c(2), [SHL, ADD], set(ip),
        i32c(0), set(c),
        whileNot([...get(c), ...get(nCat), GE_S],
          get(ip), [0x28, ...memarg(2)], get(rowB), [MUL], set(vOff), // idx[b, c] · row bytes
          get(mode), [0x04, 0x40],
          /* gradient */ get(oBase), get(vOff), [ADD], get(tBase), get(b), get(rowB), [MUL, ADD], get(U), [0x10, 0],
          [0x05],
          /* forward */ get(oBase), get(b), get(rowB), [MUL, ADD], get(tBase), get(vOff), [ADD], get(U), [0x10, 0],
          [0x0b],
          inc(ip, i32c(4)), inc(c, i32c(1))),
        inc(b, i32c(1))),
      inc(r, i32c(1))),
  ];
  const body = (locals: number[][], code: number[]) => {
    const f = [...vec(locals), ...code, 0x0b];
    return [...uleb(f.length), ...f];
  };
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32]]), 0x00], [0x60, ...vec(Array.from({ length: 9 }, () => [I32])), 0x00]])),
    ...section(2, vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name("bag"), 0x00, 1]])),
    ...section(10, vec([body([[2, I32]], addRow), body([[8, I32]], bag)])),
  ];
  return new Uint8Array(bytes);
}

type BagFn = (table: number, idx: number, out: number, R: number, B: number, nCat: number, V: number, U: number, mode: number) => void;
const instances = new WeakMap<WebAssembly.Memory, BagFn>();
let compiled: WebAssembly.Module | undefined;

/** The bag function bound to the backend's memory (null when the memory is not reachable). */
function bagOf(backend: WasmBackend): BagFn | null {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let fn = instances.get(memory);
  if (!fn) {
    compiled ??= new WebAssembly.Module(bagModule());
    fn = new WebAssembly.Instance(compiled, { env: { memory } }).exports.bag as BagFn;
    instances.set(memory, fn);
  }
  return fn;
}

/** True when the kernel can run on this wasm backend (its memory is reachable, SIMD compiles). */
export function wasmBagSupported(): boolean {
  try {
    return bagOf(tf.backend() as unknown as WasmBackend) !== null;
  } catch {
    return false;
  }
}

function checkIndices(backend: WasmBackend, indices: tf.TensorInfo, V: number): void {
  if (indices.dtype !== "int32") throw new Error(`${BAG_KERNEL}: indices must be int32, got ${indices.dtype}`);
  const idx = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < V)) throw new Error(`${BAG_KERNEL}: index ${idx[i]} is not in [0, ${V - 1}]`);
  }
}

/** table [R, V, U], indices int32 [B·nCat] (row b's columns contiguous), attrs {nCat} → [R, B, U]. */
function bagForward(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { table, indices } = args.inputs as { table: tf.TensorInfo; indices: tf.TensorInfo };
  const { nCat } = args.attrs as unknown as { nCat: number };
  const [R, V, U] = table.shape;
  const B = indices.shape[0] / nCat;
  if (table.dtype !== "float32" || !Number.isInteger(B)) throw new Error(`${BAG_KERNEL}: float32 table [R, V, U] and ${nCat}·B indices expected`);
  checkIndices(backend, indices, V);
  const out = backend.makeOutput([R, B, U], "float32");
  if (R * B * U === 0) return out;
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  const off = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  bagOf(backend)!(off(table), off(indices), off(out), R, B, nCat, V, U, 0);
  return out;
}

/** dy [R, B, U], indices int32 [B·nCat], attrs {nCat, V} → dTable [R, V, U]. */
function bagGradient(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, indices } = args.inputs as { dy: tf.TensorInfo; indices: tf.TensorInfo };
  const { nCat, V } = args.attrs as unknown as { nCat: number; V: number };
  const [R, B, U] = dy.shape;
  if (dy.dtype !== "float32" || indices.shape[0] !== B * nCat) throw new Error(`${BAG_GRAD_KERNEL}: float32 dy [R, B, U] and B·${nCat} indices expected`);
  checkIndices(backend, indices, V);
  const out = backend.makeOutput([R, V, U], "float32");
  if (R * V * U === 0) return out;
  (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
  const off = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  bagOf(backend)!(off(dy), off(indices), off(out), R, B, nCat, V, U, 1);
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
