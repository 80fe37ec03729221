/**
 * Notebook 04's claims for `--decide`, per task group: PLE's sentence (CGC and PLE each better than
 * Single-Task on both tasks) and our per-axis description (every model against Single-Task on
 * each task), built by the analysis' own bothBetterClaim and quadrantClaims. Every claim reads
 * its model(s) and Single-Task.
 */
import type { DecideClaim, DecideSource } from "../../decide/source";
import { analyseSeesaw, BASELINE, bothBetterClaim, quadrantClaims, type SeesawGroup } from "./analysis";
import { applyArmLearningRates } from "../../engine/store/run-record";
import { SEESAW_BOTH_TASKS, SEESAW_CENSUS_TASKS, SEESAW_SYNTHETIC_TASKS } from "./data";
import { SEESAW_MODELS } from "./models";
import { PLE_PAPER_QUADRANT, SEESAW_REGISTRATION } from "./paper";

/** A model's arm keys: the multi-task condition's arm, and Single-Task's arm under each one-task condition. */
function armsOf(group: SeesawGroup, model: string): string[] {
  const tasks = group === "census" ? SEESAW_CENSUS_TASKS : SEESAW_SYNTHETIC_TASKS;
  return model === BASELINE ? tasks.map((t) => `${t.name}-only/${model}`) : [`${SEESAW_BOTH_TASKS}/${model}`];
}

export function seesawDecide(experiment: string, group: SeesawGroup): DecideSource {
  const both = SEESAW_MODELS.filter((m) => PLE_PAPER_QUADRANT[m] === "both better");
  const claims: DecideClaim[] = [
    { id: `${group}.both-better`, family: "paper", arms: [BASELINE, ...both].flatMap((m) => armsOf(group, m)) },
    ...SEESAW_MODELS.filter((m) => m !== BASELINE).flatMap((m) => (["regression", "binary"] as const).map((axis) => ({ id: `${group}.${m}.${axis}`, family: "axes", arms: [...armsOf(group, m), ...armsOf(group, BASELINE)] }))),
  ];
  return {
    experiment,
    families: { paper: SEESAW_REGISTRATION.families.paper.label, axes: SEESAW_REGISTRATION.families.axes.label },
    claims,
    build: (runs) => {
      if (!runs.some((r) => r.status === "ok" && r.metrics)) return []; // before the first round: nothing to analyse yet
      const a = analyseSeesaw(applyArmLearningRates(runs), group);
      const b = bothBetterClaim(a);
      return [...(b ? [b] : []), ...quadrantClaims(a)];
    },
  };
}

export const seesawCensusDecide = seesawDecide("seesaw-census", "census");
export const seesawSyntheticDecide = seesawDecide("seesaw-synthetic", "synthetic");
