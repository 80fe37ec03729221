/**
 * What a notebook cell calls to get an experiment's results: options as plain strings (they come
 * from environment variables), progress on stdout while anything trains, and a scaled estimate
 * of the paper profile's wall time from the measured one.
 */
import { parseBackendPreference } from "../../backend";
import { DEFAULT_PROFILE, PROFILES, resolveExperiment, type Experiment, type ExperimentResult, type ProfileName } from "../plan/experiment";
import { UserError } from "../../errors";
import { terminalProgress } from "./progress";
import { runOrLoad } from "../runner";
import type { TrainConfig } from "../train/train-config";

export interface LoadOptions {
  /** smoke | quick | paper (default MTL_PROFILE, else quick). */
  profile?: string;
  /** --set key=value overrides, as `npm run reproduce` takes them (default MTL_SET, split at ";" and newlines). */
  set?: readonly string[];
  /** tfjs backend preference (default MTL_BACKEND or auto). */
  backend?: string;
  /** Results root (default <project>/results, or MTL_RESULTS_DIR). */
  out?: string;
  /** Print progress on stdout while training (default true). */
  progress?: boolean;
}

/** MTL_SET as a list of overrides: `train.steps=80;rows.train=2000` (";" or newlines between them). */
export function overridesFromEnv(value = process.env.MTL_SET): string[] {
  return (value ?? "").split(/[;\n]/).map((s) => s.trim()).filter((s) => s !== "");
}

/** The selection a notebook shows: the options given, else the environment the notebooks CLI and `npm run lab` set. */
export function notebookSelection(opts: LoadOptions = {}): { profile: ProfileName; set: string[] } {
  const profile = opts.profile ?? process.env.MTL_PROFILE ?? DEFAULT_PROFILE;
  if (!(PROFILES as readonly string[]).includes(profile)) throw new UserError(`unknown profile "${profile}" (MTL_PROFILE or the profile option); valid: ${PROFILES.join(", ")}`);
  return { profile: profile as ProfileName, set: [...(opts.set ?? overridesFromEnv())] };
}

/** The selection's results of `experiment` (profile, overrides, results root), trained where missing. */
export function loadExperiment(experiment: Experiment, opts: LoadOptions = {}): Promise<ExperimentResult> {
  const { profile, set } = notebookSelection(opts);
  const backend = opts.backend === undefined || opts.backend === "" ? undefined : parseBackendPreference(opts.backend, "backend");
  // stdout: a notebook shows stderr as an error box, and loading or training is not an error
  return runOrLoad(experiment, { profile, set, backend, out: opts.out, progress: opts.progress === false ? undefined : terminalProgress(process.stdout) });
}

/** Runs × rates one arm trains: every run the whole grid, or under "pilot" the pilot seeds the grid and every reported run one rate. */
function replicaRuns(runs: number, t: TrainConfig): number {
  return t.learningRateChoice === "pilot" ? runs + (t.pilotSeeds?.length ?? 0) * t.learningRates.length : runs * t.learningRates.length;
}

/** The work of one arm in words, as replicaRuns counts it. */
function workText(runs: number, t: TrainConfig): string {
  const steps = `${t.steps.toLocaleString("en-US")} steps`;
  if (t.learningRateChoice !== "pilot") return `${runs} runs × ${t.learningRates.length} learning rate(s) × ${steps} per arm`;
  const pilots = t.pilotSeeds?.length ?? 0;
  return `${runs} runs at one learning rate and ${pilots} pilot run${pilots === 1 ? "" : "s"} × ${t.learningRates.length} rates per arm, up to ${steps} each`;
}

/**
 * Wall time the paper profile would take on this machine, scaled from the measured run time (the
 * pilot runs' included) by runs × learning rates × steps (rough: larger replica groups are
 * somewhat cheaper per run, and evaluation and data generation scale differently).
 */
export function estimatePaperProfile(experiment: Experiment, result: ExperimentResult): { hours: number; factor: number; measuredMinutes: number; sentence: string } {
  const paper = resolveExperiment(experiment, { profile: "paper" });
  const st = result.summary.profileStatement;
  const factor = (replicaRuns(paper.runs, paper.train) * paper.train.steps) / (replicaRuns(st.runs, st.train) * st.train.steps);
  const pilotMs = (result.pilotRuns ?? []).reduce((a, r) => a + r.wallTimeMs, 0);
  const measuredMinutes = (result.summary.wallTimeMs + pilotMs) / 60_000;
  const hours = (measuredMinutes * factor) / 60;
  const sentence = `The ${result.summary.profile} profile trained in ${measuredMinutes.toFixed(1)} min on ${result.summary.backend}; the paper profile does ${factor.toFixed(0)}× the work (${workText(paper.runs, paper.train)}), about ${hours.toFixed(1)} h here.`;
  return { hours, factor, measuredMinutes, sentence };
}
