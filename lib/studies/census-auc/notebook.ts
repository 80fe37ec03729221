/** One-call loaders for notebook 03: both experiments at a profile (trained where missing), analysed together. */
import { resultsRegistration, verdictSentences, verdictText, type Judged } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import { estimatePaperProfile as estimateFor, loadExperiment, type LoadOptions } from "../../engine/report/notebook-load";
import type { Figure } from "../../figures";
import { claimsTable, familyStatement } from "../../claims";
import type { Table } from "../../tables";
import { adattTable, judgeCensus, mmoeTable, oneHotTable, pleTable, searchTable, type CensusRuns } from "./analysis";
import { censusFigures } from "./figures";
import { censusAdatt, censusMmoe } from "./experiments";
import { MMOE_ONE_TASK_CONDITIONS } from "./design";
import { applyArmLearningRates } from "../../engine/store/run-record";
import { withOwnTaskRuns } from "../own-task-runs";
import { CENSUS_REGISTRATION } from "./paper";
import { decideSection, type DecideSection } from "../../decide/notebook";

export interface CensusAucResults {
  mmoe: ExperimentResult;
  adatt: ExperimentResult;
  runs: CensusRuns;
  /** Notebook 03's claims: the papers' sentences (one family) and our own checks (another), each Holm-corrected. */
  judged: Judged[];
  tables: { mmoe: Table; ple: Table; adatt: Table; oneHot: Table; search: Table; claims: Table };
  figures: Record<string, Figure>;
  /** One Markdown line per claim and the family statement. */
  verdicts: string;
  family: string;
}

/** census-mmoe and census-adatt at a profile (trained where missing), with every table, figure and verdict of notebook 03. */
export async function loadCensusAuc(opts: LoadOptions = {}): Promise<CensusAucResults> {
  const mmoe = await loadExperiment(censusMmoe, opts);
  const adatt = await loadExperiment(censusAdatt, opts);
  // as the reports read them: each arm at its learning rate, the Single-Task baseline's one-task runs combined
  const runs: CensusRuns = { mmoe: withOwnTaskRuns(applyArmLearningRates(mmoe.runs), MMOE_ONE_TASK_CONDITIONS), adatt: applyArmLearningRates(adatt.runs) };
  const judged = judgeCensus(runs, { registration: resultsRegistration(CENSUS_REGISTRATION, [mmoe, adatt]) });
  return {
    mmoe,
    adatt,
    runs,
    judged,
    tables: {
      mmoe: mmoeTable(runs.mmoe!, judged),
      ple: pleTable(runs.mmoe!, judged),
      adatt: adattTable(runs.adatt!, judged),
      oneHot: oneHotTable(runs.adatt!, judged),
      search: searchTable(runs),
      claims: claimsTable(judged, "Notebook 03's claims against our runs"),
    },
    figures: censusFigures(runs),
    verdicts: verdictSentences(judged),
    family: familyStatement(judged),
  };
}

/**
 * One Markdown line per claim whose id starts with `prefix` ("mmoe", "ple-table5", "adatt-table5",
 * "one-hot"): its id, the paper's words and the verdict the claims table gives it, nothing else
 * (the claims table at the end has each one's estimate, CI and adjusted p).
 */
export function verdictsFor(results: Pick<CensusAucResults, "judged">, prefix: string): string {
  const mine = results.judged.filter((j) => j.id.startsWith(prefix));
  if (mine.length === 0) return `No claim under "${prefix}" could be judged (fewer than 2 paired runs).`;
  return mine.map((j) => `- \`${j.id}\` (${j.source}: “${j.quote}”): **${verdictText(j)}** (Holm p = ${j.pAdjusted < 1e-4 ? "< 0.0001" : j.pAdjusted.toFixed(4)} within ${j.family}).`).join("\n");
}

/** The paper profile's wall time here, scaled from the loaded results of both experiments. */
export function estimatePaperProfile(results: Pick<CensusAucResults, "mmoe" | "adatt">): { hours: number; sentence: string } {
  const a = estimateFor(censusMmoe, results.mmoe);
  const b = estimateFor(censusAdatt, results.adatt);
  return { hours: a.hours + b.hours, sentence: `${a.sentence} ${b.sentence} Together about ${(a.hours + b.hours).toFixed(0)} h.` };
}

/** Notebook 03's decide results (census-mmoe, census-adatt) beside the fixed-n verdicts, or the command that makes them. */
export function decideResults(results: Pick<CensusAucResults, "judged">, root?: string): DecideSection {
  return decideSection(["census-mmoe", "census-adatt"], { fixed: results.judged, fixedLabel: "profile shown above", command: "npm run reproduce -- census-auc --decide --budget 45m", root });
}
