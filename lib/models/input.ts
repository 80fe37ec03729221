/**
 * The input encoder: the first layer of every consumer of the raw input x (experts' first
 * layers and gates that read x), for all replicas, as ONE fused layer.
 *
 * A categorical column c with vocabulary V_c acts as a V_c-wide one-hot block. Instead of
 * materialising one-hot rows we compute the identical product
 *   x·W = numeric·W_num + Σ_c W_cat[offset_c + idx_c]          (a lookup-and-sum)
 * Shared data ([B, Dn]): one matmul x @ W[Dn, R·U] serves all replicas. Per-replica data
 * ([R, B, Dn]): one batched matmul. The lookup-and-sum runs as a multi-hot product (see
 * lookupSum for why not a gather).
 */
import * as tf from "@tensorflow/tfjs";
import { dataBmm, dataMatMul } from "./matmul";
import { embeddingBag } from "./wasm-bag-kernel";
import { sparseBagActive } from "./wasm-kernels";
import type { ParamStore } from "./params";
import type { Batch, InputSpec } from "./types";

/** One block of columns of a fused layer: its seed path, width and parameter group. */
export interface Consumer {
  name: string;
  units: number;
  group: string;
}

/**
 * Σ_c table[:, idx[b, c], :] → [R, B, U] as a product with the multi-hot count matrix
 * X [B, V] (X[b, v] = how many of row b's columns hit v): X @ table[r] for every replica r.
 * Why not a gather of table rows: that materialises [R, B·nCat, U] (census AdaTT, R = 64:
 * 64 × 15,872 × 786 floats = 3.2 GB, beyond the wasm heap) and its scatter-add gradient the
 * same again; the product needs only X (B × V) and its gradient Xᵀ·dy is an ordinary matMul.
 * On wasm both run as one XNNPACK product per replica (wasm-matmul-kernel.ts). Exact: X holds
 * small integers and every skipped entry contributes 0·w = 0.
 * With MTL_WASM_KERNELS=sparse on wasm: a sparse embedding bag instead (wasm-bag-kernel.ts),
 * the same sums without the V/nCat ≈ 16× arithmetic, in the same order.
 */
export function lookupSum(table: tf.Tensor3D, flatIdx: tf.Tensor1D, B: number, nCat: number): tf.Tensor3D {
  if (sparseBagActive()) return embeddingBag(table, flatIdx, nCat);
  const V = table.shape[1];
  const rows = tf.range(0, B, 1, "int32").expandDims(1).tile([1, nCat]).reshape([B * nCat, 1]); // row b of each lookup
  const where = tf.concat([rows, flatIdx.reshape([B * nCat, 1])], 1) as tf.Tensor2D; // [B·nCat, 2]
  const counts = tf.scatterND(where, tf.ones([B * nCat]), [B, V]) as tf.Tensor2D; // duplicates add up
  return tf.matMul(counts.expandDims(0), table) as tf.Tensor3D; // [1, B, V] @ [R, V, U], broadcast
}

/** Column offsets of each categorical column inside the one-hot view of x. */
export function categoricalOffsets(input: InputSpec): number[] {
  const out: number[] = [];
  let o = 0;
  for (const v of input.categorical) {
    out.push(o);
    o += v;
  }
  return out;
}

/** The one-hot width of x: numeric columns plus every vocabulary. */
export function inputWidth(input: InputSpec): number {
  return input.numeric + input.categorical.reduce((a, v) => a + v, 0);
}

/**
 * x·W + b for weights given as tensors (variables, or composed ones such as Tucker factors).
 * wNum [R, Dn, U] (null if Dn = 0), wCat [R, V, U] (null without categorical columns), bias [R, U].
 */
export function readInput(
  batch: Batch,
  input: InputSpec,
  offsets: tf.Tensor1D | null,
  wNum: tf.Tensor3D | null,
  wCat: tf.Tensor3D | null,
  bias: tf.Tensor2D,
): tf.Tensor3D {
  const [R, U] = bias.shape;
  const x = batch.numeric;
  const shared = x.rank === 2;
  if (!shared && x.rank !== 3) throw new Error(`batch.numeric must be [B, ${input.numeric}] or [R, B, ${input.numeric}], got [${x.shape}]`);
  if (x.shape[x.rank - 1] !== input.numeric) throw new Error(`batch.numeric has ${x.shape[x.rank - 1]} columns, the model expects ${input.numeric}`);
  if (!shared && x.shape[0] !== R) throw new Error(`per-replica batch.numeric has ${x.shape[0]} replicas, the model has ${R}`);
  const B = x.shape[shared ? 0 : 1] as number;
  const affine = batch.affine;
  // without `affine` the bias comes first (the summation order every stored result was computed in)
  let h: tf.Tensor3D = affine ? tf.zeros([R, 1, U]) : (bias.expandDims(1) as tf.Tensor3D); // [R, 1, U]
  if (wNum !== null && input.numeric > 0) {
    const xw = shared
      ? dataMatMul(x.as2D(B, input.numeric), wNum.transpose([1, 0, 2]).reshape([input.numeric, R * U])).reshape([B, R, U]).transpose([1, 0, 2]) // [R, B, U]
      : dataBmm(x as tf.Tensor3D, wNum); // [R, B, U]
    h = h.add(xw);
  }
  if (wCat !== null && offsets !== null) {
    const c = batch.categorical;
    if (c === undefined || c.rank !== 2 || c.shape[0] !== B || c.shape[1] !== input.categorical.length) {
      throw new Error(`batch.categorical must be int32 [${B}, ${input.categorical.length}], got ${c ? `[${c.shape}]` : "none"}`);
    }
    const flat = c.add(offsets).reshape([B * input.categorical.length]) as tf.Tensor1D; // [B·nCat]
    h = h.add(lookupSum(wCat, flat, B, input.categorical.length)); // [R, B, U]
  }
  if (affine) {
    // x' = scale·x + shift: x'·W + b = scale ⊙ (x·W) + shift·W + b (shift·W: [R, 1, D] @ [R, D, U], small)
    const W = wNum !== null && wCat !== null ? tf.concat([wNum, wCat], 1) : (wNum ?? wCat)!; // [R, D, U]
    if (affine.shift.shape[1] !== W.shape[1]) throw new Error(`batch.affine.shift has ${affine.shift.shape[1]} columns, the input layer ${W.shape[1]}`);
    h = h.mul(affine.scale).add(tf.matMul(affine.shift.expandDims(1), W)).add(bias.expandDims(1)) as tf.Tensor3D;
  }
  return (h.shape[1] === B ? h : h.tile([1, B, 1])) as tf.Tensor3D;
}

/** The fused first layer of all consumers of x, each consumer initialised by name (p.dense). */
export class InputLayer {
  readonly width: number;
  private readonly cols = new Map<string, [number, number]>();
  private readonly wNum: tf.Variable | null;
  private readonly wCat: tf.Variable | null;
  private readonly bias: tf.Variable;
  private readonly offsets: tf.Tensor1D | null;

  constructor(p: ParamStore, private readonly input: InputSpec, readonly consumers: readonly Consumer[]) {
    const D = inputWidth(input);
    if (D < 1) throw new RangeError("input must have at least one numeric or categorical column");
    let o = 0;
    for (const c of consumers) {
      this.cols.set(c.name, [o, c.units]);
      o += c.units;
      p.credit(c.group, (D + 1) * c.units);
    }
    this.width = o;
    const full = (s: import("../seeds").Seeds) => // [D, U]: consumer blocks side by side
      tf.concat(consumers.map((c) => p.dense.kernel(c.name, D, c.units, s)), 1);
    const Dn = input.numeric;
    this.wNum = Dn > 0 ? p.add("input/numeric", null, (s) => full(s).slice([0, 0], [Dn, o])) : null;
    this.wCat = D > Dn ? p.add("input/categorical", null, (s) => full(s).slice([Dn, 0], [D - Dn, o])) : null;
    this.bias = p.add("input/bias", null, (s) => tf.concat(consumers.map((c) => p.dense.bias(c.name, D, c.units, s)), 0));
    this.offsets = D > Dn ? p.keep(tf.tensor1d(categoricalOffsets(input), "int32")) : null;
  }

  /** x·W + b for every consumer: [R, B, U]. */
  apply(batch: Batch): tf.Tensor3D {
    return readInput(batch, this.input, this.offsets, this.wNum as tf.Tensor3D | null, this.wCat as tf.Tensor3D | null, this.bias as tf.Tensor2D);
  }

  /** The columns of consumers from .. from+count-1 (in registration order): [R, B, Σu]. */
  columns(h: tf.Tensor3D, from: number, count: number): tf.Tensor3D {
    const [start] = this.cols.get(this.consumers[from].name)!;
    const width = this.consumers.slice(from, from + count).reduce((a, c) => a + c.units, 0);
    return h.slice([0, 0, start], [-1, -1, width]);
  }

  /** The columns of consumer `prefix` or of all consumers under `prefix/` (must be contiguous). */
  slice(h: tf.Tensor3D, prefix: string): tf.Tensor3D {
    const dir = prefix.endsWith("/") ? prefix : `${prefix}/`;
    const hits = this.consumers.filter((c) => c.name === prefix || c.name.startsWith(dir));
    if (hits.length === 0) throw new Error(`no input consumer named ${prefix}*`);
    const [start] = this.cols.get(hits[0].name)!;
    const width = hits.reduce((a, c) => a + c.units, 0);
    const [lastStart, lastUnits] = this.cols.get(hits[hits.length - 1].name)!;
    if (lastStart + lastUnits - start !== width) throw new Error(`input consumers ${prefix}* are not contiguous`);
    return h.slice([0, 0, start], [-1, -1, width]);
  }
}
