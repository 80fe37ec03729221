/**
 * DUPN (Ni et al., KDD 2018, "Perceive Your Users in Depth"): one user representation shared by
 * several task heads. For a user with behaviours 1..L (input.sequence) and the other columns x
 * (user profile and query/context):
 *   behaviour    v_l = [E_0[item_l]; E_1[prop_l,1]; …]          field embeddings, concatenated [R, B, L, F·d]
 *   LSTM         (h_l, c_l) = LSTM(v_l, h_{l−1}, c_{l−1})        gates i, f, g, o            [R, B, L, H]
 *   attention    s_l = wᵀ tanh(W_h h_l + W_q x + b),  a = softmax over the behaviours       [R, B, L]
 *   sequence     z = Σ_l a_l h_l                                                            [R, B, H]
 *   profile      p = ReLU(W_p x + b_p)                                                      [R, B, P]
 *   user         u = [z; p], shared by every task                                           [R, B, H + P]
 *   heads        y_k = tower_k(u)                                                           [R, B, T]
 * A padded position (item id 0) gets zero attention and leaves the LSTM state as it was
 * (h_l = h_{l−1}, c_l = c_{l−1}), so a behaviour's hidden state never depends on padding
 * wherever the padding sits, and a user without behaviours has z = 0.
 * The LSTM runs on the replica axis: one batched cell, kernel [R, F·d, 4H], recurrent kernel
 * [R, H, 4H], bias [R, 4H] (PyTorch's gate order and U(±1/√H) initialisation). Embedding tables
 * [R, V_f, d] start U(±√(3/d)).
 * Without input.sequence the model has no LSTM or attention: u = p (a shared bottom of one layer).
 * `attention(batch)` returns a [R, B, L] for inspection against a generator's truth.
 */
import * as tf from "@tensorflow/tfjs";
import { GroupedDense, Towers, sharedByTasks } from "./blocks";
import { uniform } from "./init";
import { embeddingBagSum } from "../kernels/ops";
import { InputLayer } from "./input";
import { ModelBase } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface DUPNConfig {
  kind: "dupn";
  /** Width d of every field's embedding. Default 8. */
  embedding?: number;
  /** LSTM hidden units H. Default 16. */
  lstmUnits?: number;
  /** Width of the attention's hidden layer. Default 16. */
  attentionUnits?: number;
  /** Width P of the profile part of the user representation. Default 8. */
  profileUnits?: number;
  /** Hidden units of each task head before its output. Default [8]. */
  towerUnits?: number[];
}

/** The columns of `input` that are not the sequence, and the sequence's layout. */
function splitInput(input: InputSpec): { query: InputSpec; length: number; fields: number[] } {
  const seq = input.sequence;
  if (!seq) return { query: input, length: 0, fields: [] };
  const F = seq.fields.length;
  const seqCols = seq.length * F;
  const nQuery = input.categorical.length - seqCols;
  if (!Number.isInteger(seq.length) || seq.length < 1 || F < 1 || nQuery < 0) {
    throw new RangeError(`input.sequence (length ${seq.length}, ${F} fields) needs ${seqCols} categorical columns, input has ${input.categorical.length}`);
  }
  for (let l = 0; l < seq.length; l++) {
    seq.fields.forEach((v, f) => {
      if (input.categorical[nQuery + l * F + f] !== v) {
        throw new RangeError(`input.categorical[${nQuery + l * F + f}] is ${input.categorical[nQuery + l * F + f]}; position ${l} field ${f} of input.sequence has vocabulary ${v}`);
      }
    });
  }
  return { query: { numeric: input.numeric, categorical: input.categorical.slice(0, nQuery) }, length: seq.length, fields: [...seq.fields] };
}

export class DUPN extends ModelBase {
  private readonly encoder: InputLayer;
  private readonly towers: Towers;
  private readonly query: InputSpec;
  private readonly length: number;
  private readonly fields: number[];
  private readonly hidden: number;
  private readonly key: GroupedDense | null = null;

  constructor(cfg: Required<DUPNConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    ({ query: this.query, length: this.length, fields: this.fields } = splitInput(input));
    const H = cfg.lstmUnits, A = cfg.attentionUnits, d = cfg.embedding;
    const seq = this.length > 0;
    this.hidden = seq ? H : 0;
    this.encoder = new InputLayer(this.p, this.query, [
      { name: "profile/layer/0", units: cfg.profileUnits, group: "profile" },
      ...(seq ? [{ name: "attention/query", units: A, group: "attention" }] : []),
    ]);
    if (seq) {
      this.fields.forEach((v, f) => this.p.add(`embedding/${f}`, "embeddings", (s) => uniform([v, d], Math.sqrt(3 / d), s.at("embedding", f))));
      const D = this.fields.length * d, lim = 1 / Math.sqrt(H);
      this.p.add("lstm/kernel", "lstm", (s) => uniform([D, 4 * H], lim, s.at("lstm", "kernel")));
      this.p.add("lstm/recurrent", "lstm", (s) => uniform([H, 4 * H], lim, s.at("lstm", "recurrent")));
      this.p.add("lstm/bias", "lstm", (s) => uniform([4 * H], lim, s.at("lstm", "bias")));
      this.key = new GroupedDense(this.p, "attention/layer/0", H, [[{ name: "attention/key", units: A, group: "attention" }]]);
      this.p.add("attention/score", "attention", (s) => uniform([A], Math.sqrt(3 / A), s.at("attention", "score")));
    }
    this.towers = new Towers(this.p, tasks.length, this.hidden + cfg.profileUnits, cfg.towerUnits);
  }

  /** The batch without the sequence columns, and the sequence as int32 [B, L, F]. */
  private split(batch: Batch): { query: Batch; seq: tf.Tensor3D | null } {
    if (this.length === 0) return { query: batch, seq: null };
    const c = batch.categorical;
    const F = this.fields.length, nQuery = this.query.categorical.length;
    if (!c || c.rank !== 2 || c.shape[1] !== nQuery + this.length * F) {
      throw new Error(`batch.categorical must be int32 [B, ${nQuery + this.length * F}] (query columns, then the sequence), got ${c ? `[${c.shape}]` : "none"}`);
    }
    const B = c.shape[0];
    const seq = c.slice([0, nQuery], [-1, this.length * F]).reshape([B, this.length, F]) as tf.Tensor3D;
    const query: Batch = { ...batch, categorical: nQuery > 0 ? c.slice([0, 0], [-1, nQuery]) : undefined };
    return { query, seq };
  }

  /** Hidden states [R, B, L, H], attention [R, B, L] and the profile p [R, B, P]. */
  private forward(batch: Batch): { h: tf.Tensor4D | null; a: tf.Tensor3D | null; profile: tf.Tensor3D } {
    const { query, seq } = this.split(batch);
    const x = this.encoder.apply(query); // [R, B, P (+ A)]
    const profile = tf.relu(this.encoder.slice(x, "profile/layer/0")) as tf.Tensor3D;
    if (seq === null) return { h: null, a: null, profile };
    const named = this.p.named;
    const R = this.replicas, [B, L, F] = seq.shape, H = this.hidden;
    const v = tf.concat(this.fields.map((_, f) => {
      const idx = seq.slice([0, 0, f], [-1, -1, 1]).reshape([B * L]) as tf.Tensor1D;
      return embeddingBagSum(named[`embedding/${f}`] as tf.Tensor as tf.Tensor3D, idx, B * L, 1); // [R, B·L, d]
    }), 2); // [R, B·L, F·d]
    const xw = tf.matMul(v, named["lstm/kernel"] as tf.Tensor as tf.Tensor3D).add((named["lstm/bias"] as tf.Tensor).expandDims(1)).reshape([R, B, L, 4 * H]);
    const mask = seq.slice([0, 0, 0], [-1, -1, 1]).reshape([B, L]).notEqual(0).toFloat(); // [B, L]
    const U = named["lstm/recurrent"] as tf.Tensor as tf.Tensor3D;
    let hPrev = tf.zeros([R, B, H]) as tf.Tensor3D, cPrev = tf.zeros([R, B, H]) as tf.Tensor3D;
    const hs: tf.Tensor3D[] = [];
    for (let l = 0; l < L; l++) {
      const z = xw.slice([0, 0, l, 0], [-1, -1, 1, -1]).reshape([R, B, 4 * H]).add(tf.matMul(hPrev, U)); // [R, B, 4H]
      const [i, f, g, o] = tf.split(z, 4, 2);
      const cNew = tf.sigmoid(f).mul(cPrev).add(tf.sigmoid(i).mul(tf.tanh(g)));
      const hNew = tf.sigmoid(o).mul(tf.tanh(cNew));
      const m = mask.slice([0, l], [-1, 1]).reshape([1, B, 1]); // padded: keep the state
      cPrev = cNew.mul(m).add(cPrev.mul(tf.sub(1, m))) as tf.Tensor3D;
      hPrev = hNew.mul(m).add(hPrev.mul(tf.sub(1, m))) as tf.Tensor3D;
      hs.push(hPrev);
    }
    const h = tf.stack(hs, 2) as tf.Tensor4D; // [R, B, L, H]
    const A = (named["attention/score"] as tf.Tensor).shape[1] as number;
    const keys = this.key!.apply(h.reshape([R, 1, B * L, H])).reshape([R, B, L, A]); // W_h h_l + b
    const q = this.encoder.slice(x, "attention/query").expandDims(2); // [R, B, 1, A]
    const w = (named["attention/score"] as tf.Tensor).reshape([R, 1, 1, A]);
    const s = tf.tanh(keys.add(q)).mul(w).sum(3); // [R, B, L]
    const a = tf.softmax(s.add(mask.sub(1).mul(1e9))).mul(mask) as tf.Tensor3D; // padded → 0; no behaviours → all 0
    return { h, a, profile };
  }

  /** Attention weights over the behaviours [R, B, L] (padded positions 0). */
  attention(batch: Batch): tf.Tensor3D {
    return tf.tidy(() => {
      const { a } = this.forward(batch);
      if (a === null) throw new Error("dupn: this model has no behaviour sequence (input.sequence is absent)");
      return a;
    });
  }

  /** The shared user representation u = [z; p]: [R, B, H + P]. */
  representation(batch: Batch): tf.Tensor3D {
    const { h, a, profile } = this.forward(batch);
    if (h === null || a === null) return profile;
    const z = a.expandDims(3).mul(h).sum(2) as tf.Tensor3D; // [R, B, H]
    return tf.concat([z, profile], 2);
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.towers.apply(sharedByTasks(this.representation(batch)));
  }
}
