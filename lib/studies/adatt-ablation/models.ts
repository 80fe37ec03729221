/**
 * The AdaTT configurations of Tables 6–8 and Fig. 3 (AdaTT §4.4–4.6), scaled down by one uniform
 * factor. Eight models cover all three tables, because their baselines coincide:
 *   e1-l2         AdaTT-sp, 1 expert per task, 2 levels: Table 7's and Table 8's baseline, Fig. 3
 *   e2-l2 … e4-l2 2, 3, 4 experts per task (Table 7); e3-l2 is also Table 6's full AdaTT
 *                 (3 experts per task, no shared experts, i.e. AdaTT-sp)
 *   e3-l2-no-nlf  Table 6's ablation: the same without NativeExpertLF
 *   e1-l3 … e1-l5 3, 4, 5 fusion levels with the paper's widening expert dims (Table 8)
 * Experts are single-layer MLPs (one hidden layer per level) and towers one hidden layer, as in the
 * paper's industrial setup (levels 256 / 128, towers 64), every width divided by ADATT_SCALE_DOWN.
 */
import type { ModelConfig } from "../../models/config";
import { ADATT_ABLATION, ADATT_ABLATION_SETUP } from "./paper";

/**
 * Every expert and tower width of the paper divided by 8 (levels [256, 128] → [32, 16], five
 * levels [2048, …, 128] → [256, …, 16], towers 64 → 8). Why: at the paper's widths the eight
 * census models hold 14× the parameters (23.3 M vs 1.6 M; the five-level model alone 11.6 M),
 * ≈ 7 h for the quick profile on wasm. A timing slice puts factor 8 at ≈ 31 min on 2 cores
 * (adatt-ablation.ts gives the numbers); factor 4 has 2.2× its parameters (3.6 M) and factor 16
 * half (0.8 M) but measured 0.58× its step time, so 4 would take ≈ 50–70 min and 8 is the
 * smallest power of two that fits the 40-minute budget.
 */
export const ADATT_SCALE_DOWN = 8;

export type FusionLevels = 2 | 3 | 4 | 5;

/** A width list divided by the scale factor (each must divide exactly, so the factor is uniform). */
export function scaled(units: readonly number[], factor = ADATT_SCALE_DOWN): number[] {
  return units.map((u) => {
    if (u % factor !== 0) throw new RangeError(`width ${u} is not divisible by the scale-down factor ${factor}; choose a factor that divides every paper width`);
    return u / factor;
  });
}

/** The paper's expert widths at `levels` fusion levels (Table 8), scaled: one single-layer expert per level. */
export function levelUnits(levels: FusionLevels, factor = ADATT_SCALE_DOWN): number[][] {
  return scaled(ADATT_ABLATION.fusionLevels.expertUnits[levels], factor).map((u) => [u]);
}

const towerUnits = (factor: number) => scaled(ADATT_ABLATION_SETUP.towerUnits, factor);

function adattSp(experts: number, levels: FusionLevels, factor: number): ModelConfig {
  return { kind: "adatt-sp", taskExperts: experts, expertUnits: levelUnits(levels, factor), towerUnits: towerUnits(factor) };
}

/**
 * The eight models. Order: the baseline first (the engine compares every model with the first),
 * then the costliest first, so the last groups the workers pick up are short ones.
 */
export function adattAblationModels(factor = ADATT_SCALE_DOWN): Record<string, ModelConfig> {
  return {
    "e1-l2": adattSp(1, 2, factor),
    "e1-l5": adattSp(1, 5, factor),
    "e1-l4": adattSp(1, 4, factor),
    "e4-l2": adattSp(4, 2, factor),
    "e3-l2-no-nlf": { kind: "adatt-no-nlf", taskExperts: 3, sharedExperts: 0, expertUnits: levelUnits(2, factor), towerUnits: towerUnits(factor) },
    "e3-l2": adattSp(3, 2, factor),
    "e1-l3": adattSp(1, 3, factor),
    "e2-l2": adattSp(2, 2, factor),
  };
}

/** Display names, one place. */
export const ADATT_MODEL_LABELS: Record<string, string> = {
  "e1-l2": "AdaTT-sp, 1 expert/task, 2 levels",
  "e2-l2": "AdaTT-sp, 2 experts/task, 2 levels",
  "e3-l2": "AdaTT-sp, 3 experts/task, 2 levels",
  "e4-l2": "AdaTT-sp, 4 experts/task, 2 levels",
  "e3-l2-no-nlf": "AdaTT without NativeExpertLF, 3 experts/task, 2 levels",
  "e1-l3": "AdaTT-sp, 1 expert/task, 3 levels",
  "e1-l4": "AdaTT-sp, 1 expert/task, 4 levels",
  "e1-l5": "AdaTT-sp, 1 expert/task, 5 levels",
};
export const modelLabel = (model: string) => ADATT_MODEL_LABELS[model] ?? model;

/** The model whose fusion weights are Fig. 3 (2-level AdaTT-sp, one expert per task). */
export const FIG3_MODEL = "e1-l2";

export interface Comparison {
  /** Stable id: "table6.no-nlf", "table7.experts-2", "table8.levels-3". */
  id: string;
  table: 6 | 7 | 8;
  variant: string;
  baseline: string;
  /** The variant in the paper's words, for tables. */
  label: string;
  /** A few words, for figure axes. */
  short: string;
  /** The paper's relative changes in % for its four tasks (MSE, NE, NE, NE). */
  paper: readonly number[];
  /** The sign the paper's values have: Table 6 raises the loss, Tables 7–8 lower it. */
  expect: "positive" | "negative";
}

const P = ADATT_ABLATION;

/** The seven rows of Tables 6–8, each a variant against its table's baseline. */
export const COMPARISONS: readonly Comparison[] = [
  { id: "table6.no-nlf", table: 6, variant: "e3-l2-no-nlf", baseline: "e3-l2", label: "without NativeExpertLF (vs AdaTT, 3 experts/task)", short: "no NativeExpertLF", paper: P.withoutNativeExpertLf.relativeChangePct, expect: "positive" },
  ...([2, 3, 4] as const).map((e): Comparison => ({ id: `table7.experts-${e}`, table: 7, variant: `e${e}-l2`, baseline: "e1-l2", label: `${e} experts per task (vs 1)`, short: `${e} experts/task`, paper: P.expertsPerTask.relativeChangePctVsOneExpert[e], expect: "negative" })),
  ...([3, 4, 5] as const).map((l): Comparison => ({ id: `table8.levels-${l}`, table: 8, variant: `e1-l${l}`, baseline: "e1-l2", label: `${l} fusion levels (vs 2)`, short: `${l} levels`, paper: P.fusionLevels.relativeChangePctVsTwoLevels[l], expect: "negative" })),
];
