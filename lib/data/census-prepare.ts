/**
 * Parsed Census-Income → model-ready columns, fitted on the training file only (docs/protocol.md, Data):
 * - nominal columns → Int32 indices into a vocabulary fitted on train, applied to the test file BY
 *   NAME. Index 0 is the explicit UNKNOWN (a category never seen in training, or rarer than
 *   `minCategoryCount`); training categories get 1..k in sorted order. Because encoding is by name,
 *   a category missing from one file (det_hh_fam_stat has one absent from the test file) cannot
 *   shift any column — the public-code bug docs/protocol.md lists.
 * - continuous columns → standardised with train mean and (population) std.
 * - every label candidate, computed from trimmed strings.
 * The result still holds every attribute; task groups (task-groups.ts) pick inputs and labels.
 */
import { requireOption } from "./errors";
import {
  CENSUS_COLUMNS, CENSUS_NUMERIC, CensusColumn, INCOME_COLUMN, INCOME_HIGH, ParsedCensus, WEIGHT_COLUMN,
} from "./census-parse";

/** Bump when the preparation's output changes for the same files and options: it invalidates caches. */
export const PREPARATION_VERSION = 1;

/** The name of vocabulary index 0. */
export const UNKNOWN_CATEGORY = "<unknown>";

/** `bachelor+`: the MMoEEx/AdaTT reading of "at least college" (docs/protocol.md). */
export const EDUCATION_BACHELOR_PLUS: readonly string[] = [
  "Bachelors degree(BA AB BS)",
  "Masters degree(MA MS MEng MEd MSW MBA)",
  "Doctorate degree(PhD EdD)",
  "Prof school degree (MD DDS DVM LLB JD)",
];
/** `associate+`: bachelor+ plus both associate degrees; matches MMoE group 2's |Pearson| 0.2373. */
export const EDUCATION_ASSOCIATE_PLUS: readonly string[] = [
  ...EDUCATION_BACHELOR_PLUS,
  "Associates degree-academic program",
  "Associates degree-occup /vocational",
];
export const NEVER_MARRIED = "Never married";

/** Every label a task group can use. Binary labels are 0/1; regression labels are raw values. */
export const CENSUS_LABELS = [
  "income", // income_50k is "50000+."
  "never_married", // marital_stat is "Never married"
  "education_bachelor_plus",
  "education_associate_plus",
  "weeks_worked", // raw weeks 0..52 (regression target of the seesaw group)
  "log1p_wage_per_hour", // log(1 + wage_per_hour) (alternative seesaw regression target)
] as const;
export type CensusLabel = (typeof CENSUS_LABELS)[number];

export interface CensusPrepareOptions {
  /** Keep the survey weight instance_weight as a numeric input (default false: docs/protocol.md says it
   *  is not a feature; the switch exists to compare with repositories that kept it). */
  keepInstanceWeight?: boolean;
  /** Training categories seen fewer times than this map to UNKNOWN (default 1: keep every category). */
  minCategoryCount?: number;
}

export type ResolvedPrepareOptions = Required<CensusPrepareOptions>;

export function resolvePrepareOptions(o: CensusPrepareOptions = {}): ResolvedPrepareOptions {
  const r = { keepInstanceWeight: o.keepInstanceWeight ?? false, minCategoryCount: o.minCategoryCount ?? 1 };
  requireOption(
    Number.isInteger(r.minCategoryCount) && r.minCategoryCount >= 1,
    `minCategoryCount must be an integer ≥ 1, got ${String(o.minCategoryCount)}`,
  );
  return r;
}

/** One file's rows, encoded. */
export interface PreparedRows {
  rows: number;
  /** Per nominal column: vocabulary indices (0 = UNKNOWN). */
  categorical: Record<string, Int32Array>;
  /** Per continuous column: standardised values. */
  numeric: Record<string, Float32Array>;
  labels: Record<CensusLabel, Float32Array>;
}

export interface PreparedCensus {
  version: number;
  options: ResolvedPrepareOptions;
  /** Nominal input candidates in file order (labels' source columns included; groups drop them). */
  categoricalColumns: string[];
  /** Continuous input candidates in file order (+ instance_weight when kept). */
  numericColumns: string[];
  /** Per nominal column: index → category; entry 0 is UNKNOWN_CATEGORY. */
  vocabularies: Record<string, string[]>;
  /** Per continuous column: train mean and population std used for scaling. */
  scaling: Record<string, { mean: number; std: number }>;
  train: PreparedRows;
  /** The whole .test file; the validation/test split happens later (census-split.ts). */
  testFile: PreparedRows;
}

function sortedStrings(xs: string[]): string[] {
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // code-unit order: locale independent
}

function fitVocabulary(train: ParsedCensus, col: CensusColumn, minCount: number): string[] {
  const c = train.nominal.get(col)!;
  const kept = c.values.filter((_, k) => c.counts[k] >= minCount);
  return [UNKNOWN_CATEGORY, ...sortedStrings(kept)];
}

/** Maps a parsed file's codes into `vocab` by name; values absent from vocab → 0 (UNKNOWN). */
function encodeByName(parsed: ParsedCensus, col: CensusColumn, vocab: string[]): Int32Array {
  const c = parsed.nominal.get(col)!;
  const index = new Map(vocab.map((v, k) => [v, k] as const));
  index.delete(UNKNOWN_CATEGORY); // a literal "<unknown>" in the data must not alias index 0's meaning
  const remap = c.values.map((v) => index.get(v) ?? 0);
  const out = new Int32Array(parsed.rows);
  for (let i = 0; i < parsed.rows; i++) out[i] = remap[c.codes[i]];
  return out;
}

function fitScaling(x: Float64Array): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  const std = Math.sqrt(ss / x.length);
  return { mean, std: std > 0 ? std : 1 }; // a constant column stays 0 instead of NaN
}

function scale(x: Float64Array, s: { mean: number; std: number }): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - s.mean) / s.std;
  return out;
}

/** 0/1 per row: 1 when the nominal value is in `positives` (exact trimmed-string match). */
function membership(parsed: ParsedCensus, col: CensusColumn, positives: readonly string[]): Float32Array {
  const c = parsed.nominal.get(col)!;
  const set = new Set(positives);
  const hit = c.values.map((v) => (set.has(v) ? 1 : 0));
  const out = new Float32Array(parsed.rows);
  for (let i = 0; i < parsed.rows; i++) out[i] = hit[c.codes[i]];
  return out;
}

function labelsOf(p: ParsedCensus): Record<CensusLabel, Float32Array> {
  const weeks = p.numeric.get("weeks_worked")!;
  const wage = p.numeric.get("wage_per_hour")!;
  return {
    income: membership(p, INCOME_COLUMN, [INCOME_HIGH]),
    never_married: membership(p, "marital_stat", [NEVER_MARRIED]),
    education_bachelor_plus: membership(p, "education", EDUCATION_BACHELOR_PLUS),
    education_associate_plus: membership(p, "education", EDUCATION_ASSOCIATE_PLUS),
    weeks_worked: Float32Array.from(weeks),
    log1p_wage_per_hour: Float32Array.from(wage, (w) => Math.log1p(w)),
  };
}

/** Fits vocabularies and scaling on `train` and encodes both files with them. */
export function prepareCensus(train: ParsedCensus, testFile: ParsedCensus, options: CensusPrepareOptions = {}): PreparedCensus {
  const opts = resolvePrepareOptions(options);
  const categoricalColumns = CENSUS_COLUMNS.filter((c) => train.nominal.has(c) && c !== INCOME_COLUMN);
  const numericColumns: CensusColumn[] = [...CENSUS_NUMERIC];
  if (opts.keepInstanceWeight) numericColumns.push(WEIGHT_COLUMN);

  const vocabularies: Record<string, string[]> = {};
  for (const c of categoricalColumns) vocabularies[c] = fitVocabulary(train, c, opts.minCategoryCount);
  const scaling: Record<string, { mean: number; std: number }> = {};
  for (const c of numericColumns) scaling[c] = fitScaling(train.numeric.get(c)!);

  const encode = (p: ParsedCensus): PreparedRows => {
    const categorical: Record<string, Int32Array> = {};
    for (const c of categoricalColumns) categorical[c] = encodeByName(p, c, vocabularies[c]);
    const numeric: Record<string, Float32Array> = {};
    for (const c of numericColumns) numeric[c] = scale(p.numeric.get(c)!, scaling[c]);
    return { rows: p.rows, categorical, numeric, labels: labelsOf(p) };
  };
  return {
    version: PREPARATION_VERSION,
    options: opts,
    categoricalColumns,
    numericColumns,
    vocabularies,
    scaling,
    train: encode(train),
    testFile: encode(testFile),
  };
}
