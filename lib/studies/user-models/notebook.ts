/**
 * One-call loader for notebook 07: both experiments at a profile (trained where missing), their
 * analyses, and every registered family judged on its own (Holm within each), the same families
 * each experiment's claims table judges.
 */
import { resultsRegistration, type Judged } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import { loadExperiment, type LoadOptions } from "../../engine/report/notebook-load";
import { analyseDupn, analyseFewShot, judgeUserModelFamilies, type DupnAnalysis, type FewShotAnalysis } from "./analysis";
import { userModelsDupn, userModelsMetaheac } from "./experiments";
import { USER_MODEL_REGISTRATION, type UserModelFamily } from "./paper";

export interface UserModelResults {
  metaheac: ExperimentResult;
  dupn: ExperimentResult;
  fewShot: FewShotAnalysis;
  dupnAnalysis: DupnAnalysis;
  families: Record<UserModelFamily, Judged[]>;
  judged: Judged[];
}

export async function loadUserModels(opts: LoadOptions = {}): Promise<UserModelResults> {
  const metaheac = await loadExperiment(userModelsMetaheac, opts);
  const dupn = await loadExperiment(userModelsDupn, opts);
  const families = judgeUserModelFamilies({ metaheac: metaheac.runs, dupn: dupn.runs }, resultsRegistration(USER_MODEL_REGISTRATION, [metaheac, dupn]));
  return { metaheac, dupn, fewShot: analyseFewShot(metaheac.runs), dupnAnalysis: analyseDupn(dupn.runs), families, judged: Object.values(families).flat() };
}
