/**
 * OMoE (one-gate Mixture-of-Experts; MMoE paper §5.1 baseline):
 *   y_k = h_k(Σ_i g(x)_i · e_i(x)),   g(x) = softmax(W_g x)
 * MMoE with a single gate whose mixture feeds every tower; `gates()` reports that one gate for
 * each task so utilisation plots treat OMoE like MMoE.
 */
import { MMoE } from "./mmoe";
import type { InputSpec, TaskSpec } from "./types";

export interface OMoEConfig {
  kind: "omoe";
  /** Number of shared experts n. Default 8 (MMoE §5.1). */
  experts?: number;
  /** Hidden units of each expert MLP. Default [16]. */
  expertUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export function omoe(cfg: Required<OMoEConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]): MMoE {
  return new MMoE(cfg, tasks, input, replicaSeeds, 1);
}
