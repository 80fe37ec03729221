/**
 * The data side shared by the MMoE synthetic experiments (synthetic-correlation, trainability):
 * MMoE §3.2's two regression tasks at task correlation p (preset `mmoe`: d = 100,
 * c = 1, m = 5, noise variance 0.01), one fresh data set per run, and the label-Pearson study of
 * MMoE Fig. 2.
 *
 * Choices the paper leaves open, made here once for both experiments:
 * - Rows per run: 10,000 training, 2,000 validation, 2,000 test (the paper gives no count; 10,000
 *   is the per-point size of its Fig. 2).
 * - The data seed of run s does not depend on p: at every p run s draws the same u1, u2, α, β and
 *   x, and only w2 turns. Comparisons across p are then paired by seed (less noise in "how much
 *   does the loss change as p falls"); the paper drew independent data per setting.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { generateSynthetic, labelPearsonGrid, SYNTHETIC_PRESETS, syntheticChunks, syntheticParams, syntheticTasks, type LabelPearsonResult, type SyntheticChunk } from "../../data/synthetic";
import { writeFileAtomic } from "../../project";
import { deriveSeed } from "../../seeds";
import { interleaveLabels, splitsInOrder, type DataSet, type DataSource, type SplitArrays } from "../../engine/train/data";
import type { DataContext, ProfileName, RowCaps } from "../../engine/plan/experiment";

/** A data condition of the synthetic experiments: the task correlation p = cos(w1, w2). */
export interface CorrelationCondition {
  p: number;
}

/** Rows per run when a profile sets no cap. */
export const MMOE_SYNTHETIC_ROWS = { train: 10_000, validation: 2_000, test: 2_000 } as const;

/** Conditions named `p=<value>` for the given correlations. */
export function correlationConditions(ps: readonly number[]): Record<string, CorrelationCondition> {
  return Object.fromEntries(ps.map((p) => [`p=${p}`, { p }]));
}

/** Run `seed`'s data set at correlation p: one draw of the generator, split in order. */
export function mmoeSyntheticDataSet(seed: number, p: number, caps: RowCaps = {}): DataSet {
  const rows = { ...MMOE_SYNTHETIC_ROWS, ...caps };
  const samples = rows.train + rows.validation + rows.test;
  // the seed ignores p on purpose: the same run sees the same x, u1, u2, α, β at every p (header)
  const g = generateSynthetic(syntheticParams("mmoe", { p, seed: deriveSeed(seed, "mmoe-synthetic-data"), samples }));
  const d = g.input.numeric;
  return {
    tasks: g.tasks,
    input: g.input,
    ...splitsInOrder(g.x, d, g.labels, rows),
    info: { generator: "MMoE §3.2 synthetic tasks (docs/protocol.md, preset mmoe)", d: g.params.d, c: g.params.c, m: g.params.m, noiseStd: g.params.noiseStd, p: g.params.p, seed: g.params.seed, alpha: g.params.alpha, beta: g.params.beta, rows },
  };
}

/** The engine's data source for one condition: a fresh data set per run seed. */
export function mmoeSyntheticSource(ctx: DataContext<CorrelationCondition>): DataSource {
  const { p } = ctx.condition;
  return { layout: "per-replica", tasks: syntheticTasks(2), input: { numeric: SYNTHETIC_PRESETS.mmoe.d, categorical: [] }, dataFor: (seed) => mmoeSyntheticDataSet(seed, p, ctx.rows) };
}

// ---------------------------------------------------------------------------------------------
// Fresh samples: MMoE's figures plot the training objective of a model that can always draw more
// data from the generator; a finite training set seen many times measures memorisation instead.

/** Rows per run with fresh samples: training rows per epoch (80 batches of 128, each epoch new draws) and the fixed held-out sets. */
export const MMOE_SYNTHETIC_FRESH_ROWS = { train: 10_240, validation: 2_000, test: 2_000 } as const;

/**
 * Run `seed`'s data at correlation p with fresh training samples: validation and test are fixed
 * draws (the generator's "samples" stream), and every epoch of training draws `rows.train` new
 * rows of the same tasks (w1, w2, α, β) from a second stream, so no training row is seen twice
 * and the training loss is measured on samples the model has not fitted. Like the finite data
 * set, the draws ignore p: run s sees the same x at every p.
 */
export function mmoeSyntheticFreshDataSet(seed: number, p: number, caps: RowCaps = {}): DataSet {
  const rows = { ...MMOE_SYNTHETIC_FRESH_ROWS, ...caps };
  const params = syntheticParams("mmoe", { p, seed: deriveSeed(seed, "mmoe-synthetic-data"), samples: rows.validation + rows.test });
  const heldOut = generateSynthetic(params);
  const d = heldOut.input.numeric;
  const toSplit = (x: Float32Array, labels: Float32Array[], from: number, n: number): SplitArrays => ({ rows: n, numeric: x.subarray(from * d, (from + n) * d), labels: interleaveLabels(labels, n, from) });
  const stream = syntheticChunks({ ...params, samples: Number.MAX_SAFE_INTEGER }, rows.train, "fresh-train");
  let drawn = 0;
  const nextEpoch = (): SplitArrays => {
    const chunk = stream.next().value as SyntheticChunk;
    drawn += 1;
    return toSplit(chunk.x, chunk.labels, 0, chunk.rows);
  };
  const train = nextEpoch();
  return {
    tasks: heldOut.tasks,
    input: heldOut.input,
    train,
    validation: toSplit(heldOut.x, heldOut.labels, 0, rows.validation),
    test: toSplit(heldOut.x, heldOut.labels, rows.validation, rows.test),
    freshTrain: (epoch) => {
      if (epoch !== drawn) throw new RangeError(`mmoeSyntheticFreshDataSet: epoch ${epoch} requested after ${drawn - 1}; fresh rows are drawn once per epoch, in order`);
      return nextEpoch();
    },
    info: {
      generator: "MMoE §3.2 synthetic tasks (docs/protocol.md, preset mmoe)",
      training: "fresh samples: every epoch draws new training rows (no row is seen twice)",
      d: heldOut.params.d, c: heldOut.params.c, m: heldOut.params.m, noiseStd: heldOut.params.noiseStd, p: heldOut.params.p, seed: heldOut.params.seed, alpha: heldOut.params.alpha, beta: heldOut.params.beta,
      rows: { trainPerEpoch: rows.train, validation: rows.validation, test: rows.test },
    },
  };
}

/** The engine's data source with fresh training samples (synthetic-correlation, trainability). */
export function mmoeSyntheticFreshSource(ctx: DataContext<CorrelationCondition>): DataSource {
  const { p } = ctx.condition;
  return { layout: "per-replica", tasks: syntheticTasks(2), input: { numeric: SYNTHETIC_PRESETS.mmoe.d, categorical: [] }, dataFor: (seed) => mmoeSyntheticFreshDataSet(seed, p, ctx.rows) };
}

// ---------------------------------------------------------------------------------------------
// MMoE Fig. 2: label Pearson correlation against p

/** How the label-Pearson study is sized at each profile (MMoE Fig. 2: 10,000 samples per point). */
export const LABEL_PEARSON_SETTINGS: Record<ProfileName, { gridPoints: number; samples: number; dataSets: number }> = {
  smoke: { gridPoints: 11, samples: 2_000, dataSets: 10 },
  quick: { gridPoints: 21, samples: 10_000, dataSets: 100 },
  paper: { gridPoints: 21, samples: 10_000, dataSets: 100 },
};
/** Master seed of the label-Pearson study (data set j at p uses deriveSeed(seed, "label-pearson", p, j)). */
export const LABEL_PEARSON_SEED = 1;
export const LABEL_PEARSON_FILE = "label-pearson.json";

export interface LabelPearsonPoint {
  p: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  dataSets: number;
}

export interface LabelPearsonStudy {
  profile: ProfileName;
  /** Generator knobs (the mmoe preset). m is 0 for the linear curve. */
  d: number;
  c: number;
  m: number;
  noiseStd: number;
  samples: number;
  dataSets: number;
  seed: number;
  linear: LabelPearsonPoint[];
  nonlinear: LabelPearsonPoint[];
  wallTimeMs: number;
}

function points(results: LabelPearsonResult[]): LabelPearsonPoint[] {
  return results.map((r) => ({ p: r.p, mean: r.mean, std: r.std, min: Math.min(...r.values), max: Math.max(...r.values), dataSets: r.values.length }));
}

/** Computes the Fig. 2 study for a profile (about 20 s at quick on one core). */
export function computeLabelPearsonStudy(profile: ProfileName): LabelPearsonStudy {
  const s = LABEL_PEARSON_SETTINGS[profile];
  const grid = Array.from({ length: s.gridPoints }, (_, i) => Math.round((-1 + (2 * i) / (s.gridPoints - 1)) * 100) / 100);
  const preset = SYNTHETIC_PRESETS.mmoe;
  const started = Date.now();
  const run = (m: number) => points(labelPearsonGrid({ grid, params: { m }, samples: s.samples, dataSets: s.dataSets, seed: LABEL_PEARSON_SEED }));
  const linear = run(0);
  const nonlinear = run(preset.m);
  return { profile, d: preset.d, c: preset.c, m: preset.m, noiseStd: preset.noiseStd, samples: s.samples, dataSets: s.dataSets, seed: LABEL_PEARSON_SEED, linear, nonlinear, wallTimeMs: Date.now() - started };
}

/** The Fig. 2 study of `<dir>/label-pearson.json`, computed and written there when absent or sized differently. */
export function labelPearsonStudy(profile: ProfileName, dir: string): LabelPearsonStudy {
  const file = path.join(dir, LABEL_PEARSON_FILE);
  const s = LABEL_PEARSON_SETTINGS[profile];
  if (fs.existsSync(file)) {
    const stored = JSON.parse(fs.readFileSync(file, "utf8")) as LabelPearsonStudy;
    if (stored.samples === s.samples && stored.dataSets === s.dataSets && stored.linear.length === s.gridPoints && stored.seed === LABEL_PEARSON_SEED) return stored;
  }
  const study = computeLabelPearsonStudy(profile);
  writeFileAtomic(file, JSON.stringify(study, null, 2) + "\n");
  return study;
}
