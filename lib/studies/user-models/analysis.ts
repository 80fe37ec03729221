/**
 * Analyses of the user-models study: per-seed paired differences (runs of one seed share their
 * data: the audience family of the seed, or the one sessions data set), the claims of
 * USER_MODEL_CLAIMS judged in the families of USER_MODEL_REGISTRATION (each with Holm), and the
 * tables. Pure functions over run records.
 *
 * MetaHeac: each arm (training mode × model) is scored per support size k on the test audiences'
 *   query AUC (mean over the 10 test audiences, stored as pseudo-task "<k>-shot"); effects are
 *   per-seed differences at each k > 0, one case each.
 * DUPN: test AUC (binary) or Pearson r (price) of DUPN trained on all tasks − DUPN trained on that
 *   task alone; the transfer effect = AUC of the head on the frozen multi-task representation −
 *   AUC of DUPN trained on the held-out task from scratch; the attention effect = attention mass on
 *   relevant behaviours − their share among the user's behaviours, per run.
 */
import { directionClaim, equivalenceClaim, familyClaimsTable, judgeFamily, pairedEvidence, type Claim, type Judged, type Part, type RegistrationStatus } from "../../claims";
import { shotKey } from "../../engine/train/meta-trainer";
import type { RunRecord } from "../../engine/store/run-record";
import { summarize, type Summary } from "../../stats/across-runs";
import { tableFromRows, type Table } from "../../tables";
import { SESSION_TASKS } from "./data";
import { userModelLabel } from "./models";
import { USER_MODEL_CLAIMS, USER_MODEL_REGISTRATION, type UserModelClaimDecl, type UserModelClaimId, type UserModelFamily } from "./paper";

/** Test value of `metric` on `task` (a pseudo-task too); null for a diverged run or a missing value. */
export function testMetric(run: RunRecord, task: string, metric: string): number | null {
  if (run.status !== "ok" || !run.metrics) return null;
  const v = run.metrics.test[task]?.[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** seed → value of one model under one condition. */
export function bySeed(runs: readonly RunRecord[], condition: string, model: string, task: string, metric: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of runs) {
    if (r.model !== model || r.condition !== condition) continue;
    const v = testMetric(r, task, metric);
    if (v !== null) out.set(r.seed, v);
  }
  return out;
}

/** Per-seed a − b over the seeds both have, in seed order. */
export function pairedDiffs(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number[] {
  return [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y).map((s) => a.get(s)! - b.get(s)!);
}

const fmt = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? "–" : x.toFixed(d));
const sumText = (s: Summary, d = 4) => (s.mean === null ? "–" : `${fmt(s.mean, d)} [${fmt(s.ci95?.[0], d)}, ${fmt(s.ci95?.[1], d)}]`);

function claimOf(decl: UserModelClaimDecl, rest: { effect: string; finding: string; evidence: Claim["evidence"] }): Claim {
  const reg = USER_MODEL_REGISTRATION.claims[decl.id as UserModelClaimId];
  if (reg.rule === "equivalence") return equivalenceClaim({ ...decl, ...rest, margin: reg.margin });
  return directionClaim({ ...decl, ...rest, expect: reg.expect });
}

// ---- MetaHeac

/** An arm of the MetaHeac experiment: its training mode (condition) and model. */
export interface FewShotArm {
  condition: string;
  model: string;
  label: string;
}

export interface FewShotAnalysis {
  shots: number[];
  arms: FewShotArm[];
  /** arm key (condition/model) → k → test query AUC over runs. */
  auc: Record<string, Record<number, Summary>>;
  /** How every arm adapted to a new audience, from the runs' recorded settings ("10 full-batch SGD steps at rate 0.3"). */
  adaptation: string;
}

const armKey = (a: { condition: string; model: string }) => `${a.condition}/${a.model}`;
const armLabel = (condition: string, model: string) => `${userModelLabel(model)} (${condition === "meta" ? "meta-trained" : condition === "pooled" ? "pretrained, fine-tuned" : "from scratch"})`;

/** The support sizes stored in the runs, ascending. */
export function shotsOf(runs: readonly RunRecord[]): number[] {
  const r = runs.find((x) => x.status === "ok" && x.metrics);
  if (!r) return [];
  return Object.keys(r.metrics!.test).map((k) => /^(\d+)-shot$/.exec(k)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
}

export function analyseFewShot(runs: readonly RunRecord[]): FewShotAnalysis {
  const shots = shotsOf(runs);
  const seen = new Map<string, FewShotArm>();
  for (const r of runs) if (!seen.has(armKey(r))) seen.set(armKey(r), { condition: r.condition, model: r.model, label: armLabel(r.condition, r.model) });
  const arms = [...seen.values()];
  const auc = Object.fromEntries(arms.map((a) => [armKey(a), Object.fromEntries(shots.map((k) => [k, summarize([...bySeed(runs, a.condition, a.model, shotKey(k), "auc").values()])]))]));
  const e = (runs[0]?.config.condition as { episodes?: { adaptSteps: number; adaptLearningRate: number } } | undefined)?.episodes;
  const adaptation = e ? `${e.adaptSteps} full-batch SGD steps at rate ${e.adaptLearningRate}` : "adaptation recorded in no run";
  return { shots, arms, auc, adaptation };
}

/** Cases "k = …" of a comparison a − b at every k > 0 (seeds both have). */
function shotParts(runs: readonly RunRecord[], a: [string, string], b: [string, string], prefix = ""): { parts: Part[]; means: string[] } {
  const parts: Part[] = [], means: string[] = [];
  for (const k of shotsOf(runs).filter((x) => x > 0)) {
    const d = pairedDiffs(bySeed(runs, a[0], a[1], shotKey(k), "auc"), bySeed(runs, b[0], b[1], shotKey(k), "auc"));
    if (d.length < 2) continue;
    parts.push({ label: `${prefix}k = ${k}`, evidence: pairedEvidence(d) });
    means.push(`${prefix}k = ${k}: ${fmt(summarize(d).mean)}`);
  }
  return { parts, means };
}

const META: [string, string] = ["meta", "metaheac"];

export function metaheacClaims(runs: readonly RunRecord[]): Claim[] {
  const out: Claim[] = [];
  const baselines: [string, string][] = [["pooled", "shared-bottom"], ["pooled", "mmoe"], ["meta", "maml"]];
  const parts: Part[] = [], means: string[] = [];
  for (const b of baselines) {
    const p = shotParts(runs, META, b, `vs ${armLabel(b[0], b[1])}, `);
    parts.push(...p.parts);
    means.push(...p.means);
  }
  if (parts.length) {
    out.push(claimOf(USER_MODEL_CLAIMS.metaheacFewShot, {
      effect: "mean query AUC over the test audiences after adapting on k support users, MetaHeac − baseline, per seed, each baseline and k > 0",
      finding: `Mean AUC differences: ${means.join("; ")}.`,
      evidence: parts,
    }));
  }
  const ablation = (decl: UserModelClaimDecl, model: string, what: string) => {
    const p = shotParts(runs, META, ["meta", model]);
    if (p.parts.length) out.push(claimOf(decl, { effect: `mean query AUC over the test audiences, MetaHeac − MetaHeac with ${what}, per seed, each k > 0`, finding: `Mean AUC differences: ${p.means.join("; ")}.`, evidence: p.parts }));
  };
  ablation(USER_MODEL_CLAIMS.metaheacExpertGate, "metaheac-no-expert-gate", "uniform expert weights");
  ablation(USER_MODEL_CLAIMS.metaheacCriticGate, "metaheac-no-critic-gate", "uniform critic weights");
  return out;
}

export function metaheacChecks(runs: readonly RunRecord[]): Claim[] {
  const p = shotParts(runs, ["pooled", "shared-bottom"], ["scratch", "shared-bottom"]);
  if (!p.parts.length) return [];
  return [claimOf(USER_MODEL_CLAIMS.pretrainingHelps, { effect: "mean query AUC over the test audiences, Shared-Bottom pretrained then fine-tuned − fine-tuned from its initialisation, per seed, each k > 0", finding: `Mean AUC differences: ${p.means.join("; ")}.`, evidence: p.parts })];
}

export function fewShotTable(a: FewShotAnalysis, profile: string): Table {
  const rows = a.arms.map((arm) => ({
    model: arm.label,
    ...Object.fromEntries(a.shots.map((k) => [`k = ${k}`, sumText(a.auc[armKey(arm)][k])])),
    runs: a.auc[armKey(arm)][a.shots[0]]?.n ?? 0,
  }));
  return tableFromRows(rows, {
    caption: "New audiences: mean query AUC over the 10 test audiences after adapting on k support users (mean [95 % CI] over runs)",
    notes: [profile, `k = 0: the pretrained or meta-trained model as it is, no adaptation. Every model adapts with the same ${a.adaptation} on its k users; each run has its own audience family, shared by the models of one seed.`],
  });
}

// ---- DUPN

export interface DupnAnalysis {
  /** condition → task → test metric (AUC, or Pearson r for price) over runs, DUPN only. */
  dupn: Record<string, Record<string, Summary>>;
  /** model → task → test metric over runs, condition "all". */
  all: Record<string, Record<string, Summary>>;
  /** Per run of DUPN on all tasks: attention mass on relevant behaviours, and their share. */
  attention: { seed: number; relevantMass: number; uniformMass: number }[];
  transferFrozen: Summary;
  transferScratch: Summary;
}

export const taskMetric = (task: string) => (task === "price" ? "pearson" : "auc");

export function analyseDupn(runs: readonly RunRecord[]): DupnAnalysis {
  const conditions = [...new Set(runs.map((r) => r.condition))];
  const tasksOf = (c: string) => (c === "all" ? SESSION_TASKS.map((t) => t.name) : [c.replace(/-only$/, "").replace(/-scratch$/, "")]);
  const dupn = Object.fromEntries(conditions.map((c) => [c, Object.fromEntries(tasksOf(c).map((t) => [t, summarize([...bySeed(runs, c, "dupn", t, taskMetric(t)).values()])]))]));
  const models = [...new Set(runs.filter((r) => r.condition === "all").map((r) => r.model))];
  const all = Object.fromEntries(models.map((m) => [m, Object.fromEntries(SESSION_TASKS.map((t) => [t.name, summarize([...bySeed(runs, "all", m, t.name, taskMetric(t.name)).values()])]))]));
  const relevant = bySeed(runs, "all", "dupn", "attention", "relevantMass"), uniform = bySeed(runs, "all", "dupn", "attention", "uniformMass");
  const attention = [...relevant.keys()].filter((s) => uniform.has(s)).sort((a, b) => a - b).map((seed) => ({ seed, relevantMass: relevant.get(seed)!, uniformMass: uniform.get(seed)! }));
  return {
    dupn, all, attention,
    transferFrozen: summarize([...bySeed(runs, "all", "dupn", "transfer-frozen", "auc").values()]),
    transferScratch: summarize([...bySeed(runs, "transfer-scratch", "dupn", "transfer", "auc").values()]),
  };
}

export function dupnClaims(runs: readonly RunRecord[]): Claim[] {
  const out: Claim[] = [];
  const parts: Part[] = [], means: string[] = [];
  for (const t of SESSION_TASKS) {
    const m = taskMetric(t.name);
    const d = pairedDiffs(bySeed(runs, "all", "dupn", t.name, m), bySeed(runs, `${t.name}-only`, "dupn", t.name, m));
    if (d.length < 2) continue;
    parts.push({ label: `${t.name} (${m})`, evidence: pairedEvidence(d) });
    means.push(`${t.name} ${fmt(summarize(d).mean)}`);
  }
  if (parts.length) out.push(claimOf(USER_MODEL_CLAIMS.dupnMultiTask, { effect: "test AUC (click, rank) or Pearson r (price), DUPN on all three tasks − DUPN on that task alone, per seed, each task", finding: `Mean differences: ${means.join("; ")}.`, evidence: parts }));
  const tr = pairedDiffs(bySeed(runs, "all", "dupn", "transfer-frozen", "auc"), bySeed(runs, "transfer-scratch", "dupn", "transfer", "auc"));
  if (tr.length >= 2) {
    const a = analyseDupn(runs);
    out.push(claimOf(USER_MODEL_CLAIMS.dupnTransfer, { effect: "held-out task test AUC, logistic head on the frozen multi-task representation − DUPN trained on it from scratch, per seed", finding: `Frozen head ${sumText(a.transferFrozen)}; from scratch ${sumText(a.transferScratch)}.`, evidence: pairedEvidence(tr) }));
  }
  const at = pairedDiffs(bySeed(runs, "all", "dupn", "attention", "relevantMass"), bySeed(runs, "all", "dupn", "attention", "uniformMass"));
  if (at.length >= 2) {
    const s = summarize(at);
    out.push(claimOf(USER_MODEL_CLAIMS.dupnAttention, { effect: "mean attention mass on the behaviours in the query's category − their mean share of the behaviours, test users, per run of DUPN on all tasks", finding: `Excess attention on relevant behaviours ${sumText(s, 3)}.`, evidence: pairedEvidence(at) }));
  }
  return out;
}

export function dupnTable(a: DupnAnalysis, profile: string): Table {
  const rows = [
    ...Object.entries(a.all).map(([m, per]) => ({ model: `${userModelLabel(m)}, all tasks`, ...Object.fromEntries(SESSION_TASKS.map((t) => [`${t.name} ${taskMetric(t.name)}`, sumText(per[t.name])])), runs: per[SESSION_TASKS[0].name].n })),
    ...SESSION_TASKS.filter((t) => a.dupn[`${t.name}-only`]).map((t) => ({ model: `DUPN, ${t.name} alone`, ...Object.fromEntries(SESSION_TASKS.map((u) => [`${u.name} ${taskMetric(u.name)}`, u.name === t.name ? sumText(a.dupn[`${t.name}-only`][t.name]) : "–"])), runs: a.dupn[`${t.name}-only`][t.name].n })),
  ];
  return tableFromRows(rows, { caption: "Sessions: test AUC (click, rank) and Pearson r (price), trained on all tasks or on one alone (mean [95 % CI] over runs)", notes: [profile, "Shared-Bottom and MMoE read the same columns as a bag of embedded features, without order or attention."] });
}

export function transferTable(a: DupnAnalysis, profile: string): Table {
  const rel = summarize(a.attention.map((x) => x.relevantMass)), uni = summarize(a.attention.map((x) => x.uniformMass));
  return tableFromRows([
    { quantity: "held-out task AUC, head on the frozen multi-task representation", value: sumText(a.transferFrozen), runs: a.transferFrozen.n },
    { quantity: "held-out task AUC, DUPN trained on it from scratch", value: sumText(a.transferScratch), runs: a.transferScratch.n },
    { quantity: "attention mass on relevant behaviours (DUPN, all tasks)", value: sumText(rel, 3), runs: rel.n },
    { quantity: "their share of the behaviours (uniform attention)", value: sumText(uni, 3), runs: uni.n },
  ], { caption: "DUPN: transfer of the frozen representation, and attention against the behaviours the labels depend on", notes: [profile, "Attention over the first 4,000 test users; the head fitted on the first 8,000 training users (Adam, 300 full-batch steps on standardised representations)."] });
}

// ---- the families

export interface UserModelRuns {
  metaheac?: readonly RunRecord[];
  dupn?: readonly RunRecord[];
}

export function familyClaims(family: UserModelFamily, r: UserModelRuns): Claim[] {
  const built: Claim[] = (() => {
    switch (family) {
      case "dupn": return r.dupn?.length ? dupnClaims(r.dupn) : [];
      case "metaheac": return r.metaheac?.length ? metaheacClaims(r.metaheac) : [];
      case "metaheac-checks": return r.metaheac?.length ? metaheacChecks(r.metaheac) : [];
    }
  })();
  const declared: readonly string[] = USER_MODEL_REGISTRATION.families[family].claims;
  const stray = built.find((c) => !declared.includes(c.id));
  if (stray) throw new Error(`user-models family ${family}: claim ${stray.id} is not registered in it (USER_MODEL_REGISTRATION.families)`);
  return built;
}

export function judgeUserModelFamily(family: UserModelFamily, r: UserModelRuns, registration?: RegistrationStatus): Judged[] {
  return judgeFamily(familyClaims(family, r), { alpha: USER_MODEL_REGISTRATION.alpha.value, power: USER_MODEL_REGISTRATION.power.value, ...(registration ? { registration } : {}) });
}

export const USER_MODEL_FAMILIES = Object.keys(USER_MODEL_REGISTRATION.families) as UserModelFamily[];

export function judgeUserModelFamilies(r: UserModelRuns, registration?: RegistrationStatus): Record<UserModelFamily, Judged[]> {
  return Object.fromEntries(USER_MODEL_FAMILIES.map((f) => [f, judgeUserModelFamily(f, r, registration)])) as Record<UserModelFamily, Judged[]>;
}

/** The claims table of one family, with the paper's words and the registered size of each claim. */
export function userModelClaimsTable(judged: readonly Judged[], family: UserModelFamily): Table {
  const f = USER_MODEL_REGISTRATION.families[family];
  const sizes = judged.map((j) => {
    const reg = USER_MODEL_REGISTRATION.claims[j.id as UserModelClaimId];
    return reg.rule === "equivalence" ? `${j.id}: equivalence margin ±${reg.margin} ${reg.unit}` : `${j.id}: smallest effect of interest ${reg.minimumEffect} ${reg.unit}`;
  });
  return familyClaimsTable(judged, `Notebook 07, ${f.title}: supported / contradicted / inconclusive`, f, "registered in USER_MODEL_REGISTRATION (lib/studies/user-models/paper.ts)", sizes);
}
