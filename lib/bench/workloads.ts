/**
 * The three benchmark workloads, as model configs plus the data the trainer would see.
 * bench/reference.py builds the same shapes in PyTorch; keep the two in step (bench/README.md).
 *   synthetic-mmoe: MMoE §5.1 — d = 100, 8 experts × 16, towers [8], two regression tasks,
 *                   batch 128, per-replica data (every run draws its own data set).
 *   census-adatt:   AdaTT-sp on the census "adatt" group (three binary tasks), 3 × 2 = 6 experts,
 *                   two fusion levels of 128 and 64 units, towers [32], batch 512, shared data
 *                   (every replica sees the same rows; the real prepared inputs).
 *   census-sb:      Shared-Bottom on the same data, bottom [128, 64], towers [32], batch 512.
 */
import type { ModelConfig } from "../models/config";
import type { InputSpec, TaskSpec } from "../models/types";
import type { SplitArrays } from "../engine/train/data";
import { censusGroup, loadCensus } from "../data";
import { Rng } from "../seeds";

export const WORKLOAD_NAMES = ["synthetic-mmoe", "census-adatt", "census-sb"] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface WorkloadData {
  layout: "shared" | "per-replica";
  tasks: TaskSpec[];
  input: InputSpec;
  /** Shared: one split; per-replica: one per replica (equal row counts). */
  splits: SplitArrays[];
}

export interface Workload {
  name: WorkloadName;
  describe: string;
  config: ModelConfig;
  batchSize: number;
  /** Training rows for R replicas (per-replica layout: R data sets). */
  data(R: number): WorkloadData;
  /**
   * Multiply-adds of the dense products one replica's forward pass does per training row, for
   * `numeric` numeric inputs (the categorical embedding sum is a lookup, not a product, and is
   * not counted). A step's product FLOPs are ≈ 3 × 2 × this × batch (backward: two products per
   * forward one), the measure of how close a step comes to the machine's sgemm rate.
   */
  productMacsPerRow(numeric: number): number;
}

/** Floating-point operations of one training step's products, all R replicas (see productMacsPerRow). */
export function productFlopsPerStep(w: Workload, numeric: number, R: number): number {
  return 3 * 2 * w.productMacsPerRow(numeric) * w.batchSize * R;
}

/** Rows of each synthetic data set: enough for several batches; the timing does not depend on it. */
const SYNTHETIC_ROWS = 2048;

/** A random regression data set of the synthetic workload's shapes (timing only, not the MMoE generator). */
function syntheticSplit(seed: number, d: number, tasks: number): SplitArrays {
  const rng = new Rng(seed);
  const numeric = new Float32Array(SYNTHETIC_ROWS * d);
  for (let i = 0; i < numeric.length; i++) numeric[i] = rng.normal();
  const labels = new Float32Array(SYNTHETIC_ROWS * tasks);
  for (let i = 0; i < labels.length; i++) labels[i] = rng.normal();
  return { rows: SYNTHETIC_ROWS, numeric, labels };
}

let censusMemo: WorkloadData | undefined;

/** The census "adatt" group's training split as the engine receives it (labels row-major [N, T]). */
export function censusTrainData(): WorkloadData {
  if (censusMemo) return censusMemo;
  const g = censusGroup(loadCensus(), "adatt");
  const T = g.tasks.length, n = g.train.rows;
  const labels = new Float32Array(n * T);
  g.train.labels.forEach((col, t) => col.forEach((v, i) => (labels[i * T + t] = v)));
  censusMemo = {
    layout: "shared",
    tasks: g.tasks,
    input: g.input,
    splits: [{ rows: n, numeric: g.train.numeric, categorical: g.train.categorical, labels }],
  };
  return censusMemo;
}

const regression: TaskSpec[] = [{ name: "y1", kind: "regression" }, { name: "y2", kind: "regression" }];

export const WORKLOADS: Record<WorkloadName, Workload> = {
  "synthetic-mmoe": {
    name: "synthetic-mmoe",
    describe: "MMoE synthetic: d=100, 8 experts x 16, towers 8, 2 regression tasks, batch 128, per-replica data",
    config: { kind: "mmoe", experts: 8, expertUnits: [16], towerUnits: [8] },
    batchSize: 128,
    // input → 8 experts × 16 and 2 gates of 8; the mix; towers 16 → 8 → 1 for 2 tasks
    productMacsPerRow: (d) => d * (8 * 16 + 2 * 8) + 2 * 8 * 16 + 2 * (16 * 8 + 8),
    data: (R) => ({
      layout: "per-replica",
      tasks: regression,
      input: { numeric: 100, categorical: [] },
      splits: Array.from({ length: R }, (_, r) => syntheticSplit(1000 + r, 100, 2)),
    }),
  },
  "census-adatt": {
    name: "census-adatt",
    describe: "AdaTT-sp census: 3 binary tasks, 6 experts (2 per task), levels 128/64, towers 32, batch 512, shared data",
    config: { kind: "adatt-sp", taskExperts: 2, expertUnits: [[128], [64]], towerUnits: [32] },
    batchSize: 512,
    // level 0: input → 6 experts × 128 and 3 gates of 6, mix; level 1: per task 128 → 2 × 64 + 6, mix; towers 64 → 32 → 1
    productMacsPerRow: (d) => d * (6 * 128 + 3 * 6) + 3 * 6 * 128 + 3 * 128 * (2 * 64 + 6) + 3 * 6 * 64 + 3 * (64 * 32 + 32),
    data: () => censusTrainData(),
  },
  "census-sb": {
    name: "census-sb",
    describe: "Shared-Bottom census: 3 binary tasks, bottom 128/64, towers 32, batch 512, shared data",
    config: { kind: "shared-bottom", bottomUnits: [128, 64], towerUnits: [32] },
    batchSize: 512,
    productMacsPerRow: (d) => d * 128 + 128 * 64 + 3 * (64 * 32 + 32),
    data: () => censusTrainData(),
  },
};
