/**
 * The input encoder: the first layer of every consumer of the raw input x (experts' first
 * layers and gates that read x), for all replicas, as ONE fused layer.
 *
 * A categorical column c with vocabulary V_c acts as a V_c-wide one-hot block. Instead of
 * materialising one-hot rows we compute the identical product
 *   x·W = numeric·W_num + Σ_c W_cat[offset_c + idx_c]          (a lookup-and-sum)
 * Shared data ([B, Dn]): one matmul x @ W[Dn, R·U] serves all replicas. Per-replica data
 * ([R, B, Dn]): one batched matmul. The lookup-and-sum is the kernels' embedding bag.
 */
import * as tf from "@tensorflow/tfjs";
import { dataBmm, embeddingBagSum, sharedInputLayer } from "../kernels/ops";
import type { ParamStore } from "./params";
import type { Batch, InputSpec } from "./types";

/** One block of columns of a fused layer: its seed path, width and parameter group. */
export interface Consumer {
  name: string;
  units: number;
  group: string;
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
  let flat: tf.Tensor1D | null = null; // [B·nCat]: every row's categorical columns as table rows
  if (wCat !== null && offsets !== null) {
    const c = batch.categorical;
    if (c === undefined || c.rank !== 2 || c.shape[0] !== B || c.shape[1] !== input.categorical.length) {
      throw new Error(`batch.categorical must be int32 [${B}, ${input.categorical.length}], got ${c ? `[${c.shape}]` : "none"}`);
    }
    flat = c.add(offsets).reshape([B * input.categorical.length]) as tf.Tensor1D;
  }
  if (!affine && shared && wNum !== null && input.numeric > 0 && wCat !== null && flat !== null) {
    return sharedInputLayer(x.as2D(B, input.numeric), wNum, bias, wCat, flat, input.categorical.length); // the same sums as below
  }
  // without `affine` the bias comes first (the summation order every stored result was computed in)
  let h: tf.Tensor3D = affine ? tf.zeros([R, 1, U]) : (bias.expandDims(1) as tf.Tensor3D); // [R, 1, U]
  if (wNum !== null && input.numeric > 0) {
    const xw = dataBmm((shared ? x.expandDims(0) : x) as tf.Tensor3D, wNum); // [R, B, U]
    h = h.add(xw);
  }
  if (wCat !== null && flat !== null) h = h.add(embeddingBagSum(wCat, flat, B, input.categorical.length)); // [R, B, U]
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

  /** The columns of consumers from .. from+count-1 (in registration order), for each [from, count]: [R, B, Σu] each. */
  columns(h: tf.Tensor3D, groups: readonly (readonly [number, number])[]): tf.Tensor3D[] {
    return splitRanges(h, groups.map(([from, count]) => [this.cols.get(this.consumers[from].name)![0], this.consumers.slice(from, from + count).reduce((a, c) => a + c.units, 0)] as const));
  }

  /** The columns of consumer `prefix` or of all consumers under `prefix/` (must be contiguous), for each prefix. */
  slices(h: tf.Tensor3D, prefixes: readonly string[]): tf.Tensor3D[] {
    return splitRanges(h, prefixes.map((prefix) => this.range(prefix)));
  }

  /** One prefix's columns (see `slices`). */
  slice(h: tf.Tensor3D, prefix: string): tf.Tensor3D {
    return this.slices(h, [prefix])[0];
  }

  private range(prefix: string): readonly [number, number] {
    const dir = prefix.endsWith("/") ? prefix : `${prefix}/`;
    const hits = this.consumers.filter((c) => c.name === prefix || c.name.startsWith(dir));
    if (hits.length === 0) throw new Error(`no input consumer named ${prefix}*`);
    const [start] = this.cols.get(hits[0].name)!;
    const width = hits.reduce((a, c) => a + c.units, 0);
    const [lastStart, lastUnits] = this.cols.get(hits[hits.length - 1].name)!;
    if (lastStart + lastUnits - start !== width) throw new Error(`input consumers ${prefix}* are not contiguous`);
    return [start, width];
  }
}

/**
 * The ranges [start, width] of one axis of x (the last by default), as ONE tf.split (ranges must
 * not overlap; columns no range asks for become pieces nobody reads). Why not one slice per range: each
 * slice's gradient is a zero-padded full-width tensor, and the gradients of x add them up, so k
 * slices cost k pads and k − 1 full-width adds in every backward pass; a split's gradient is one
 * concatenation of the pieces' gradients. Same values: adding zeros leaves every float as it is.
 */
export function splitRanges<T extends tf.Tensor>(x: T, ranges: readonly (readonly [number, number])[], axis = x.rank - 1): T[] {
  const W = x.shape[axis];
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === W) return [x];
  const order = ranges.map((r, i) => i).sort((a, b) => ranges[a][0] - ranges[b][0]);
  const sizes: number[] = [];
  const pieceOf = new Array<number>(ranges.length);
  let at = 0;
  for (const i of order) {
    const [start, width] = ranges[i];
    if (start < at || start + width > W) throw new Error(`column ranges overlap or leave the ${W} columns: [${ranges.map((r) => r.join("+")).join(", ")}]`);
    if (start > at) sizes.push(start - at);
    pieceOf[i] = sizes.length;
    sizes.push(width);
    at = start + width;
  }
  if (at < W) sizes.push(W - at);
  const pieces = tf.split(x, sizes, axis) as T[];
  const read = new Set(pieceOf);
  pieces.forEach((p, i) => read.has(i) || p.dispose()); // a gradient needs only their shapes
  return ranges.map((r, i) => pieces[pieceOf[i]]);
}
