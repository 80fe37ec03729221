/**
 * Cross-Stitch networks (Misra et al., CVPR 2016; the MMoE paper's baseline). One network per
 * task; after each hidden layer a learned T×T matrix α mixes the task activations, the same for
 * every sample:   h̃_t^l = Σ_s α^l_{ts} h_s^l.
 * α starts at 0.9 on the diagonal and 0.1/(T−1) elsewhere (the paper's (α_S, α_D) = (0.9, 0.1)
 * for two tasks, rows summing to 1). Towers (no stitching) follow the stitched layers.
 */
import * as tf from "@tensorflow/tfjs";
import { GroupedDense, Towers, expertsFrom } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, type ParamStore, times } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface CrossStitchConfig {
  kind: "cross-stitch";
  /** Hidden units of each task network's stitched layers. Default [16]. */
  units?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

/** The cross-stitch initial mixing matrix: self 0.9, others 0.1/(T−1) (1 if T = 1). */
export function stitchInit(T: number): tf.Tensor2D {
  const off = T > 1 ? 0.1 / (T - 1) : 0;
  return tf.tensor2d(times(T * T, (i) => (Math.floor(i / T) === i % T ? (T > 1 ? 0.9 : 1) : off)), [T, T]);
}

/** Per-task layers 1..: [R, T, B, H] → [R, T, B, H'] (layer 0 lives in the InputLayer). */
export function taskLayers(p: ParamStore, T: number, units: readonly number[]): GroupedDense[] {
  return units.slice(1).map((u, i) => new GroupedDense(p, `layers/${i + 1}`, units[i], times(T, (t) => [{ name: `task/${t}/layer/${i + 1}`, units: u, group: "networks" }])));
}

/** α [R, M, M] applied to M streams [R, M, B, H] → [R, M, B, H]. */
export function stitch(alpha: tf.Tensor, h: tf.Tensor4D): tf.Tensor4D {
  const [R, M, B, H] = h.shape;
  return tf.matMul(alpha as tf.Tensor3D, h.reshape([R, M, B * H])).reshape([R, M, B, H]) as tf.Tensor4D;
}

export class CrossStitch extends ModelBase {
  private readonly encoder: InputLayer;
  private readonly layers: GroupedDense[];
  private readonly alphas: tf.Variable[];
  private readonly towers: Towers;

  constructor(cfg: Required<CrossStitchConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length;
    this.encoder = new InputLayer(this.p, input, times(T, (t) => ({ name: `task/${t}/layer/0`, units: cfg.units[0], group: "networks" })));
    this.layers = taskLayers(this.p, T, cfg.units);
    this.alphas = cfg.units.map((_, l) => this.p.add(`stitch/${l}`, "stitch", () => stitchInit(T)));
    this.towers = new Towers(this.p, T, cfg.units.at(-1)!, cfg.towerUnits);
  }

  apply(batch: Batch): tf.Tensor3D {
    let h = stitch(this.alphas[0], expertsFrom(this.encoder.apply(batch), this.tasks.length)); // [R, T, B, H]
    this.layers.forEach((layer, i) => (h = stitch(this.alphas[i + 1], tf.relu(layer.apply(h)))));
    return this.towers.apply(h);
  }
}
