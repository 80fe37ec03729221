/**
 * Analyses of the funnel study: per-seed paired differences (the runs of two models with one seed
 * share the data set and the batch order), the claims of FUNNEL_CLAIMS as direction claims judged
 * as one family with Holm (lib/claims), and the tables. Pure functions over run records.
 *
 * ESMM: CVR AUC over ALL test impressions against the generator's truth v_2 (task "cvr"); effect =
 *   AUC(ESMM) − AUC(BASE) per seed, at every β > 0 (one case each); the gap's growth = the per-seed
 *   least-squares slope of that difference against β (seeds are paired across β: the same seed
 *   draws the same features, and the directions turn with β).
 * AITM: per later step (2 … 4), AUC over impressions of the cumulative label; transfer = AITM
 *   without calibrator − independent towers; calibrator = AITM − AITM without calibrator;
 *   vs product = AITM − ESMM-style product; monotonicity = violations summed over the later steps,
 *   AITM − AITM without calibrator (expected negative).
 * DCN: test AUC of each census task, cross model − plain model, per seed.
 */
import { claimsTable, directionClaim, judgeFamily, pairedEvidence, type Claim, type Judged, type Part } from "../../claims";
import type { RunRecord } from "../../engine/run-record";
import { summarize, type Summary } from "../../engine/stats";
import { tableFromRows, type Table } from "../../tables";
import { AITM_TASKS } from "./data";
import { DCN_PAIRS, funnelLabel } from "./models";
import { FUNNEL_CLAIMS } from "./paper";

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
  /** Per-seed AUC(ESMM) − AUC(BASE) on CVR. */
  gap: number[];
  gapSummary: Summary;
}

export interface EsmmAnalysis {
  levels: EsmmLevel[];
  /** Per-seed slope of the CVR gap against β (seeds with every level). */
  slopes: number[];
  models: string[];
}

export function analyseEsmm(runs: readonly RunRecord[]): EsmmAnalysis {
  const conditions = [...new Map(runs.map((r) => [r.condition, biasOf(r)])).entries()].sort((a, b) => a[1] - b[1]);
  const models = [...new Set(runs.map((r) => r.model))];
  const levels = conditions.map(([condition, bias]): EsmmLevel => {
    const per = (task: string) => Object.fromEntries(models.map((m) => [m, summarize([...bySeed(runs, m, task, "auc", condition).values()])]));
    const gap = pairedDiffs(bySeed(runs, "esmm", "cvr", "auc", condition), bySeed(runs, "base", "cvr", "auc", condition));
    return { condition, bias, cvrAuc: per("cvr"), ctcvrAuc: per("ctcvr"), ctrAuc: per("ctr"), gap, gapSummary: summarize(gap) };
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

export function esmmClaims(a: EsmmAnalysis): Claim[] {
  const biased = a.levels.filter((l) => l.bias > 0 && l.gap.length >= 2);
  const out: Claim[] = [];
  if (biased.length > 0) {
    out.push(directionClaim({
      ...FUNNEL_CLAIMS.esmmBeatsBase,
      effect: "CVR AUC over all test impressions (against the generator's truth), ESMM − BASE, per seed, at each selection bias β > 0",
      finding: `Mean gap by β: ${a.levels.map((l) => `β = ${l.bias}: ${fmt(l.gapSummary.mean)}`).join("; ")} (β = 0: no selection on conversion propensity, shown but not part of the claim).`,
      evidence: biased.map((l): Part => ({ label: `β = ${l.bias}`, evidence: pairedEvidence(l.gap) })),
      expect: "positive",
    }));
  }
  if (a.slopes.length >= 2) {
    const s = summarize(a.slopes);
    out.push(directionClaim({
      ...FUNNEL_CLAIMS.esmmGapGrows,
      effect: "per-seed least-squares slope of the CVR AUC gap (ESMM − BASE) against β ∈ {" + a.levels.map((l) => l.bias).join(", ") + "}",
      finding: `Slope ${sumText(s)} AUC per unit β over ${s.n} seeds.`,
      evidence: pairedEvidence(a.slopes),
      expect: "positive",
    }));
  }
  return out;
}

export function esmmTable(a: EsmmAnalysis, profile: string): Table {
  const rows = a.levels.flatMap((l) =>
    a.models.map((m) => ({
      "selection bias β": l.bias,
      model: funnelLabel(m),
      "CVR AUC, all impressions [95 % CI]": sumText(l.cvrAuc[m]),
      "CTCVR AUC": sumText(l.ctcvrAuc[m]),
      "CTR AUC": sumText(l.ctrAuc[m]),
      runs: l.cvrAuc[m].n,
      "CVR gap ESMM − BASE": m === "esmm" ? sumText(l.gapSummary) : "",
    })),
  );
  return tableFromRows(rows, {
    caption: "ESMM vs BASE on the synthetic funnel: test AUC per task and selection bias (CVR scored against the truth over ALL impressions)",
    notes: [profile, "AUC over the 40,000 test impressions of each run's own funnel; CVR's labels are the generator's potential conversions, which real logs only have for clicked impressions. Mean and 95 % CI (Student t) over runs."],
  });
}

// ---- AITM

export const LATER_STEPS = AITM_TASKS.slice(1).map((t) => t.name);

export interface AitmAnalysis {
  models: string[];
  /** model → step → AUC summary. */
  auc: Record<string, Record<string, Summary>>;
  /** model → step → violations summary (steps 2 …). */
  violations: Record<string, Record<string, Summary>>;
  /** model → per-seed violations summed over the later steps. */
  violationsTotal: Record<string, Map<number, number>>;
  runs: readonly RunRecord[];
}

export function analyseAitm(runs: readonly RunRecord[]): AitmAnalysis {
  const models = [...new Set(runs.map((r) => r.model))];
  const auc: AitmAnalysis["auc"] = {}, violations: AitmAnalysis["violations"] = {}, violationsTotal: AitmAnalysis["violationsTotal"] = {};
  for (const m of models) {
    auc[m] = Object.fromEntries(AITM_TASKS.map((t) => [t.name, summarize([...bySeed(runs, m, t.name, "auc").values()])]));
    violations[m] = Object.fromEntries(LATER_STEPS.map((t) => [t, summarize([...bySeed(runs, m, t, "violations").values()])]));
    const total = new Map<number, number>();
    for (const t of LATER_STEPS) for (const [s, v] of bySeed(runs, m, t, "violations")) total.set(s, (total.get(s) ?? 0) + v);
    violationsTotal[m] = total;
  }
  return { models, auc, violations, violationsTotal, runs };
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
  const step = (spec: (typeof FUNNEL_CLAIMS)[keyof typeof FUNNEL_CLAIMS], x: string, y: string) => {
    const parts = stepParts(a.runs, x, y);
    if (parts.length === 0) return;
    out.push(directionClaim({
      ...spec,
      effect: `test AUC over impressions per later step, ${funnelLabel(x)} − ${funnelLabel(y)}, per seed`,
      finding: `Mean AUC differences: ${stepFinding(a.runs, x, y)}.`,
      evidence: parts,
      expect: "positive",
    }));
  };
  if (has("aitm-no-calibrator", "towers")) step(FUNNEL_CLAIMS.aitmTransfer, "aitm-no-calibrator", "towers");
  if (has("aitm", "aitm-no-calibrator")) step(FUNNEL_CLAIMS.aitmCalibrator, "aitm", "aitm-no-calibrator");
  if (has("aitm", "esmm-product")) step(FUNNEL_CLAIMS.aitmVsProduct, "aitm", "esmm-product");
  if (has("aitm", "aitm-no-calibrator")) {
    const d = pairedDiffs(a.violationsTotal["aitm"], a.violationsTotal["aitm-no-calibrator"]);
    if (d.length >= 2) {
      out.push(directionClaim({
        ...FUNNEL_CLAIMS.aitmMonotone,
        effect: "share of test impressions predicted above the previous step, summed over the later steps, AITM − AITM without calibrator, per seed",
        finding: `Violations summed over steps 2–4: with calibrator ${sumText(summarize([...a.violationsTotal["aitm"].values()]))}, without ${sumText(summarize([...a.violationsTotal["aitm-no-calibrator"].values()]))}.`,
        evidence: pairedEvidence(d),
        expect: "negative",
      }));
    }
  }
  return out;
}

export function aitmTable(a: AitmAnalysis, profile: string): Table {
  const rows = a.models.map((m) => ({
    model: funnelLabel(m),
    ...Object.fromEntries(AITM_TASKS.map((t) => [`${t.name} AUC`, sumText(a.auc[m][t.name])])),
    ...Object.fromEntries(LATER_STEPS.map((t) => [`${t} violations`, sumText(a.violations[m][t], 4)])),
    runs: a.auc[m][AITM_TASKS[0].name].n,
  }));
  return tableFromRows(rows, {
    caption: "AITM ablation on the four-step synthetic funnel: test AUC per step over impressions, and monotonicity violations",
    notes: [profile, "Violations of a step: share of test impressions predicted more likely to reach it than the step before (0 by construction for the ESMM-style product up to float rounding). Mean and 95 % CI over runs."],
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
  return [directionClaim({
    ...FUNNEL_CLAIMS.crossHelps,
    effect: "Census-Income test AUC, model with 2 cross layers − the plain model at (within 3 %) equal parameter count, per seed, each model pair and task",
    finding: `Mean AUC differences: ${found.join("; ")}.`,
    evidence: parts,
    expect: "positive",
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

// ---- the family

export interface FunnelRuns {
  esmm?: readonly RunRecord[];
  aitm?: readonly RunRecord[];
  dcn?: readonly RunRecord[];
}

/** Every claim of notebook 06 from the runs given, judged as ONE family (Holm). */
export function judgeFunnel(r: FunnelRuns): Judged[] {
  const claims = [
    ...(r.esmm && r.esmm.length ? esmmClaims(analyseEsmm(r.esmm)) : []),
    ...(r.aitm && r.aitm.length ? aitmClaims(analyseAitm(r.aitm)) : []),
    ...(r.dcn && r.dcn.length ? dcnClaims(r.dcn) : []),
  ];
  return judgeFamily(claims);
}

export function funnelClaimsTable(judged: readonly Judged[], scope: string): Table {
  return claimsTable(judged, `Notebook 06 claims (${scope}): supported / contradicted / inconclusive`);
}
