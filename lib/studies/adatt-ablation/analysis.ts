/**
 * Analyses of the AdaTT ablation study (AdaTT §4.4–4.6, Tables 6–8, Fig. 3): relative changes of
 * the test NE (binary tasks) / MSE (regression) / AUC per task, paired by seed, as the paper's
 * tables print them; the fusion weights of Fig. 3; and the paper's statements judged as one family
 * (Holm) — each "all tasks" statement one claim over every task of a group (intersection–union) —
 * with the minimum detectable effect of the profile beside each verdict.
 *
 * Relative change of run seed s: 100 · (metric(variant, s) − metric(baseline, s)) / metric(baseline, s).
 * Seeds pair the runs: the same initialisation seed and (synthetic) the same data set, (census) the
 * same rows in the same order. Pure functions over run records.
 */
import { claimsTable, directionClaim, judgeFamily, pairedEvidence, registered, verdictText, type Claim, type FamilyOptions, type Judged } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import type { RunRecord } from "../../engine/store/run-record";
import { ALL_TASKS } from "../../engine/train/train-config";
import { trainingStatement } from "../../engine/plan/profile-statement";
import { relativeChange, summarize } from "../../stats/across-runs";
import { tableFromRows, type Cell, type Table } from "../../tables";
import { generateSyntheticGroup } from "../../data";
import { pearson } from "../../engine/train/metrics";
import { deriveSeed } from "../../seeds";
import { relatedTasks, SYNTHETIC_CONDITION, syntheticGroupParams, type AdattCondition, type SyntheticGroupCondition } from "./data";
import { ADATT_SCALE_DOWN, COMPARISONS, FIG3_MODEL, levelUnits, modelLabel, type Comparison } from "./models";
import { ADATT_ABLATION, ADATT_ABLATION_CLAIMS, ADATT_ABLATION_REGISTRATION, ADATT_ABLATION_SETUP, PAPER_TASKS } from "./paper";

/** The task groups, in the order tables list them. */
export const GROUPS = ["census", "synthetic"] as const;
export type GroupName = (typeof GROUPS)[number];
export const GROUP_LABELS: Record<string, string> = {
  census: "Census-Income",
  synthetic: "synthetic",
};
const groupLabel = (g: string) => GROUP_LABELS[g] ?? g;

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));
const signed = (x: number, digits = 3) => `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x).toFixed(digits)}`;
const fmtP = (p: number) => (p < 1e-4 ? "< 0.0001" : p.toFixed(4));
/** A minimum detectable effect: two significant digits, whole numbers from 100 on. */
const fmtMde = (x: number) => (x >= 100 ? x.toFixed(0) : x.toPrecision(2));
/** Two decimals without a "-0.00". */
const r2 = (x: number) => (Math.abs(x) < 0.005 ? 0 : x).toFixed(2);
const paperRow = (values: readonly number[]) => values.map((v) => signed(v)).join(" / ");

// ---------------------------------------------------------------------------------------------
// per-run metrics

/** The loss metric a task is judged on, as the paper's tables report it: NE for a binary task, MSE for a regression task. */
export function lossMetricOf(metrics: Readonly<Record<string, number>>): "ne" | "mse" {
  return "mse" in metrics ? "mse" : "ne";
}

/** group → model → seed → the run's test metrics (task → metric → value); runs without metrics left out. */
export type TestMetrics = Map<string, Map<string, Map<number, Record<string, Record<string, number>>>>>;

export function testMetricsOf(runs: readonly RunRecord[]): TestMetrics {
  const out: TestMetrics = new Map();
  for (const r of runs) {
    if (r.status !== "ok" || !r.metrics) continue;
    const byModel = out.get(r.condition) ?? new Map();
    out.set(r.condition, byModel);
    const bySeed = byModel.get(r.model) ?? new Map();
    byModel.set(r.model, bySeed);
    bySeed.set(r.seed, r.metrics.test);
  }
  return out;
}

/** The tasks of a group in their order (from its first run with metrics). */
export function tasksOf(runs: readonly RunRecord[], group: string): string[] {
  const r = runs.find((x) => x.condition === group && x.metrics);
  return r ? Object.keys(r.metrics!.test) : [];
}

export const groupsOf = (runs: readonly RunRecord[]) => GROUPS.filter((g) => runs.some((r) => r.condition === g));

// ---------------------------------------------------------------------------------------------
// relative changes (Tables 6–8)

export interface RelativeChange {
  group: string;
  comparison: Comparison;
  task: string;
  /** "NE" or "MSE" (the loss the paper reports) or "AUC" (binary tasks, for reference). */
  metric: "NE" | "MSE" | "AUC";
  /** Seeds both arms hold, ascending, and the relative change in % of each. */
  seeds: number[];
  values: number[];
  mean: number | null;
  ci95: [number, number] | null;
  n: number;
}

function changeOf(metrics: TestMetrics, group: string, c: Comparison, task: string, key: string, metric: RelativeChange["metric"]): RelativeChange {
  const variant = metrics.get(group)?.get(c.variant) ?? new Map();
  const base = metrics.get(group)?.get(c.baseline) ?? new Map();
  const seeds = [...variant.keys()].filter((s) => base.has(s) && Number.isFinite(variant.get(s)![task]?.[key]) && Number.isFinite(base.get(s)![task]?.[key])).sort((a, b) => a - b);
  const values = seeds.map((s) => relativeChange(variant.get(s)![task][key], base.get(s)![task][key]));
  const s = summarize(values);
  return { group, comparison: c, task, metric, seeds, values, mean: s.mean, ci95: s.ci95, n: s.n };
}

/** Every comparison of Tables 6–8, every group and task: the loss metric, and AUC for binary tasks. */
export function relativeChanges(runs: readonly RunRecord[]): RelativeChange[] {
  const metrics = testMetricsOf(runs);
  return groupsOf(runs).flatMap((group) => {
    const first = runs.find((r) => r.condition === group && r.metrics)!;
    return COMPARISONS.flatMap((c) =>
      tasksOf(runs, group).flatMap((task) => {
        const loss = lossMetricOf(first.metrics!.test[task]);
        const out = [changeOf(metrics, group, c, task, loss, loss === "ne" ? "NE" : "MSE")];
        if (loss === "ne") out.push(changeOf(metrics, group, c, task, "auc", "AUC"));
        return out;
      }),
    );
  });
}

const claimSource = (c: Comparison) => (c.table === 6 ? ADATT_ABLATION_CLAIMS.nativeExpertLf : c.table === 7 ? ADATT_ABLATION_CLAIMS.expertsPerTask : ADATT_ABLATION_CLAIMS.fusionLevels);

/** The claim id of one group and comparison ("census/table7.experts-2"). */
export const ablationClaimId = (group: string, c: Comparison) => `${group}/${c.id}`;

/** One claim per group and comparison over every task (the paper's "all tasks"), on the relative change of NE / MSE. */
export function ablationClaims(changes: readonly RelativeChange[]): Claim[] {
  const loss = changes.filter((ch) => ch.metric !== "AUC");
  const keys = [...new Map(loss.map((ch) => [ablationClaimId(ch.group, ch.comparison), ch])).values()];
  return keys.flatMap((first) => {
    const c = first.comparison;
    const mine = loss.filter((ch) => ch.group === first.group && ch.comparison === c);
    if (mine.some((ch) => ch.n < 2)) return [];
    const words = registered(ADATT_ABLATION_REGISTRATION, `table${c.table}`);
    return [directionClaim({
      id: ablationClaimId(first.group, c),
      source: words.source,
      quote: words.quote,
      minimumEffect: words.minimumEffect?.value,
      statement: `${claimSource(c).statement} (${groupLabel(first.group)}, ${c.short})`,
      effect: `${groupLabel(first.group)}: relative change of test NE / MSE, ${modelLabel(c.variant)} vs ${modelLabel(c.baseline)}, in % (paired by seed), for each task`,
      finding: `mean per task: ${mine.map((ch) => `${ch.task} ${signed(ch.mean!)} %`).join(", ")} over ${first.n} seeds; the paper: ${paperRow(c.paper)} % (its tasks 1–4)`,
      evidence: mine.map((ch) => ({ label: `${ch.task} (${ch.metric})`, evidence: pairedEvidence(ch.values) })),
      expect: c.expect,
    })];
  });
}

// ---------------------------------------------------------------------------------------------
// fusion weights (Fig. 3)

export interface ExpertWeights {
  group: string;
  model: string;
  tasks: string[];
  /** Expert names in column order ("income/0", …). */
  experts: string[];
  /** Per level: [task][expert] mean over seeds of each run's mean weight over the test split. */
  mean: number[][][];
  /** Per seed: the run's [level][task][expert] means. */
  perSeed: Map<number, number[][][]>;
}

/** The NativeExpertLF + AllExpertGF weights of `model` in `group` (null when no run recorded them). */
export function expertWeightsOf(runs: readonly RunRecord[], group: string, model = FIG3_MODEL): ExpertWeights | null {
  const own = runs.filter((r) => r.condition === group && r.model === model && r.status === "ok" && r.gates.length > 0);
  if (own.length === 0) return null;
  const tasks = tasksOf(runs, group);
  const levels = Math.max(...own[0].gates.map((g) => g.level)) + 1;
  const experts = own[0].gates[0].experts;
  const perSeed = new Map<number, number[][][]>();
  for (const r of own) {
    const m = Array.from({ length: levels }, (_, l) =>
      tasks.map((t) => {
        const g = r.gates.find((x) => x.level === l && x.task === t);
        if (!g) throw new RangeError(`run ${r.arm}#${r.seed} records no fusion weights for task ${t} at level ${l}`);
        return [...g.mean];
      }),
    );
    perSeed.set(r.seed, m);
  }
  const all = [...perSeed.values()];
  const mean = Array.from({ length: levels }, (_, l) => tasks.map((_, t) => experts.map((_, e) => all.reduce((s, m) => s + m[l][t][e], 0) / all.length)));
  return { group, model, tasks, experts, mean, perSeed };
}

/** Task index an expert belongs to ("y3/0" → index of y3). */
export function expertTask(expert: string, tasks: readonly string[]): number {
  return tasks.indexOf(expert.slice(0, expert.lastIndexOf("/")));
}

/**
 * How much more weight a task puts on its related tasks' experts than on unrelated tasks' experts,
 * averaged over the tasks that have both: mean_t [mean_{e of related} w(t, e) − mean_{e of unrelated} w(t, e)].
 */
export function relationContrast(weights: readonly (readonly number[])[], tasks: readonly string[], experts: readonly string[], condition: SyntheticGroupCondition): number {
  const contrasts: number[] = [];
  tasks.forEach((_, t) => {
    const related = relatedTasks(condition, t);
    const ofTask = (pred: (k: number) => boolean) => experts.map((e, i) => ({ k: expertTask(e, tasks), i })).filter((x) => x.k !== t && pred(x.k)).map((x) => weights[t][x.i]);
    const rel = ofTask((k) => related.includes(k));
    const unrel = ofTask((k) => !related.includes(k));
    if (rel.length && unrel.length) contrasts.push(rel.reduce((a, b) => a + b, 0) / rel.length - unrel.reduce((a, b) => a + b, 0) / unrel.length);
  });
  return contrasts.length ? contrasts.reduce((a, b) => a + b, 0) / contrasts.length : NaN;
}

function syntheticCondition(runs: readonly RunRecord[]): SyntheticGroupCondition | null {
  const c = runs.find((r) => r.condition === "synthetic")?.config.condition as AdattCondition | undefined;
  return c && c.group === "synthetic" ? c : null;
}

/** Per fusion level of Fig. 3's model on the synthetic group: do the weights favour related tasks? */
export function expertWeightClaims(runs: readonly RunRecord[]): Claim[] {
  const cond = syntheticCondition(runs);
  const w = expertWeightsOf(runs, "synthetic");
  if (!cond || !w || w.perSeed.size < 2) return [];
  const seeds = [...w.perSeed.keys()].sort((a, b) => a - b);
  const pairs = cond.related.map((b) => `{${b.map((t) => w.tasks[t]).join(", ")}}`).join(" and ");
  return w.mean.map((_, l) => {
    const values = seeds.map((s) => relationContrast(w.perSeed.get(s)![l], w.tasks, w.experts, cond));
    const words = registered(ADATT_ABLATION_REGISTRATION, "fig3");
    return directionClaim({
      id: `synthetic/fig3.relations/level-${l + 1}`,
      source: words.source,
      quote: words.quote,
      statement: ADATT_ABLATION_CLAIMS.expertWeights.statement,
      effect: `synthetic group, fusion level ${l + 1} of ${modelLabel(w.model)}: weight on a related task's expert minus weight on an unrelated task's expert (mean over tasks; related pairs ${pairs})`,
      finding: `mean contrast ${fmt(values.reduce((a, b) => a + b, 0) / values.length, 4)} over ${values.length} seeds; mean weights of level ${l + 1} in the Fig. 3 table`,
      evidence: pairedEvidence(values),
      expect: "positive",
    });
  });
}

// ---------------------------------------------------------------------------------------------
// the family

/** Every claim of notebook 05, judged as one family (Holm, α = 0.05). */
export function judgeAdattAblation(runs: readonly RunRecord[], opts: FamilyOptions = {}): Judged[] {
  return judgeFamily([...ablationClaims(relativeChanges(runs)), ...expertWeightClaims(runs)], { ...opts, family: ADATT_ABLATION_REGISTRATION.families.paper.label });
}

// ---------------------------------------------------------------------------------------------
// tables

const ci = (ch: RelativeChange | undefined) => (ch && ch.mean !== null ? `${signed(ch.mean)} [${ch.ci95 ? `${signed(ch.ci95[0])}, ${signed(ch.ci95[1])}` : "–"}]` : "–");
const TABLE_TITLES = { 6: "AdaTT Table 6 — NativeExpertLF ablation", 7: "AdaTT Table 7 — experts per task", 8: "AdaTT Table 8 — fusion levels" } as const;

/**
 * One paper table (6, 7 or 8): per group, variant and task, our relative change of NE / MSE with
 * its 95 % CI, the AUC change, the paper's values, the verdict (Holm over the whole family) and
 * the minimum detectable effect of this profile.
 */
export function relativeChangeTable(changes: readonly RelativeChange[], judged: readonly Judged[], table: 6 | 7 | 8, profile?: string): Table {
  const rows = changes
    .filter((ch) => ch.comparison.table === table && ch.metric !== "AUC")
    .map((ch) => {
      const j = judged.find((x) => x.id === ablationClaimId(ch.group, ch.comparison));
      const part = j?.parts.find((p) => p.label.startsWith(`${ch.task} (`));
      const auc = changes.find((x) => x.metric === "AUC" && x.group === ch.group && x.comparison === ch.comparison && x.task === ch.task);
      const row: Record<string, Cell> = {
        "task group": groupLabel(ch.group),
        variant: ch.comparison.label,
        task: ch.task,
        metric: ch.metric,
        "Δ % [95 % CI]": ci(ch),
        n: ch.n,
        "AUC Δ % [95 % CI]": ci(auc),
        "paper Δ % (tasks 1–4: MSE, NE, NE, NE)": paperRow(ch.comparison.paper),
        "claim (every task of the group)": j ? `${j.id}: ${verdictText(j)}` : "not judged (< 2 seeds)",
        "p (Holm) of the claim": j ? fmtP(j.pAdjusted) : "–",
        "this task's p (unadjusted, one-sided ×2)": part ? fmtP(Math.min(part.pSupport, part.pContradiction)) : "–",
      };
      return row;
    });
  const family = judged.length;
  return tableFromRows(rows, {
    caption: `${TABLE_TITLES[table]}: relative change against ${table === 6 ? "AdaTT with 3 experts per task" : table === 7 ? "1 expert per task" : "2 fusion levels"}${profile ? ` — profile ${profile}` : ""}`,
    notes: [
      "Δ %: 100 · (metric(variant) − metric(baseline)) / metric(baseline) on the test split, per seed, then mean and 95 % CI (Student t) over seeds; NE for binary tasks, MSE for the regression task; negative = lower loss = better. AUC: the same for AUC (positive = better).",
      `Claim: the paper's direction (${table === 6 ? "positive: removing NativeExpertLF hurts" : "negative: the larger configuration helps"}) on every task of the group at once (intersection–union over the tasks, paired t per task), within one family of ${family} claims, Holm at α = 0.05; the same verdict stands on each of its task rows. A task's own p is unadjusted and shown for description only.`,
      `Paper: ${ADATT_ABLATION[table === 6 ? "withoutNativeExpertLf" : table === 7 ? "expertsPerTask" : "fusionLevels"].source}, Meta short-video data (~70 B samples), its four reported tasks in the order ${PAPER_TASKS.map((t) => `${t.name} (${t.metric})`).join(", ")}; our synthetic y1–y4 have those kinds in that order.`,
    ],
  });
}

/** Fig. 3 as numbers for one group: mean weight per level, fusing task (row) and expert (column). */
export function expertWeightsTable(runs: readonly RunRecord[], group: string): Table {
  const w = expertWeightsOf(runs, group);
  const rows: Record<string, Cell>[] = [];
  w?.mean.forEach((level, l) =>
    level.forEach((row, t) => {
      const r: Record<string, Cell> = { level: l + 1, "fusing task": w.tasks[t] };
      w.experts.forEach((e, i) => (r[`expert ${e}`] = row[i]));
      rows.push(r);
    }),
  );
  return tableFromRows(rows, {
    caption: `AdaTT Fig. 3, ${groupLabel(group)}: NativeExpertLF + AllExpertGF weights of ${modelLabel(FIG3_MODEL)}, mean over the test split and ${w?.perSeed.size ?? 0} seeds`,
    notes: [
      "Row: the task whose fusion unit mixes; column: the expert it weights (expert t/0 is task t's own). With one expert per task the NativeExpertLF weight of a task's own expert is fixed at 1 and the gate's softmax adds 1 over all experts, so each row sums to 2.",
      `Paper: ${ADATT_ABLATION.expertWeights.source} (a 2-level AdaTT-sp with one expert per task on its industrial tasks).`,
    ],
    digits: 3,
  });
}

/**
 * The relations the synthetic group builds in, as the generator makes them and as they show in
 * the labels of one run's training rows: weight cosine and label Pearson correlation per task pair.
 */
export function syntheticRelationsTable(c: SyntheticGroupCondition = SYNTHETIC_CONDITION, seed = 1): Table {
  // the same draw as run `seed`'s data set (data.ts), its training rows
  const g = generateSyntheticGroup(syntheticGroupParams(c, deriveSeed(seed, "adatt-synthetic-data"), c.rows.train));
  const names = g.tasks.map((t) => t.name);
  const rows = names.map((ti, i) => ({
    task: `${ti} (${g.tasks[i].kind})`,
    ...Object.fromEntries(names.map((tj, j) => [tj, `cos ${g.params.cosines[i][j]} · r ${r2(pearson(g.labels[i], g.labels[j]))}`])),
  }));
  const pairs = c.related.map((b) => `{${b.map((t) => names[t]).join(", ")}}`).join(" and ");
  return tableFromRows(rows, {
    caption: `The synthetic group's task relations: related pairs ${pairs} (weight cosine ${c.cosine}), cosine 0 across pairs`,
    notes: [
      `cos: cosine of the task weight vectors as built; r: Pearson correlation of the labels over run ${seed}'s ${c.rows.train.toLocaleString("en-US")} training rows (binary labels as 0/1). MMoE §3 generator with d = ${c.d}, c = ${c.c}, m = ${c.m}, noise std ${c.noiseStd}; binary labels threshold the latent label at its median (lib/data/synthetic-group.ts).`,
    ],
  });
}

/** Judged claims as lib/claims renders them, with the minimum detectable effect beside each verdict. */
export function adattClaimsTable(judged: readonly Judged[], caption: string): Table {
  const t = claimsTable(judged, caption);
  return { ...t, columns: [...t.columns, "min. detectable |effect|"], rows: t.rows.map((r, i) => [...r, judged[i].minimumDetectable === null ? "–" : fmt(judged[i].minimumDetectable, 4)]) };
}

/** The models as run beside the paper's widths: the scale-down factor applied to every width. */
export function scaleTable(result: ExperimentResult): Table {
  const params = new Map<string, Map<string, number>>();
  for (const r of result.runs) {
    const byGroup = params.get(r.model) ?? new Map<string, number>();
    params.set(r.model, byGroup);
    byGroup.set(r.condition, r.parameters.perReplica);
  }
  const models = [...new Set(result.runs.map((r) => r.model))];
  return tableFromRows(
    models.map((m) => {
      const cfg = result.runs.find((r) => r.model === m)!.config.model as { kind: string; taskExperts?: number; expertUnits?: number[][]; towerUnits?: number[] };
      const levels = cfg.expertUnits?.length ?? 0;
      const paperUnits = levels >= 2 && levels <= 5 ? levelUnits(levels as 2 | 3 | 4 | 5, 1) : [];
      return {
        model: modelLabel(m),
        kind: cfg.kind,
        "experts per task": cfg.taskExperts ?? null,
        "expert widths (ours)": JSON.stringify(cfg.expertUnits?.map((u) => u[0])),
        "expert widths (paper)": JSON.stringify(paperUnits.map((u) => u[0])),
        "tower (ours / paper)": `${JSON.stringify(cfg.towerUnits)} / ${JSON.stringify(ADATT_ABLATION_SETUP.towerUnits)}`,
        ...Object.fromEntries(GROUPS.filter((g) => params.get(m)?.has(g)).map((g) => [`parameters (${groupLabel(g)})`, params.get(m)!.get(g)!])),
      };
    }),
    {
      caption: `The models: the paper's widths divided by ${ADATT_SCALE_DOWN}`,
      notes: [`Every expert and tower width is the paper's divided by ${ADATT_SCALE_DOWN} (AdaTT §4.4–4.6 setup: single-layer experts, levels [256, 128] unless Table 8 widens them, towers [64]); parameters per run, inputs and gates included.`],
    },
  );
}

/** How the runs were made, in one table. */
export function setupTable(result: ExperimentResult): Table {
  const s = result.summary;
  const st = s.profileStatement;
  const selection = s.selection.task === ALL_TASKS ? "validation objective (the sum of the task losses)" : `validation ${s.selection.metric} of ${s.selection.task}`;
  const rowsOf = (g: string) => {
    const r = result.runs.find((x) => x.condition === g);
    const info = r?.data as { rows?: unknown } | undefined;
    return info?.rows ? JSON.stringify(info.rows) : g === "census" ? "full training file; .test split 1:1 into validation and test" : "–";
  };
  return tableFromRows(
    [
      { knob: "profile", value: `${s.profile}: ${st.statement}` },
      { knob: "runs per model and group", value: String(st.runs) },
      { knob: "training", value: `Adam, equal task weights; ${trainingStatement(st.train, "model and group")}; the checkpoint, early stopping and the arm's learning rate follow the ${selection}` },
      { knob: "scale-down factor", value: `${ADATT_SCALE_DOWN} (every width)` },
      ...groupsOf(result.runs).map((g) => ({ knob: `rows (${groupLabel(g)})`, value: rowsOf(g) })),
      { knob: "backend", value: s.backend },
    ],
    { caption: "AdaTT ablation study: setup" },
  );
}

// ---------------------------------------------------------------------------------------------
// sentences

/** Per table row and group: how many tasks' mean changes point the paper's way (a description of means) and the claim's verdict. */
export function directionsSummary(changes: readonly RelativeChange[], judged: readonly Judged[]): string {
  const lines: string[] = [];
  for (const c of COMPARISONS) {
    for (const g of GROUPS) {
      const chs = changes.filter((x) => x.group === g && x.comparison === c && x.metric !== "AUC" && x.mean !== null);
      if (chs.length === 0) continue;
      const right = chs.filter((x) => (c.expect === "positive" ? x.mean! > 0 : x.mean! < 0)).length;
      const j = judged.find((x) => x.id === ablationClaimId(g, c));
      lines.push(
        `- Table ${c.table}, ${c.label}, ${groupLabel(g)}: \`${ablationClaimId(g, c)}\` ${j ? `**${verdictText(j)}**` : "not judged"}; description of means: ${right} of ${chs.length} tasks' mean changes point the paper's way (${chs.map((x) => `${x.task} ${signed(x.mean!)} %`).join(", ")}).`,
      );
    }
  }
  return lines.join("\n");
}

/** The claim id's table: "census/table7.experts-2/income" → 7; "synthetic/fig3.relations/level-1" → "fig3". */
export function claimTable(id: string): 6 | 7 | 8 | "fig3" {
  const part = id.split("/")[1] ?? "";
  return part.startsWith("fig3") ? "fig3" : (Number(/^table(\d)/.exec(part)?.[1]) as 6 | 7 | 8);
}

/**
 * One line per judged claim of a table (or of Fig. 3): verdict, effect with its 95 % CI, the test,
 * the Holm-adjusted p within the whole family and the minimum detectable effect of this profile.
 */
export function verdictLines(judged: readonly Judged[], table: 6 | 7 | 8 | "fig3"): string {
  const own = judged.filter((j) => claimTable(j.id) === table);
  if (own.length === 0) return "No claim of this table could be judged (fewer than 2 seeds with results).";
  const unit = table === "fig3" ? "" : " %";
  const lines = own.map((j) => {
    const [group, part, level] = j.id.split("/");
    const what = table === "fig3" ? `fusion ${level.replace("-", " ")}` : `${groupLabel(group)}, ${COMPARISONS.find((c) => c.id === part)?.short ?? ""}, every task`;
    const deciding = j.decisive ? ` deciding task ${j.decisive}:` : "";
    const mde = j.minimumDetectable === null ? "" : `; minimum detectable |effect| ${fmtMde(j.minimumDetectable)}${unit}`;
    return `- **${verdictText(j)}** \`${j.id}\` (${what}):${deciding} ${signed(j.evidence.estimate)}${unit} [${signed(j.ci95[0])}, ${signed(j.ci95[1])}], ${j.evidence.test}, Holm p = ${fmtP(j.pAdjusted)}${mde}.`;
  });
  const f = own[0];
  return [...lines, "", `Judged with the other claims of this notebook as one family of ${f.familySize} (Holm, α = ${f.alpha}); minimum detectable |effect|: the smallest true effect this profile finds with 80 % power at the Holm level the claim faces (noncentral t), given the observed spread.`].join("\n");
}

