/**
 * One-call loaders for notebook 04: both experiments at a profile (trained where missing), each
 * group's analysis, its claims judged per task group (as the experiments' reports judge them), the quadrants, and the
 * groups in the order the notebook shows them (the one with the clearer seesaw first).
 */
import { resultsRegistration, type Judged } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import { estimatePaperProfile as estimateFor, loadExperiment, type LoadOptions } from "../../engine/report/notebook-load";
import { analyseSeesaw, gateRows, groupSeesaw, judgeSeesaw, orderBySeesaw, quadrantRows, type GateRow, type GroupSeesaw, type QuadrantRow, type SeesawAnalysis, type SeesawGroup } from "./analysis";
import { SEESAW_REGISTRATION } from "./paper";
import { applyArmLearningRates } from "../../engine/store/run-record";
import { seesawCensus } from "./seesaw-census";
import { seesawSynthetic } from "./seesaw-synthetic";
import { decideSection, type DecideSection } from "../../decide/notebook";

export interface SeesawGroupResults {
  group: SeesawGroup;
  result: ExperimentResult;
  analysis: SeesawAnalysis;
  rows: QuadrantRow[];
  seesaw: GroupSeesaw;
  gates: GateRow[];
  runs: ExperimentResult["runs"];
}

export interface SeesawResults {
  /** In experiment order: census, synthetic. */
  groups: SeesawGroupResults[];
  /** The group with the clearer seesaw first (orderBySeesaw). */
  ordered: [SeesawGroupResults, SeesawGroupResults];
  /** Every claim of both groups: per group PLE's sentence and the per-axis description, each its own family (Holm). */
  judged: Judged[];
}

/** Both groups' analyses, each judged as its experiment's report judges it (exported for tests with hand-made runs). */
export function seesawResultsFrom(results: { group: SeesawGroup; result: ExperimentResult }[]): SeesawResults {
  // each run at its arm's learning rate (chosen on validation), as the experiments' reports read them
  const runsOf = results.map((r) => applyArmLearningRates(r.result.runs));
  const analyses = results.map((r, i) => analyseSeesaw(runsOf[i], r.group));
  const judged = analyses.flatMap((a, i) => judgeSeesaw([a], { registration: resultsRegistration(SEESAW_REGISTRATION, [results[i].result]) }));
  const groups = results.map((r, i): SeesawGroupResults => {
    const rows = quadrantRows(analyses[i], judged);
    return { group: r.group, result: r.result, analysis: analyses[i], rows, seesaw: groupSeesaw(rows), gates: gateRows(runsOf[i]), runs: runsOf[i] };
  });
  const ordered = orderBySeesaw(groups);
  return { groups, ordered: [ordered[0], ordered[1]], judged };
}

/** seesaw-census and seesaw-synthetic at a profile (trained where missing), analysed together. */
export async function loadSeesaw(opts: LoadOptions = {}): Promise<SeesawResults> {
  const census = await loadExperiment(seesawCensus, opts);
  const synthetic = await loadExperiment(seesawSynthetic, opts);
  return seesawResultsFrom([
    { group: "census", result: census },
    { group: "synthetic", result: synthetic },
  ]);
}

/** The paper profile's wall time here, scaled from a loaded result of this study. */
export function estimatePaperProfile(result: ExperimentResult) {
  const experiment = [seesawCensus, seesawSynthetic].find((e) => e.id === result.summary.experiment);
  if (!experiment) throw new RangeError(`estimatePaperProfile: ${result.summary.experiment} is not an experiment of the seesaw study`);
  return estimateFor(experiment, result);
}

/** Notebook 04's decide results (seesaw-census, seesaw-synthetic) beside the fixed-n verdicts, or the command that makes them. */
export function decideResults(results: Pick<SeesawResults, "judged">, root?: string): DecideSection {
  return decideSection(["seesaw-census", "seesaw-synthetic"], { fixed: results.judged, fixedLabel: "profile shown above", command: "npm run reproduce -- seesaw-census --decide --budget 45m", root });
}
