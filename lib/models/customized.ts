/**
 * Customized sharing (PLE paper Fig. 1(c)): a shared bottom beside task-specific bottoms; each
 * tower reads the concatenation of the shared representation and its own:
 *   y_k = h_k([f_s(x); f_k(x)])
 * Like CGC without gates (a fixed, equal-weight combination by concatenation).
 */
import * as tf from "@tensorflow/tfjs";
import { ExpertBank, Towers } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface CustomizedConfig {
  kind: "customized";
  /** Hidden units of the shared bottom MLP. Default [16]. */
  sharedUnits?: number[];
  /** Hidden units of each task-specific bottom MLP. Default [16]. */
  taskUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export class Customized extends ModelBase {
  private readonly shared: ExpertBank;
  private readonly own: ExpertBank;
  private readonly encoder: InputLayer;
  private readonly towers: Towers;

  constructor(cfg: Required<CustomizedConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length;
    this.shared = new ExpertBank(this.p, "shared", ["shared"], cfg.sharedUnits, "shared");
    this.own = new ExpertBank(this.p, "bottoms", times(T, (t) => `bottom/${t}`), cfg.taskUnits, "bottoms");
    this.encoder = new InputLayer(this.p, input, [...this.shared.consumers, ...this.own.consumers]);
    this.towers = new Towers(this.p, T, this.shared.outDim + this.own.outDim, cfg.towerUnits);
  }

  apply(batch: Batch): tf.Tensor3D {
    const h = this.encoder.apply(batch); // [R, B, U]
    const T = this.tasks.length;
    const [shared, bottoms] = this.encoder.slices(h, ["shared/", "bottom/"]);
    const s = this.shared.fromColumns(shared); // [R, 1, B, Hs]
    const own = this.own.fromColumns(bottoms); // [R, T, B, Ht]
    return this.towers.apply(tf.concat([s.tile([1, T, 1, 1]), own], 3) as tf.Tensor4D); // [R, B, T]
  }
}
