/**
 * Notebook 05's claims for `--decide`: one claim per task group and ablation comparison (the
 * variant against its baseline, every task), and Fig. 3's weight contrast per fusion level of
 * its model on the synthetic group; built by the analysis' own ablationClaims and
 * expertWeightClaims, one family as the notebook judges them.
 */
import type { DecideClaim, DecideSource } from "../../decide/source";
import { ablationClaimId, ablationClaims, expertWeightClaims, GROUPS, relativeChanges } from "./analysis";
import { COMPARISONS, FIG3_MODEL } from "./models";
import { ADATT_ABLATION_REGISTRATION } from "./paper";

/** Fusion levels of Fig. 3's model ("e1-l2": two). */
const FIG3_LEVELS = Number(/-l(\d+)$/.exec(FIG3_MODEL)![1]);

const CLAIMS: DecideClaim[] = [
  ...GROUPS.flatMap((g) => COMPARISONS.map((c) => ({ id: ablationClaimId(g, c), family: "paper", arms: [`${g}/${c.variant}`, `${g}/${c.baseline}`] }))),
  ...Array.from({ length: FIG3_LEVELS }, (_, l) => ({ id: `synthetic/fig3.relations/level-${l + 1}`, family: "paper", arms: [`synthetic/${FIG3_MODEL}`] })),
];

export const adattAblationDecide: DecideSource = {
  experiment: "adatt-ablation",
  families: { paper: ADATT_ABLATION_REGISTRATION.families.paper.label },
  claims: CLAIMS,
  build: (runs) => [...ablationClaims(relativeChanges(runs)), ...expertWeightClaims(runs)],
};
