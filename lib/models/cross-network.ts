/**
 * DCN's cross network (Wang et al., ADKDD 2017, §2.2, Eq. 3) as a bottom under another model:
 *   x_{l+1} = x_0 (x_lᵀ w_l) + b_l + x_l,    l = 0 … L − 1
 * on the one-hot view x_0 of the input (numeric columns, then every categorical column one-hot),
 * so layer l adds every feature cross of degree l + 2 with 2d parameters (w_l, b_l ∈ R^d).
 * The wrapped model (Shared-Bottom, MMoE or PLE) then reads x_L in place of x: its first layer
 * becomes a Dense layer on the d crossed features (Batch.affine). With L = 0 the cross network is
 * its input and the wrapped model is exactly the plain one (same weights, same outputs).
 * w_l starts like a Dense [d, 1] kernel of the model's `init` (Glorot or PyTorch default); b_l at
 * zero, as in torch-rechub's CrossNetwork.
 */
import * as tf from "@tensorflow/tfjs";
import { categoricalOffsets, inputWidth, readInput } from "./input";
import { ModelBase, type ModelIdentity, type ParamStore } from "./params";
import type { Batch, GateWeights, InputSpec, MtlModel, ParameterCount, TaskSpec } from "./types";

interface Cross {
  /** Cross layers L (0: the input itself). Default 2. */
  crossLayers?: number;
}
export interface DCNSharedBottomConfig extends Cross {
  kind: "dcn-shared-bottom";
  bottomUnits?: number[];
  towerUnits?: number[];
}
export interface DCNMMoEConfig extends Cross {
  kind: "dcn-mmoe";
  experts?: number;
  expertUnits?: number[];
  towerUnits?: number[];
}
export interface DCNPLEConfig extends Cross {
  kind: "dcn-ple";
  taskExperts?: number;
  sharedExperts?: number;
  expertUnits?: number[][];
  towerUnits?: number[];
}

/** The one-hot view of a batch: [B, d] (shared data) or [R, B, d] (per-replica numeric data). */
export function oneHotInput(batch: Batch, input: InputSpec): tf.Tensor {
  const x = batch.numeric;
  const nCat = input.categorical.length;
  if (nCat === 0) return x;
  const c = batch.categorical;
  if (x.rank !== 2 || c === undefined) throw new Error("a cross network over categorical columns needs shared data: numeric [B, Dn] and categorical [B, nCat]");
  const B = x.shape[0];
  const V = inputWidth(input) - input.numeric;
  const flat = c.add(tf.tensor1d(categoricalOffsets(input), "int32")).reshape([B * nCat]) as tf.Tensor1D;
  const hot = tf.oneHot(flat, V).reshape([B, nCat, V]).sum(1); // [B, V], columns add up
  return tf.concat([x, hot], 1);
}

/**
 * L cross layers over d features, every replica its own w_l, b_l.
 * Each layer adds x_0 times a per-row scalar plus a constant, so x_l = a_l · x_0 + c_l with
 *   a_0 = 1, c_0 = 0,   a_{l+1} = a_l (1 + x_0ᵀ w_l) + c_lᵀ w_l,   c_{l+1} = c_l + b_l
 * (the cross network's output stays in the span of x_0 and a constant; xDeepFM, KDD 2018, §2.1,
 * notes the same). `affine` computes (a_L, c_L) from the products x_0ᵀ w_l, which the input
 * layer's fast data path gives, and the wrapped model reads x_L = a_L x_0 + c_L without forming it;
 * `apply` forms x_L layer by layer, as the equation reads (tests compare the two).
 */
export class CrossNetwork {
  private readonly w: tf.Variable[] = [];
  private readonly b: tf.Variable[] = [];
  private readonly offsets: tf.Tensor1D | null;

  constructor(p: ParamStore, readonly input: InputSpec, readonly layers: number) {
    const d = inputWidth(input);
    for (let l = 0; l < layers; l++) {
      this.w.push(p.add(`cross/layer/${l}/kernel`, "cross", (s) => p.dense.kernel(`cross/layer/${l}`, d, 1, s).reshape([d])));
      this.b.push(p.add(`cross/bias/${l}`, "cross", () => tf.zeros([d])));
    }
    this.offsets = input.categorical.length > 0 ? p.keep(tf.tensor1d(categoricalOffsets(input), "int32")) : null;
  }

  /** x_0 [B, d] or [R, B, d] → x_L ([R, B, d]; x_0 itself when L = 0), layer by layer. */
  apply(x0: tf.Tensor): tf.Tensor {
    const x03 = x0.rank === 2 ? x0.expandDims(0) : x0; // [1|R, B, d]
    let x = x03;
    for (let l = 0; l < this.layers; l++) {
      const s = x.mul((this.w[l] as tf.Tensor).expandDims(1)).sum(2, true); // x_lᵀ w_l: [R, B, 1]
      x = x03.mul(s).add((this.b[l] as tf.Tensor).expandDims(1)).add(x);
    }
    return this.layers === 0 ? x0 : x;
  }

  /** x_L = scale · x_0 + shift for a batch: scale [R, B, 1], shift [R, d]. */
  affine(batch: Batch): { scale: tf.Tensor; shift: tf.Tensor } {
    const L = this.layers, Dn = this.input.numeric;
    const W = tf.stack(this.w, 2) as tf.Tensor3D; // [R, d, L]
    const R = W.shape[0], d = W.shape[1];
    const xw = readInput(
      batch, this.input, this.offsets,
      Dn > 0 ? W.slice([0, 0, 0], [-1, Dn, -1]) : null, d > Dn ? W.slice([0, Dn, 0], [-1, d - Dn, -1]) : null, tf.zeros([R, L]),
    ); // x_0ᵀ w_l for every l: [R, B, L]
    let a: tf.Tensor = tf.ones([R, 1, 1]);
    let c: tf.Tensor = tf.zeros([R, d]);
    for (let l = 0; l < L; l++) {
      const s = xw.slice([0, 0, l], [-1, -1, 1]); // [R, B, 1]
      a = a.mul(s.add(1)).add(c.mul(this.w[l]).sum(1).reshape([R, 1, 1]));
      c = c.add(this.b[l]);
    }
    return { scale: a, shift: c };
  }
}

/** A model whose input passes a cross network first; `inner` is the plain model, reading x_L. */
export class WithCross extends ModelBase {
  readonly cross: CrossNetwork;
  readonly inner: MtlModel;
  /** The wrapped model's gates (on x_L), where it has gates. */
  readonly gates?: (batch: Batch) => GateWeights[];

  constructor(cfg: ModelIdentity & { crossLayers: number }, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[], inner: MtlModel) {
    super(cfg, tasks, input, replicaSeeds);
    this.cross = new CrossNetwork(this.p, input, cfg.crossLayers);
    this.inner = inner;
    if (inner.gates) this.gates = (batch) => inner.gates!(this.crossed(batch));
  }

  override get variables(): readonly tf.Variable[] {
    return [...Object.values(this.p.named), ...this.inner.variables];
  }

  override get named(): Readonly<Record<string, tf.Variable>> {
    return { ...this.p.named, ...(this.inner as unknown as { named: Record<string, tf.Variable> }).named };
  }

  /** The batch the wrapped model reads: x_L = a_L x_0 + c_L (the batch itself when L = 0). */
  private crossed(batch: Batch): Batch {
    return this.cross.layers === 0 ? batch : { ...batch, affine: this.cross.affine(batch) };
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.inner.apply(this.crossed(batch));
  }

  override parameterCount(): ParameterCount {
    const own = this.p.count();
    const inner = this.inner.parameterCount();
    const groups = { ...inner.groups };
    for (const [g, n] of Object.entries(own.groups)) groups[g] = (groups[g] ?? 0) + n;
    const perReplica = own.perReplica + inner.perReplica;
    return { perReplica, total: perReplica * this.replicas, groups };
  }

  override dispose(): void {
    super.dispose();
    this.inner.dispose();
  }
}
