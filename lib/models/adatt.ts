/**
 * AdaTT (Li et al., KDD 2023, Eq. 3–11). Level l, task module t with m_t experts reading f_t^{l−1}:
 *   f_t^l = AllExpertGF_t^l + NativeExpertLF_t^l
 *   AllExpertGF_t^l   = softmax(W_t^l f_t^{l−1}) · [experts of all modules]
 *   NativeExpertLF_t^l = v_t^l · [task t's own experts]     (v learnable; with m_t = 1 fixed to 1)
 * f^0 = x for every module; towers read f_t^L. Variants (one class):
 *   "adatt-sp"     task modules only (no shared experts);
 *   "adatt"        plus a shared module with m_s experts; it fuses like a task module at every
 *                  level but the last, where shared units do no fusion (its experts still feed
 *                  the task gates). With m_s = 0 it is AdaTT-sp;
 *   "adatt-no-nlf" the ablation of §4.5 (Table 6): no NativeExpertLF, only the gate fuses.
 * Native weights init U(±sqrt(1/m)) as in facebookresearch/AdaTT mtl_lib.py. Choice: a module
 * with one expert always gets the fixed weight 1 (the reference learns it when any module has
 * several experts). Reported weights are NativeExpertLF + AllExpertGF (AdaTT Fig. 3).
 * Initialisation differs from the official code by default: our Dense layers (experts, gates,
 * towers) start Glorot-uniform with zero biases, mtl_lib.py's nn.Linear layers with PyTorch's
 * default U(±1/√fan_in) for kernels and biases. The paper's hidden-unit counts were tuned with
 * the latter; `init: "torch-default"` selects it (init.ts). Parameter counts equal the official
 * ones (437,061 for AdaTT-sp, 2 experts per task, [[128], [64]], towers [32], input width 481;
 * test/models-reference.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { Towers, mix } from "./blocks";
import { uniform } from "./init";
import { ExtractionLevel, type ModuleSpec } from "./levels";
import { ModelBase, times } from "./params";
import type { Batch, GateWeights, InputSpec, TaskSpec } from "./types";

interface AdaTTFields {
  /** Experts per task module m_t, every level. Default 1 (AdaTT-sp(1) in the paper's tables). */
  taskExperts?: number;
  /** One entry per fusion level: that level's expert MLP hidden units. Default [[16], [16]]. */
  expertUnits?: number[][];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}
export interface AdaTTSpConfig extends AdaTTFields { kind: "adatt-sp" }
export interface AdaTTConfig extends AdaTTFields {
  kind: "adatt";
  /** Shared experts m_s per level (0 = AdaTT-sp). Default 1. */
  sharedExperts?: number;
}
export interface AdaTTNoNlfConfig extends AdaTTFields {
  kind: "adatt-no-nlf";
  /** Shared experts m_s per level. Default 0 (the paper's ablation used task experts only). */
  sharedExperts?: number;
}
export type AdaTTShape = Required<AdaTTFields> & { kind: string; sharedExperts: number };

export class AdaTT extends ModelBase {
  private readonly levels: ExtractionLevel[];
  /** Per level: [R, K, N] NativeExpertLF weights of the K fusing modules over the N experts. */
  private readonly native: (() => tf.Tensor3D)[];
  private readonly towers: Towers;

  constructor(private readonly cfg: AdaTTShape, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length, m = cfg.taskExperts, ms = cfg.sharedExperts, L = cfg.expertUnits.length, N = T * m + ms;
    const nlf = cfg.kind !== "adatt-no-nlf";
    this.levels = cfg.expertUnits.map((units, l) => {
      const modules: ModuleSpec[] = times(T, (t) => ({ name: `task/${t}`, experts: m, gate: N }));
      if (ms > 0) modules.push({ name: "shared", experts: ms, gate: l < L - 1 ? N : 0 });
      return new ExtractionLevel(this.p, l, modules, units, l === 0 ? input : cfg.expertUnits[l - 1].at(-1)!);
    });
    this.native = this.levels.map((level) => {
      const fusing = level.modules.filter((mod) => mod.gate > 0);
      const rows = fusing.map((mod, j) => {
        const first = level.firstExpert[j];
        if (!nlf) return () => tf.zeros([this.replicas, N]);
        const v = mod.experts > 1
          ? this.p.add(`level/${level.level}/${mod.name}/native`, "native", (s) => uniform([mod.experts], Math.sqrt(1 / mod.experts), s.at(`level/${level.level}/${mod.name}/native`)))
          : null; // one expert: fixed weight 1
        return () => {
          const w = v ?? tf.ones([this.replicas, mod.experts]); // [R, m_j]
          return tf.concat([tf.zeros([this.replicas, first]), w, tf.zeros([this.replicas, N - first - mod.experts])], 1); // [R, N]
        };
      });
      return () => tf.stack(rows.map((r) => r()), 1) as tf.Tensor3D; // [R, K, N]
    });
    this.towers = new Towers(this.p, T, cfg.expertUnits[L - 1].at(-1)!, cfg.towerUnits);
  }

  /** NativeExpertLF weights of level l: [R, K, N] (K fusing modules, N experts of the level). */
  nativeWeights(level: number): tf.Tensor3D {
    return this.native[level]();
  }

  private forward(batch: Batch): { f: tf.Tensor4D; weights: tf.Tensor4D[] } {
    const weights: tf.Tensor4D[] = [];
    let x: Batch | tf.Tensor4D = batch;
    for (const [l, level] of this.levels.entries()) {
      const { experts, gateLogits } = level.apply(x); // experts [R, N, B, H]
      const gf = tf.stack(gateLogits.filter((g): g is tf.Tensor3D => g !== null).map((g) => tf.softmax(g)), 2); // [R, B, K, N]
      const w = gf.add(this.native[l]().expandDims(1)) as tf.Tensor4D; // AllExpertGF + NativeExpertLF weights
      weights.push(w);
      x = mix(w, experts); // [R, K, B, H]
    }
    const f = x as tf.Tensor4D, T = this.tasks.length;
    return { f: f.shape[1] === T ? f : f.slice([0, 0, 0, 0], [-1, T, -1, -1]), weights };
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.towers.apply(this.forward(batch).f); // [R, B, T]
  }

  gates(batch: Batch): GateWeights[] {
    const { weights } = this.forward(batch);
    const names = [...this.tasks.flatMap((t) => times(this.cfg.taskExperts, (i) => `${t.name}/${i}`)), ...times(this.cfg.sharedExperts, (i) => `shared/${i}`)];
    return weights.flatMap((w, l) =>
      this.tasks.map((t, k) => ({ task: t.name, level: l, experts: names, weights: w.slice([0, 0, k, 0], [-1, -1, 1, -1]).squeeze([2]) as tf.Tensor3D })),
    );
  }
}
