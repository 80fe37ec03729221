/**
 * MMoE (Ma et al., KDD 2018, Eq. 5–6):
 *   y_k = h_k(f_k(x)),   f_k(x) = Σ_i g_k(x)_i · e_i(x),   g_k(x) = softmax(W_gk x)
 * n shared expert MLPs, one linear softmax gate per task reading the raw input (no hidden layer).
 * All expert first layers and all gates are one fused input matmul.
 */
import type * as tf from "@tensorflow/tfjs";
import { ExpertBank, Towers, mix, softmaxGates } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, GateWeights, InputSpec, TaskSpec } from "./types";

export interface MMoEConfig {
  kind: "mmoe";
  /** Number of shared experts n. Default 8 (MMoE §5.1). */
  experts?: number;
  /** Hidden units of each expert MLP, ReLU after each. Default [16]. */
  expertUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export class MMoE extends ModelBase {
  protected readonly experts: ExpertBank;
  protected readonly encoder: InputLayer;
  private readonly towers: Towers;

  /** `gateCount` = T for MMoE, 1 for OMoE (one gate for all tasks). */
  constructor(cfg: Required<Omit<MMoEConfig, "kind">> & { kind: string }, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[], private readonly gateCount = tasks.length) {
    super(cfg, tasks, input, replicaSeeds);
    this.experts = new ExpertBank(this.p, "experts", times(cfg.experts, (i) => `expert/${i}`), cfg.expertUnits);
    const gates = times(gateCount, (k) => ({ name: `gate/${k}`, units: cfg.experts, group: "gates" }));
    this.encoder = new InputLayer(this.p, input, [...this.experts.consumers, ...gates]);
    this.towers = new Towers(this.p, tasks.length, this.experts.outDim, cfg.towerUnits);
  }

  /** Gate weights [R, B, K, n] and expert outputs [R, n, B, H]. */
  private forward(batch: Batch): { w: tf.Tensor4D; e: tf.Tensor4D } {
    const h = this.encoder.apply(batch); // [R, B, U]
    const [experts, gates] = this.encoder.slices(h, ["expert/", "gate/"]);
    const e = this.experts.fromColumns(experts); // [R, n, B, H]
    const w = softmaxGates(gates, this.gateCount); // [R, B, K, n]
    return { w, e };
  }

  apply(batch: Batch): tf.Tensor3D {
    const { w, e } = this.forward(batch);
    const f = mix(w, e); // [R, K, B, H]; OMoE's one mixture (K = 1) is read by every tower
    return this.towers.apply(f); // [R, B, T]
  }

  /** Task k's gate at level 0 (OMoE: the one gate, reported for every task). */
  gates(batch: Batch): GateWeights[] {
    const { w } = this.forward(batch);
    const n = this.experts.size;
    const names = times(n, (i) => `expert/${i}`);
    return this.tasks.map((t, k) => ({
      task: t.name,
      level: 0,
      experts: names,
      weights: w.slice([0, 0, Math.min(k, this.gateCount - 1), 0], [-1, -1, 1, n]).squeeze([2]) as tf.Tensor3D, // [R, B, n]
    }));
  }
}
