/**
 * PLE, Progressive Layered Extraction (Tang et al., RecSys 2020, Eq. 1–6). Level l, task k:
 *   g_k^l(x) = w_k^l(x) · S_k^l(x),   w_k^l = softmax(W_k^l · g_k^{l−1}),
 *   S_k^l = [E_k,1 … E_k,m_t, E_s,1 … E_s,m_s]    (task k's experts, then the shared ones)
 * The shared module's gate weighs all experts of its level: g_s^l = softmax(W_s^l g_s^{l−1}) ·
 * [all experts]. Level 1 reads x (g^0 = x); higher levels read the previous fused outputs
 * (progressive separation); the last level has no shared gate. Towers read g_k^L. One level is
 * CGC (cgc.ts).
 * The AdaTT paper's PLE baseline is facebookresearch/AdaTT's PyTorch PLE: same data flow and
 * parameter count (436,275 for 1 task + 3 shared experts, [[128], [64]], towers [32], input width
 * 481; models-reference.test.ts), but its Dense layers start with PyTorch's default U(±1/√fan_in)
 * kernels and biases where ours default to Glorot-uniform kernels and zero biases;
 * `init: "torch-default"` selects the former (init.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { Towers, mix } from "./blocks";
import { ExtractionLevel, type ModuleSpec } from "./levels";
import { ModelBase, times } from "./params";
import type { Batch, GateWeights, InputSpec, TaskSpec } from "./types";

export interface PLEConfig {
  kind: "ple";
  /** Task-specific experts per task, m_t, at every level. Default 1 (PLE Fig. 8 / census). */
  taskExperts?: number;
  /** Shared experts m_s at every level. Default 1. */
  sharedExperts?: number;
  /** One entry per extraction level: that level's expert MLP hidden units. Default [[16], [16]]. */
  expertUnits?: number[][];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export interface PLEShape {
  kind: string;
  taskExperts: number;
  sharedExperts: number;
  expertUnits: number[][];
  towerUnits: number[];
}

export class PLE extends ModelBase {
  private readonly levels: ExtractionLevel[];
  private readonly towers: Towers;

  constructor(private readonly cfg: PLEShape, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length, mt = cfg.taskExperts, ms = cfg.sharedExperts, L = cfg.expertUnits.length;
    this.levels = cfg.expertUnits.map((units, l) => {
      const modules: ModuleSpec[] = [
        ...times(T, (k) => ({ name: `task/${k}`, experts: mt, gate: mt + ms })),
        { name: "shared", experts: ms, gate: l < L - 1 ? T * mt + ms : 0 },
      ];
      return new ExtractionLevel(this.p, l, modules, units, l === 0 ? input : cfg.expertUnits[l - 1].at(-1)!);
    });
    this.towers = new Towers(this.p, T, cfg.expertUnits[L - 1].at(-1)!, cfg.towerUnits);
  }

  /** Fused task outputs [R, T, B, H] and every gate's weights. */
  private forward(batch: Batch): { f: tf.Tensor4D; gates: GateWeights[] } {
    const T = this.tasks.length, mt = this.cfg.taskExperts, ms = this.cfg.sharedExperts;
    const gates: GateWeights[] = [];
    let x: Batch | tf.Tensor4D = batch;
    for (const level of this.levels) {
      const { experts, gateLogits } = level.apply(x); // experts [R, T·mt + ms, B, H]
      const shared = experts.slice([0, T * mt, 0, 0], [-1, ms, -1, -1]); // [R, ms, B, H]
      const names = (k: number) => [...times(mt, (i) => `${this.tasks[k].name}/${i}`), ...times(ms, (i) => `shared/${i}`)];
      const fused = times(T, (k) => {
        const w = tf.softmax(gateLogits[k]!) as tf.Tensor3D; // [R, B, mt + ms]
        gates.push({ task: this.tasks[k].name, level: level.level, experts: names(k), weights: w });
        const own = experts.slice([0, k * mt, 0, 0], [-1, mt, -1, -1]); // [R, mt, B, H]
        return mix(w.expandDims(2) as tf.Tensor4D, tf.concat([own, shared], 1) as tf.Tensor4D); // [R, 1, B, H]
      });
      const sharedLogits = gateLogits[T];
      if (sharedLogits) fused.push(mix(tf.softmax(sharedLogits).expandDims(2) as tf.Tensor4D, experts)); // [R, 1, B, H]
      x = tf.concat(fused, 1) as tf.Tensor4D; // [R, T (+1), B, H]
    }
    const f = x as tf.Tensor4D;
    return { f: f.shape[1] === T ? f : f.slice([0, 0, 0, 0], [-1, T, -1, -1]), gates };
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.towers.apply(this.forward(batch).f); // [R, B, T]
  }

  /** Task gates per level over [own experts, shared experts]; shared gates are not reported. */
  gates(batch: Batch): GateWeights[] {
    return this.forward(batch).gates;
  }
}
