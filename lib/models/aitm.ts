/**
 * AITM, Adaptive Information Transfer Multi-task (Xi et al., KDD 2021, §3, Eq. 1–7), for a funnel
 * of T steps whose labels are cumulative (reaching step t implies step t − 1):
 *   q_t = tower_t(f(x))                                   (f: shared bottom, the shared embedding's stand-in)
 *   z_1 = q_1;   for t ≥ 2:  p_{t−1} = ReLU(W_info,t z_{t−1} + b)     (information passed from step t − 1)
 *     z_t = Σ_{u ∈ {p_{t−1}, q_t}} w_u h_3(u),   w_u = softmax_u(⟨h_1(u), h_2(u)⟩ / √H)   (the AIT module)
 *   ŷ_t = σ(W_out,t z_t + b)                               (the output: logit W_out,t z_t + b)
 * h_1, h_2, h_3 (query, key, value) are Dense layers of width H shared by the two inputs of step t
 * (with biases here; xidongbo/AITM's attention is the same data flow).
 * The behavioural-expectation calibrator (Eq. 8–9) is `extraLoss`:
 *   α · Σ_{t≥2} mean_batch max(ŷ_t − ŷ_{t−1}, 0)
 * which penalises a later step predicted above an earlier one.
 * "aitm-no-transfer" switches the transfer off: z_t = q_t, i.e. independent towers over the
 * shared bottom (the calibrator still applies when α > 0).
 */
import * as tf from "@tensorflow/tfjs";
import { DenseStack, ExpertBank, GroupedDense, sharedByTasks } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase, times } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface AITMConfig {
  kind: "aitm";
  /** Hidden units of the shared bottom. Default [16]. */
  bottomUnits?: number[];
  /** Hidden units of each step's tower (ReLU after each); the last is the AIT width H. Default [16, 8]. */
  towerUnits?: number[];
  /** Calibrator weight α. Default 0.6 (our choice; the AITM paper tunes α). 0 switches it off. */
  calibrator?: number;
}

export interface AITMNoTransferConfig extends Omit<AITMConfig, "kind"> {
  kind: "aitm-no-transfer";
}

interface AITMShape {
  kind: string;
  bottomUnits: number[];
  towerUnits: number[];
  calibrator: number;
}

export class AITM extends ModelBase {
  private readonly bottom: ExpertBank;
  private readonly encoder: InputLayer;
  private readonly towers: DenseStack;
  private readonly out: DenseStack;
  private readonly info: DenseStack[] = [];
  private readonly attention: GroupedDense[] = [];
  private readonly width: number;
  /** Every task is a funnel step (evaluation reports monotonicity violations). */
  readonly funnelSteps: number;

  constructor(private readonly cfg: AITMShape, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[], readonly transfer: boolean) {
    super(cfg, tasks, input, replicaSeeds);
    const T = (this.funnelSteps = tasks.length);
    this.bottom = new ExpertBank(this.p, "bottom", ["bottom"], cfg.bottomUnits, "bottom");
    this.encoder = new InputLayer(this.p, input, this.bottom.consumers);
    this.towers = new DenseStack(this.p, "towers", times(T, (t) => `tower/${t}`), this.bottom.outDim, cfg.towerUnits, "towers");
    const H = (this.width = cfg.towerUnits.at(-1)!);
    this.out = new DenseStack(this.p, "outputs", times(T, (t) => `output/${t}`), H, [1], "towers", true);
    if (transfer) {
      for (let t = 1; t < T; t++) {
        this.info.push(new DenseStack(this.p, `info/${t}`, [`info/${t}`], H, [H], "transfer"));
        const qkv = ["query", "key", "value"].map((role) => ({ name: `ait/${t}/${role}`, units: H, group: "transfer" }));
        this.attention.push(new GroupedDense(this.p, `ait/${t}/layer/0`, H, [qkv]));
      }
    }
  }

  /** The AIT module of step t (1-based index t ≥ 1 here is step t + 1): own q [R, 1, B, H], previous z → z_t and its weights [R, 2, B]. */
  private ait(t: number, q: tf.Tensor4D, previous: tf.Tensor4D): { z: tf.Tensor4D; w: tf.Tensor3D } {
    const [R, , B, H] = q.shape;
    const passed = this.info[t - 1].apply(previous); // [R, 1, B, H]
    const u = tf.concat([passed, q], 2) as tf.Tensor4D; // [R, 1, 2B, H]: the two inputs share h_1, h_2, h_3
    const y = this.attention[t - 1].apply(u); // [R, 1, 2B, 3H]
    const [query, key, value] = this.attention[t - 1].blocksOf(y, [[0, 1], [1, 1], [2, 1]]).map((b) => b.reshape([R, 2, B, H]));
    const w = tf.softmax(query.mul(key).sum(3).div(Math.sqrt(H)).transpose([0, 2, 1])).transpose([0, 2, 1]) as tf.Tensor3D; // [R, 2, B]
    const z = w.expandDims(3).mul(value).sum(1, true) as tf.Tensor4D; // [R, 1, B, H]
    return { z, w };
  }

  apply(batch: Batch): tf.Tensor3D {
    const T = this.tasks.length;
    const f = this.bottom.fromColumns(this.encoder.apply(batch)).squeeze([1]) as tf.Tensor3D; // [R, B, H0]
    const q = this.towers.apply(sharedByTasks(f)); // [R, T, B, H]
    let z = q;
    if (this.transfer && T > 1) {
      const zs: tf.Tensor4D[] = [q.slice([0, 0, 0, 0], [-1, 1, -1, -1])];
      for (let t = 1; t < T; t++) zs.push(this.ait(t, q.slice([0, t, 0, 0], [-1, 1, -1, -1]), zs[t - 1]).z);
      z = tf.concat(zs, 1) as tf.Tensor4D;
    }
    const [R, , B] = q.shape;
    return this.out.apply(z).reshape([R, T, B]).transpose([0, 2, 1]) as tf.Tensor3D; // [R, B, T]
  }

  /** The calibrator α · Σ_{t≥2} mean_b max(σ(o_t) − σ(o_{t−1}), 0) of these outputs: [R]. */
  extraLoss(outputs?: tf.Tensor3D): tf.Tensor1D {
    if (!outputs) throw new Error(`${this.kind}: the calibrator needs this step's outputs (extraLoss(outputs))`);
    return tf.tidy(() => {
      const T = outputs.shape[2];
      if (T < 2) return tf.zeros([outputs.shape[0]]) as tf.Tensor1D;
      const p = tf.sigmoid(outputs);
      const later = p.slice([0, 0, 1], [-1, -1, T - 1]);
      const earlier = p.slice([0, 0, 0], [-1, -1, T - 1]);
      return tf.relu(later.sub(earlier)).mean(1).sum(1).mul(this.cfg.calibrator) as tf.Tensor1D;
    });
  }
}
