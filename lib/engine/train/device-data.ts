/**
 * A split uploaded to the backend once, and the minibatches gathered from it there.
 *
 * Shared layout: tensors [N, ·]; a batch is a row gather → numeric [B, F] (categorical [B, C]).
 * Per-replica layout: the D distinct data sets of the group are stacked → [D·N, ·]; replica r
 * reads data set `datasetOf[r]` (replicas of one seed in a learning-rate grid share it), and a
 * batch gathers [R, B] global row indices → numeric [R, B, F].
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch } from "../../models/types";
import type { SplitArrays } from "./data";

export interface DeviceBatch {
  batch: Batch;
  /** Shared: [B, T]; per-replica: [R, B, T]. */
  labels: tf.Tensor;
}

function concatFloat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class DeviceSplit {
  readonly rows: number;
  private readonly numeric: tf.Tensor2D;
  private readonly categorical?: tf.Tensor2D;
  private readonly labels: tf.Tensor2D;

  /**
   * @param splits one split (shared) or one per distinct data set (per-replica), equal row counts.
   * @param datasetOf per-replica layout only: replica → index into `splits`.
   */
  constructor(
    splits: SplitArrays[],
    readonly features: number,
    readonly tasks: number,
    readonly datasetOf?: readonly number[],
  ) {
    this.rows = splits[0].rows;
    if (splits.some((s) => s.rows !== this.rows)) {
      throw new RangeError(`per-replica data sets must have equal row counts, got ${splits.map((s) => s.rows).join(", ")}`);
    }
    const total = this.rows * splits.length;
    this.numeric = tf.tensor2d(concatFloat(splits.map((s) => s.numeric)), [total, features]);
    this.labels = tf.tensor2d(concatFloat(splits.map((s) => s.labels)), [total, tasks]);
    const cat = splits[0].categorical;
    if (cat && cat.length > 0) {
      if (splits.length > 1) throw new RangeError("per-replica data with categorical columns is not supported by the model contract");
      this.categorical = tf.tensor2d(cat, [this.rows, cat.length / this.rows], "int32");
    }
  }

  get perReplica(): boolean {
    return this.datasetOf !== undefined;
  }

  /** Gathers a batch. `index`: shared [B] row indices; per-replica [R, B] global indices (see epochIndices). */
  gather(index: tf.Tensor): DeviceBatch {
    if (!this.datasetOf) {
      const batch: Batch = { numeric: tf.gather(this.numeric, index) };
      if (this.categorical) batch.categorical = tf.gather(this.categorical, index);
      return { batch, labels: tf.gather(this.labels, index) };
    }
    const [r, b] = index.shape;
    const flat = index.reshape([-1]);
    return {
      batch: { numeric: tf.gather(this.numeric, flat).reshape([r, b, this.features]) },
      labels: tf.gather(this.labels, flat).reshape([r, b, this.tasks]),
    };
  }

  /** Rows [start, start + count) of every replica's data, for evaluation. */
  chunk(start: number, count: number): Batch {
    if (!this.datasetOf) {
      const batch: Batch = { numeric: this.numeric.slice([start, 0], [count, -1]) };
      if (this.categorical) batch.categorical = this.categorical.slice([start, 0], [count, -1]);
      return batch;
    }
    const idx = new Int32Array(this.datasetOf.length * count);
    this.datasetOf.forEach((d, r) => {
      for (let j = 0; j < count; j++) idx[r * count + j] = d * this.rows + start + j;
    });
    const gathered = tf.gather(this.numeric, tf.tensor1d(idx, "int32"));
    return { numeric: gathered.reshape([this.datasetOf.length, count, this.features]) };
  }

  /**
   * One epoch's row order as global indices: shared → [N] from one permutation; per-replica →
   * [R, N] where replica r follows permutation `perms[datasetOf[r]]` within its own data set.
   */
  epochIndices(perms: Uint32Array[]): tf.Tensor {
    if (!this.datasetOf) return tf.tensor1d(Int32Array.from(perms[0]), "int32");
    const n = this.rows;
    const idx = new Int32Array(this.datasetOf.length * n);
    this.datasetOf.forEach((d, r) => {
      const p = perms[d];
      for (let j = 0; j < n; j++) idx[r * n + j] = d * n + p[j];
    });
    return tf.tensor2d(idx, [this.datasetOf.length, n], "int32");
  }

  dispose(): void {
    this.numeric.dispose();
    this.labels.dispose();
    this.categorical?.dispose();
  }
}
