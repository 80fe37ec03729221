/**
 * The models of the user-models study.
 *
 * MetaHeac (audiences, 8 features, one output): 8 experts of [16], 4 critics of [8], task
 * embedding 8 (the model's defaults), its three ablations (uniform expert weights, uniform critic
 * weights, both: MAML over averaged experts and critics); the baselines Shared-Bottom [32] with a
 * tower of [8] (the single model, fine-tuned) and MMoE 8 × [16] with a tower of [8] (MMoE-style
 * sharing of experts under a gate, fine-tuned). With one output, MMoE's gate reads the input only.
 * DUPN (sessions): embedding 8 per field, LSTM 16, attention 16, profile 8, towers [8] (the model's
 * defaults); Shared-Bottom [32] and MMoE 4 × [16] on the same columns as a bag of embedded
 * features (no order, no attention), for the table only.
 */
import type { ModelConfig } from "../../models/config";

export const METAHEAC_MODELS: Record<"metaheac" | "metaheac-no-expert-gate" | "metaheac-no-critic-gate" | "maml" | "shared-bottom" | "mmoe", ModelConfig> = {
  metaheac: { kind: "metaheac" },
  "metaheac-no-expert-gate": { kind: "metaheac-no-expert-gate" },
  "metaheac-no-critic-gate": { kind: "metaheac-no-critic-gate" },
  maml: { kind: "metaheac-no-gates" },
  "shared-bottom": { kind: "shared-bottom", bottomUnits: [32], towerUnits: [8] },
  mmoe: { kind: "mmoe", experts: 8, expertUnits: [16], towerUnits: [8] },
};

export const DUPN_MODELS: Record<"dupn" | "shared-bottom" | "mmoe", ModelConfig> = {
  dupn: { kind: "dupn" },
  "shared-bottom": { kind: "shared-bottom", bottomUnits: [32], towerUnits: [8] },
  mmoe: { kind: "mmoe", experts: 4, expertUnits: [16], towerUnits: [8] },
};

export const USER_MODEL_LABELS: Record<string, string> = {
  metaheac: "MetaHeac",
  "metaheac-no-expert-gate": "MetaHeac, uniform expert weights",
  "metaheac-no-critic-gate": "MetaHeac, uniform critic weights",
  maml: "MAML without gates",
  "shared-bottom": "Shared-Bottom",
  mmoe: "MMoE",
  dupn: "DUPN",
};
export const userModelLabel = (m: string): string => USER_MODEL_LABELS[m] ?? m;
