/**
 * Which arms a round trains, and how far: every arm of an open claim is brought to the same run
 * count (claims are paired by seed), a round adds one seed group per arm, and an arm whose claims
 * are all closed gets nothing more. An interrupted round is finished first: arms behind the
 * others catch up before any arm moves on.
 */
import type { RunRecord } from "../engine/store/run-record";
import { runKey } from "../engine/store/results-store";
import type { ResolvedExperiment } from "../engine/plan/experiment";

/** Seed i (0-based) of an experiment's sequence: the profile's seeds, continued. */
export const seedAt = (plan: ResolvedExperiment, i: number) => (plan.experiment.seedOffset ?? 0) + i + 1;

/** Runs per arm: how many of the arm's first seeds are all stored (a gap ends the count). */
export function runsPerArm(plan: ResolvedExperiment, records: readonly RunRecord[]): Record<string, number> {
  const stored = new Set(records.map((r) => runKey(r.configHash, r.seed)));
  return Object.fromEntries(
    plan.arms.map((a) => {
      let n = 0;
      while (stored.has(runKey(a.configHash, seedAt(plan, n)))) n++;
      return [a.key, n];
    }),
  );
}

export interface RoundSize {
  /** Runs per arm of the first look that can decide anything. */
  first: number;
  /** Runs per arm a round adds. */
  step: number;
  /** Runs per arm at most (Infinity: none). */
  maxRuns: number;
}

/** The round's size from the plan: whole seed groups (a group is the engine's unit of work), at least 3 runs first. */
export function roundSize(plan: ResolvedExperiment, maxRuns: number): RoundSize {
  const g = plan.seedsPerGroup;
  return { first: Math.ceil(3 / g) * g, step: g, maxRuns };
}

/** The arms the next round trains and the run count it brings them to; null when none can get more runs. */
export function nextRound(openArms: readonly string[], perArm: Readonly<Record<string, number>>, size: RoundSize): { target: number; arms: string[] } | null {
  if (openArms.length === 0) return null;
  const counts = openArms.map((a) => perArm[a] ?? 0);
  const current = Math.max(...counts);
  const behind = counts.some((n) => n < current);
  const target = Math.min(size.maxRuns, behind ? current : current < size.first ? size.first : current + size.step);
  const arms = openArms.filter((a) => (perArm[a] ?? 0) < target);
  return arms.length ? { target, arms } : null;
}
