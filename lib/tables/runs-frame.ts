/**
 * The runs of an experiment as one flat table to explore: one row per run, its identity (arm,
 * model, condition and the condition's parameters, seed), how it trained (status, learning rate,
 * best step, steps, parameters, wall time) and every metric as a column named
 * `<split>.<task>.<metric>` (e.g. `test.y1.mse`). `runsFrame` gives it as a danfojs DataFrame,
 * the project's data-frame library; `runsRows` as plain objects.
 */
import type { DataFrame } from "danfojs-node";

/**
 * The fields of a stored run record the table reads. Declared here, not imported from the engine,
 * so the tables depend on the records' shape only and the engine may import the tables.
 */
export interface FrameRun {
  arm: string;
  model: string;
  condition: string;
  config: { condition: unknown };
  seed: number;
  status: string;
  learningRate: number | null;
  bestStep: number | null;
  stepsTrained: number;
  parameters: { perReplica: number };
  wallTimeMs: number;
  metrics: { validation: Record<string, Record<string, number>>; test: Record<string, Record<string, number>> } | null;
}

export type RunRow = Record<string, string | number | boolean>;

const SPLITS = ["validation", "test"] as const;

/** Plain-valued parameters of a run's condition (e.g. `{ p: 0.5 }`), as `condition.<name>`. */
function conditionColumns(condition: unknown): Record<string, string | number | boolean> {
  if (!condition || typeof condition !== "object" || Array.isArray(condition)) return {};
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") out[`condition.${k}`] = v;
  }
  return out;
}

/** `<split>.<task>.<metric>` names in a stable order; "loss" is left out: it repeats mse (regression) or logloss (binary). */
function metricColumns(runs: readonly FrameRun[]): string[] {
  const names = new Set<string>();
  for (const split of SPLITS) {
    for (const r of runs) {
      for (const [task, metrics] of Object.entries(r.metrics?.[split] ?? {})) {
        for (const metric of Object.keys(metrics)) if (metric !== "loss") names.add(`${split}.${task}.${metric}`);
      }
    }
  }
  return [...names];
}

/** One object per run; a metric the run has no value for (diverged, undefined) is NaN. */
export function runsRows(result: { runs: readonly FrameRun[] }): RunRow[] {
  const metrics = metricColumns(result.runs);
  return result.runs.map((r) => {
    const row: RunRow = {
      arm: r.arm,
      model: r.model,
      condition: r.condition,
      ...conditionColumns(r.config.condition),
      seed: r.seed,
      status: r.status,
      learningRate: r.learningRate ?? Number.NaN,
      bestStep: r.bestStep ?? Number.NaN,
      stepsTrained: r.stepsTrained,
      parameters: r.parameters.perReplica,
      wallTimeMs: r.wallTimeMs,
    };
    for (const name of metrics) {
      const [split, task, metric] = name.split(".") as [(typeof SPLITS)[number], string, string];
      const v = r.metrics?.[split]?.[task]?.[metric];
      row[name] = typeof v === "number" ? v : Number.NaN;
    }
    return row;
  });
}

/**
 * The runs as a danfojs DataFrame, one row per run and metrics as columns, e.g.
 * `runs.query(runs["model"].eq("mmoe"))`, or `runs.groupby(["condition", "model"]).agg({ "test.y1.mse": "mean" })`.
 */
export function runsFrame(result: { runs: readonly FrameRun[] }): DataFrame {
  const rows = runsRows(result);
  if (rows.length === 0) throw new RangeError("runsFrame: the result has no runs (nothing trained or loaded yet)");
  // required here, not imported at the top: danfojs is slow to load and only notebooks need it
  const dfd = require("danfojs-node") as typeof import("danfojs-node");
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return new dfd.DataFrame(rows.map((r) => columns.map((c) => r[c] ?? Number.NaN)), { columns });
}
