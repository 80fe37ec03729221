/**
 * One look at a decide run's claims: every registered claim of the experiment judged on the runs
 * stored so far with confidence sequences (lib/stats/sequential-family.ts), one Bonferroni family
 * per registered family, each corrected for every claim it registered (also those that cannot be
 * judged yet). A claim that was decided or found futile at an earlier look stays as it was then:
 * it stopped drawing runs, and its verdict is the one reached when it stopped.
 */
import type { RunRecord } from "../engine/store/run-record";
import { judgeSequentialFamily, type ClaimState, type SequentialVerdict } from "../stats/sequential-family";
import { toSequential, type DecideSource } from "./source";

/** "excluded": evidence that is not paired differences (a bootstrap): no sequence, no runs drawn. */
export type DecideState = ClaimState | "excluded";

export interface PartStatus {
  label: string;
  n: number;
  mean: number;
  /** The confidence sequence at the support level (null: unbounded, while it excludes nothing; JSON has no Infinity). */
  lo: number | null;
  hi: number | null;
}

export interface ClaimStatus {
  id: string;
  family: string;
  state: DecideState;
  verdict: SequentialVerdict;
  /** Why the claim is futile, excluded or still open, in words ("" when decided). */
  why: string;
  /** Runs per arm of its arms (the fewest) when it was judged. */
  runs: number;
  /** The look at which it was decided, found futile, or last judged. */
  round: number;
  /** Bonferroni level of support (α / K) and the family's K. */
  level: number;
  familySize: number;
  /** Registered minimum effect (direction) or margin (equivalence); 0 when none was registered. */
  minEffect: number;
  rule: string;
  parts: PartStatus[];
}

export interface JudgeOptions {
  alpha: number;
  /** Runs per arm the budget allows at most, for futility (Infinity: no limit). */
  maxRuns: number;
  round: number;
  /** Statuses of the earlier look: closed claims keep theirs. */
  earlier?: readonly ClaimStatus[];
  /** Runs stored per arm key (allocate.ts' runsPerArm). */
  perArm: Readonly<Record<string, number>>;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** Every claim of the source, in its order, judged on `runs`. */
export function judgeLook(source: DecideSource, runs: readonly RunRecord[], opts: JudgeOptions): ClaimStatus[] {
  const built = new Map(source.build(runs).map((c) => [c.id, c]));
  const closed = new Map((opts.earlier ?? []).filter((s) => s.state !== "open").map((s) => [s.id, s]));
  const out = new Map<string, ClaimStatus>();
  const runsOf = (id: string) => Math.min(...source.claims.find((c) => c.id === id)!.arms.map((a) => opts.perArm[a] ?? 0));
  for (const family of Object.keys(source.families)) {
    const members = source.claims.filter((c) => c.family === family);
    const k = Math.max(members.length, source.familySizes?.[family] ?? 0);
    const level = opts.alpha / Math.max(1, k);
    const judgeable = members.flatMap((m) => {
      if (closed.has(m.id)) return [];
      const c = built.get(m.id);
      const seq = c ? toSequential(c) : `fewer than 2 paired runs in some case`;
      if (typeof seq === "string") {
        const excluded = c !== undefined;
        out.set(m.id, { id: m.id, family, state: excluded ? "excluded" : "open", verdict: "inconclusive", why: seq, runs: runsOf(m.id), round: opts.round, level, familySize: k, minEffect: 0, rule: c ? ruleText(c.rule) : "", parts: [] });
        return [];
      }
      return [{ seq, rule: ruleText(c!.rule) }];
    });
    if (judgeable.length === 0) continue;
    const judged = judgeSequentialFamily(judgeable.map((j) => j.seq), { alpha: opts.alpha, maxRuns: opts.maxRuns, familySize: k });
    judged.forEach((j, i) => {
      const { seq, rule } = judgeable[i];
      // runs spent is a budget's end, not futility at the registered effect: the claim stays open, its arms get no more runs
      const spent = j.state === "futile" && j.parts.every((p) => p.n >= opts.maxRuns);
      out.set(j.id, {
        id: j.id,
        family,
        state: spent ? "open" : j.state,
        verdict: j.verdict,
        why: j.state === "open" ? "open: the sequence still contains effects of both readings" : spent ? `open: ${j.why}` : j.why,
        runs: runsOf(j.id),
        round: opts.round,
        level: j.supportLevel,
        familySize: k,
        minEffect: seq.minEffect,
        rule,
        parts: j.parts.map((p) => ({ label: p.label, n: p.n, mean: p.mean, lo: finiteOrNull(p.support[0]), hi: finiteOrNull(p.support[1]) })),
      });
    });
  }
  return source.claims.map((c) => closed.get(c.id) ?? out.get(c.id)!);
}

function ruleText(rule: { kind: string; expect?: string; margin?: number }): string {
  return rule.kind === "equivalence" ? `equivalence within ±${rule.margin}` : `direction: ${rule.expect}`;
}
