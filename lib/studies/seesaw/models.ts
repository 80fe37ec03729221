/**
 * The eleven models of the seesaw study (PLE Fig. 3 / Table 1 plus AdaTT) at comparable
 * parameter counts.
 *
 * Shapes. PLE §5.1 builds its multi-level models with two levels "to keep the same depth", and
 * its expert-utilisation study (Fig. 8) uses three experts per level for MMoE and ML-MMoE and one
 * expert per module (task A, task B, shared) for CGC and PLE. Here every model has two hidden
 * layers before its towers: a first layer of width w and a second of w/2 (bottoms, task
 * networks, experts: [w, w/2]; multi-level models: two levels of single-layer experts [[w],
 * [w/2]]). Sluice needs equal layer widths (it mixes layer outputs): [2w, 2w]. Towers: [16].
 * AdaTT (the extra model) uses PLE's expert layout: one expert per task plus one shared.
 *
 * Sizes. One width knob w per model, chosen per task group so that every model's trainable
 * parameter count (biases, gates and mixing weights included) lies within a few percent of
 * MMoE's at w = 32: the search in test/studies-seesaw.test.ts checks it (±10 % is the stated
 * tolerance). The counts themselves are recorded in every run record and tabled in the notebook.
 */
import type { ModelConfig } from "../../models/config";
import type { TaskSpec } from "../../models/types";
import { SEESAW_BOTH_TASKS } from "./data";

export const SEESAW_TOWER_UNITS = [16];

/** Model keys in the order of PLE Table 1 (Single-Task first: the engine's baseline), AdaTT last. */
export const SEESAW_MODELS = ["single-task", "shared-bottom", "asymmetric", "customized", "cross-stitch", "sluice", "mmoe", "ml-mmoe", "cgc", "ple", "adatt"] as const;
export type SeesawModel = (typeof SEESAW_MODELS)[number];

/** The multi-task models (everything but the baseline). */
export const SEESAW_MTL_MODELS = SEESAW_MODELS.filter((m) => m !== "single-task");

/** Models with gates, for PLE Fig. 8 (AdaTT reports its fusion weights too, shown beside them). */
export const FIG8_MODELS = ["mmoe", "ml-mmoe", "cgc", "ple"] as const;

/** Display names, one place (PLE Table 1's names; "Hard sharing" is Shared-Bottom). */
export const SEESAW_LABELS: Record<SeesawModel, string> = {
  "single-task": "Single-Task",
  "shared-bottom": "Hard sharing",
  asymmetric: "Asymmetric sharing",
  customized: "Customized sharing",
  "cross-stitch": "Cross-Stitch",
  sluice: "Sluice",
  mmoe: "MMoE",
  "ml-mmoe": "ML-MMoE",
  cgc: "CGC",
  ple: "PLE",
  adatt: "AdaTT",
};
export const seesawLabel = (model: string): string => SEESAW_LABELS[model as SeesawModel] ?? model;

const half = (w: number) => Math.round(w / 2);
const tower = () => [...SEESAW_TOWER_UNITS];

/** Each model as a function of its width knob w. */
export const SEESAW_FAMILIES: Record<SeesawModel, (w: number) => ModelConfig> = {
  "single-task": (w) => ({ kind: "single-task", bottomUnits: [w, half(w)], towerUnits: tower() }),
  "shared-bottom": (w) => ({ kind: "shared-bottom", bottomUnits: [w, half(w)], towerUnits: tower() }),
  asymmetric: (w) => ({ kind: "asymmetric", bottomUnits: [w, half(w)], towerUnits: tower() }),
  customized: (w) => ({ kind: "customized", sharedUnits: [w, half(w)], taskUnits: [w, half(w)], towerUnits: tower() }),
  "cross-stitch": (w) => ({ kind: "cross-stitch", units: [w, half(w)], towerUnits: tower() }),
  sluice: (w) => ({ kind: "sluice", units: [2 * w, 2 * w], subspaces: 2, towerUnits: tower() }),
  mmoe: (w) => ({ kind: "mmoe", experts: 3, expertUnits: [w, half(w)], towerUnits: tower() }),
  "ml-mmoe": (w) => ({ kind: "ml-mmoe", experts: 3, expertUnits: [[w], [half(w)]], towerUnits: tower() }),
  cgc: (w) => ({ kind: "cgc", taskExperts: 1, sharedExperts: 1, expertUnits: [w, half(w)], towerUnits: tower() }),
  ple: (w) => ({ kind: "ple", taskExperts: 1, sharedExperts: 1, expertUnits: [[w], [half(w)]], towerUnits: tower() }),
  adatt: (w) => ({ kind: "adatt", taskExperts: 1, sharedExperts: 1, expertUnits: [[w], [half(w)]], towerUnits: tower() }),
};

/** The reference: MMoE with three experts of [32, 16]. */
export const SEESAW_REFERENCE_WIDTH = 32;

/**
 * Widths per task group (found by scanning w = 4…200 for the count closest to MMoE's at w = 32;
 * census: 516 one-hot input columns, synthetic: 100 numeric inputs).
 */
export const SEESAW_WIDTHS: Record<"census" | "synthetic", Record<SeesawModel, number>> = {
  census: { "single-task": 50, "shared-bottom": 94, asymmetric: 49, customized: 34, "cross-stitch": 50, sluice: 24, mmoe: 32, "ml-mmoe": 29, cgc: 33, ple: 32, adatt: 31 },
  synthetic: { "single-task": 47, "shared-bottom": 79, asymmetric: 45, customized: 32, "cross-stitch": 47, sluice: 20, mmoe: 32, "ml-mmoe": 30, cgc: 32, ple: 31, adatt: 31 },
};

/** The models of one task group, keyed and ordered as SEESAW_MODELS. */
export function seesawModels(group: "census" | "synthetic"): Record<SeesawModel, ModelConfig> {
  return Object.fromEntries(SEESAW_MODELS.map((m) => [m, SEESAW_FAMILIES[m](SEESAW_WIDTHS[group][m])])) as Record<SeesawModel, ModelConfig>;
}

/** Which models train under which condition: the multi-task models on both tasks, Single-Task's network on each task alone. */
export function seesawConditionModels(tasks: readonly TaskSpec[]): Record<string, string[]> {
  return { [SEESAW_BOTH_TASKS]: [...SEESAW_MTL_MODELS], ...Object.fromEntries(tasks.map((t) => [`${t.name}-only`, ["single-task"]])) };
}
