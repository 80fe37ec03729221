/**
 * What a `--decide` run may spend: wall-clock time (`--budget 45m`), runs per arm
 * (`--max-runs N`), or both (it stops at whichever comes first). The budget names the results
 * folder, so the same command finds its rounds again and resumes them.
 */
import type { ProfileName } from "../engine/plan/profiles";

export interface DecideBudget {
  /** Wall-clock training time over every round, resumed sessions included (ms); Infinity = none. */
  ms: number;
  /** Runs per arm at most; Infinity = none. */
  maxRuns: number;
  /** As typed, normalised: "45m", "2h", "1h30m", "runs-40", "2h-runs-40". */
  label: string;
}

/** Longest time budget accepted: a typo such as 4500h should not pass as a plan. */
export const MAX_BUDGET_HOURS = 24 * 30;

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** "45m", "2h", "1h30m", "90s" → ms and its normalised label; RangeError naming the accepted forms otherwise. */
export function parseDuration(text: string): { ms: number; label: string } {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  const parts = m ? (["h", "m", "s"] as const).map((u, i) => [u, m[i + 1] === undefined ? 0 : Number(m[i + 1])] as const) : [];
  const ms = parts.reduce((a, [u, v]) => a + v * UNIT_MS[u], 0);
  if (!m || !(ms > 0) || ms > MAX_BUDGET_HOURS * UNIT_MS.h) {
    throw new RangeError(`--budget must be a duration such as 45m, 2h, 1h30m or 90s (hours, minutes, seconds; more than 0, at most ${MAX_BUDGET_HOURS}h), got "${text}"`);
  }
  return { ms, label: parts.filter(([, v]) => v > 0).map(([u, v]) => `${v}${u}`).join("") };
}

/** The budget of `--budget` and/or `--max-runs` (at least one). */
export function decideBudget(opts: { budget?: string; maxRuns?: number }): DecideBudget {
  if (opts.budget === undefined && opts.maxRuns === undefined) throw new RangeError("--decide needs a budget: --budget DURATION (e.g. 45m, 2h), --max-runs N, or both");
  const time = opts.budget === undefined ? null : parseDuration(opts.budget);
  if (opts.maxRuns !== undefined && !(Number.isInteger(opts.maxRuns) && opts.maxRuns >= 3)) throw new RangeError(`--max-runs must be an integer of at least 3 (fewer runs decide nothing), got ${opts.maxRuns}`);
  const label = [time?.label, opts.maxRuns === undefined ? undefined : `runs-${opts.maxRuns}`].filter((x) => x !== undefined).join("-");
  return { ms: time?.ms ?? Infinity, maxRuns: opts.maxRuns ?? Infinity, label };
}

/** results/<experiment>/<this>: decide-<budget> at the quick profile's settings, decide-<budget>-<profile> at another's. */
export function decideFolderName(budget: DecideBudget, profile: ProfileName): string {
  return profile === "quick" ? `decide-${budget.label}` : `decide-${budget.label}-${profile}`;
}
