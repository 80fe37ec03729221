/**
 * Single-Task baseline: one separate network per task, y_k = h_k(f_k(x)), nothing shared.
 * The T bottoms run as one batched expert bank (bottom k feeds only tower k), so the T networks
 * cost one fused input matmul; their weights never interact.
 */
import type * as tf from "@tensorflow/tfjs";
import { ExpertBank, Towers } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface SingleTaskConfig {
  kind: "single-task";
  /** Hidden units of each task's bottom MLP, ReLU after each. Default [16]. */
  bottomUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export class SingleTask extends ModelBase {
  protected readonly bottoms: ExpertBank;
  protected readonly encoder: InputLayer;
  private readonly towers: Towers;

  constructor(cfg: Required<Omit<SingleTaskConfig, "kind">> & { kind: string }, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    this.bottoms = new ExpertBank(this.p, "bottoms", times(tasks.length, (t) => `bottom/${t}`), cfg.bottomUnits, "bottoms");
    this.encoder = new InputLayer(this.p, input, this.bottoms.consumers);
    this.towers = new Towers(this.p, tasks.length, this.bottoms.outDim, cfg.towerUnits);
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.towers.apply(this.bottoms.fromColumns(this.encoder.apply(batch))); // [R, T, B, H] → [R, B, T]
  }
}
