/**
 * Sluice networks (Ruder et al., AAAI 2019; a PLE baseline): cross-stitch generalised.
 * One network per task; each hidden layer's output is split into S subspaces, and a learned
 * (T·S)×(T·S) matrix α^l mixes all subspaces of all tasks:  h̃^l = α^l [h_{1,1} … h_{T,S}].
 * Each task's tower reads a learned mixture of the layer outputs: Σ_l β_{t,l} h̃_t^l.
 * Choices (the paper leaves them to the application): α starts as the cross-stitch init ⊗ I_S
 * (subspaces do not mix at first), β starts one-hot on the last layer, so at initialisation a
 * sluice network is a cross-stitch network; all stitched layers have the same width (the layer
 * mixture is a weighted sum); the subspace-orthogonality regulariser is not used.
 */
import * as tf from "@tensorflow/tfjs";
import { GroupedDense, Towers, expertsFrom } from "./blocks";
import { stitch, stitchInit, taskLayers } from "./cross-stitch";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface SluiceConfig {
  kind: "sluice";
  /** Hidden units of each task network's layers; all equal, divisible by `subspaces`. Default [16, 16]. */
  units?: number[];
  /** Subspaces per layer S. Default 2 (the paper's choice). */
  subspaces?: number;
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
}

export class Sluice extends ModelBase {
  private readonly encoder: InputLayer;
  private readonly layers: GroupedDense[];
  private readonly alphas: tf.Variable[];
  private readonly beta: tf.Variable;
  private readonly towers: Towers;

  constructor(private readonly cfg: Required<SluiceConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length, S = cfg.subspaces, L = cfg.units.length;
    this.encoder = new InputLayer(this.p, input, times(T, (t) => ({ name: `task/${t}/layer/0`, units: cfg.units[0], group: "networks" })));
    this.layers = taskLayers(this.p, T, cfg.units);
    const eye = tf.eye(S);
    this.alphas = cfg.units.map((_, l) => this.p.add(`alpha/${l}`, "alpha", () => {
      const c = stitchInit(T); // [T, T] ⊗ I_S → [T·S, T·S]
      return c.reshape([T, 1, T, 1]).mul(eye.reshape([1, S, 1, S])).reshape([T * S, T * S]);
    }));
    eye.dispose();
    this.beta = this.p.add("beta", "beta", () => tf.oneHot(tf.fill([T], L - 1, "int32"), L).toFloat()); // [T, L]
    this.towers = new Towers(this.p, T, cfg.units[0], cfg.towerUnits);
  }

  /** α over subspaces: [R, T, B, H] → [R, T·S, B, H/S] → mix → back. */
  private mixSubspaces(alpha: tf.Tensor, h: tf.Tensor4D): tf.Tensor4D {
    const [R, T, B, H] = h.shape, S = this.cfg.subspaces;
    const sub = h.reshape([R, T, B, S, H / S]).transpose([0, 1, 3, 2, 4]).reshape([R, T * S, B, H / S]) as tf.Tensor4D;
    return stitch(alpha, sub).reshape([R, T, S, B, H / S]).transpose([0, 1, 3, 2, 4]).reshape([R, T, B, H]) as tf.Tensor4D;
  }

  apply(batch: Batch): tf.Tensor3D {
    const T = this.tasks.length;
    const outs: tf.Tensor4D[] = [this.mixSubspaces(this.alphas[0], expertsFrom(this.encoder.apply(batch), T))]; // [R, T, B, H]
    this.layers.forEach((layer, i) => outs.push(this.mixSubspaces(this.alphas[i + 1], tf.relu(layer.apply(outs[i])))));
    const [R] = outs[0].shape;
    const beta = this.beta as tf.Tensor; // [R, T, L]
    const mixed = outs.reduce((acc, h, l) => acc.add(beta.slice([0, 0, l], [-1, -1, 1]).reshape([R, T, 1, 1]).mul(h)), tf.zeros(outs[0].shape)); // Σ_l β_{t,l} h_t^l
    return this.towers.apply(mixed as tf.Tensor4D);
  }
}
