/**
 * A profile's statement, generated from the numbers it runs with (runs, steps, batch, evaluation
 * interval, patience, learning rates and how they are chosen, row caps), so the words can never
 * disagree with the settings; the experiment adds a note for what numbers cannot say (what the
 * paper did, why the profile cuts what it cuts).
 */
import type { RowCaps } from "./profiles";
import type { TrainConfig } from "../train/train-config";

const count = (n: number) => n.toLocaleString("en-US");

/** 1e-3, 3e-3, 1.5e-4: the way the papers and our notes write learning rates. */
export function rateText(lr: number): string {
  return lr > 0 && lr < 1 ? lr.toExponential() : String(lr);
}

export interface StatementFacts {
  runs: number;
  train: TrainConfig;
  rows: RowCaps;
  /** Conditions of the experiment; with more than one the runs are counted per model and condition. */
  conditions: number;
  /** What a condition is called in words ("p", "group", "encoding"); default "condition". */
  conditionLabel?: string;
  note?: string;
}

export function profileStatement(f: StatementFacts): string {
  const per = f.conditions > 1 ? `model and ${f.conditionLabel ?? "condition"}` : "model";
  const caps = (["train", "validation", "test"] as const).map((s) => (f.rows[s] === undefined ? "all" : count(f.rows[s]!)));
  const rows = caps.every((c) => c === "all") ? "all rows" : `${caps.join(" / ")} train / validation / test rows`;
  return `${count(f.runs)} runs per ${per}; ${trainingStatement(f.train, per)}; ${rows}.${f.note ? ` ${f.note}` : ""}`;
}

/** How a grid's rate is chosen, in words. */
function choiceText(t: TrainConfig, per: string): string {
  if (t.learningRateChoice === "per-arm") return `one per ${per} chosen on mean validation`;
  if (t.learningRateChoice === "pilot") {
    const seeds = t.pilotSeeds ?? [];
    return `one per ${per} chosen on validation by a pilot (seed${seeds.length > 1 ? "s" : ""} ${seeds.join(", ")}, not reported), the reported runs training at it alone`;
  }
  return "chosen per run on validation";
}

/** The training part of a profile's statement: steps, batch, evaluation, early stopping, learning rates and how they are chosen (per `per`, e.g. "model and group"). */
export function trainingStatement(t: TrainConfig, per: string): string {
  const patience = t.patience !== undefined && Number.isFinite(t.patience) ? `, early stop after ${count(t.patience)} evaluations without improvement` : "";
  const steps = `${patience ? "up to " : ""}${count(t.steps)} steps of batch ${count(t.batchSize)} (evaluated every ${count(t.evalEvery)}${patience})`;
  const rates = t.learningRates.map(rateText);
  const lr =
    rates.length === 1
      ? `learning rate ${rates[0]}`
      : `learning rates {${rates.join(", ")}}, ${choiceText(t, per)}`;
  return `${steps}; ${lr}`;
}
