/**
 * One-call loader for notebook 06: the three experiments at a profile (trained where missing),
 * their analyses, and every registered family judged on its own (Holm within each), the same
 * families each experiment's claims table judges.
 */
import { resultsRegistration, type Judged } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import { loadExperiment, type LoadOptions } from "../../engine/report/notebook-load";
import { analyseAitm, analyseEsmm, judgeFunnelFamilies, type AitmAnalysis, type EsmmAnalysis } from "./analysis";
import { FUNNEL_REGISTRATION, type FunnelFamily } from "./paper";
import { funnelAitm, funnelDcn, funnelEsmm } from "./experiments";
import { applyArmLearningRates } from "../../engine/store/run-record";

export interface FunnelResults {
  esmm: ExperimentResult;
  aitm: ExperimentResult;
  /** null when the Census-Income files are not found (the message says why). */
  dcn: ExperimentResult | null;
  dcnMissing: string | null;
  esmmAnalysis: EsmmAnalysis;
  aitmAnalysis: AitmAnalysis;
  /** Registered family → its judged claims. */
  families: Record<FunnelFamily, Judged[]>;
  /** Every judged claim, family by family. */
  judged: Judged[];
}

export async function loadFunnel(opts: LoadOptions = {}): Promise<FunnelResults> {
  const esmm = await loadExperiment(funnelEsmm, opts);
  const aitm = await loadExperiment(funnelAitm, opts);
  let dcn: ExperimentResult | null = null;
  let dcnMissing: string | null = null;
  try {
    const loaded = await loadExperiment(funnelDcn, opts);
    // each run at its model's learning rate (chosen on validation), as the experiment's report reads them
    dcn = { ...loaded, runs: applyArmLearningRates(loaded.runs) };
  } catch (e) {
    dcnMissing = (e as Error).message.split("\n")[0];
  }
  const families = judgeFunnelFamilies({ esmm: esmm.runs, aitm: aitm.runs, dcn: dcn?.runs }, resultsRegistration(FUNNEL_REGISTRATION, dcn ? [esmm, aitm, dcn] : [esmm, aitm]));
  return {
    esmm, aitm, dcn, dcnMissing,
    esmmAnalysis: analyseEsmm(esmm.runs),
    aitmAnalysis: analyseAitm(aitm.runs),
    families,
    judged: Object.values(families).flat(),
  };
}
