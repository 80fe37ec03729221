/**
 * MetaHeac (Zhu et al., KDD 2021): meta hybrid experts and critics. For task t with embedding e_t:
 *   experts      E_i(x), i = 1..n                  shared MLPs on the input      [R, n, B, H]
 *   expert gate  g_t = softmax(W_g e_t + b_g)      task-specific, over n          [R, T, n]
 *   hybrid       h_t(x) = Σ_i g_t,i · E_i(x)                                      [R, T, B, H]
 *   critics      C_j(h), j = 1..c                  shared towers, one logit each  [R, c, T, B]
 *   critic gate  a_t = softmax(W_a e_t + b_a)      task-specific, over c          [R, T, c]
 *   output       y_t(x) = Σ_j a_t,j · C_j(h_t(x))                                 [R, B, T]
 * The task embeddings e_t are parameters ("task/embedding" [R, T, d]). Meta-training treats
 * every parameter as a fast weight: an inner step on task t's support set moves a copy of all of
 * them (e_t included), so a new task's gates become its own after a few steps from the
 * meta-learned start. Here the gates read only the task embedding, so a task's gate weights are
 * one vector for all its rows.
 * Ablations (kinds): "metaheac-no-expert-gate" (g_t = 1/n), "metaheac-no-critic-gate"
 * (a_t = 1/c), "metaheac-no-gates" (both uniform: with meta-training, MAML over a shared-bottom-like
 * model of averaged experts and averaged critics; it has no task embedding, which nothing would read).
 *
 * Functional forward: `applyWith(params, batch)` computes the same outputs from any tensors
 * named like the model's variables (`params()`), so a meta-training loop can evaluate fast
 * weights θ' = θ − α∇L_support without assigning them; `innerStep` takes that step.
 */
import * as tf from "@tensorflow/tfjs";
import { DenseStack, ExpertBank, GroupedDense, expertsFrom } from "./blocks";
import { uniform } from "./init";
import { InputLayer, categoricalOffsets, readInput } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, GateWeights, InputSpec, TaskSpec } from "./types";

interface MetaHeacFields {
  /** Shared experts n. Default 8. */
  experts?: number;
  /** Hidden units of each expert MLP, ReLU after each. Default [16]. */
  expertUnits?: number[];
  /** Shared critics c (towers, each ending in one logit). Default 4. */
  critics?: number;
  /** Hidden units of each critic before its output. Default [8]. */
  towerUnits?: number[];
  /** Width d of a task embedding. Default 8. */
  taskEmbedding?: number;
}
export interface MetaHeacConfig extends MetaHeacFields { kind: "metaheac" }
export interface MetaHeacNoExpertGateConfig extends MetaHeacFields { kind: "metaheac-no-expert-gate" }
export interface MetaHeacNoCriticGateConfig extends MetaHeacFields { kind: "metaheac-no-critic-gate" }
export interface MetaHeacNoGatesConfig extends MetaHeacFields { kind: "metaheac-no-gates" }
type AnyMetaHeacConfig = MetaHeacConfig | MetaHeacNoExpertGateConfig | MetaHeacNoCriticGateConfig | MetaHeacNoGatesConfig;

/** Tensors by variable name (the keys of `model.named`), replica axis first. */
export type ParamMap = Readonly<Record<string, tf.Tensor>>;

/** x [R, G, B, I] through kernel [R, G, I, U] and bias [R, G, U]: what GroupedDense computes. */
function grouped(x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [R, G, B, I] = x.shape;
  const U = kernel.shape[3] as number;
  const y = tf.matMul(x.reshape([R * G, B, I]), kernel.reshape([R * G, I, U]));
  return y.reshape([R, G, B, U]).add(bias.expandDims(2)) as tf.Tensor4D;
}

export class MetaHeac extends ModelBase {
  readonly expertGate: boolean;
  readonly criticGate: boolean;
  private readonly n: number;
  private readonly c: number;
  private readonly expertLayers: number;
  private readonly criticLayers: number;
  private readonly offsets: tf.Tensor1D | null;

  constructor(cfg: Required<Omit<AnyMetaHeacConfig, "kind">> & { kind: AnyMetaHeacConfig["kind"] }, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    this.expertGate = cfg.kind === "metaheac" || cfg.kind === "metaheac-no-critic-gate";
    this.criticGate = cfg.kind === "metaheac" || cfg.kind === "metaheac-no-expert-gate";
    this.n = cfg.experts;
    this.c = cfg.critics;
    const experts = new ExpertBank(this.p, "experts", times(cfg.experts, (i) => `expert/${i}`), cfg.expertUnits);
    new InputLayer(this.p, input, experts.consumers); // input/numeric, input/categorical, input/bias
    this.expertLayers = cfg.expertUnits.length;
    new DenseStack(this.p, "critics", times(cfg.critics, (j) => `critic/${j}`), experts.outDim, [...cfg.towerUnits, 1], "critics", true);
    this.criticLayers = cfg.towerUnits.length + 1;
    const d = cfg.taskEmbedding;
    const gates = [
      ...(this.expertGate ? [{ name: "expert-gate", units: cfg.experts, group: "gates" }] : []),
      ...(this.criticGate ? [{ name: "critic-gate", units: cfg.critics, group: "gates" }] : []),
    ];
    if (gates.length > 0) {
      // U(±√(3/d)): unit-variance entries whatever d is. Without gates nothing reads the embedding.
      this.p.add("task/embedding", "task embedding", (s) => uniform([tasks.length, d], Math.sqrt(3 / d), s.at("task", "embedding")));
      new GroupedDense(this.p, "gates/layer/0", d, [gates]);
    }
    const D = input.numeric + input.categorical.reduce((a, v) => a + v, 0);
    this.offsets = D > input.numeric ? this.p.keep(tf.tensor1d(categoricalOffsets(input), "int32")) : null;
  }

  /** The model's variables by name: the θ a meta-training loop starts every task from. */
  params(): ParamMap {
    return { ...this.p.named };
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.applyWith(this.params(), batch);
  }

  /** Expert gate [R, T, n] and critic gate [R, T, c] of every task (uniform in the ablations). */
  gateWeights(params: ParamMap): { experts: tf.Tensor3D; critics: tf.Tensor3D } {
    const flat = (w: number) => tf.fill([this.replicas, this.tasks.length, w], 1 / w) as tf.Tensor3D;
    if (!this.expertGate && !this.criticGate) return { experts: flat(this.n), critics: flat(this.c) };
    const e = params["task/embedding"] as tf.Tensor3D; // [R, T, d]
    const k = params["gates/layer/0/kernel"]; // [R, 1, d, n + c] (only the gates present)
    const logits = tf.matMul(e, k.squeeze([1]) as tf.Tensor3D).add(params["gates/layer/0/bias"]) as tf.Tensor3D; // bias [R, 1, ·]
    const experts = this.expertGate ? (tf.softmax(logits.slice([0, 0, 0], [-1, -1, this.n])) as tf.Tensor3D) : flat(this.n);
    const critics = this.criticGate ? (tf.softmax(logits.slice([0, 0, this.expertGate ? this.n : 0], [-1, -1, this.c])) as tf.Tensor3D) : flat(this.c);
    return { experts, critics };
  }

  /** The forward pass on the given tensors in place of the variables: [R, B, T]. */
  applyWith(params: ParamMap, batch: Batch): tf.Tensor3D {
    const opt = (name: string) => (params[name] as tf.Tensor3D | undefined) ?? null;
    const first = readInput(batch, this.input, this.offsets, opt("input/numeric"), opt("input/categorical"), params["input/bias"] as tf.Tensor2D);
    let e = expertsFrom(first, this.n); // [R, n, B, H1]
    for (let l = 1; l < this.expertLayers; l++) e = tf.relu(grouped(e, params[`experts/layer/${l}/kernel`], params[`experts/layer/${l}/bias`]));
    const [R, n, B, H] = e.shape;
    const T = this.tasks.length;
    const gate = this.gateWeights(params);
    const hybrid = tf.matMul(gate.experts, e.reshape([R, n, B * H])).reshape([R, 1, T * B, H]) as tf.Tensor4D; // h_t for every t
    let o = hybrid.tile([1, this.c, 1, 1]) as tf.Tensor4D; // every critic reads every task's hybrid
    for (let l = 0; l < this.criticLayers; l++) {
      o = grouped(o, params[`critics/layer/${l}/kernel`], params[`critics/layer/${l}/bias`]);
      if (l < this.criticLayers - 1) o = tf.relu(o);
    }
    const scores = o.reshape([R, this.c, T, B]).transpose([0, 2, 1, 3]); // [R, T, c, B]
    return gate.critics.expandDims(3).mul(scores).sum(2).transpose([0, 2, 1]) as tf.Tensor3D; // [R, B, T]
  }

  /**
   * Task k's expert gate (level 0, over experts) and critic gate (level 1, over critics), the
   * same for every row: [R, B, ·].
   */
  gates(batch: Batch): GateWeights[] {
    return tf.tidy(() => {
      const B = batch.numeric.shape[batch.numeric.rank - 2] as number;
      const { experts, critics } = this.gateWeights(this.params());
      const rows = (w: tf.Tensor3D, k: number) => w.slice([0, k, 0], [-1, 1, -1]).tile([1, B, 1]) as tf.Tensor3D;
      return this.tasks.flatMap((t, k) => [
        { task: t.name, level: 0, experts: times(this.n, (i) => `expert/${i}`), weights: rows(experts, k) },
        { task: t.name, level: 1, experts: times(this.c, (j) => `critic/${j}`), weights: rows(critics, k) },
      ]);
    });
  }

  /**
   * The mean loss of every replica on `labels` [B, T] or [R, B, T] (BCE on logits for binary
   * tasks, squared error for regression; `tasks` restricts it to some columns): [R].
   */
  lossWith(params: ParamMap, batch: Batch, labels: tf.Tensor, tasks: readonly number[] = times(this.tasks.length, (k) => k)): tf.Tensor1D {
    const y = this.applyWith(params, batch); // [R, B, T]
    const [R, B, T] = y.shape;
    const target = (labels.rank === 2 ? labels.expandDims(0) : labels).broadcastTo([R, B, T]);
    const parts = tasks.map((k) => {
      const yk = y.slice([0, 0, k], [-1, -1, 1]), tk = target.slice([0, 0, k], [-1, -1, 1]);
      const l = this.tasks[k].kind === "binary"
        ? tf.relu(yk).sub(yk.mul(tk)).add(tf.log1p(tf.exp(yk.abs().neg()))) // stable BCE with logits
        : yk.sub(tk).square();
      return l.mean([1, 2]);
    });
    return tf.addN(parts).div(tasks.length) as tf.Tensor1D;
  }

  /**
   * One inner gradient step on a support set: θ' = θ − α ∇_θ L_support(θ) per replica (the
   * replicas' losses are summed, and share no weights, so each moves by its own gradient). The
   * result is a new ParamMap; `params` is left as it is. Gradients are taken through fresh
   * tensors, so the step is first-order (no gradient flows back into `params`).
   */
  innerStep(params: ParamMap, batch: Batch, labels: tf.Tensor, lr: number, tasks?: readonly number[]): Record<string, tf.Tensor> {
    const names = Object.keys(params);
    return tf.tidy(() => {
      const xs = names.map((k) => params[k]);
      const grads = tf.grads((...ws: tf.Tensor[]) => {
        const p: Record<string, tf.Tensor> = {};
        names.forEach((k, i) => (p[k] = ws[i]));
        return this.lossWith(p, batch, labels, tasks).sum();
      })(xs);
      const out: Record<string, tf.Tensor> = {};
      names.forEach((k, i) => (out[k] = xs[i].sub(grads[i].mul(lr))));
      return out;
    });
  }
}
