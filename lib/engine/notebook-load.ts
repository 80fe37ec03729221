/**
 * What a notebook cell calls to get an experiment's results: options as plain strings (they come
 * from environment variables), progress on stderr while anything trains, and a scaled estimate
 * of the paper profile's wall time from the measured one.
 */
import { parseBackendPreference } from "../backend";
import { PROFILES, resolveExperiment, type Experiment, type ExperimentResult, type ProfileName } from "./experiment";
import { terminalProgress } from "./progress";
import { runOrLoad } from "./runner";

export interface LoadOptions {
  /** smoke | quick | paper (default quick). */
  profile?: string;
  /** tfjs backend preference (default MTL_BACKEND or auto). */
  backend?: string;
  /** Results root (default <project>/results, or MTL_RESULTS_DIR). */
  out?: string;
  /** Print progress to stderr while training (default true). */
  progress?: boolean;
}

/** The profile's results of `experiment`, trained where missing. */
export function loadExperiment(experiment: Experiment, opts: LoadOptions = {}): Promise<ExperimentResult> {
  const profile = opts.profile ?? "quick";
  if (!(PROFILES as readonly string[]).includes(profile)) throw new RangeError(`unknown profile "${profile}"; valid: ${PROFILES.join(", ")}`);
  const backend = opts.backend === undefined || opts.backend === "" ? undefined : parseBackendPreference(opts.backend, "backend");
  return runOrLoad(experiment, { profile: profile as ProfileName, backend, out: opts.out, progress: opts.progress === false ? undefined : terminalProgress(process.stderr) });
}

/**
 * Wall time the paper profile would take on this machine, scaled from the measured run time by
 * runs × learning rates × steps (rough: larger replica groups are somewhat cheaper per run, and
 * evaluation and data generation scale differently).
 */
export function estimatePaperProfile(experiment: Experiment, result: ExperimentResult): { hours: number; factor: number; measuredMinutes: number; sentence: string } {
  const paper = resolveExperiment(experiment, { profile: "paper" });
  const st = result.summary.profileStatement;
  const work = (runs: number, lrs: number, steps: number) => runs * lrs * steps;
  const factor = work(paper.runs, paper.train.learningRates.length, paper.train.steps) / work(st.runs, st.train.learningRates.length, st.train.steps);
  const measuredMinutes = result.summary.wallTimeMs / 60_000;
  const hours = (measuredMinutes * factor) / 60;
  const sentence = `The ${result.summary.profile} profile trained in ${measuredMinutes.toFixed(1)} min on ${result.summary.backend}; the paper profile does ${factor.toFixed(0)}× the work (${paper.runs} runs × ${paper.train.learningRates.length} learning rate(s) × ${paper.train.steps.toLocaleString("en-US")} steps per arm), about ${hours.toFixed(1)} h here.`;
  return { hours, factor, measuredMinutes, sentence };
}
