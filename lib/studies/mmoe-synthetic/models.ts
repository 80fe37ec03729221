/**
 * The models of MMoE §5.1 (Fig. 4, Fig. 5), built from the paper's stated sizes: 8 experts × 16
 * units, towers of 8, and a Shared-Bottom whose width matches MMoE's expert + tower weight count
 * (computed by the parameter-budget function, not typed: 13,056 / (100 + 2·8) → 113).
 */
import { SYNTHETIC_PRESETS } from "../../data/synthetic";
import type { ModelConfig } from "../../models/config";
import { mmoePaperWeightCount, sharedBottomWidthForBudget } from "../../models/shared-bottom";
import { MMOE_SYNTHETIC_SETUP } from "./paper";

const fig4 = MMOE_SYNTHETIC_SETUP.fig4;
const TASKS = 2;
const d = SYNTHETIC_PRESETS.mmoe.d;

/** Shared-Bottom width with MMoE's expert + tower weights (the paper prints 113). */
export const MATCHED_BOTTOM_UNITS = sharedBottomWidthForBudget(mmoePaperWeightCount(d, fig4.experts, fig4.expertUnits, TASKS, fig4.towerUnits), d, TASKS, fig4.towerUnits);

/** Shared-Bottom, OMoE and MMoE at the sizes of MMoE §5.1; the first is the engine's baseline. */
export const FIG4_MODEL_CONFIGS: { "shared-bottom": ModelConfig; omoe: ModelConfig; mmoe: ModelConfig } = {
  "shared-bottom": { kind: "shared-bottom", bottomUnits: [MATCHED_BOTTOM_UNITS], towerUnits: [fig4.towerUnits] },
  omoe: { kind: "omoe", experts: fig4.experts, expertUnits: [fig4.expertUnits], towerUnits: [fig4.towerUnits] },
  mmoe: { kind: "mmoe", experts: fig4.experts, expertUnits: [fig4.expertUnits], towerUnits: [fig4.towerUnits] },
};
