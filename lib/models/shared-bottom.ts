/**
 * Shared-Bottom (hard parameter sharing; Caruana 1997, the MMoE paper's baseline):
 *   y_k = h_k(f(x))
 * with one bottom MLP f shared by all tasks and a tower h_k per task. MMoE §5.1 sizes the bottom
 * to match MMoE's parameter count (113 units for d = 100; see `sharedBottomWidthForBudget`).
 */
import type * as tf from "@tensorflow/tfjs";
import { ExpertBank, Towers } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface SharedBottomConfig {
  kind: "shared-bottom";
  /** Hidden units of the shared bottom MLP, ReLU after each. Default [16] (MMoE Fig. 3). */
  bottomUnits?: number[];
  /** Hidden units of each task tower before its single output. Default [8]. */
  towerUnits?: number[];
}

export class SharedBottom extends ModelBase {
  private readonly bottom: ExpertBank;
  private readonly encoder: InputLayer;
  private readonly towers: Towers;

  constructor(cfg: Required<SharedBottomConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    this.bottom = new ExpertBank(this.p, "bottom", ["bottom"], cfg.bottomUnits, "bottom");
    this.encoder = new InputLayer(this.p, input, this.bottom.consumers);
    this.towers = new Towers(this.p, tasks.length, this.bottom.outDim, cfg.towerUnits);
  }

  apply(batch: Batch): tf.Tensor3D {
    const f = this.bottom.fromColumns(this.encoder.apply(batch)); // [R, 1, B, H]
    return this.towers.apply(f); // f [R, 1, B, H] is read by every tower → [R, B, T]
  }
}

/**
 * The Shared-Bottom width whose expert + tower weight count matches `budget`, counted as the
 * MMoE paper counts them (kernels only, no biases, no gates, no output layer):
 *   width·d + T·width·tower = budget  →  width = round(budget / (d + T·tower)).
 * MMoE §5.1: 13,056 / (100 + 2·8) = 112.55 → 113.
 */
export function sharedBottomWidthForBudget(budget: number, inputDim: number, tasks: number, towerUnits: number): number {
  return Math.round(budget / (inputDim + tasks * towerUnits));
}

/** The MMoE paper's count of expert + tower weights: n·(d·H) + T·(H·tower) (kernels only). */
export function mmoePaperWeightCount(inputDim: number, experts: number, expertUnits: number, tasks: number, towerUnits: number): number {
  return experts * inputDim * expertUnits + tasks * expertUnits * towerUnits;
}
