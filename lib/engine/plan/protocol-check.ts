/**
 * Whether an experiment's stored runs follow the training protocol a reviewer expects, read from
 * runs.jsonl alone (docs/protocol.md):
 * - converged: the best checkpoint comes before the last evaluation in most runs (early stopping
 *   acted, rather than the step cap ending a run that was still improving);
 * - tuned: each arm chose its learning rate from at least two values (under learningRateChoice
 *   "pilot", the values its pilot runs tried; the pilot runs are otherwise not counted);
 * - seed varies the order: different seeds of an arm saw different minibatch orders, so intervals
 *   on absolute means cover order variance;
 * - selected on validation: the chosen learning rate's selection value is the run's validation
 *   metric (a value equal to the test metric instead is flagged);
 * - stop reason recorded per run.
 */
import type { RunRecord } from "../store/run-record";

/** The share of runs whose best checkpoint must precede the last evaluation. */
export const CONVERGED_SHARE = 0.8;

export interface ProtocolCheck {
  runs: number;
  /** Runs whose best checkpoint precedes their last evaluation, over runs with curves. */
  bestBeforeLast: { count: number; of: number };
  /** Fewest learning rates any arm tried. */
  fewestLearningRates: number;
  /** Arms with ≥ 2 seeds whose seeds saw more than one minibatch order, over such arms. */
  armsVaryingOrder: { count: number; of: number };
  /** Runs whose selection value equals their validation metric / their test metric (null: selection is not one task's metric). */
  selectedOnValidation: { count: number; of: number; onTest: number } | null;
  /** Runs that record why they stopped. */
  stopReasons: number;
  /** The criteria met and failed, in words. */
  failures: string[];
}

type Metrics = Record<string, Record<string, number>>;

function metricOf(m: Metrics | undefined, sel: RunRecord["selection"]): number | undefined {
  return m?.[sel.task]?.[sel.metric];
}

export function checkProtocol(all: readonly RunRecord[]): ProtocolCheck {
  const records = all.filter((r) => !r.pilot);
  const pilots = new Map<string, RunRecord[]>();
  for (const r of all) if (r.pilot) pilots.set(r.arm, [...(pilots.get(r.arm) ?? []), r]);
  const ok = records.filter((r) => r.status === "ok");
  const withCurves = ok.filter((r) => r.bestStep !== null && r.curves?.steps?.length);
  const before = withCurves.filter((r) => r.bestStep! < r.curves.steps[r.curves.steps.length - 1]).length;
  const byArm = new Map<string, RunRecord[]>();
  for (const r of ok) byArm.set(r.arm, [...(byArm.get(r.arm) ?? []), r]);
  const rates = [...byArm].map(([arm, rs]) => Math.min(...(pilots.get(arm) ?? rs).map((r) => r.learningRateTrials.length)));
  const multiSeed = [...byArm.values()].filter((rs) => new Set(rs.map((r) => r.seed)).size > 1);
  const varying = multiSeed.filter((rs) => new Set(rs.map((r) => r.derivedSeeds.batchOrder)).size > 1).length;
  let selected: ProtocolCheck["selectedOnValidation"] = { count: 0, of: 0, onTest: 0 };
  // the pilot runs too: theirs is the choice the reported runs train at
  for (const r of all.filter((x) => x.status === "ok")) {
    const chosen = r.learningRateTrials.find((t) => t.learningRate === r.learningRate);
    const validation = metricOf(r.metrics?.validation as Metrics | undefined, r.selection);
    if (!chosen || chosen.selectionValue === null || validation === undefined) continue;
    selected.of++;
    if (chosen.selectionValue === validation) selected.count++;
    else if (chosen.selectionValue === metricOf(r.metrics?.test as Metrics | undefined, r.selection)) selected.onTest++;
  }
  if (selected.of === 0) selected = null;
  const stopReasons = ok.filter((r) => typeof (r as { stopReason?: unknown }).stopReason === "string").length;
  const failures: string[] = [];
  if (withCurves.length && before < CONVERGED_SHARE * withCurves.length) failures.push(`best checkpoint before the last evaluation in ${before} of ${withCurves.length} runs (needs ${Math.round(CONVERGED_SHARE * 100)} %)`);
  if (rates.length && Math.min(...rates) < 2) failures.push(`an arm tried ${Math.min(...rates)} learning rate`);
  if (multiSeed.length && varying < multiSeed.length) failures.push(`${multiSeed.length - varying} of ${multiSeed.length} arms saw one minibatch order for every seed`);
  if (selected && selected.onTest > 0) failures.push(`${selected.onTest} run(s) selected on the test metric`);
  if (ok.length && stopReasons < ok.length) failures.push(`${ok.length - stopReasons} of ${ok.length} runs do not record why they stopped`);
  return {
    runs: records.length,
    bestBeforeLast: { count: before, of: withCurves.length },
    fewestLearningRates: rates.length ? Math.min(...rates) : 0,
    armsVaryingOrder: { count: varying, of: multiSeed.length },
    selectedOnValidation: selected,
    stopReasons,
    failures,
  };
}
