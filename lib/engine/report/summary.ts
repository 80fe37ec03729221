/**
 * summary.json: per arm (model, or condition/model), task and metric, the statistics across runs
 * of the TEST metrics (n, mean, std, 95 % CI, min, max, median) and `best` — the test value of
 * the run with the best main-task validation metric, as the MMoE tables report it — plus
 * comparisons of every arm with its condition's baseline (the experiment's first model).
 */
import type { ResolvedExperiment } from "../plan/experiment";
import { SUMMARY_SCHEMA, type ArmInfo, type Comparison, type ExperimentSummary, type MetricSummary, type ModelSummaries } from "./summary-schema";
import { applyArmLearningRates, type RunRecord } from "../store/run-record";
import { argBest, compareBySeed, mtlGain, relativeChange, summarize, type SignificanceTest, type Summary } from "../../stats/across-runs";
import type { TrainConfig } from "../train/train-config";

export * from "./summary-schema";


const okRuns = (runs: readonly RunRecord[]) => runs.filter((r) => r.status === "ok" && r.metrics !== null);

function bestRunIndex(runs: readonly RunRecord[]): number {
  const values = runs.map((r) => r.learningRateTrials.find((t) => t.learningRate === r.learningRate)?.selectionValue ?? NaN);
  return argBest(values, runs[0]?.selection.metric ?? "loss");
}

function metricSummaries(runs: readonly RunRecord[], split: "validation" | "test"): Record<string, Record<string, MetricSummary>> {
  const ok = okRuns(runs);
  const best = ok[bestRunIndex(ok)];
  const names = new Map<string, Set<string>>(); // task → metrics seen in any run
  for (const r of ok) {
    for (const [task, metrics] of Object.entries(r.metrics![split])) {
      if (!names.has(task)) names.set(task, new Set());
      for (const metric of Object.keys(metrics)) names.get(task)!.add(metric);
    }
  }
  const out: Record<string, Record<string, MetricSummary>> = {};
  for (const [task, metrics] of names) {
    out[task] = {};
    for (const metric of metrics) {
      const values = ok.map((r) => r.metrics![split][task]?.[metric] ?? NaN);
      out[task][metric] = { ...summarize(values), best: best?.metrics![split][task]?.[metric] ?? null };
    }
  }
  return out;
}

function armInfo(runs: readonly RunRecord[], arm: ResolvedExperiment["arms"][number]): ArmInfo {
  const ok = okRuns(runs);
  const b = bestRunIndex(ok);
  const chosen: Record<string, number> = {};
  for (const r of ok) chosen[String(r.learningRate)] = (chosen[String(r.learningRate)] ?? 0) + 1;
  return {
    model: arm.model,
    condition: arm.conditionName,
    configHash: arm.configHash,
    runs: runs.length,
    diverged: runs.filter((r) => r.status === "diverged").map((r) => ({ seed: r.seed, reason: r.reason ?? "" })),
    bestRun: b < 0 ? null : { seed: ok[b].seed, selectionValue: ok[b].learningRateTrials.find((t) => t.learningRate === ok[b].learningRate)!.selectionValue! },
    learningRatesChosen: chosen,
    parametersPerReplica: runs[0]?.parameters.perReplica ?? null,
    wallTimeMs: runs.reduce((a, r) => a + r.wallTimeMs, 0),
  };
}

function bySeed(runs: readonly RunRecord[], task: string, metric: string): Map<number, number> {
  return new Map(okRuns(runs).map((r) => [r.seed, r.metrics!.test[task]?.[metric] ?? NaN]));
}

function compare(runs: readonly RunRecord[], base: readonly RunRecord[], baseline: string, baselineKind: string, task: string, metric: string): Comparison {
  const a = bySeed(runs, task, metric);
  const b = bySeed(base, task, metric);
  const ma = summarize([...a.values()]).mean;
  const mb = summarize([...b.values()]).mean;
  const finite = (m: Map<number, number>) => [...m.values()].filter(Number.isFinite).length;
  // a t-test needs 2 finite values on each side (2 pairs when paired)
  const significance: SignificanceTest | null = finite(a) >= 2 && finite(b) >= 2 ? compareBySeed(a, b) : null;
  const both = ma !== null && mb !== null;
  return {
    baseline,
    meanDifference: both ? ma - mb : null,
    relativeChangePct: both && mb !== 0 ? relativeChange(ma, mb) : null,
    ...(baselineKind === "single-task" ? { mtlGain: both ? mtlGain(metric, ma, mb) : null } : {}),
    significance,
  };
}

function comparisons(plan: ResolvedExperiment, byArm: Map<string, RunRecord[]>, models: ModelSummaries): ExperimentSummary["comparisons"] {
  const out: ExperimentSummary["comparisons"] = {};
  for (const arm of plan.arms) {
    const base = plan.arms.find((a) => a.conditionName === arm.conditionName)!;
    if (base.key === arm.key) continue;
    if (plan.experiment.summaryComparisons && !plan.experiment.summaryComparisons.includes(arm.model)) continue;
    for (const [task, metrics] of Object.entries(models[arm.key] ?? {})) {
      for (const metric of Object.keys(metrics)) {
        ((out[arm.key] ??= {})[task] ??= {})[metric] = compare(byArm.get(arm.key)!, byArm.get(base.key)!, base.key, base.modelConfig.kind, task, metric);
      }
    }
  }
  return out;
}

/** The summary of the planned runs found in `records` (runs outside the plan are ignored). */
export function buildSummary(plan: ResolvedExperiment, records: readonly RunRecord[], backend: string): ExperimentSummary {
  const seeds = new Set(plan.seeds);
  // learningRateChoice "per-arm": each arm's runs at the arm's rate, chosen over the planned runs
  const byArm = new Map(plan.arms.map((a) => [a.key, applyArmLearningRates(records.filter((r) => r.configHash === a.configHash && seeds.has(r.seed)))]));
  const planned = [...byArm.values()].flat();
  const models: ModelSummaries = {};
  const validation: ModelSummaries = {};
  const arms: Record<string, ArmInfo> = {};
  for (const arm of plan.arms) {
    models[arm.key] = metricSummaries(byArm.get(arm.key)!, "test");
    validation[arm.key] = metricSummaries(byArm.get(arm.key)!, "validation");
    arms[arm.key] = armInfo(byArm.get(arm.key)!, arm);
  }
  const exp = plan.experiment;
  return {
    schema: SUMMARY_SCHEMA,
    experiment: exp.id,
    title: exp.title,
    paper: exp.paper,
    profile: plan.profile,
    profileStatement: { statement: plan.statement, runs: plan.runs, train: plan.train, rows: plan.rows, seedsPerGroup: plan.seedsPerGroup },
    ...(plan.subset ? { subset: plan.subset } : {}),
    backend,
    runs: planned.length,
    expectedRuns: plan.arms.length * plan.seeds.length,
    diverged: planned.filter((r) => r.status === "diverged").length,
    complete: planned.length === plan.arms.length * plan.seeds.length,
    selection: planned[0]?.selection ?? { task: "", metric: "" },
    models,
    validation,
    arms,
    comparisons: comparisons(plan, byArm, models),
    wallTimeMs: planned.reduce((a, r) => a + r.wallTimeMs, 0),
    generatedAt: new Date().toISOString(),
  };
}
