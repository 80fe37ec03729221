/**
 * Analyses of the funnel study: per-seed paired differences (the runs of two models with one seed
 * share the data set and the batch order), the claims of FUNNEL_CLAIMS judged in the families of
 * FUNNEL_REGISTRATION (each with Holm), and the tables. Pure functions over run records.
 *
 * ESMM: CVR AUC over ALL test impressions against the generator's conversion outcome v_2 (task
 *   "cvr"); effect = AUC(ESMM) − AUC(BASE) per seed, at every β > 0 (one case each); the gap's
 *   growth = the per-seed least-squares slope of that difference against β (seeds are paired across
 *   β: the same seed draws the same features). Bias = mean over all test impressions of predicted
 *   pCVR minus the true probability σ(z_2) (lib/engine/train/calibration.ts); the selection-bias claim
 *   compares |bias| of the two models per seed.
 * AITM: per later step (2 … 4), AUC over impressions of the cumulative label; transfer = AITM
 *   without calibrator − independent towers; calibrator = AITM − AITM without calibrator;
 *   vs product = AITM − ESMM-style product; the calibrator check = violations summed over the
 *   later steps, AITM − AITM without calibrator (expected negative).
 * DCN: test AUC of each census task, cross model − plain model, per seed.
 */
import { directionClaim, familyClaimsTable, holmAdjust, judgeFamily, pairedEvidence, type Claim, type Judged, type Part, type RegistrationStatus } from "../../claims";
import type { RunRecord } from "../../engine/store/run-record";
import { summarize, type Summary } from "../../stats/across-runs";
import { Rng } from "../../seeds";
import { tableFromRows, type Cell, type Table } from "../../tables";
import { AITM_TASKS } from "./data";
import { DCN_PAIRS, funnelLabel } from "./models";
import { FUNNEL_CLAIMS, FUNNEL_REGISTRATION, type FunnelClaimDecl, type FunnelClaimId, type FunnelFamily } from "./paper";

/** Test value of `metric` on `task`; null for a diverged run or a missing value. */
export function testMetric(run: RunRecord, task: string, metric: string): number | null {
  if (run.status !== "ok" || !run.metrics) return null;
  const v = run.metrics.test[task]?.[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** seed → value of one model (and condition, if given). */
export function bySeed(runs: readonly RunRecord[], model: string, task: string, metric: string, condition?: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of runs) {
    if (r.model !== model || (condition !== undefined && r.condition !== condition)) continue;
    const v = testMetric(r, task, metric);
    if (v !== null) out.set(r.seed, v);
  }
  return out;
}

/** Per-seed a − b over the seeds both have, in seed order. */
export function pairedDiffs(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number[] {
  return [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y).map((s) => a.get(s)! - b.get(s)!);
}

const fmt = (x: number | null, d = 4) => (x === null ? "–" : x.toFixed(d));
const sumText = (s: Summary, d = 4) => (s.mean === null ? "–" : `${fmt(s.mean, d)} [${fmt(s.ci95?.[0] ?? null, d)}, ${fmt(s.ci95?.[1] ?? null, d)}]`);
const abs = (m: ReadonlyMap<number, number>) => new Map([...m].map(([s, v]) => [s, Math.abs(v)]));

/** A claim's registered rule: the direction the analyses test and the smallest effect of interest. */
export function registered(id: FunnelClaimId) {
  return FUNNEL_REGISTRATION.claims[id];
}

function claimOf(decl: FunnelClaimDecl, rest: { effect: string; finding: string; evidence: Claim["evidence"] }): Claim {
  const reg = registered(decl.id as FunnelClaimId);
  return directionClaim({ ...decl, ...rest, expect: reg.expect });
}

// ---- ESMM

/** Bias of a run's condition (recorded in its config). */
export function biasOf(run: RunRecord): number {
  return (run.config.condition as { bias: number }).bias;
}

export interface EsmmLevel {
  condition: string;
  bias: number;
  /** CVR AUC over all test impressions, per model. */
  cvrAuc: Record<string, Summary>;
  ctcvrAuc: Record<string, Summary>;
  ctrAuc: Record<string, Summary>;
  /** pCVR against the true σ(z_2) over all test impressions, per model: mean bias, mean absolute error, ECE. */
  cvrBias: Record<string, Summary>;
  cvrMae: Record<string, Summary>;
  cvrEce: Record<string, Summary>;
  /** Per-seed AUC(ESMM) − AUC(BASE) on CVR. */
  gap: number[];
  gapSummary: Summary;
  /** Per-seed |bias(ESMM)| − |bias(BASE)| of pCVR (empty for runs without the truth metrics). */
  biasGap: number[];
  biasGapSummary: Summary;
  /** Per-seed conversion rate among clicked impressions − over all impressions (the generator's selection). */
  selection: number[];
}

export interface EsmmAnalysis {
  levels: EsmmLevel[];
  /** Per-seed slope of the CVR gap against β (seeds with every level). */
  slopes: number[];
  models: string[];
}

/** CVR among clicked − CVR over all impressions of a run's own data set (recorded in its data info). */
function selectionOf(run: RunRecord): number | null {
  const info = (run as unknown as { data?: { passRate?: number[]; cvrOverImpressions?: number } }).data;
  const among = info?.passRate?.[1], all = info?.cvrOverImpressions;
  return typeof among === "number" && typeof all === "number" ? among - all : null;
}

export function analyseEsmm(runs: readonly RunRecord[]): EsmmAnalysis {
  const conditions = [...new Map(runs.map((r) => [r.condition, biasOf(r)])).entries()].sort((a, b) => a[1] - b[1]);
  const models = [...new Set(runs.map((r) => r.model))];
  const levels = conditions.map(([condition, bias]): EsmmLevel => {
    const per = (task: string, metric = "auc") => Object.fromEntries(models.map((m) => [m, summarize([...bySeed(runs, m, task, metric, condition).values()])]));
    const gap = pairedDiffs(bySeed(runs, "esmm", "cvr", "auc", condition), bySeed(runs, "base", "cvr", "auc", condition));
    const biasGap = pairedDiffs(abs(bySeed(runs, "esmm", "cvr", "biasVsTruth", condition)), abs(bySeed(runs, "base", "cvr", "biasVsTruth", condition)));
    // one data set per seed and level: read it from one model's runs
    const selection = runs.filter((r) => r.condition === condition && r.model === models[0]).sort((a, b) => a.seed - b.seed).map(selectionOf).filter((x): x is number => x !== null);
    return {
      condition, bias,
      cvrAuc: per("cvr"), ctcvrAuc: per("ctcvr"), ctrAuc: per("ctr"),
      cvrBias: per("cvr", "biasVsTruth"), cvrMae: per("cvr", "maeVsTruth"), cvrEce: per("cvr", "eceVsTruth"),
      gap, gapSummary: summarize(gap), biasGap, biasGapSummary: summarize(biasGap), selection,
    };
  });
  // slopes: per seed, least squares of (esmm − base) on β over the levels
  const gapBySeed = conditions.map(([condition]) => {
    const a = bySeed(runs, "esmm", "cvr", "auc", condition), b = bySeed(runs, "base", "cvr", "auc", condition);
    return new Map([...a].filter(([s]) => b.has(s)).map(([s, v]) => [s, v - b.get(s)!]));
  });
  const seeds = [...(gapBySeed[0]?.keys() ?? [])].filter((s) => gapBySeed.every((m) => m.has(s))).sort((x, y) => x - y);
  const xs = conditions.map(([, b]) => b);
  const mx = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const slopes = xs.length >= 2 && sxx > 0 ? seeds.map((s) => xs.reduce((acc, x, i) => acc + (x - mx) * gapBySeed[i].get(s)!, 0) / sxx) : [];
  return { levels, slopes, models };
}

/** One level's difference, decided two-sided; `direction` is its sign when significant after Holm over the levels. */
export interface LevelDecision {
  bias: number;
  /** Seeds (pairs) behind the difference. */
  n: number;
  mean: number;
  ci95: [number, number];
  pHolm: number;
  direction: "above" | "below" | "neither";
}

/**
 * Each selection-bias level's paired difference, two-sided paired t, Holm over the levels at the
 * registered level: which levels show a significant difference and in which direction. The
 * per-level sentences of the notebook come from these decisions only.
 */
export function decideLevels(levels: readonly { bias: number; diffs: readonly number[] }[]): LevelDecision[] {
  const usable = levels.filter((l) => l.diffs.length >= 2);
  const ev = usable.map((l) => pairedEvidence(l.diffs));
  const p = ev.map((e) => Math.min(1, 2 * Math.min(e.pOneSided(0, "greater"), e.pOneSided(0, "less"))));
  const adjusted = holmAdjust(p);
  const alpha = FUNNEL_REGISTRATION.levelSentence.alpha;
  return usable.map((l, i) => ({
    bias: l.bias,
    n: ev[i].n,
    mean: ev[i].estimate,
    ci95: ev[i].interval(0.05),
    pHolm: adjusted[i],
    direction: adjusted[i] < alpha ? (ev[i].estimate > 0 ? "above" : "below") : "neither",
  }));
}

const betaList = (xs: readonly number[]) => (xs.length === 0 ? "no β" : `β = ${xs.join(", ")}`);

/**
 * "ESMM's CVR AUC is significantly below BASE's at β = 0, 0.3 and significantly above it at no β
 * (…)": the per-level decisions in words, with the test that made them.
 */
export function levelSentence(what: string, than: string, decisions: readonly LevelDecision[], higher = "above", lower = "below"): string {
  if (decisions.length === 0) return "";
  const below = decisions.filter((d) => d.direction === "below").map((d) => d.bias);
  const above = decisions.filter((d) => d.direction === "above").map((d) => d.bias);
  const ns = [...new Set(decisions.map((d) => d.n))];
  const test = `two-sided paired t per β over ${ns.join("–")} seeds, Holm over the ${decisions.length} levels, α = ${FUNNEL_REGISTRATION.levelSentence.alpha}`;
  const head = below.length === 0 && above.length === 0
    ? `${what} differs significantly from ${than} at no β`
    : `${what} is significantly ${lower} ${than} at ${betaList(below)} and significantly ${higher} it at ${betaList(above)}`;
  const each = decisions.map((d) => `β = ${d.bias}: ${fmt(d.mean)} [${fmt(d.ci95[0])}, ${fmt(d.ci95[1])}]`).join("; ");
  const ciBelow = decisions.filter((d) => d.ci95[1] < 0).map((d) => d.bias);
  const ciAbove = decisions.filter((d) => d.ci95[0] > 0).map((d) => d.bias);
  const unadjusted = `Unadjusted, the 95 % CI of the difference lies below zero at ${betaList(ciBelow)} and above zero at ${betaList(ciAbove)}.`;
  return `${head} (${test}; mean difference and 95 % CI ${each}). ${unadjusted}`;
}

export function esmmAucLevels(a: EsmmAnalysis): LevelDecision[] {
  return decideLevels(a.levels.map((l) => ({ bias: l.bias, diffs: l.gap })));
}

export function esmmBiasLevels(a: EsmmAnalysis): LevelDecision[] {
  return decideLevels(a.levels.map((l) => ({ bias: l.bias, diffs: l.biasGap })));
}

/** The sentence on ESMM's CVR AUC against BASE at each β, decided as in decideLevels. */
export function esmmAucSentence(a: EsmmAnalysis): string {
  return levelSentence("ESMM's CVR AUC over all impressions", "BASE's", esmmAucLevels(a));
}

/** The sentence on |bias| of pCVR at each β (below = ESMM less biased). */
export function esmmBiasSentence(a: EsmmAnalysis): string {
  return levelSentence("ESMM's absolute pCVR bias over all impressions", "BASE's", esmmBiasLevels(a));
}

/** Where the deciding case's unadjusted 95 % CI stands against the registered smallest effect of interest m. */
export function againstMinimum(ci: readonly [number, number], m: number, expect: "positive" | "negative"): string {
  const [lo, hi] = expect === "positive" ? ci : [-ci[1], -ci[0]];
  if (lo >= m) return `the 95 % CI lies beyond the registered size ${m} in the claimed direction`;
  if (hi < m) return `the 95 % CI rules out an effect of the registered size ${m} in the claimed direction`;
  return `the 95 % CI includes effects of the registered size ${m}`;
}

export function esmmClaims(a: EsmmAnalysis): Claim[] {
  const biased = a.levels.filter((l) => l.bias > 0 && l.gap.length >= 2);
  const out: Claim[] = [];
  const aucSentence = esmmAucSentence(a);
  if (biased.length > 0) {
    out.push(claimOf(FUNNEL_CLAIMS.esmmBeatsBase, {
      effect: "CVR AUC over all test impressions (against the generator's conversion outcome), ESMM − BASE, per seed, at each selection bias β > 0",
      finding: `${aucSentence} β = 0 (no selection on conversion propensity) is shown but is not a case of the claim.`,
      evidence: biased.map((l): Part => ({ label: `β = ${l.bias}`, evidence: pairedEvidence(l.gap) })),
    }));
  }
  const withTruth = a.levels.filter((l) => l.bias > 0 && l.biasGap.length >= 2);
  if (withTruth.length > 0) {
    const means = a.levels.map((l) => `β = ${l.bias}: ESMM ${fmt(l.cvrBias["esmm"]?.mean ?? null)}, BASE ${fmt(l.cvrBias["base"]?.mean ?? null)}`).join("; ");
    out.push(claimOf(FUNNEL_CLAIMS.esmmLessBiased, {
      effect: "|mean pCVR − mean σ(z₂)| over all test impressions (clicked and unclicked), ESMM − BASE, per seed, at each β > 0 (negative: ESMM less biased)",
      finding: `${esmmBiasSentence(a)} Mean bias (predicted − true, mean over runs): ${means}.`,
      evidence: withTruth.map((l): Part => ({ label: `β = ${l.bias}`, evidence: pairedEvidence(l.biasGap) })),
    }));
  }
  if (a.slopes.length >= 2) {
    const s = summarize(a.slopes);
    out.push(claimOf(FUNNEL_CLAIMS.esmmGapGrows, {
      effect: "per-seed least-squares slope of the CVR AUC gap (ESMM − BASE) against β ∈ {" + a.levels.map((l) => l.bias).join(", ") + "}",
      finding: `Slope ${sumText(s)} AUC per unit β over ${s.n} seeds. A slope is not a gain. ${aucSentence}`,
      evidence: pairedEvidence(a.slopes),
    }));
  }
  return out;
}

/** Checks of our own on the ESMM runs: the generator's selection on conversion propensity. */
export function esmmChecks(a: EsmmAnalysis): Claim[] {
  const biased = a.levels.filter((l) => l.bias > 0 && l.selection.length >= 2);
  if (biased.length === 0) return [];
  const zero = a.levels.find((l) => l.bias === 0);
  const z = zero && zero.selection.length >= 2 ? summarize(zero.selection) : null;
  return [claimOf(FUNNEL_CLAIMS.generatorSelects, {
    effect: "realised conversion rate among clicked impressions − over all impressions, per seed's data set, at each β > 0",
    finding: `Mean difference by β: ${a.levels.map((l) => `β = ${l.bias}: ${fmt(summarize(l.selection).mean)}`).join("; ")}${z ? ` (β = 0, not a case: ${sumText(z)})` : ""}.`,
    evidence: biased.map((l): Part => ({ label: `β = ${l.bias}`, evidence: pairedEvidence(l.selection) })),
  })];
}

/** One row per β and model: those two columns, then `cells`. */
function levelRows(a: EsmmAnalysis, cells: (l: EsmmLevel, m: string) => Record<string, Cell>): Record<string, Cell>[] {
  return a.levels.flatMap((l) => a.models.map((m) => ({ "selection bias β": l.bias, model: funnelLabel(m), ...cells(l, m) })));
}

export function esmmTable(a: EsmmAnalysis, profile: string): Table {
  const rows = levelRows(a, (l, m) => ({
    "CVR AUC, all impressions [95 % CI]": sumText(l.cvrAuc[m]),
    "CTCVR AUC": sumText(l.ctcvrAuc[m]),
    "CTR AUC": sumText(l.ctrAuc[m]),
    runs: l.cvrAuc[m].n,
    "CVR gap ESMM − BASE": m === "esmm" ? sumText(l.gapSummary) : "",
  }));
  return tableFromRows(rows, {
    caption: "ESMM vs BASE on the synthetic funnel: test AUC per task and selection bias (CVR scored against the generator's conversion outcome over ALL impressions)",
    notes: [profile, "AUC over the 40,000 test impressions of each run's own funnel; CVR's labels are the generator's potential conversions, which real logs only have for clicked impressions. Mean and 95 % CI (Student t) over runs."],
  });
}

/** pCVR against the true conversion probabilities σ(z₂) over all test impressions, per β and model. */
export function esmmCalibrationTable(a: EsmmAnalysis, profile: string): Table {
  const rows = levelRows(a, (l, m) => ({
    "pCVR bias: mean predicted − true [95 % CI]": sumText(l.cvrBias[m]),
    "mean |predicted − true|": sumText(l.cvrMae[m]),
    "ECE vs truth (10 equal-count bins)": sumText(l.cvrEce[m]),
    runs: l.cvrBias[m].n,
    "|bias| ESMM − |bias| BASE": m === "esmm" ? sumText(l.biasGapSummary) : "",
  }));
  return tableFromRows(rows, {
    caption: "pCVR against the true conversion probabilities σ(z₂) over all test impressions, clicked and unclicked",
    notes: [
      profile,
      "Per run, over its 40,000 test impressions: bias = mean of σ(output) − σ(z₂); mean absolute error; expected calibration error = Σ over 10 bins of equal impression count in the order of the prediction of (bin share) × |mean prediction − mean σ(z₂)|. Mean and 95 % CI (Student t) over runs.",
    ],
  });
}

// ---- AITM

export const LATER_STEPS = AITM_TASKS.slice(1).map((t) => t.name);

/** Mean of shares over runs with a 95 % percentile-bootstrap interval (seeded): inside [0, 1] like the shares. */
export interface ShareSummary {
  n: number;
  mean: number | null;
  ci95: [number, number] | null;
}

/** Resamples of the share interval; seeded, so tables reproduce. */
const SHARE_RESAMPLES = 4000;

/**
 * Mean of per-run shares (each in [0, 1]) and a percentile-bootstrap 95 % interval over runs: every
 * resampled mean is a mean of shares, so the interval stays in [0, 1] (a Student-t interval can
 * cross 0 when a few runs carry all the violations).
 */
export function shareSummary(values: readonly number[], seed = 1): ShareSummary {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return { n, mean: null, ci95: null };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, mean, ci95: null };
  const rng = new Rng(seed);
  const draws = Array.from({ length: SHARE_RESAMPLES }, () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)];
    return s / n;
  }).sort((a, b) => a - b);
  const q = (p: number) => draws[Math.min(draws.length - 1, Math.max(0, Math.round(p * (draws.length - 1))))];
  return { n, mean, ci95: [q(0.025), q(0.975)] };
}

const shareText = (s: ShareSummary) => (s.mean === null ? "–" : `${fmt(s.mean)}${s.ci95 ? ` [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]` : ""}`);

export interface AitmAnalysis {
  models: string[];
  /** model → step → AUC summary. */
  auc: Record<string, Record<string, Summary>>;
  /** model → step → violations (share of test impressions; steps 2 …), bootstrap interval. */
  violations: Record<string, Record<string, ShareSummary>>;
  /** model → per-seed violations summed over the later steps. */
  violationsTotal: Record<string, Map<number, number>>;
  /** model → step → bias / ECE of the step's predicted probability against its true probability. */
  bias: Record<string, Record<string, Summary>>;
  ece: Record<string, Record<string, Summary>>;
  runs: readonly RunRecord[];
}

export function analyseAitm(runs: readonly RunRecord[]): AitmAnalysis {
  const models = [...new Set(runs.map((r) => r.model))];
  const auc: AitmAnalysis["auc"] = {}, violations: AitmAnalysis["violations"] = {}, violationsTotal: AitmAnalysis["violationsTotal"] = {};
  const bias: AitmAnalysis["bias"] = {}, ece: AitmAnalysis["ece"] = {};
  for (const m of models) {
    const per = (metric: string) => Object.fromEntries(AITM_TASKS.map((t) => [t.name, summarize([...bySeed(runs, m, t.name, metric).values()])]));
    auc[m] = per("auc");
    bias[m] = per("biasVsTruth");
    ece[m] = per("eceVsTruth");
    violations[m] = Object.fromEntries(LATER_STEPS.map((t) => [t, shareSummary([...bySeed(runs, m, t, "violations").values()])]));
    const total = new Map<number, number>();
    for (const t of LATER_STEPS) for (const [s, v] of bySeed(runs, m, t, "violations")) total.set(s, (total.get(s) ?? 0) + v);
    violationsTotal[m] = total;
  }
  return { models, auc, violations, violationsTotal, bias, ece, runs };
}

function stepParts(runs: readonly RunRecord[], a: string, b: string): Part[] {
  return LATER_STEPS.map((t) => ({ label: t, diffs: pairedDiffs(bySeed(runs, a, t, "auc"), bySeed(runs, b, t, "auc")) }))
    .filter((p) => p.diffs.length >= 2)
    .map((p) => ({ label: p.label, evidence: pairedEvidence(p.diffs) }));
}

function stepFinding(runs: readonly RunRecord[], a: string, b: string): string {
  return LATER_STEPS.map((t) => `${t} ${fmt(summarize(pairedDiffs(bySeed(runs, a, t, "auc"), bySeed(runs, b, t, "auc"))).mean)}`).join("; ");
}

export function aitmClaims(a: AitmAnalysis): Claim[] {
  const out: Claim[] = [];
  const has = (...ms: string[]) => ms.every((m) => a.models.includes(m));
  const step = (decl: FunnelClaimDecl, x: string, y: string) => {
    const parts = stepParts(a.runs, x, y);
    if (parts.length === 0) return;
    out.push(claimOf(decl, {
      effect: `test AUC over impressions per later step, ${funnelLabel(x)} − ${funnelLabel(y)}, per seed`,
      finding: `Mean AUC differences: ${stepFinding(a.runs, x, y)}.`,
      evidence: parts,
    }));
  };
  if (has("aitm-no-calibrator", "towers")) step(FUNNEL_CLAIMS.aitmTransfer, "aitm-no-calibrator", "towers");
  if (has("aitm", "aitm-no-calibrator")) step(FUNNEL_CLAIMS.aitmCalibrator, "aitm", "aitm-no-calibrator");
  if (has("aitm", "esmm-product")) step(FUNNEL_CLAIMS.aitmVsProduct, "aitm", "esmm-product");
  return out;
}

/** Checks of our own on the AITM runs: the calibrator acts on the violations it penalises. */
export function aitmChecks(a: AitmAnalysis): Claim[] {
  if (!a.models.includes("aitm") || !a.models.includes("aitm-no-calibrator")) return [];
  const d = pairedDiffs(a.violationsTotal["aitm"], a.violationsTotal["aitm-no-calibrator"]);
  if (d.length < 2) return [];
  const total = (m: string) => shareText(shareSummary([...a.violationsTotal[m].values()]));
  return [claimOf(FUNNEL_CLAIMS.calibratorMonotone, {
    effect: "share of test impressions predicted above the previous step, summed over the later steps, AITM − AITM without calibrator, per seed",
    finding: `Violations summed over steps 2–4 (mean, 95 % percentile-bootstrap interval over runs): with calibrator ${total("aitm")}, without ${total("aitm-no-calibrator")}.`,
    evidence: pairedEvidence(d),
  })];
}

export function aitmTable(a: AitmAnalysis, profile: string): Table {
  const rows = a.models.map((m) => ({
    model: funnelLabel(m),
    ...Object.fromEntries(AITM_TASKS.map((t) => [`${t.name} AUC`, sumText(a.auc[m][t.name])])),
    ...Object.fromEntries(LATER_STEPS.map((t) => [`${t} violations`, shareText(a.violations[m][t])])),
    runs: a.auc[m][AITM_TASKS[0].name].n,
  }));
  return tableFromRows(rows, {
    caption: "AITM ablation on the four-step synthetic funnel: test AUC per step over impressions, and monotonicity violations",
    notes: [
      profile,
      "AUC: mean and 95 % CI (Student t) over runs. Violations of a step: share of test impressions predicted more likely to reach it than the step before (0 by construction for the ESMM-style product up to float rounding); mean over runs with a 95 % percentile-bootstrap interval (4,000 resamples of the runs, seeded), which stays within [0, 1].",
    ],
  });
}

/** Each step's predicted probability against its true probability Π σ(z_j) over all test impressions. */
export function aitmCalibrationTable(a: AitmAnalysis, profile: string): Table {
  const rows = a.models.flatMap((m) =>
    AITM_TASKS.map((t) => ({
      model: funnelLabel(m),
      step: t.name,
      "bias: mean predicted − true [95 % CI]": sumText(a.bias[m][t.name], 5),
      "ECE vs truth (10 equal-count bins)": sumText(a.ece[m][t.name], 5),
      runs: a.bias[m][t.name].n,
    })),
  );
  return tableFromRows(rows, {
    caption: "AITM ablation: each step's predicted probability against its true probability over all test impressions",
    notes: [profile, "True probability of step t: Π_{j ≤ t} σ(z_j) of the generator. Bias and ECE as in funnel-esmm's calibration table; mean and 95 % CI (Student t) over runs."],
  });
}

// ---- DCN

export function dcnTasks(runs: readonly RunRecord[]): string[] {
  const r = runs.find((x) => x.status === "ok" && x.metrics);
  return r ? Object.keys(r.metrics!.test) : [];
}

export function dcnClaims(runs: readonly RunRecord[]): Claim[] {
  const tasks = dcnTasks(runs);
  const parts: Part[] = [];
  const found: string[] = [];
  for (const [cross, plain] of DCN_PAIRS) {
    for (const t of tasks) {
      const d = pairedDiffs(bySeed(runs, cross, t, "auc"), bySeed(runs, plain, t, "auc"));
      if (d.length < 2) continue;
      parts.push({ label: `${funnelLabel(cross)} vs ${funnelLabel(plain)}, ${t}`, evidence: pairedEvidence(d) });
      found.push(`${funnelLabel(plain)} ${t} ${fmt(summarize(d).mean)}`);
    }
  }
  if (parts.length === 0) return [];
  return [claimOf(FUNNEL_CLAIMS.crossHelps, {
    effect: "Census-Income test AUC, model with 2 cross layers − the plain model at (within 3 %) equal parameter count, per seed, each model pair and task",
    finding: `Mean AUC differences: ${found.join("; ")}.`,
    evidence: parts,
  })];
}

export function dcnTable(runs: readonly RunRecord[], profile: string): Table {
  const tasks = dcnTasks(runs);
  const models = [...new Set(runs.map((r) => r.model))];
  const rows = models.map((m) => {
    const run = runs.find((r) => r.model === m);
    return {
      model: funnelLabel(m),
      parameters: run?.parameters?.perReplica ?? null,
      ...Object.fromEntries(tasks.map((t) => [`${t} AUC`, sumText(summarize([...bySeed(runs, m, t, "auc").values()]))])),
      runs: bySeed(runs, m, tasks[0] ?? "", "auc").size,
    };
  });
  return tableFromRows(rows, { caption: "Cross network on Census-Income group 1: test AUC per task (mean [95 % CI] over runs)", notes: [profile] });
}

// ---- the families

export interface FunnelRuns {
  esmm?: readonly RunRecord[];
  aitm?: readonly RunRecord[];
  dcn?: readonly RunRecord[];
}

/** The claims of one registered family from the runs given ([] when its experiment's runs are absent). */
export function familyClaims(family: FunnelFamily, r: FunnelRuns): Claim[] {
  const esmm = r.esmm && r.esmm.length ? analyseEsmm(r.esmm) : null;
  const aitm = r.aitm && r.aitm.length ? analyseAitm(r.aitm) : null;
  const built: Claim[] = (() => {
    switch (family) {
      case "esmm": return esmm ? esmmClaims(esmm) : [];
      case "esmm-checks": return esmm ? esmmChecks(esmm) : [];
      case "aitm": return aitm ? aitmClaims(aitm) : [];
      case "aitm-checks": return aitm ? aitmChecks(aitm) : [];
      case "dcn": return r.dcn && r.dcn.length ? dcnClaims(r.dcn) : [];
    }
  })();
  const declared: readonly string[] = FUNNEL_REGISTRATION.families[family].claims;
  const stray = built.find((c) => !declared.includes(c.id));
  if (stray) throw new Error(`funnel family ${family}: claim ${stray.id} is not registered in it (FUNNEL_REGISTRATION.families)`);
  return built;
}

/**
 * One registered family judged on its own (Holm over its claims, at the registered level);
 * `registration` says whether FUNNEL_REGISTRATION predates the runs (resultsRegistration).
 */
export function judgeFunnelFamily(family: FunnelFamily, r: FunnelRuns, registration?: RegistrationStatus): Judged[] {
  return judgeFamily(familyClaims(family, r), { alpha: FUNNEL_REGISTRATION.alpha.value, power: FUNNEL_REGISTRATION.power.value, ...(registration ? { registration } : {}) });
}

export const FUNNEL_FAMILIES = Object.keys(FUNNEL_REGISTRATION.families) as FunnelFamily[];

/** Every family of notebook 06 judged, each on its own: family → judged claims. */
export function judgeFunnelFamilies(r: FunnelRuns, registration?: RegistrationStatus): Record<FunnelFamily, Judged[]> {
  return Object.fromEntries(FUNNEL_FAMILIES.map((f) => [f, judgeFunnelFamily(f, r, registration)])) as Record<FunnelFamily, Judged[]>;
}

/** Every judged claim of notebook 06, family by family (paper families first). */
export function judgeFunnel(r: FunnelRuns, registration?: RegistrationStatus): Judged[] {
  return FUNNEL_FAMILIES.flatMap((f) => judgeFunnelFamily(f, r, registration));
}

/** The quoted words a judged claim carries ("" for a check of our own). */
export const quoteOf = (j: Judged): string => (j as Judged & { quote?: string }).quote ?? "";

/** The claims table of one family, with the paper's words beside each claim and the registered smallest effect of interest. */
export function funnelClaimsTable(judged: readonly Judged[], family: FunnelFamily): Table {
  const f = FUNNEL_REGISTRATION.families[family];
  const mei = judged.map((j) => {
    const reg = registered(j.id as FunnelClaimId);
    return `${j.id}: ${reg.minimumEffect} ${reg.unit}: ${againstMinimum(j.ci95, reg.minimumEffect, reg.expect)} (deciding case)`;
  });
  return familyClaimsTable(judged, `Notebook 06, ${f.title}: supported / contradicted / inconclusive`, f, "registered before the runs (FUNNEL_REGISTRATION in lib/studies/funnel/paper.ts)", [`Smallest effects of interest (they do not decide a verdict): ${mei.join("; ") || "none"}.`]);
}
