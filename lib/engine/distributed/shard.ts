/**
 * Job arrays (docs/several-machines.md): `--shard K/N` trains a deterministic 1/N of a plan's groups, so a Slurm
 * array (`--array=0-<N−1>`, K = $SLURM_ARRAY_TASK_ID) or a Kubernetes indexed job
 * (K = $JOB_COMPLETION_INDEX) covers the plan exactly once; merge.ts joins the shard folders.
 * Group i of the plan's fixed order (arms in order, each arm's fixed seed groups in order; under
 * learningRateChoice "pilot" every arm's pilot groups first) belongs to shard i mod N, whatever is
 * already stored, so every shard computes the same split. Under "pilot" an arm's reported groups
 * need its pilot, so the unit is the arm: arm a's groups, pilot and reported, go to shard a mod N.
 */
import { pilotSeedsOf, type Arm, type ResolvedExperiment } from "../plan/experiment";
import { runKey } from "../store/results-store";
import { seedGroups } from "../train/run-group";

export interface Shard {
  /** 0-based: 0 … count − 1. */
  index: number;
  count: number;
}

/** The most shards a plan may be split into (far more than any plan has groups). */
export const MAX_SHARDS = 100_000;

/** "K/N" with 0 ≤ K < N (decimal digits); RangeError naming the form otherwise. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && count <= MAX_SHARDS && index >= 0 && index < count)) {
    throw new RangeError(`--shard must be K/N with N from 1 to ${MAX_SHARDS} and K from 0 to N−1 (e.g. --shard 0/4 … --shard 3/4, or --shard $SLURM_ARRAY_TASK_ID/4), got "${text}"`);
  }
  return { index, count };
}

/** One seed group of a plan: the engine's unit of work. */
export interface PlanGroup {
  /** Position in the plan's fixed order. */
  index: number;
  arm: Arm;
  seeds: number[];
  /** runKey of each seed, in order. */
  keys: string[];
  /** A group of pilot seeds: it trains the grid to choose its arm's rate (learningRateChoice "pilot"). */
  pilot: boolean;
  /** What `--shard` divides: the group's index, or under "pilot" its arm's index. */
  shardKey: number;
}

/** Every group of the plan, in its fixed order (the order one process trains them in). */
export function planGroups(plan: ResolvedExperiment): PlanGroup[] {
  const byArm = pilotSeedsOf(plan).length > 0;
  const groups = (seeds: readonly number[], pilot: boolean) =>
    plan.arms.flatMap((arm, a) => seedGroups(seeds, plan.seedsPerGroup).map((s) => ({ arm, armIndex: a, seeds: s, keys: s.map((x) => runKey(arm.configHash, x)), pilot })));
  return [...groups(pilotSeedsOf(plan), true), ...groups(plan.seeds, false)].map(({ armIndex, ...g }, index) => ({ ...g, index, shardKey: byArm ? armIndex : index }));
}

/** Whether group `index` is this shard's (every group when there is no shard). */
export const inShard = (index: number, shard: Shard | undefined): boolean => shard === undefined || index % shard.count === shard.index;

/** The run keys a shard must store. */
export function shardRunKeys(plan: ResolvedExperiment, shard: Shard | undefined): string[] {
  return planGroups(plan).filter((g) => inShard(g.shardKey, shard)).flatMap((g) => g.keys);
}
