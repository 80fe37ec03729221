/**
 * Analyses of the seesaw experiments (PLE Fig. 3, Table 1, Fig. 8): per-seed MTL gains over
 * Single-Task on each task, the quadrant of every model with statistical support, the tables in
 * PLE Table 1 style, the gate statistics of PLE Fig. 8, and which task group shows the seesaw.
 *
 * MTL gain (PLE Eq. 11), per seed s, paired (Single-Task and the model share seed s, the data and
 * the batch order): regression gain_s = MSE(Single-Task, s) − MSE(model, s); binary gain_s =
 * AUC(model, s) − AUC(Single-Task, s); positive = the multi-task model is better. PLE's sentence
 * (CGC and PLE improve both tasks) is one claim per task group (intersection–union over the four
 * gains). Apart from it, each axis of each model is tested "gain > 0" on a paired t over seeds,
 * Holm over the group's axes — our description of the bubble plot, a family of its own. A model
 * sits in a quadrant "with support" only when both of its axes are decided.
 * Pure functions over run records.
 */
import { directionClaim, judgeFamily, pairedEvidence, claimsTable, registered, type Claim, type FamilyOptions, type Judged, type Verdict } from "../../claims";
import type { RunRecord } from "../../engine/store/run-record";
import { summarize, type Summary } from "../../stats/across-runs";
import { tableFromRows, type Table } from "../../tables";
import { FIG8_MODELS, SEESAW_MODELS, SEESAW_MTL_MODELS, seesawLabel } from "./models";
import { withOwnTaskRuns } from "../own-task-runs";
import { SEESAW_ONE_TASK_CONDITIONS } from "./data";
import { PLE_PAPER_QUADRANT, PLE_SEESAW_CLAIMS, PLE_TABLE1, pleTable1Gains, SEESAW_REGISTRATION, type PaperQuadrant } from "./paper";

export type SeesawGroup = "census" | "synthetic";
export const SEESAW_GROUPS: readonly SeesawGroup[] = ["census", "synthetic"];
export const SEESAW_GROUP_LABELS: Record<SeesawGroup, string> = {
  census: "Census-Income: weeks worked (MSE) + income (AUC)",
  synthetic: "Synthetic seesaw: y1 (MSE) + y2 (AUC), task correlation +0.9 / −0.5 by half of the input space",
};
export const BASELINE = "single-task";

export type Axis = "regression" | "binary";
export const AXIS_METRIC: Record<Axis, "mse" | "auc"> = { regression: "mse", binary: "auc" };

export interface SeesawTasks {
  regression: string;
  binary: string;
}

/** The regression and the binary task of the runs (from the metrics their test evaluations carry). */
export function seesawTasksOf(runs: readonly RunRecord[]): SeesawTasks {
  const run = runs.find((r) => r.status === "ok" && r.metrics);
  if (!run) throw new RangeError("seesawTasksOf: no finished run with metrics; nothing to analyse");
  const names = Object.keys(run.metrics!.test);
  const regression = names.find((t) => "mse" in run.metrics!.test[t]);
  const binary = names.find((t) => "auc" in run.metrics!.test[t]);
  if (!regression || !binary || names.length !== 2) throw new RangeError(`seesawTasksOf: expected one regression task (mse) and one binary task (auc), got tasks ${names.join(", ")}`);
  return { regression, binary };
}

/** Test value of `metric` on `task` of the run's checkpoint; null for a diverged run or a missing value. */
export function testMetric(run: RunRecord, task: string, metric: string): number | null {
  if (run.status !== "ok" || !run.metrics) return null;
  const v = run.metrics.test[task]?.[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

export interface AxisGain {
  axis: Axis;
  task: string;
  metric: "mse" | "auc";
  /** seed → gain (PLE Eq. 11; positive = better than Single-Task). */
  perSeed: Map<number, number>;
  summary: Summary;
}

export interface ModelResult {
  model: string;
  label: string;
  /** Trainable parameters of one run (null without a run). */
  parameters: number | null;
  /** Test metric over runs: regression MSE and binary AUC. */
  mse: Summary;
  auc: Summary;
  /** Gains over Single-Task, paired by seed; null for the baseline. */
  regression: AxisGain | null;
  binary: AxisGain | null;
  runs: number;
  diverged: number;
}

export interface SeesawAnalysis {
  group: SeesawGroup;
  tasks: SeesawTasks;
  models: ModelResult[];
  /** What the data source recorded (first run): label correlations, rows, generator knobs. */
  dataInfo: Record<string, unknown>;
  /** Single-Task's two networks were trained apart (one-task conditions), each at its own checkpoint; else together, at one. */
  baselineApart: boolean;
}

function bySeed(runs: readonly RunRecord[], model: string, task: string, metric: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of runs) {
    if (r.model !== model) continue;
    const v = testMetric(r, task, metric);
    if (v !== null) out.set(r.seed, v);
  }
  return out;
}

function axisGain(axis: Axis, task: string, model: ReadonlyMap<number, number>, single: ReadonlyMap<number, number>): AxisGain {
  const metric = AXIS_METRIC[axis];
  const perSeed = new Map<number, number>();
  for (const [seed, v] of [...model].sort((a, b) => a[0] - b[0])) {
    const s = single.get(seed);
    if (s === undefined) continue;
    perSeed.set(seed, axis === "regression" ? s - v : v - s);
  }
  return { axis, task, metric, perSeed, summary: summarize([...perSeed.values()]) };
}

/**
 * One record per model and seed: the Single-Task baseline's one-task runs (each task its own
 * learning rate and checkpoint) read back as one record of both tasks, the one-task records
 * themselves left out. Runs without one-task conditions pass unchanged.
 */
export function seesawRuns(runs: readonly RunRecord[]): RunRecord[] {
  // the one-task conditions of this experiment's task group (both groups name their multi-task condition alike)
  const present = SEESAW_ONE_TASK_CONDITIONS.filter((c) => runs.some((r) => r.condition === c.condition));
  const oneTask = new Set(present.map((c) => c.condition));
  return withOwnTaskRuns(runs, present).filter((r) => !oneTask.has(r.condition));
}

/** Every model's test metrics and paired gains over Single-Task. */
export function analyseSeesaw(input: readonly RunRecord[], group: SeesawGroup): SeesawAnalysis {
  const runs = seesawRuns(input);
  const tasks = seesawTasksOf(runs);
  const singleMse = bySeed(runs, BASELINE, tasks.regression, "mse");
  const singleAuc = bySeed(runs, BASELINE, tasks.binary, "auc");
  const present = [...new Set(runs.map((r) => r.model))];
  const order = [...SEESAW_MODELS.filter((m) => present.includes(m)), ...present.filter((m) => !(SEESAW_MODELS as readonly string[]).includes(m))];
  const models = order.map((model): ModelResult => {
    const mine = runs.filter((r) => r.model === model);
    const mse = bySeed(runs, model, tasks.regression, "mse");
    const auc = bySeed(runs, model, tasks.binary, "auc");
    const baseline = model === BASELINE;
    return {
      model,
      label: seesawLabel(model),
      parameters: mine[0]?.parameters.perReplica ?? null,
      mse: summarize([...mse.values()]),
      auc: summarize([...auc.values()]),
      regression: baseline ? null : axisGain("regression", tasks.regression, mse, singleMse),
      binary: baseline ? null : axisGain("binary", tasks.binary, auc, singleAuc),
      runs: mine.length,
      diverged: mine.filter((r) => testMetric(r, tasks.regression, "mse") === null || testMetric(r, tasks.binary, "auc") === null).length,
    };
  });
  const apart = SEESAW_ONE_TASK_CONDITIONS.some((c) => input.some((r) => r.condition === c.condition));
  return { group, tasks, models, dataInfo: (runs.find((r) => r.data)?.data ?? {}) as Record<string, unknown>, baselineApart: apart };
}

// ---------------------------------------------------------------------------------------------
// claims: one direction claim per model and axis

const claimId = (group: SeesawGroup, model: string, axis: Axis) => `${group}.${model}.${axis}`;
const fmt = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));
const signed = (x: number | null | undefined, digits = 4) => (x === null || x === undefined || !Number.isFinite(x) ? "–" : `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(digits)}`);

function effectText(axis: Axis, task: string): string {
  return axis === "regression" ? `MTL gain on ${task}: MSE(Single-Task) − MSE(model), paired by seed` : `MTL gain on ${task}: AUC(model) − AUC(Single-Task), paired by seed`;
}

/** The axis tests of one task group (models with ≥ 2 paired seeds; the others cannot be judged): our description, not PLE's claims. */
export function quadrantClaims(a: SeesawAnalysis): Claim[] {
  const claims: Claim[] = [];
  const words = registered(SEESAW_REGISTRATION, "axis");
  for (const m of a.models) {
    for (const g of [m.regression, m.binary]) {
      if (!g || g.perSeed.size < 2) continue;
      claims.push(
        directionClaim({
          id: claimId(a.group, m.model, g.axis),
          source: words.source,
          quote: words.quote,
          statement: `${m.label} is better than Single-Task on ${g.task} (${g.metric.toUpperCase()}) — ${a.group} group.`,
          effect: effectText(g.axis, g.task),
          finding: `${m.label}: ${g.metric.toUpperCase()} ${fmt(g.axis === "regression" ? m.mse.mean : m.auc.mean)} vs Single-Task ${fmt(g.axis === "regression" ? a.models.find((x) => x.model === BASELINE)?.mse.mean : a.models.find((x) => x.model === BASELINE)?.auc.mean)} (means over ${g.perSeed.size} seeds)`,
          evidence: pairedEvidence([...g.perSeed.values()]),
          expect: "positive",
        }),
      );
    }
  }
  return claims;
}

/** PLE's sentence on one task group: CGC and PLE each better than Single-Task on both tasks (null when a gain has < 2 seeds). */
export function bothBetterClaim(a: SeesawAnalysis): Claim | null {
  const words = registered(SEESAW_REGISTRATION, "both-better");
  const models = a.models.filter((m) => PLE_PAPER_QUADRANT[m.model] === "both better");
  const gains = models.flatMap((m) => [m.regression, m.binary].map((g) => ({ m, g })));
  if (models.length === 0 || gains.some(({ g }) => !g || g.perSeed.size < 2)) return null;
  return directionClaim({
    id: `${a.group}.both-better`,
    source: words.source,
    quote: words.quote,
    minimumEffect: words.minimumEffect?.value,
    statement: `${models.map((m) => m.label).join(" and ")} each have a positive MTL gain on ${a.tasks.regression} (MSE) and on ${a.tasks.binary} (AUC) — ${a.group} group.`,
    effect: "MTL gain over Single-Task (PLE Eq. 11), paired by seed, for each model and task",
    finding: gains.map(({ m, g }) => `${m.label} ${g!.metric.toUpperCase()} gain ${signed(g!.summary.mean)}`).join("; ") + ".",
    evidence: gains.map(({ m, g }) => ({ label: `${m.label} ${g!.metric.toUpperCase()}`, evidence: pairedEvidence([...g!.perSeed.values()]) })),
    expect: "positive",
  });
}

/**
 * Each task group's two families, each judged on its own (Holm at α = 0.05): PLE's sentence, then
 * the per-axis description. The experiment's report and the notebook judge a group identically.
 */
export function judgeSeesaw(analyses: readonly SeesawAnalysis[], opts: FamilyOptions = {}): Judged[] {
  const fam = SEESAW_REGISTRATION.families;
  return analyses.flatMap((a) => {
    const both = bothBetterClaim(a);
    return [
      ...judgeFamily(both ? [both] : [], { ...opts, family: `${fam.paper.label}: ${a.group}` }),
      ...judgeFamily(quadrantClaims(a), { ...opts, family: `${fam.axes.label}: ${a.group}` }),
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// quadrants

export type Quadrant = "both better" | "regression better, binary worse" | "binary better, regression worse" | "both worse";

/** The quadrant of a pair of gains (by sign; 0 counts as worse: "better" means strictly positive). */
export function quadrantOf(regression: number, binary: number): Quadrant {
  if (regression > 0 && binary > 0) return "both better";
  if (regression > 0) return "regression better, binary worse";
  if (binary > 0) return "binary better, regression worse";
  return "both worse";
}

export const isSeesaw = (q: Quadrant | null) => q === "regression better, binary worse" || q === "binary better, regression worse";

export interface QuadrantRow {
  group: SeesawGroup;
  model: string;
  label: string;
  parameters: number | null;
  regression: Judged | null;
  binary: Judged | null;
  /** From the mean gains. */
  pointQuadrant: Quadrant | null;
  /** The quadrant when both axes are decided (supported = better, contradicted = worse); else null. */
  supportedQuadrant: Quadrant | null;
  paper: PaperQuadrant | null;
  /** Whether our result agrees with the paper's quadrant: true / false when decided, null when not. */
  agreesWithPaper: boolean | null;
}

const decided = (v: Verdict) => v !== "inconclusive";

/** One row per multi-task model of the group, with the verdicts from the judged family. */
export function quadrantRows(a: SeesawAnalysis, judged: readonly Judged[]): QuadrantRow[] {
  const byId = new Map(judged.map((j) => [j.id, j]));
  return a.models
    .filter((m) => m.model !== BASELINE)
    .map((m) => {
      const regression = byId.get(claimId(a.group, m.model, "regression")) ?? null;
      const binary = byId.get(claimId(a.group, m.model, "binary")) ?? null;
      const rm = m.regression?.summary.mean ?? null;
      const bm = m.binary?.summary.mean ?? null;
      const pointQuadrant = rm === null || bm === null ? null : quadrantOf(rm, bm);
      const bothDecided = regression !== null && binary !== null && decided(regression.verdict) && decided(binary.verdict);
      const supportedQuadrant = bothDecided ? quadrantOf(regression!.verdict === "supported" ? 1 : -1, binary!.verdict === "supported" ? 1 : -1) : null;
      const paper = PLE_PAPER_QUADRANT[m.model] ?? null;
      const anyWorse = [regression, binary].some((j) => j?.verdict === "contradicted");
      let agreesWithPaper: boolean | null = null;
      if (paper === "both better") agreesWithPaper = supportedQuadrant === "both better" ? true : anyWorse ? false : null;
      if (paper === "not both better") agreesWithPaper = anyWorse ? true : supportedQuadrant === "both better" ? false : null;
      return { group: a.group, model: m.model, label: m.label, parameters: m.parameters, regression, binary, pointQuadrant, supportedQuadrant, paper, agreesWithPaper };
    });
}

const verdictShort = (j: Judged | null) => (j === null ? "not judged" : j.verdict === "supported" ? "better" : j.verdict === "contradicted" ? "worse" : "inconclusive");
const gainCell = (j: Judged | null) => (j === null ? "–" : `${signed(j.evidence.estimate)} [${signed(j.ci95[0])}, ${signed(j.ci95[1])}]`);

/** The quadrant table: per model and axis the gain, its CI and verdict; our quadrant beside PLE's. */
export function quadrantTable(rows: readonly QuadrantRow[], caption = "Quadrants with statistical support beside PLE's finding", family?: string): Table {
  return tableFromRows(
    rows.map((r) => ({
      group: r.group,
      model: r.label,
      parameters: r.parameters ?? "–",
      "MSE gain [95 % CI]": gainCell(r.regression),
      "MSE axis": verdictShort(r.regression),
      "AUC gain [95 % CI]": gainCell(r.binary),
      "AUC axis": verdictShort(r.binary),
      "quadrant (with support)": r.supportedQuadrant ?? `undecided (means: ${r.pointQuadrant ?? "–"})`,
      "PLE Fig. 3 / Table 1": r.paper ?? "not in PLE",
      "agrees with PLE": r.agreesWithPaper === null ? (r.paper === null ? "–" : "undecided") : r.agreesWithPaper ? "yes" : "no",
    })),
    {
      caption,
      notes: [
        "Gain: PLE Eq. 11, positive = the multi-task model is better than Single-Task; mean of the per-seed differences (paired: same seed, data and batch order) with its 95 % t interval.",
        "Axis: the test \"gain > 0\" (paired t over seeds) with Holm's correction over this group's axes (our description, not PLE's claim); better = supported, worse = contradicted.",
        "Quadrant with support: both axes decided; otherwise undecided, with the quadrant of the mean gains in brackets.",
        `PLE: ${PLE_SEESAW_CLAIMS.seesaw.statement} ${PLE_SEESAW_CLAIMS.bothBetter.statement} (${PLE_SEESAW_CLAIMS.bothBetter.source})`,
        ...(family ? [family] : []),
      ],
    },
  );
}

const list = (xs: string[]) => (xs.length === 0 ? "none" : xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);

/** The computed statement of which model sits where, beside the paper's finding. */
export function quadrantStatement(rows: readonly QuadrantRow[]): string {
  const where = (q: Quadrant) => rows.filter((r) => r.supportedQuadrant === q).map((r) => r.label);
  const undecided = rows.filter((r) => r.supportedQuadrant === null);
  const und = undecided.map((r) => `${r.label} (MSE ${verdictShort(r.regression)}, AUC ${verdictShort(r.binary)}; means in "${r.pointQuadrant ?? "–"}")`);
  const agree = rows.filter((r) => r.agreesWithPaper === true).map((r) => r.label);
  const disagree = rows.filter((r) => r.agreesWithPaper === false).map((r) => r.label);
  return [
    `- **Both tasks better (both axes supported):** ${list(where("both better"))}.`,
    `- **Seesaw, MSE better and AUC worse:** ${list(where("regression better, binary worse"))}; **AUC better and MSE worse:** ${list(where("binary better, regression worse"))}.`,
    `- **Both worse:** ${list(where("both worse"))}.`,
    `- **Undecided** (an axis inconclusive at this number of runs): ${und.length ? und.join("; ") : "none"}.`,
    `- **Against PLE** (only CGC and PLE improve both tasks): agrees for ${list(agree)}; disagrees for ${list(disagree)}; ${rows.filter((r) => r.paper !== null && r.agreesWithPaper === null).length} model(s) undecided.`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// tables

const meanStd = (s: Summary, digits = 4) => (s.mean === null ? "–" : `${s.mean.toFixed(digits)} ± ${fmt(s.std, digits)} (${s.n})`);
/** A gain with its CI; a loss (negative mean) is marked ▼. */
const gainWithCi = (g: AxisGain | null) => {
  if (!g || g.summary.mean === null) return "–";
  const ci = g.summary.ci95 ? ` [${signed(g.summary.ci95[0])}, ${signed(g.summary.ci95[1])}]` : "";
  return `${signed(g.summary.mean)}${ci}${g.summary.mean < 0 ? " ▼" : ""}`;
};

/** PLE Table 1 style: test MSE and AUC per model with the MTL gains over Single-Task, losses marked. */
export function table1(a: SeesawAnalysis, profileNote?: string): Table {
  const paper = (m: string) => (m === "cgc" || m === "ple" ? pleTable1Gains(m) : null);
  return tableFromRows(
    a.models.map((m) => ({
      model: m.label,
      parameters: m.parameters ?? "–",
      [`${a.tasks.regression} MSE mean ± std (n)`]: meanStd(m.mse),
      "MTL gain MSE [95 % CI]": m.model === BASELINE ? "–" : gainWithCi(m.regression),
      [`${a.tasks.binary} AUC mean ± std (n)`]: meanStd(m.auc),
      "MTL gain AUC [95 % CI]": m.model === BASELINE ? "–" : gainWithCi(m.binary),
      "PLE Table 1 gains (VCR MSE / VTR AUC)": m.model === BASELINE ? `${PLE_TABLE1.rows["single-task"]!.mse} / ${PLE_TABLE1.rows["single-task"]!.auc} (values)` : paper(m.model) ? `${signed(paper(m.model)!.mse)} / ${signed(paper(m.model)!.auc)}` : "not transcribed",
      diverged: m.diverged,
    })),
    {
      caption: `PLE Table 1 style — ${SEESAW_GROUP_LABELS[a.group]}`,
      notes: [
        `Test metrics of each run's checkpoint (the evaluation with the lowest validation MSE + BCE; ${a.baselineApart ? "Single-Task's two networks trained apart, each at the lowest validation loss of its own task" : "Single-Task's two networks trained together, at one checkpoint for both"}). MTL gain (PLE Eq. 11): MSE(Single-Task) − MSE(model) and AUC(model) − AUC(Single-Task), mean of the per-seed differences with its 95 % t interval; ▼ marks a loss (negative mean gain).`,
        `PLE's values are on private Tencent data (VCR regression MSE, VTR classification AUC): comparable in sign, not in size. ${PLE_TABLE1.note}`,
        ...(profileNote ? [profileNote] : []),
      ],
    },
  );
}

/** The models' sizes: configuration and trainable parameter count, relative to MMoE's. */
export function sizesTable(a: SeesawAnalysis, configs: Record<string, unknown>): Table {
  const ref = a.models.find((m) => m.model === "mmoe")?.parameters ?? null;
  return tableFromRows(
    a.models.map((m) => ({
      model: m.label,
      configuration: JSON.stringify(configs[m.model] ?? {}).replace(/"/g, "").replace(/,/g, ", "),
      parameters: m.parameters ?? "–",
      "vs MMoE": ref && m.parameters ? `${signed(((m.parameters - ref) / ref) * 100, 1)} %` : "–",
    })),
    { caption: `Model sizes — ${SEESAW_GROUP_LABELS[a.group]}`, notes: ["Trainable parameters of one run, biases, gates and mixing weights included (PLE Fig. 3's bubble size). Every model has two hidden layers before towers of 16 units (models.ts)."] },
  );
}

// ---------------------------------------------------------------------------------------------
// PLE Fig. 8: gate statistics

export interface GateRow {
  model: string;
  level: number;
  /** The gate's owner: a task, or (ML-MMoE lower levels) the next-level expert it feeds. */
  gate: string;
  /** Expert name, or for models whose experts have no identity across seeds (MMoE, ML-MMoE) its rank by weight. */
  expert: string;
  /** Mean over seeds of the run's mean weight over the test rows. */
  mean: number;
  /** Std over seeds of that mean. */
  stdOverSeeds: number | null;
  /** Mean over seeds of the run's std over the test rows. */
  stdOverRows: number;
  seeds: number;
}

/** Experts of MMoE and ML-MMoE are interchangeable across seeds; CGC/PLE/AdaTT's have identities. */
const RANKED = new Set(["mmoe", "ml-mmoe", "omoe"]);

/** Gate statistics over seeds, per model, level, gate and expert (PLE Fig. 8 in numbers). */
export function gateRows(runs: readonly RunRecord[], models: readonly string[] = [...FIG8_MODELS, "adatt"]): GateRow[] {
  const out: GateRow[] = [];
  for (const model of models) {
    const mine = runs.filter((r) => r.model === model && r.status === "ok" && r.gates.length > 0);
    const keys = new Map<string, { level: number; gate: string; experts: string[] }>();
    for (const r of mine) for (const g of r.gates) keys.set(`${g.level}|${g.task}`, { level: g.level, gate: g.task, experts: g.experts });
    for (const [key, k] of keys) {
      const per = mine.map((r) => r.gates.find((g) => `${g.level}|${g.task}` === key)).filter((g): g is NonNullable<typeof g> => g !== undefined);
      const ranked = RANKED.has(model);
      const columns = per.map((g) => {
        const idx = g.mean.map((_, i) => i);
        if (ranked) idx.sort((i, j) => g.mean[j] - g.mean[i]);
        return idx.map((i) => ({ mean: g.mean[i], std: g.std[i] }));
      });
      k.experts.forEach((name, e) => {
        const means = columns.map((c) => c[e].mean);
        const s = summarize(means);
        out.push({
          model,
          level: k.level,
          gate: k.gate,
          expert: ranked ? `rank ${e + 1} (largest = 1)` : name,
          mean: s.mean ?? NaN,
          stdOverSeeds: s.std,
          stdOverRows: summarize(columns.map((c) => c[e].std)).mean ?? NaN,
          seeds: per.length,
        });
      });
    }
  }
  return out;
}

export function gateTable(rows: readonly GateRow[], group: SeesawGroup): Table {
  return tableFromRows(
    rows.map((r) => ({
      model: seesawLabel(r.model),
      level: r.level + 1,
      gate: r.gate,
      expert: r.expert,
      "weight: mean over seeds ± std over seeds": `${r.mean.toFixed(3)} ± ${fmt(r.stdOverSeeds, 3)}`,
      "std over test rows (mean over seeds)": r.stdOverRows,
      seeds: r.seeds,
    })),
    {
      caption: `PLE Fig. 8 in numbers: gate weights over the test split — ${SEESAW_GROUP_LABELS[group]}`,
      digits: 3,
      notes: [
        "Each run's gate weights are averaged over every test row (mean and std over rows); the table gives their mean and spread over seeds. Levels count from 1.",
        "MMoE and ML-MMoE experts are interchangeable between runs (expert 0 of one seed is not expert 0 of another), so their weights are ranked within each run before averaging; CGC, PLE and AdaTT experts have fixed roles (a task's own expert, the shared expert). ML-MMoE's level-1 gates feed the level-2 experts; AdaTT reports NativeExpertLF + AllExpertGF weights.",
      ],
    },
  );
}

/** The weight each task's gate gives the shared expert(s), per model and level (means over seeds; models with named shared experts). */
export function sharedWeights(rows: readonly GateRow[], tasks: SeesawTasks): { model: string; level: number; regression: number | null; binary: number | null }[] {
  const out: { model: string; level: number; regression: number | null; binary: number | null }[] = [];
  const models = [...new Set(rows.map((r) => r.model))];
  for (const model of models) {
    const levels = [...new Set(rows.filter((r) => r.model === model).map((r) => r.level))];
    for (const level of levels) {
      const w = (task: string) => {
        const xs = rows.filter((r) => r.model === model && r.level === level && r.gate === task && r.expert.startsWith("shared"));
        return xs.length ? xs.reduce((s, r) => s + r.mean, 0) : null;
      };
      out.push({ model, level, regression: w(tasks.regression), binary: w(tasks.binary) });
    }
  }
  return out.filter((x) => x.regression !== null || x.binary !== null);
}

// ---------------------------------------------------------------------------------------------
// which group shows the seesaw, and why the other differs

export interface GroupSeesaw {
  group: SeesawGroup;
  /** Models in a seesaw quadrant with both axes decided. */
  seesawSupported: string[];
  /** Models whose mean gains have opposite signs. */
  seesawPoint: string[];
  bothBetterSupported: string[];
  bothWorseSupported: string[];
  bothBetterPoint: string[];
  bothWorsePoint: string[];
  /** Axis claims decided (supported or contradicted) out of judged. */
  decidedAxes: number;
  judgedAxes: number;
  /** Median over models of |mean gain| / CI half-width, per axis (above 1: gains stand out of the noise). */
  signalToNoise: { regression: number | null; binary: number | null };
}

function median(xs: number[]): number | null {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function groupSeesaw(rows: readonly QuadrantRow[]): GroupSeesaw {
  const labels = (f: (r: QuadrantRow) => boolean) => rows.filter(f).map((r) => r.label);
  const axes = rows.flatMap((r) => [r.regression, r.binary]).filter((j): j is Judged => j !== null);
  const snr = (pick: (r: QuadrantRow) => Judged | null) =>
    median(rows.map(pick).filter((j): j is Judged => j !== null).map((j) => Math.abs(j.evidence.estimate) / Math.max(1e-300, (j.ci95[1] - j.ci95[0]) / 2)));
  return {
    group: rows[0]?.group ?? "census",
    seesawSupported: labels((r) => isSeesaw(r.supportedQuadrant)),
    seesawPoint: labels((r) => isSeesaw(r.pointQuadrant)),
    bothBetterSupported: labels((r) => r.supportedQuadrant === "both better"),
    bothWorseSupported: labels((r) => r.supportedQuadrant === "both worse"),
    bothBetterPoint: labels((r) => r.pointQuadrant === "both better"),
    bothWorsePoint: labels((r) => r.pointQuadrant === "both worse"),
    decidedAxes: axes.filter((j) => j.verdict !== "inconclusive").length,
    judgedAxes: axes.length,
    signalToNoise: { regression: snr((r) => r.regression), binary: snr((r) => r.binary) },
  };
}

/**
 * The groups ordered by how clearly they show the seesaw: models in a seesaw quadrant with
 * support first, then by the mean gains, then decided axes; ties keep the given order.
 */
export function orderBySeesaw<T extends { seesaw: GroupSeesaw }>(groups: readonly T[]): T[] {
  const key = (g: GroupSeesaw) => [g.seesawSupported.length, g.seesawPoint.length, g.decidedAxes];
  return [...groups].sort((a, b) => {
    const ka = key(a.seesaw);
    const kb = key(b.seesaw);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i] - ka[i];
    return 0;
  });
}

/** The label correlation(s) a group's data recorded, in words. */
export function labelRelation(a: SeesawAnalysis, runs: readonly RunRecord[] = []): string {
  if (a.group === "census") {
    const r = a.dataInfo.labelPearsonTrain;
    return `the two labels correlate at Pearson ${typeof r === "number" ? r.toFixed(3) : "–"} on the training file, the same for every row (one relation for the whole population)`;
  }
  const infos = runs.filter((x) => x.model === BASELINE && x.data).map((x) => x.data as Record<string, number>);
  const pool = infos.length ? infos : [a.dataInfo as Record<string, number>];
  const avg = (k: string) => summarize(pool.map((i) => i[k]).filter((v) => typeof v === "number")).mean;
  return `the labels correlate at Pearson ${fmt(avg("labelPearson"), 3)} overall, but ${fmt(avg("labelPearsonPositiveHalf"), 3)} on the half of the inputs with task correlation ${fmt(avg("pPositive"), 1)} and ${fmt(avg("labelPearsonNegativeHalf"), 3)} on the half with ${fmt(avg("pNegative"), 1)} (mean over the data sets of the runs): a relation that depends on the sample`;
}

const snrText = (x: number | null) => (x === null ? "–" : x.toFixed(2));

/** Why the two groups differ, from the measured numbers (first = the group shown first). */
export function contrastStatement(first: { analysis: SeesawAnalysis; seesaw: GroupSeesaw; runs?: readonly RunRecord[] }, second: { analysis: SeesawAnalysis; seesaw: GroupSeesaw; runs?: readonly RunRecord[] }): string {
  const d = (g: { analysis: SeesawAnalysis; seesaw: GroupSeesaw; runs?: readonly RunRecord[] }) => {
    const s = g.seesaw;
    const n = g.analysis.models.length - 1;
    return (
      `**${SEESAW_GROUP_LABELS[g.analysis.group]}**: by the mean gains ${s.seesawPoint.length} of ${n} multi-task models sit in a seesaw quadrant, ${s.bothBetterPoint.length} improve both tasks and ${s.bothWorsePoint.length} lose on both; ` +
      `with statistical support ${s.seesawSupported.length} seesaw (${list(s.seesawSupported)}), ${s.bothBetterSupported.length} both better, ${s.bothWorseSupported.length} both worse; ${s.decidedAxes} of ${s.judgedAxes} axes are decided. ` +
      `Median |gain| / CI half-width: ${snrText(s.signalToNoise.regression)} on MSE, ${snrText(s.signalToNoise.binary)} on AUC. Here ${labelRelation(g.analysis, g.runs ?? [])}.`
    );
  };
  const a = first.seesaw;
  const b = second.seesaw;
  // decided evidence first; anything read off the means is labelled as such
  const decided = `With support (both axes decided): ${first.analysis.group} ${a.seesawSupported.length} seesaw, ${a.bothBetterSupported.length} both better, ${a.bothWorseSupported.length} both worse (${a.decidedAxes} of ${a.judgedAxes} axes decided); ${second.analysis.group} ${b.seesawSupported.length} seesaw, ${b.bothBetterSupported.length} both better, ${b.bothWorseSupported.length} both worse (${b.decidedAxes} of ${b.judgedAxes} axes decided).`;
  let means: string;
  if (a.seesawPoint.length === 0 && b.seesawPoint.length === 0) means = "no multi-task model has mean gains of opposite sign in either group.";
  else if (b.bothBetterPoint.length > b.seesawPoint.length) means = `in the ${second.analysis.group} group more models have both mean gains positive (${b.bothBetterPoint.length}) than of opposite sign (${b.seesawPoint.length}).`;
  else if (b.bothWorsePoint.length > b.seesawPoint.length) means = `in the ${second.analysis.group} group more models have both mean gains negative (${b.bothWorsePoint.length}) than of opposite sign (${b.seesawPoint.length}).`;
  else means = `${first.analysis.group}: ${a.seesawPoint.length} models with mean gains of opposite sign; ${second.analysis.group}: ${b.seesawPoint.length}.`;
  const noise =
    b.decidedAxes < a.decidedAxes && (b.signalToNoise.regression ?? 0) + (b.signalToNoise.binary ?? 0) < (a.signalToNoise.regression ?? 0) + (a.signalToNoise.binary ?? 0)
      ? ` In the ${second.analysis.group} group the gains are smaller relative to their run-to-run spread (median |gain| / CI half-width above), so fewer axes are decided: this number of runs does not resolve its quadrants.`
      : "";
  const why = `${decided}${noise} Description of means (not a test): ${means}`;
  return [`- ${d(first)}`, `- ${d(second)}`, "", why].join("\n");
}

/** The judged claims table: per task group, PLE's sentence and then the per-axis description (each its own family). */
export function seesawClaimsTable(judged: readonly Judged[]): Table {
  return claimsTable(judged, "PLE Fig. 3 / Table 1 on our runs: PLE's sentence per task group, and our per-axis description (each group and family judged on its own, Holm)");
}
