/** The shape of summary.json (built in summary.ts); apart so that experiment declarations can name it without a cycle. */
import type { ProfileName, RowCaps } from "../plan/profiles";
import type { SignificanceTest, Summary } from "../../stats/across-runs";
import type { TrainConfig } from "../train/train-config";

export const SUMMARY_SCHEMA = 1;

export interface MetricSummary extends Summary {
  /** Test value of the run with the best validation selection metric (MMoE's "best"). */
  best: number | null;
}

export type ModelSummaries = Record<string, Record<string, Record<string, MetricSummary>>>;

export interface ArmInfo {
  model: string;
  condition: string;
  configHash: string;
  runs: number;
  diverged: { seed: number; reason: string }[];
  /** The run "best" refers to. */
  bestRun: { seed: number; selectionValue: number } | null;
  /** learning rate → how many runs chose it. */
  learningRatesChosen: Record<string, number>;
  parametersPerReplica: number | null;
  wallTimeMs: number;
}

export interface Comparison {
  baseline: string;
  meanDifference: number | null;
  /** (mean − baseline mean) / |baseline mean| in % (AdaTT tables). */
  relativeChangePct: number | null;
  /** PLE Eq. 11, only when the baseline is a single-task model. */
  mtlGain?: number | null;
  /** Paired by seed where both arms hold the same seeds, Welch otherwise; null with < 2 runs. */
  significance: SignificanceTest | null;
}

export interface ExperimentSummary {
  schema: typeof SUMMARY_SCHEMA;
  experiment: string;
  title: string;
  paper: string;
  profile: ProfileName;
  /** How the profile subsamples, with the numbers it resolves to (a subset says so first). */
  profileStatement: { statement: string; runs: number; train: TrainConfig; rows: RowCaps; seedsPerGroup: number };
  /** Present when --runs/--model selected other runs or models than the profile's. */
  subset?: { label: string; description: string };
  backend: string;
  /** Runs summarised (finished, including diverged ones). */
  runs: number;
  expectedRuns: number;
  diverged: number;
  complete: boolean;
  selection: { task: string; metric: string };
  /** Test metrics across runs: models.<arm>.<task>.<metric>. */
  models: ModelSummaries;
  /** The same for the validation metrics of the chosen checkpoints. */
  validation: ModelSummaries;
  arms: Record<string, ArmInfo>;
  /** comparisons.<arm>.<task>.<metric> against the baseline of the arm's condition. */
  comparisons: Record<string, Record<string, Record<string, Comparison>>>;
  wallTimeMs: number;
  generatedAt: string;
}
