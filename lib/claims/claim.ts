/**
 * A paper's claim, judged on our runs: supported, contradicted or inconclusive, decided by a test
 * at a stated level with Holm's correction over the family of claims one notebook makes (SPEC §4)
 * — never by the sign of a difference. Two kinds of statement cover the papers:
 * - direction ("A beats B", "the loss rises as p falls"): H0 effect = 0, two-sided; a rejection is
 *   support when the estimate has the expected sign and contradiction otherwise;
 * - equivalence ("comparable minima", "MMoE is little affected"): within ±margin is support (TOST),
 *   significantly outside is contradiction.
 * An inconclusive verdict carries the runs that would resolve it at 80 % power, assuming the
 * observed effect and spread; a direction claim also carries its minimum detectable effect.
 */
import { studentTQuantile } from "../engine/student-t";
import type { Evidence } from "./evidence";

export type Verdict = "supported" | "contradicted" | "inconclusive";

export type ClaimRule = { kind: "direction"; expect: "positive" | "negative" } | { kind: "equivalence"; margin: number };

export interface Claim {
  id: string;
  /** Where the paper says it: "MMoE §5.1, Fig. 4". */
  source: string;
  /** The paper's statement (paraphrased, cited in the study's paper.ts). */
  statement: string;
  /** What the effect measures, with its sign convention: "loss at p = 0.5 minus loss at p = 1". */
  effect: string;
  /** What we find, in words with the numbers that matter beyond the effect. */
  finding: string;
  evidence: Evidence;
  rule: ClaimRule;
}

export interface ClaimSpec {
  id: string;
  source: string;
  statement: string;
  effect: string;
  finding: string;
  evidence: Evidence;
}

export function directionClaim(spec: ClaimSpec & { expect: "positive" | "negative" }): Claim {
  const { expect, ...rest } = spec;
  return { ...rest, rule: { kind: "direction", expect } };
}

export function equivalenceClaim(spec: ClaimSpec & { margin: number }): Claim {
  const { margin, ...rest } = spec;
  if (!(margin > 0)) throw new RangeError(`equivalenceClaim ${spec.id}: margin must be > 0, got ${margin}`);
  return { ...rest, rule: { kind: "equivalence", margin } };
}

export interface FamilyOptions {
  /** Family-wise error rate (default 0.05). */
  alpha?: number;
  /** Power assumed for "runs needed" (default 0.8). */
  power?: number;
}

export interface Judged extends Claim {
  verdict: Verdict;
  /** The claim's own p-value (direction: two-sided; equivalence: the more decisive of TOST and "outside"). */
  p: number;
  /** Holm-adjusted p-value within the family. */
  pAdjusted: number;
  /** 95 % CI of the effect (unadjusted; the verdict uses pAdjusted). */
  ci95: [number, number];
  /** Smallest |effect| this design detects at the Bonferroni level and the stated power (direction claims). */
  minimumDetectable: number | null;
  /** For an inconclusive verdict: runs that would resolve it (null = resolved, Infinity = effect 0 or on the margin). */
  runsToResolve: number | null;
  alpha: number;
  familySize: number;
}

const z = (p: number) => studentTQuantile(p, 1e7); // the normal quantile, to 1e-6

function claimP(c: Claim): { p: number; favours: "support" | "contradiction" } {
  const e = c.evidence;
  if (c.rule.kind === "direction") {
    const greater = e.pOneSided(0, "greater");
    const less = e.pOneSided(0, "less");
    const p = Math.min(1, 2 * Math.min(greater, less));
    const positive = greater <= less;
    return { p, favours: positive === (c.rule.expect === "positive") ? "support" : "contradiction" };
  }
  const m = c.rule.margin;
  const within = Math.max(e.pOneSided(-m, "greater"), e.pOneSided(m, "less"));
  const outside = Math.min(e.pOneSided(m, "greater"), e.pOneSided(-m, "less"));
  // two tests for one claim: Bonferroni within the claim keeps its level
  return within <= outside ? { p: Math.min(1, 2 * within), favours: "support" } : { p: Math.min(1, 2 * outside), favours: "contradiction" };
}

/** Holm's step-down adjustment (monotone, capped at 1), in the input order. */
export function holmAdjust(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    out[i] = running;
  });
  return out;
}

function runsNeeded(c: Claim, level: number, power: number): number {
  const e = c.evidence;
  const sd = e.se * Math.sqrt(e.n); // per-unit spread
  const gap = c.rule.kind === "direction" ? Math.abs(e.estimate) : Math.abs(Math.abs(e.estimate) - c.rule.margin);
  if (gap === 0 || !Number.isFinite(sd)) return Infinity;
  const zs = z(1 - level / 2) + z(power);
  return Math.max(e.n + 1, Math.ceil(((zs * sd) / gap) ** 2));
}

/** Judges one notebook's claims together. */
export function judgeFamily(claims: readonly Claim[], opts: FamilyOptions = {}): Judged[] {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  const ids = new Set<string>();
  for (const c of claims) {
    if (ids.has(c.id)) throw new RangeError(`judgeFamily: two claims share the id "${c.id}"`);
    ids.add(c.id);
  }
  const tested = claims.map(claimP);
  const adjusted = holmAdjust(tested.map((t) => t.p));
  const bonferroni = alpha / Math.max(1, claims.length);
  return claims.map((c, i) => {
    const significant = adjusted[i] < alpha;
    const verdict: Verdict = !significant ? "inconclusive" : tested[i].favours === "support" ? "supported" : "contradicted";
    const sd = c.evidence.se * Math.sqrt(c.evidence.n);
    return {
      ...c,
      verdict,
      p: tested[i].p,
      pAdjusted: adjusted[i],
      ci95: c.evidence.interval(0.05),
      minimumDetectable: c.rule.kind === "direction" ? ((z(1 - bonferroni / 2) + z(power)) * sd) / Math.sqrt(c.evidence.n) : null,
      runsToResolve: verdict === "inconclusive" ? runsNeeded(c, bonferroni, power) : null,
      alpha,
      familySize: claims.length,
    };
  });
}
