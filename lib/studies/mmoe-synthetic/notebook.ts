/** One-call loaders for notebooks 01 and 02: the profile's results (trained where missing) with what their cells plot. */
import { resultsRegistration, type RegistrationStatus } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import { applyArmLearningRates } from "../../engine/store/run-record";
import { estimatePaperProfile as estimateFor, loadExperiment, type LoadOptions } from "../../engine/report/notebook-load";
import { correlationOf, finalLossesOf, type FinalLosses } from "./analysis";
import { labelPearsonStudy, type LabelPearsonStudy } from "./data";
import { MMOE_SYNTHETIC_REGISTRATION } from "./paper";
import { demo } from "./demo";
import { syntheticCorrelation } from "./synthetic-correlation";
import { trainability } from "./trainability";

export interface SyntheticCorrelationResults {
  result: ExperimentResult;
  losses: FinalLosses;
  labelPearson: LabelPearsonStudy;
  correlations: number[];
  /** Whether the claims declaration predates these runs (pass it to the family). */
  registration: RegistrationStatus;
}

/** The result with every run at its model and p's learning rate (learningRateChoice "per-arm"). */
const atArmRates = (result: ExperimentResult): ExperimentResult => ({ ...result, runs: applyArmLearningRates(result.runs) });

const correlationsOf = (result: ExperimentResult) => [...new Set(result.runs.map(correlationOf))].sort((a, b) => a - b);

/** synthetic-correlation at a profile (trained where missing) with its final losses and the Fig. 2 study. */
export async function loadSyntheticCorrelation(opts: LoadOptions = {}): Promise<SyntheticCorrelationResults> {
  const result = atArmRates(await loadExperiment(syntheticCorrelation, opts));
  return { result, losses: finalLossesOf(result.runs), labelPearson: labelPearsonStudy(result.summary.profile, result.dir), correlations: correlationsOf(result), registration: resultsRegistration(MMOE_SYNTHETIC_REGISTRATION, [result]) };
}

export interface TrainabilityResults {
  result: ExperimentResult;
  losses: FinalLosses;
  correlations: number[];
  /** Whether the claims declaration predates these runs (pass it to the family). */
  registration: RegistrationStatus;
}

/** trainability at a profile (trained where missing) with its final losses. */
export async function loadTrainability(opts: LoadOptions = {}): Promise<TrainabilityResults> {
  const result = atArmRates(await loadExperiment(trainability, opts));
  return { result, losses: finalLossesOf(result.runs), correlations: correlationsOf(result), registration: resultsRegistration(MMOE_SYNTHETIC_REGISTRATION, [result]) };
}

/** The paper profile's wall time here, scaled from a loaded result of this study. */
export function estimatePaperProfile(result: ExperimentResult) {
  const experiment = [demo, syntheticCorrelation, trainability].find((e) => e.id === result.summary.experiment);
  if (!experiment) throw new RangeError(`estimatePaperProfile: ${result.summary.experiment} is not an experiment of the MMoE synthetic study`);
  return estimateFor(experiment, result);
}
