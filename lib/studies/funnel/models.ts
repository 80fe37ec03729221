/**
 * The models of the funnel study.
 *
 * ESMM vs BASE (ESMM §3.2: BASE is the same network with CVR trained on clicked impressions): a
 * shared bottom of 32 units (the shared embedding's stand-in), towers of 16, `steps: 2`.
 * AITM ablation (AITM §4.4), a 2 × 2 of transfer × calibrator plus the ESMM-style product over
 * four steps; every variant has the same bottom [32] and towers [32, 16] (the transfer adds its
 * info and attention layers, ~1.6 k parameters: the AITM paper compares at the same tower sizes too).
 * Cross network on Census-Income group 1 (DCN §2.2): the notebook-03 sizes Shared-Bottom [64] and
 * MMoE 8 × 16 (towers 8), each beside the same model with 2 cross layers (2 · 2 · 517 = 2,068
 * parameters) whose first hidden layer is narrowed to match the parameter count (Shared-Bottom
 * 60 units: −68, −0.2 %; MMoE 8 × 15: −2,092, −2.8 %; the test checks the ±3 % tolerance).
 */
import type { ModelConfig } from "../../models/config";

export const ESMM_MODELS: Record<"esmm" | "base", ModelConfig> = {
  esmm: { kind: "esmm", bottomUnits: [32], towerUnits: [16], steps: 2 },
  base: { kind: "esmm-base", bottomUnits: [32], towerUnits: [16], steps: 2 },
};

const AITM_SHAPE = { bottomUnits: [32], towerUnits: [32, 16] };
/** The calibrator weight α of AITM (the model's default; the paper tunes it, we do not). */
export const AITM_ALPHA = 0.6;

export const AITM_MODELS: Record<"aitm" | "aitm-no-calibrator" | "towers-calibrated" | "towers" | "esmm-product", ModelConfig> = {
  aitm: { kind: "aitm", ...AITM_SHAPE, calibrator: AITM_ALPHA },
  "aitm-no-calibrator": { kind: "aitm", ...AITM_SHAPE, calibrator: 0 },
  "towers-calibrated": { kind: "aitm-no-transfer", ...AITM_SHAPE, calibrator: AITM_ALPHA },
  towers: { kind: "aitm-no-transfer", ...AITM_SHAPE, calibrator: 0 },
  "esmm-product": { kind: "esmm", bottomUnits: [32], towerUnits: [32, 16], steps: 0 },
};

export const CROSS_LAYERS = 2;
export const DCN_MODELS: Record<"shared-bottom" | "dcn-shared-bottom" | "mmoe" | "dcn-mmoe", ModelConfig> = {
  "shared-bottom": { kind: "shared-bottom", bottomUnits: [64], towerUnits: [8] },
  "dcn-shared-bottom": { kind: "dcn-shared-bottom", crossLayers: CROSS_LAYERS, bottomUnits: [60], towerUnits: [8] },
  mmoe: { kind: "mmoe", experts: 8, expertUnits: [16], towerUnits: [8] },
  "dcn-mmoe": { kind: "dcn-mmoe", crossLayers: CROSS_LAYERS, experts: 8, expertUnits: [15], towerUnits: [8] },
};
/** Each cross-network model and the plain model it is compared with. */
export const DCN_PAIRS: [string, string][] = [["dcn-shared-bottom", "shared-bottom"], ["dcn-mmoe", "mmoe"]];

export const FUNNEL_LABELS: Record<string, string> = {
  esmm: "ESMM",
  base: "BASE (CVR on clicks)",
  aitm: "AITM",
  "aitm-no-calibrator": "AITM without calibrator",
  "towers-calibrated": "towers + calibrator",
  towers: "independent towers",
  "esmm-product": "ESMM-style product",
  "shared-bottom": "Shared-Bottom",
  "dcn-shared-bottom": "cross + Shared-Bottom",
  mmoe: "MMoE",
  "dcn-mmoe": "cross + MMoE",
};
export const funnelLabel = (m: string): string => FUNNEL_LABELS[m] ?? m;
