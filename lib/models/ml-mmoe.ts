/**
 * ML-MMoE, multi-level MMoE (the AdaTT and PLE papers' baseline; MLMMoE in
 * facebookresearch/AdaTT mtl_lib.py). Level l has n experts; every gate reads the raw input x:
 *   level l < L: next-level expert j reads  Σ_i softmax(W_{l,j} x)_i · e_i^l
 *   level L:     task k's tower reads       Σ_i softmax(W_{L,k} x)_i · e_i^L
 * So all level-1 experts and the gates of every level fold into one input matmul.
 * Initialisation differs from the official code by default: our Dense layers start
 * Glorot-uniform with zero biases, mtl_lib.py's nn.Linear layers with PyTorch's default
 * U(±1/√fan_in) for kernels and biases, with which the AdaTT paper's hidden-unit counts were
 * tuned; `init: "torch-default"` selects it (init.ts). Parameter counts equal the official ones
 * (452,079 for 6 experts, [[128], [64]], towers [32], input width 481; models-reference.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { ExpertBank, GroupedDense, Towers, mix, softmaxGates } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, GateWeights, InputSpec, TaskSpec } from "./types";

export interface MLMMoEConfig {
  kind: "ml-mmoe";
  /** Experts per level n. Default 8. */
  experts?: number;
  /** One entry per level: that level's expert MLP hidden units. Default [[16], [16]]. */
  expertUnits?: number[][];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export class MLMMoE extends ModelBase {
  private readonly banks: ExpertBank[];
  private readonly inputs: (GroupedDense | null)[]; // first layers of levels ≥ 1 (one group per expert)
  private readonly encoder: InputLayer;
  private readonly gateCounts: number[];
  private readonly towers: Towers;

  constructor(private readonly cfg: Required<MLMMoEConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const n = cfg.experts, L = cfg.expertUnits.length;
    this.banks = cfg.expertUnits.map((u, l) => new ExpertBank(this.p, `level/${l}/experts`, times(n, (i) => `level/${l}/expert/${i}`), u));
    this.inputs = this.banks.map((b, l) => (l === 0 ? null : new GroupedDense(this.p, `level/${l}/input`, cfg.expertUnits[l - 1].at(-1)!, b.consumers.map((c) => [c]))));
    this.gateCounts = times(L, (l) => (l < L - 1 ? n : tasks.length));
    const gates = this.gateCounts.flatMap((K, l) => times(K, (k) => ({ name: `level/${l}/gate/${k}`, units: n, group: "gates" })));
    this.encoder = new InputLayer(this.p, input, [...this.banks[0].consumers, ...gates]);
    this.towers = new Towers(this.p, tasks.length, cfg.expertUnits[L - 1].at(-1)!, cfg.towerUnits);
  }

  private forward(batch: Batch): { f: tf.Tensor4D; w: tf.Tensor4D[] } {
    const h = this.encoder.apply(batch); // [R, B, U]
    const [experts, ...gates] = this.encoder.slices(h, ["level/0/expert/", ...this.gateCounts.map((K, l) => `level/${l}/gate/`)]);
    const w = this.gateCounts.map((K, l) => softmaxGates(gates[l], K)); // [R, B, K, n]
    let e = this.banks[0].fromColumns(experts); // [R, n, B, H]
    for (let l = 1; l < this.banks.length; l++) {
      const x = mix(w[l - 1], e); // [R, n, B, H]: one mixture per next-level expert
      e = this.banks[l].deepen(tf.relu(this.inputs[l]!.apply(x))); // [R, n, B, H_l]
    }
    return { f: mix(w[w.length - 1], e), w }; // f: [R, T, B, H]
  }

  apply(batch: Batch): tf.Tensor3D {
    return this.towers.apply(this.forward(batch).f);
  }

  /** Last level: one entry per task. Lower levels: one per next-level expert, task "level<l+1>/expert/<j>". */
  gates(batch: Batch): GateWeights[] {
    const { w } = this.forward(batch);
    const L = w.length;
    return w.flatMap((wl, l) =>
      times(this.gateCounts[l], (k) => ({
        task: l === L - 1 ? this.tasks[k].name : `level${l + 1}/expert/${k}`,
        level: l,
        experts: times(this.cfg.experts, (i) => `expert/${i}`),
        weights: wl.slice([0, 0, k, 0], [-1, -1, 1, -1]).squeeze([2]) as tf.Tensor3D,
      })),
    );
  }
}
