/**
 * L2-Constrained (Duong et al., ACL 2015; the MMoE paper's baseline): T single-task networks
 * whose bottoms are tied softly by a penalty added to the loss,
 *   Ω = α · Σ_{t<s} ‖θ_t − θ_s‖²,     computed as  T·Σ_t ‖θ_t‖² − ‖Σ_t θ_t‖²
 * over every bottom parameter (kernels and biases; towers stay free — the bottom is what
 * Shared-Bottom shares). `extraLoss()` returns Ω per replica.
 */
import * as tf from "@tensorflow/tfjs";
import { SingleTask } from "./single-task";
import type { InputSpec, TaskSpec } from "./types";

export interface L2ConstrainedConfig {
  kind: "l2-constrained";
  /** Hidden units of each task's bottom MLP. Default [16]. */
  bottomUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
  /** Penalty weight α (the MMoE paper tuned it). Default 1e-3. */
  alpha?: number;
}

export class L2Constrained extends SingleTask {
  constructor(private readonly cfg: Required<L2ConstrainedConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
  }

  /** [R]: α Σ_{t<s} ‖θ_t − θ_s‖² per replica. */
  extraLoss(): tf.Tensor1D {
    const T = this.tasks.length, R = this.replicas;
    let total: tf.Tensor = tf.zeros([R]);
    for (const [name, v] of Object.entries(this.named)) {
      let byTask: tf.Tensor; // [R, T, rest]: task axis second
      if (name.startsWith("input/")) {
        const [, ...mid] = v.shape; // fused columns are task-major: [..., T·H]
        const H = mid[mid.length - 1] / T;
        const rows = mid.slice(0, -1).reduce((a, d) => a * d, 1);
        byTask = v.reshape([R, rows, T, H]).transpose([0, 2, 1, 3]).reshape([R, T, rows * H]);
      } else if (name.startsWith("bottoms/")) {
        byTask = v.reshape([R, T, -1]); // grouped layers: [R, T, ...]
      } else continue;
      const sq = byTask.square().sum([1, 2]).mul(T); // T Σ_t ‖θ_t‖²
      total = total.add(sq.sub(byTask.sum(1).square().sum(1))); // − ‖Σ_t θ_t‖²
    }
    return total.mul(this.cfg.alpha) as tf.Tensor1D;
  }
}
