/**
 * The data of the funnel study: the synthetic funnel of lib/data/funnel.ts (a fresh data set per
 * run seed, per-replica layout) in two layouts, and Census-Income group 1 (notebook 03's income +
 * never-married tasks, shared by every run) for the cross-network claim.
 *
 * ESMM layout, tasks in this order (the ESMM models use `steps: 2`):
 *   ctr   = y_1, the click, on every impression (logged);
 *   ctcvr = y_2 = click ∧ conversion, on every impression (logged);
 *   cvr   = v_2, whether the impression WOULD convert if clicked, on every impression: the truth
 *           real logs lack. ESMM never trains on it; BASE trains on it for clicked rows only, where
 *           it equals the logged conversion; both are scored on it over all test impressions.
 * AITM layout: the cumulative labels y_1 … y_4 of a four-step funnel (click, application, approval,
 * activation, the steps of AITM's credit-card funnel), all logged.
 *
 * Every split also carries each label's true probability (SplitArrays.truth), from the generator's
 * σ(z_t): ctr σ(z_1), ctcvr σ(z_1)σ(z_2), cvr σ(z_2); AITM's step t the product up to t. Evaluation
 * scores every task's predicted probabilities against it over all impressions (bias and calibration,
 * lib/engine/train/calibration.ts); no model and no checkpoint choice reads it.
 */
import { censusGroup, funnelData, loadCensus, type CensusGroup } from "../../data";
import { interleaveLabels, splitsInOrder, type DataSet, type DataSource, type SplitArrays } from "../../engine/train/data";
import type { DataContext, RowCaps } from "../../engine/plan/experiment";
import type { InputSpec, TaskSpec } from "../../models/types";
import { deriveSeed } from "../../seeds";

export const FUNNEL_FEATURES = 16;
export const FUNNEL_INPUT: InputSpec = { numeric: FUNNEL_FEATURES, categorical: [] };

/** Rows per run (paper and quick profiles; smoke caps them). */
export const FUNNEL_ROWS = { train: 40_000, validation: 10_000, test: 40_000 };

/** ESMM experiment: CTR over impressions 0.15, CVR of clicked impressions 0.10 (conversions: 1.5 % of impressions). */
export const ESMM_RATES = [0.15, 0.1];
export const ESMM_TASKS: TaskSpec[] = [
  { name: "ctr", kind: "binary" },
  { name: "ctcvr", kind: "binary" },
  { name: "cvr", kind: "binary" },
];

/** AITM experiment: four steps, CTR 0.2 then 40 % of each step's impressions pass the next (1.3 % reach step 4). */
export const AITM_RATES = [0.2, 0.4, 0.4, 0.4];
export const AITM_TASKS: TaskSpec[] = ["click", "application", "approval", "activation"].map((name) => ({ name, kind: "binary" }));
/** The AITM experiment's selection bias (corr. of consecutive steps' propensity scores). */
export const AITM_BIAS = 0.6;

export interface FunnelCondition {
  /** Selection bias β of lib/data/funnel.ts. */
  bias: number;
  /**
   * Version of the evaluation against the generator's true probabilities that the runs carry
   * (1: bias, absolute error and calibration error of every task over all impressions). Part of the
   * run key, so runs stored without those metrics are trained again rather than found.
   */
  truthMetrics: number;
}

/** The current version of FunnelCondition.truthMetrics. */
export const TRUTH_METRICS = 1;

/** True probability of each cumulative step: Π_{j ≤ t} σ(z_j). */
export function cumulativeTruth(probability: readonly Float32Array[]): Float32Array[] {
  const out: Float32Array[] = [];
  probability.forEach((p, t) => out.push(t === 0 ? Float32Array.from(p) : Float32Array.from(p, (pi, i) => pi * out[t - 1][i])));
  return out;
}

function rowsOf(caps: RowCaps) {
  return { ...FUNNEL_ROWS, ...caps };
}

function info(layout: string, seed: number, bias: number, rates: number[], f: ReturnType<typeof funnelData>, rows: ReturnType<typeof rowsOf>) {
  return {
    generator: "synthetic funnel (lib/data/funnel.ts): s_t = u_tᵀx, z_t = 2 s_t − 0.5 (s_t² − 1) + b_t, u_tᵀu_{t−1} = β",
    layout,
    seed,
    bias,
    rates,
    features: FUNNEL_FEATURES,
    rows,
    offsets: f.offsets,
    reachedRate: f.observed.reached,
    passRate: f.observed.passRate,
  };
}

/** Run `seed`'s ESMM-layout data set at selection bias β. */
export function esmmDataSet(seed: number, bias: number, caps: RowCaps = {}): DataSet {
  const rows = rowsOf(caps);
  const n = rows.train + rows.validation + rows.test;
  const f = funnelData({ steps: 2, bias, rates: ESMM_RATES, features: FUNNEL_FEATURES, rows: n, seed: deriveSeed(seed, "funnel-esmm-data") });
  let cvrAll = 0;
  for (const v of f.potential[1]) cvrAll += v;
  return {
    tasks: ESMM_TASKS.map((t) => ({ ...t })),
    input: FUNNEL_INPUT,
    ...splitsInOrder(f.x, FUNNEL_FEATURES, [f.reached[0], f.reached[1], f.potential[1]], rows, [...cumulativeTruth(f.probability), f.probability[1]]),
    info: { ...info("esmm: ctr, ctcvr, cvr (truth over all impressions)", seed, bias, ESMM_RATES, f, rows), cvrOverImpressions: cvrAll / n },
  };
}

/** Run `seed`'s four-step AITM-layout data set. */
export function aitmDataSet(seed: number, bias: number, caps: RowCaps = {}): DataSet {
  const rows = rowsOf(caps);
  const n = rows.train + rows.validation + rows.test;
  const f = funnelData({ steps: AITM_RATES.length, bias, rates: AITM_RATES, features: FUNNEL_FEATURES, rows: n, seed: deriveSeed(seed, "funnel-aitm-data") });
  return {
    tasks: AITM_TASKS.map((t) => ({ ...t })),
    input: FUNNEL_INPUT,
    ...splitsInOrder(f.x, FUNNEL_FEATURES, f.reached, rows, cumulativeTruth(f.probability)),
    info: info("aitm: cumulative steps", seed, bias, AITM_RATES, f, rows),
  };
}

export function esmmSource(ctx: DataContext<FunnelCondition>): DataSource {
  return { layout: "per-replica", tasks: ESMM_TASKS.map((t) => ({ ...t })), input: FUNNEL_INPUT, dataFor: (seed) => esmmDataSet(seed, ctx.condition.bias, ctx.rows) };
}

export function aitmSource(ctx: DataContext<FunnelCondition>): DataSource {
  return { layout: "per-replica", tasks: AITM_TASKS.map((t) => ({ ...t })), input: FUNNEL_INPUT, dataFor: (seed) => aitmDataSet(seed, ctx.condition.bias, ctx.rows) };
}

// ---- Census-Income group 1 (notebook 03's tasks) for the cross network

function split(g: CensusGroup, name: "train" | "validation" | "test"): SplitArrays {
  const s = g[name];
  return { rows: s.rows, numeric: s.numeric, categorical: s.categorical, labels: interleaveLabels(s.labels, s.rows) };
}

/** The census task group of the cross-network experiment (notebook 03's group 1). */
export const FUNNEL_CENSUS_GROUP = "mmoe-g1";

let censusMemo: DataSet | null = null;

/** MMoE group 1 (income + never married), by-name encoding, prepared once per process. */
export function funnelCensusDataSet(): DataSet {
  if (censusMemo) return censusMemo;
  const g = censusGroup(loadCensus(), FUNNEL_CENSUS_GROUP, { categoricalEncoding: "by-name" });
  censusMemo = {
    tasks: g.tasks,
    input: g.input,
    train: split(g, "train"),
    validation: split(g, "validation"),
    test: split(g, "test"),
    info: {
      source: "UCI Census-Income (KDD), lib/data",
      group: g.name,
      description: g.description,
      rows: { train: g.train.rows, validation: g.validation.rows, test: g.test.rows },
      splitSeed: g.provenance.splitSeed,
      preparationVersion: g.provenance.preparationVersion,
      files: { train: g.provenance.files.train.contentSha256, test: g.provenance.files.test.contentSha256 },
    },
  };
  return censusMemo;
}

export function funnelCensusSource(_ctx: DataContext<unknown>): DataSource {
  return { layout: "shared", data: funnelCensusDataSet() };
}

export function funnelCensusPreflight(_ctx: DataContext<unknown>): void {
  funnelCensusDataSet();
}
