/**
 * CGC, Customized Gate Control (Tang et al., RecSys 2020, §4.2, Eq. 1–3): one extraction level.
 *   y_k = t_k(g_k(x)),   g_k(x) = softmax(W_k x) · [E_k,1 … E_k,m_t, E_s,1 … E_s,m_s]
 * Task k's gate mixes its own experts and the shared ones; shared experts are trained by every
 * task. Exactly PLE (ple.ts) with a single level, which has no shared gate.
 */
import { PLE } from "./ple";
import type { InputSpec, TaskSpec } from "./types";

export interface CGCConfig {
  kind: "cgc";
  /** Task-specific experts per task m_t. Default 1. */
  taskExperts?: number;
  /** Shared experts m_s. Default 1. */
  sharedExperts?: number;
  /** Hidden units of each expert MLP. Default [16]. */
  expertUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export function cgc(cfg: Required<CGCConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]): PLE {
  return new PLE({ ...cfg, expertUnits: [cfg.expertUnits] }, tasks, input, replicaSeeds);
}
