/**
 * Asymmetric sharing (PLE paper Fig. 1(b), after Ruder's overview): task bottoms are shared one
 * way. Choice for T tasks (the figure shows two): task 1 is the source; its bottom feeds its own
 * tower and every other tower, and is trained by all tasks; task t > 1 has its own bottom too:
 *   y_1 = h_1(f_1(x)),     y_t = h_t([f_t(x); f_1(x)])   (t > 1, concatenation)
 */
import * as tf from "@tensorflow/tfjs";
import { ExpertBank, Towers } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface AsymmetricConfig {
  kind: "asymmetric";
  /** Hidden units of each task's bottom MLP. Default [16]. */
  bottomUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export class Asymmetric extends ModelBase {
  private readonly bottoms: ExpertBank;
  private readonly encoder: InputLayer;
  private readonly sourceTower: Towers;
  private readonly otherTowers: Towers | null;

  constructor(cfg: Required<AsymmetricConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length, H = cfg.bottomUnits.at(-1)!;
    this.bottoms = new ExpertBank(this.p, "bottoms", times(T, (t) => `bottom/${t}`), cfg.bottomUnits, "bottoms");
    this.encoder = new InputLayer(this.p, input, this.bottoms.consumers);
    this.sourceTower = new Towers(this.p, 1, H, cfg.towerUnits);
    this.otherTowers = T > 1 ? new Towers(this.p, T - 1, 2 * H, cfg.towerUnits, 1) : null;
  }

  apply(batch: Batch): tf.Tensor3D {
    const f = this.bottoms.fromColumns(this.encoder.apply(batch)); // [R, T, B, H]
    const T = this.tasks.length;
    const source = f.slice([0, 0, 0, 0], [-1, 1, -1, -1]) as tf.Tensor4D; // [R, 1, B, H]
    const y1 = this.sourceTower.apply(source); // [R, B, 1]
    if (!this.otherTowers) return y1;
    const others = f.slice([0, 1, 0, 0], [-1, T - 1, -1, -1]);
    const x = tf.concat([others, source.tile([1, T - 1, 1, 1])], 3) as tf.Tensor4D; // [R, T−1, B, 2H]
    return tf.concat([y1, this.otherTowers.apply(x)], 2) as tf.Tensor3D; // [R, B, T]
  }
}
