/**
 * The Single-Task baseline as the papers define it: each task's network trained alone, with its
 * own learning rate, checkpoint and early stopping on that task's validation metric. Studies train
 * it under one-task conditions (one run per task and seed) and read it back here as one record
 * per seed under the multi-task condition, holding every task's metrics from its own run, so that
 * tables and claims compare it with the multi-task models seed by seed.
 */
import type { RunRecord } from "../engine/store/run-record";

export interface OneTaskCondition {
  /** The one-task condition's name. */
  condition: string;
  /** The multi-task condition it stands beside. */
  of: string;
  task: string;
}

/**
 * `runs` with every complete set of one-task runs (same model and seed, one run per task of
 * `of`) added as one record under condition `of`; the one-task records themselves stay. A seed
 * missing a task's run, or whose run has no metrics, gets no combined record.
 */
export function withOwnTaskRuns(runs: readonly RunRecord[], conditions: readonly OneTaskCondition[]): RunRecord[] {
  const byName = new Map(conditions.map((c) => [c.condition, c]));
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const c = byName.get(r.condition);
    if (!c || r.status !== "ok" || r.metrics === null) continue;
    const key = `${c.of}\u0000${r.model}\u0000${r.seed}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const combined: RunRecord[] = [];
  for (const [key, parts] of groups) {
    const of = key.split("\u0000")[0];
    const tasks = conditions.filter((c) => c.of === of);
    const ordered = tasks.map((t) => parts.find((r) => byName.get(r.condition)!.task === t.task));
    if (ordered.some((r) => r === undefined)) continue;
    const [first] = ordered as RunRecord[];
    const pick = (split: "validation" | "test") => Object.fromEntries(tasks.map((t, i) => [t.task, ordered[i]!.metrics![split][t.task]]));
    combined.push({
      ...first,
      condition: of,
      arm: `${of}/${first.model}`,
      metrics: { validation: pick("validation"), test: pick("test") },
      // the first task's run speaks for training details (curves, steps, learning rate)
      gates: [],
    });
  }
  return [...runs, ...combined];
}
