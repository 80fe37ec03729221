/**
 * Tensor-Factorization (Yang & Hospedales, ICLR 2017, DMTRL-Tucker; the MMoE paper's baseline).
 * T task networks of the same shape; layer l's kernels of all tasks form an m×n×T tensor, kept
 * in Tucker form   W = S ×₁ U₁ ×₂ U₂ ×₃ U₃,  S [k₁, k₂, k₃], U₁ [m, k₁], U₂ [n, k₂], U₃ [T, k₃].
 * Biases stay per task; towers (after the factorised bottom) are ordinary per-task MLPs.
 * Choices (the MMoE paper gives none): ranks k₁ = min(rank, m), k₂ = min(rank, n),
 * k₃ = min(taskRank, T); factors start with orthonormal columns and the core with
 * N(0, σ²), σ² = 2/(m+n) · mnT/(k₁k₂k₃), so each task's kernel has Glorot variance on average
 * (DMTRL instead initialises from an SVD of pretrained single-task nets).
 */
import * as tf from "@tensorflow/tfjs";
import { Towers } from "./blocks";
import { orthonormalColumns } from "./init";
import { categoricalOffsets, inputWidth, readInput } from "./input";
import { ModelBase } from "./params";
import type { Batch, InputSpec, TaskSpec } from "./types";

export interface TensorFactorizationConfig {
  kind: "tensor-factorization";
  /** Hidden units of each task's factorised bottom layers. Default [16]. */
  bottomUnits?: number[];
  /** Hidden units of each task tower. Default [8]. */
  towerUnits?: number[];
  /** Tucker rank of the input and output modes (clipped to the mode size). Default 8. */
  rank?: number;
  /** Tucker rank of the task mode (clipped to T). Default 8 (full rank for T ≤ 8). */
  taskRank?: number;
}

interface Factors { u1: tf.Variable; u2: tf.Variable; u3: tf.Variable; core: tf.Variable; bias: tf.Variable; m: number; n: number }

export class TensorFactorization extends ModelBase {
  private readonly layers: Factors[];
  private readonly offsets: tf.Tensor1D | null;
  private readonly towers: Towers;

  constructor(cfg: Required<TensorFactorizationConfig>, tasks: TaskSpec[], input: InputSpec, replicaSeeds: readonly number[]) {
    super(cfg, tasks, input, replicaSeeds);
    const T = tasks.length;
    let m = inputWidth(input);
    this.layers = cfg.bottomUnits.map((n, l) => {
      const k1 = Math.min(cfg.rank, m), k2 = Math.min(cfg.rank, n), k3 = Math.min(cfg.taskRank, T), mm = m;
      const f = (what: string, rows: number, k: number) => this.p.add(`layer/${l}/${what}`, "bottoms", (s) => orthonormalColumns(rows, k, s.rng(`layer/${l}/${what}`)));
      const sigma = Math.sqrt((2 / (mm + n)) * ((mm * n * T) / (k1 * k2 * k3)));
      const layer: Factors = {
        u1: f("U1", mm, k1), u2: f("U2", n, k2), u3: f("U3", T, k3),
        core: this.p.add(`layer/${l}/core`, "bottoms", (s) => tf.randomNormal([k1, k2, k3], 0, sigma, "float32", s.at(`layer/${l}/core`))),
        bias: this.p.add(`layer/${l}/bias`, "bottoms", () => tf.zeros([T, n])),
        m: mm, n,
      };
      m = n;
      return layer;
    });
    this.offsets = input.categorical.length > 0 ? this.p.keep(tf.tensor1d(categoricalOffsets(input), "int32")) : null;
    this.towers = new Towers(this.p, T, cfg.bottomUnits.at(-1)!, cfg.towerUnits);
  }

  /** The composed kernels of one layer: [R, m, T, n]. */
  private kernels(f: Factors): tf.Tensor4D {
    const [R, k1, k2, k3] = f.core.shape as number[];
    const T = this.tasks.length;
    const a = tf.matMul(f.u1 as tf.Tensor3D, f.core.reshape([R, k1, k2 * k3])); // [R, m, k2·k3]
    const b = tf.matMul(a.reshape([R, f.m * k2, k3]), f.u3 as tf.Tensor3D, false, true); // [R, m·k2, T]
    const c = b.reshape([R, f.m, k2, T]).transpose([0, 1, 3, 2]).reshape([R, f.m * T, k2]);
    return tf.matMul(c, f.u2 as tf.Tensor3D, false, true).reshape([R, f.m, T, f.n]) as tf.Tensor4D; // [R, m, T, n]
  }

  apply(batch: Batch): tf.Tensor3D {
    const T = this.tasks.length, R = this.replicas, Dn = this.input.numeric;
    const [first, ...rest] = this.layers;
    const w0 = this.kernels(first).reshape([R, first.m, T * first.n]); // [R, D, T·n], task-major columns
    const wNum = Dn > 0 ? (w0.slice([0, 0, 0], [-1, Dn, -1]) as tf.Tensor3D) : null;
    const wCat = first.m > Dn ? (w0.slice([0, Dn, 0], [-1, -1, -1]) as tf.Tensor3D) : null;
    const h0 = readInput(batch, this.input, this.offsets, wNum, wCat, first.bias.reshape([R, T * first.n])); // [R, B, T·n]
    const B = h0.shape[1];
    let h = tf.relu(h0).reshape([R, B, T, first.n]).transpose([0, 2, 1, 3]) as tf.Tensor4D; // [R, T, B, n]
    for (const f of rest) {
      const w = this.kernels(f).transpose([0, 2, 1, 3]).reshape([R * T, f.m, f.n]); // [R·T, m, n]
      h = tf.relu(tf.matMul(h.reshape([R * T, B, f.m]), w).reshape([R, T, B, f.n]).add(f.bias.expandDims(2))) as tf.Tensor4D;
    }
    return this.towers.apply(h);
  }
}

