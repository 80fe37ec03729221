/**
 * Adam (Kingma & Ba, 2015) over a replica-batched model, in the form tf.train.adam uses:
 *   m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,
 *   θ ← θ − lr_r · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε).
 * Adam is elementwise, so updating [R, …] variables at once equals R separate Adams exactly.
 * Each replica has its own learning rate (learning-rate grids share one model) and an `active`
 * flag: an inactive replica (stopped early or diverged) keeps its weights and moments bit for
 * bit, so its NaNs cannot reach anything, and they never touch other replicas anyway.
 */
import * as tf from "@tensorflow/tfjs";
import { adamUpdate } from "../../kernels/ops";

export interface AdamConfig {
  /** Default 0.9 (Kingma & Ba; tfjs). */
  beta1: number;
  /** Default 0.999. */
  beta2: number;
  /** Default 1e-7, tfjs' default, so an R = 1 run matches tf.train.adam. */
  epsilon: number;
}

export const DEFAULT_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export class ReplicaAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly config: AdamConfig = DEFAULT_ADAM,
  ) {
    // inside tidy: the zeros tensors are released once the variables hold their data
    this.m = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /**
   * One update. `grads[i]` belongs to `variables[i]`; `lr` [R] float32; `active` [R] bool, or
   * null when every replica is active (the common case: the masking then costs nothing).
   * Disposes nothing it did not create.
   */
  apply(grads: readonly tf.Tensor[], lr: tf.Tensor1D, active: tf.Tensor1D | null): void {
    this.t += 1;
    const { beta1, beta2, epsilon } = this.config;
    const scalars = { beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, c1: 1 - beta1 ** this.t, c2: 1 - beta2 ** this.t, epsilon };
    this.variables.forEach((theta, i) => {
      const [next, m, v] = adamUpdate(theta, this.m[i], this.v[i], grads[i], lr, active, scalars);
      theta.assign(next);
      this.m[i].assign(m);
      this.v[i].assign(v);
      tf.dispose([next, m, v]);
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
