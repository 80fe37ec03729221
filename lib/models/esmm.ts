/**
 * ESMM, Entire Space Multi-task Model (Ma et al., SIGIR 2018, Eq. 1–3), for a funnel of S steps
 * (impression → click → conversion is S = 2):
 *   q_1 = pCTR = σ(a_1),   q_t = p(step t | step t−1) = σ(a_t),   p_t = Π_{j≤t} q_j  (pCTCVR = pCTR·pCVR)
 * over the entire impression space: the loss counts the CUMULATIVE outputs p_1 … p_S on every
 * impression (CTR and CTCVR), never the conditional q_t (pCVR) directly, so the CVR tower learns
 * from all impressions without sample-selection bias (torch-rechub's ESMM, PR #57, does the same).
 * The paper's networks share an embedding; here the input is already numeric / one-hot, and a
 * shared bottom MLP (`bottomUnits`) plays the shared embedding's part. One tower per step gives a_t.
 *
 * Outputs (logits, [R, B, T]): tasks 0 … S−1 are the cumulative steps (logit p_t); the optional
 * tasks S … T−1 are the conditional outputs a_2, a_3, … (pCVR: task S), for evaluation, e.g. CVR
 * AUC over all impressions where the truth is known. `steps` = 0 makes every task a step.
 *
 * "esmm-base" is the paper's BASE: the same network, but the conditional output of step t is
 * trained directly on the impressions that reached step t − 1 (CVR on clicked impressions only)
 * and the cumulative outputs after the first are not trained (lossMask). A cumulative step t ≥ 2
 * without a conditional task is trained on the rows that reached step t − 1 instead.
 */
import * as tf from "@tensorflow/tfjs";
import { ExpertBank, Towers, sharedByTasks } from "./blocks";
import { InputLayer } from "./input";
import { ModelBase } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface ESMMConfig {
  kind: "esmm";
  /** Hidden units of the shared bottom (the shared embedding's stand-in). Default [16]. */
  bottomUnits?: number[];
  /** Hidden units of each step's tower before its logit. Default [8]. */
  towerUnits?: number[];
  /** Funnel steps S; tasks S … T−1 are the conditional outputs of steps 2 … . 0 (default): S = T. */
  steps?: number;
}

export interface ESMMBaseConfig extends Omit<ESMMConfig, "kind"> {
  kind: "esmm-base";
}

interface ESMMShape {
  kind: string;
  bottomUnits: number[];
  towerUnits: number[];
  steps: number;
}

/** The largest log p_t used for logit(p_t): p_t ≤ 1 − 1e-7 keeps log(1 − p_t) finite in float32. */
const MAX_LOG_P = -1e-7;

export class ESMM extends ModelBase {
  readonly steps: number;
  /** The cumulative outputs are the funnel (evaluation reports their monotonicity violations). */
  readonly funnelSteps: number;
  private readonly bottom: ExpertBank;
  private readonly encoder: InputLayer;
  private readonly towers: Towers;

  /** `entireSpace`: ESMM (true) or its BASE (false); they differ only in lossMask. */
  constructor(cfg: ESMMShape, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[], private readonly entireSpace: boolean) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length;
    this.steps = this.funnelSteps = cfg.steps === 0 ? T : cfg.steps;
    if (this.steps > T || T > 2 * this.steps - 1) {
      throw new RangeError(`${cfg.kind}: ${T} tasks for ${this.steps} steps; give the S steps, then at most S − 1 conditional outputs (S ≤ T ≤ 2S − 1)`);
    }
    this.bottom = new ExpertBank(this.p, "bottom", ["bottom"], cfg.bottomUnits, "bottom");
    this.encoder = new InputLayer(this.p, input, this.bottom.consumers);
    this.towers = new Towers(this.p, this.steps, this.bottom.outDim, cfg.towerUnits);
  }

  /** Conditional logits a_t of every step: [R, B, S]. */
  conditionalLogits(batch: Batch): tf.Tensor3D {
    const f = this.bottom.fromColumns(this.encoder.apply(batch)).squeeze([1]) as tf.Tensor3D; // [R, B, H]
    return this.towers.apply(sharedByTasks(f)); // [R, B, S]
  }

  apply(batch: Batch): tf.Tensor3D {
    const S = this.steps, T = this.tasks.length;
    const a = this.conditionalLogits(batch);
    const parts: tf.Tensor[] = [a.slice([0, 0, 0], [-1, -1, 1])]; // p_1 = σ(a_1): its logit is a_1
    if (S > 1) {
      // log σ(a) = −softplus(−a), written out: tf.logSigmoid's gradient reads a tensor the wasm backend has freed
      const logP = tf.minimum(tf.cumsum(tf.neg(tf.softplus(tf.neg(a))), 2).slice([0, 0, 1], [-1, -1, S - 1]), MAX_LOG_P); // log p_t, t ≥ 2
      parts.push(logP.sub(tf.log(tf.neg(tf.expm1(logP))))); // logit p = log p − log(1 − p)
    }
    if (T > S) parts.push(a.slice([0, 0, 1], [-1, -1, T - S])); // conditional outputs of steps 2 … T − S + 1
    return tf.concat(parts, 2) as tf.Tensor3D;
  }

  /**
   * ESMM: the S cumulative outputs on every row, the conditional outputs never.
   * BASE: step 1 on every row; the conditional output of step t on the rows whose step t − 1
   * label is 1 (a cumulative step t ≥ 2 without a conditional task likewise), the rest never.
   */
  lossMask(labels: tf.Tensor): tf.Tensor {
    const S = this.steps, T = this.tasks.length;
    const cond = T - S; // conditional tasks, of steps 2 … cond + 1
    if (this.entireSpace) return tf.tensor1d(Array.from({ length: T }, (_, c) => (c < S ? 1 : 0)));
    // per column: a constant (0 or 1), or the label of the previous step (column `source`)
    const source: number[] = [], fromLabel: number[] = [], constant: number[] = [];
    for (let c = 0; c < T; c++) {
      const step = c < S ? c : c - S + 1; // 0-based step of the column
      const viaLabel = step > 0 && (c >= S || step > cond);
      source.push(viaLabel ? step - 1 : 0);
      fromLabel.push(viaLabel ? 1 : 0);
      constant.push(c === 0 ? 1 : 0);
    }
    return tf.tidy(() =>
      tf.gather(labels, tf.tensor1d(source, "int32"), labels.rank - 1).mul(tf.tensor1d(fromLabel)).add(tf.tensor1d(constant)),
    );
  }
}
