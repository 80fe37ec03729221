/** One-call loader for notebook 05: the profile's results (trained where missing) with what its cells show. */
import { resultsRegistration, type Judged } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import { estimatePaperProfile as estimateFor, loadExperiment, type LoadOptions } from "../../engine/report/notebook-load";
import { adattAblation } from "./adatt-ablation";
import { judgeAdattAblation, relativeChanges, type RelativeChange } from "./analysis";
import { ADATT_ABLATION_REGISTRATION } from "./paper";
import { decideSection, type DecideSection } from "../../decide/notebook";

export interface AdattAblationResults {
  result: ExperimentResult;
  changes: RelativeChange[];
  /** Every claim of the notebook, judged as one family (Holm). */
  judged: Judged[];
}

/** adatt-ablation at a profile (trained where missing) with its relative changes and judged claims. */
export async function loadAdattAblation(opts: LoadOptions = {}): Promise<AdattAblationResults> {
  const result = await loadExperiment(adattAblation, opts);
  return { result, changes: relativeChanges(result.runs), judged: judgeAdattAblation(result.runs, { registration: resultsRegistration(ADATT_ABLATION_REGISTRATION, [result]) }) };
}

/** The paper profile's wall time here, scaled from a loaded result. */
export function estimatePaperProfile(result: ExperimentResult) {
  return estimateFor(adattAblation, result);
}

/** Notebook 05's decide results beside the fixed-n verdicts, or the command that makes them. */
export function decideResults(results: { judged: readonly { id: string; verdict: string }[] }, root?: string): DecideSection {
  return decideSection(["adatt-ablation"], { fixed: results.judged, fixedLabel: "profile shown above", command: "npm run reproduce -- adatt-ablation --decide --budget 45m", root });
}
