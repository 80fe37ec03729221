/**
 * Small replica-batched parts every model is built from. Layouts (R replicas, B rows):
 *   experts of a level: [R, n, B, H]      task streams / tower inputs: [R, T, B, H]
 *   gate weights: [R, B, K, n] (K gates over n experts)      model output: [R, B, T]
 * Groups (experts, tasks) share one batched matmul: x [R, G, B, I] @ W [R, G, I, O].
 */
import * as tf from "@tensorflow/tfjs";
import { type Consumer, splitRanges } from "./input";
import type { ParamStore } from "./params";
import { gatedMix, groupsShareInput } from "../kernels/ops";

/**
 * G parallel dense layers, one batched matmul: [R, G, B, I] → [R, G, B, U]. Each group's
 * columns are consumer blocks (e.g. an expert's first layer beside a gate), each block with its
 * own seed; every group has the same block widths. No activation.
 */
export class GroupedDense {
  readonly width: number;
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(p: ParamStore, name: string, readonly inputDim: number, readonly blocks: readonly (readonly Consumer[])[]) {
    const widths = blocks[0].map((c) => c.units);
    if (blocks.some((g) => g.map((c) => c.units).join() !== widths.join())) throw new Error(`${name}: groups differ in width`);
    this.width = widths.reduce((a, u) => a + u, 0);
    for (const g of blocks) for (const c of g) p.credit(c.group, (inputDim + 1) * c.units);
    this.kernel = p.add(`${name}/kernel`, null, (s) =>
      tf.stack(blocks.map((g) => tf.concat(g.map((c) => p.dense.kernel(c.name, inputDim, c.units, s)), 1))),
    ); // [R, G, I, U]
    this.bias = p.add(`${name}/bias`, null, (s) =>
      tf.stack(blocks.map((g) => tf.concat(g.map((c) => p.dense.bias(c.name, inputDim, c.units, s)), 0))),
    ); // [R, G, U]
  }

  /** x [R, G, B, I], or [R, 1, B, I] read by every group (its gradient sums the groups', as a tile's would) → [R, G, B, U]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [R, Gx, B, I] = x.shape, G = this.blocks.length;
    const y = Gx === 1 && G > 1
      ? groupsShareInput(x, this.kernel as tf.Tensor as tf.Tensor4D) // [R, 1, B, I] @ [R, G, I, U]: no copy of x per group
      : tf.matMul(x.reshape([R * G, B, I]), (this.kernel as tf.Tensor).reshape([R * G, I, this.width])); // [R·G, B, U]
    return y.reshape([R, G, B, this.width]).add((this.bias as tf.Tensor).expandDims(2)) as tf.Tensor4D;
  }

  /** Columns of blocks k .. k+count-1 (same offsets in every group), for each [k, count]: [R, G, B, Σu] each. */
  blocksOf(y: tf.Tensor4D, groups: readonly (readonly [number, number])[]): tf.Tensor4D[] {
    const offset = (k: number) => this.blocks[0].slice(0, k).reduce((a, c) => a + c.units, 0);
    return splitRanges(y, groups.map(([k, count]) => [offset(k), offset(k + count) - offset(k)] as const));
  }

  /** Columns of blocks k .. k+count-1 alone (see `blocksOf`). */
  block(y: tf.Tensor4D, k: number, count = 1): tf.Tensor4D {
    return this.blocksOf(y, [[k, count]])[0];
  }
}

/**
 * G parallel MLPs (Dense + ReLU per hidden size; `linearLast` leaves the last layer linear, as a
 * tower's output): [R, G, B, I] → [R, G, B, units.at(-1)]. Group g's layer i has seed path
 * `${names[g]}/layer/${firstLayer + i}`.
 */
export class DenseStack {
  private readonly layers: GroupedDense[];

  constructor(
    p: ParamStore, name: string, names: readonly string[], inputDim: number, readonly units: readonly number[],
    group: string, private readonly linearLast = false, firstLayer = 0,
  ) {
    let d = inputDim;
    this.layers = units.map((u, i) => {
      const l = i + firstLayer;
      const layer = new GroupedDense(p, `${name}/layer/${l}`, d, names.map((g) => [{ name: `${g}/layer/${l}`, units: u, group }]));
      d = u;
      return layer;
    });
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.layers.reduce((h, layer, i) => {
      const y = layer.apply(h);
      return this.linearLast && i === this.layers.length - 1 ? y : tf.relu(y);
    }, x);
  }
}

/** Per-task towers h_k: MLP + one linear output (logit or value). [R, T, B, H], or [R, 1, B, H] shared by every tower, → [R, B, T]. */
export class Towers {
  private readonly stack: DenseStack;

  /** `first`: index of the first task served (models with towers of two input widths use two Towers). */
  constructor(p: ParamStore, private readonly tasks: number, inputDim: number, towerUnits: readonly number[], first = 0) {
    const names = Array.from({ length: tasks }, (_, t) => `tower/${t + first}`);
    this.stack = new DenseStack(p, first === 0 ? "towers" : `towers/from/${first}`, names, inputDim, [...towerUnits, 1], "towers", true);
  }

  apply(x: tf.Tensor4D): tf.Tensor3D {
    const [R, , B] = x.shape, T = this.tasks;
    return this.stack.apply(x).reshape([R, T, B]).transpose([0, 2, 1]) as tf.Tensor3D; // [R, B, T]
  }
}

/** First-layer pre-activations of n experts [R, B, n·H] → ReLU → [R, n, B, H]. */
export function expertsFrom(h: tf.Tensor3D, n: number): tf.Tensor4D {
  const [R, B, W] = h.shape;
  return tf.relu(h).reshape([R, B, n, W / n]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

/** First-layer pre-activations of G groups × m experts [R, G, B, m·H] → ReLU → [R, G·m, B, H]. */
export function groupExperts(h: tf.Tensor4D, m: number): tf.Tensor4D {
  const [R, G, B, W] = h.shape;
  return tf.relu(h).reshape([R, G, B, m, W / m]).transpose([0, 1, 3, 2, 4]).reshape([R, G * m, B, W / m]) as tf.Tensor4D;
}

/** K softmax gates over n experts from logits [R, B, K·n] → [R, B, K, n], rows sum to 1. */
export function softmaxGates(logits: tf.Tensor3D, K: number): tf.Tensor4D {
  const [R, B, W] = logits.shape;
  return tf.softmax(logits.reshape([R, B, K, W / K])) as tf.Tensor4D;
}

/** f_k = Σ_i w[·, k, i] · e_i: weights [R, B, K, n], experts [R, n, B, H] → [R, K, B, H]. */
export function mix(w: tf.Tensor4D, e: tf.Tensor4D): tf.Tensor4D {
  return gatedMix(w, e);
}

/**
 * [R, B, H] → [R, 1, B, H]: one representation that every task's tower reads. Towers (GroupedDense)
 * broadcast it over the tasks instead of tiling it: the same products, and its gradient is the
 * tasks' summed in task order from +0, as the tile's gradient adds them.
 */
export function sharedByTasks(h: tf.Tensor3D): tf.Tensor4D {
  return h.expandDims(1) as tf.Tensor4D;
}

/**
 * n expert MLPs (Dense + ReLU per hidden size). Their first layers are `consumers`, to be folded
 * into whatever layer reads their input (the InputLayer, or a level's GroupedDense); the later
 * layers run as one batched DenseStack over all n experts.
 */
export class ExpertBank {
  readonly consumers: Consumer[];
  readonly outDim: number;
  private readonly deep: DenseStack | null;

  constructor(p: ParamStore, name: string, names: readonly string[], units: readonly number[], group = "experts") {
    this.consumers = names.map((e) => ({ name: `${e}/layer/0`, units: units[0], group }));
    this.deep = units.length > 1 ? new DenseStack(p, name, names, units[0], units.slice(1), group, false, 1) : null;
    this.outDim = units[units.length - 1];
  }

  get size(): number {
    return this.consumers.length;
  }

  /** From first-layer pre-activations of all experts side by side [R, B, n·H1] → [R, n, B, H]. */
  fromColumns(h: tf.Tensor3D): tf.Tensor4D {
    const e = expertsFrom(h, this.size);
    return this.deep ? this.deep.apply(e) : e;
  }

  /** The layers after the first, on first-layer activations (after ReLU) [R, n, B, H1] → [R, n, B, H]. */
  deepen(e: tf.Tensor4D): tf.Tensor4D {
    return this.deep ? this.deep.apply(e) : e;
  }
}
