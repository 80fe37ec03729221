/**
 * A notebook's family of claims judged with confidence sequences, so that verdicts may be read
 * after every round of runs and runs may be added where claims are still open.
 *
 * Family-wise error: Bonferroni over the family's K claims. A claim is supported when every one
 * of its cases is (intersection–union: each case's sequence at level α/K), and contradicted when
 * any case is (each case's sequence at level α/(K·P) for a claim of P cases). A wrong verdict
 * needs a sequence to miss the true effect at some round, and every sequence covers it at all
 * rounds at once, so the family-wise error stays ≤ α whatever the order of looks, whatever rule
 * adds the runs, and however the claims' effects depend on each other (shared arms).
 *
 * A claim stops drawing runs when it is decided or futile: its minimum effect of interest cannot
 * be resolved within the run budget, or the sequence already shows the effect is smaller than
 * that minimum. Futility never decides a claim; it stays inconclusive.
 */
import { confidenceSequence, criticalT, DEFAULT_PRIOR_VARIANCE, moments, type SampleMoments } from "./confidence-sequence";

export type SequentialRule = { kind: "direction"; expect: "positive" | "negative" } | { kind: "equivalence"; margin: number };

export interface SequentialClaim {
  id: string;
  rule: SequentialRule;
  /** The paired differences of each case (one case for a single effect). */
  parts: readonly { label: string; differences: readonly number[] }[];
  /**
   * The smallest |effect| that matters (registered with the claim): direction claims spend no
   * runs on effects below it (0: none registered, so only the budget makes it futile).
   * Equivalence claims use their margin.
   */
  minEffect: number;
}

export type SequentialVerdict = "supported" | "contradicted" | "inconclusive";
export type ClaimState = "decided" | "open" | "futile";

export interface SequentialPart extends SampleMoments {
  label: string;
  /** The sequence at the support level α/K. */
  support: [number, number];
  /** The sequence at the contradiction level α/(K·P). */
  contradiction: [number, number];
}

export interface SequentialJudged {
  id: string;
  verdict: SequentialVerdict;
  state: ClaimState;
  /** Why an undecided claim is futile, in words; "" otherwise. */
  why: string;
  parts: SequentialPart[];
  supportLevel: number;
  contradictionLevel: number;
}

export interface SequentialOptions {
  /** Family-wise error rate (default 0.05). */
  alpha?: number;
  /** Prior variance of the standardised effect in the e-value (default 1). */
  g?: number;
  /** Runs per case the budget allows at most (default: no limit, so nothing is futile for budget). */
  maxRuns?: number;
  /**
   * Claims in the family (default: those given). A family whose claims cannot all be judged yet
   * (too few runs) is still corrected for every claim it registered.
   */
  familySize?: number;
}

const supports = (rule: SequentialRule, [lo, hi]: [number, number]) =>
  rule.kind === "direction" ? (rule.expect === "positive" ? lo > 0 : hi < 0) : lo > -rule.margin && hi < rule.margin;

const contradicts = (rule: SequentialRule, [lo, hi]: [number, number]) =>
  rule.kind === "direction" ? (rule.expect === "positive" ? hi < 0 : lo > 0) : lo > rule.margin || hi < -rule.margin;

/** Runs a case needs before its spread is trusted to call it futile (a spread from 3 runs is off by 2× often). */
export const FUTILITY_MIN_RUNS = 8;

/** Why more runs cannot decide this claim at the minimum effect that matters, or "". */
function futility(c: SequentialClaim, parts: readonly SequentialPart[], level: number, g: number, maxRuns: number): string {
  const target = c.rule.kind === "equivalence" ? c.rule.margin : c.minEffect;
  if (parts.every((p) => p.n >= maxRuns)) return `the budget of ${maxRuns} runs per case is spent`;
  for (const p of parts) {
    // without a registered minimum effect any effect matters: only the budget can make it futile
    if (p.n < FUTILITY_MIN_RUNS || !Number.isFinite(p.sd) || !(target > 0)) continue;
    if (c.rule.kind === "direction" && p.support[0] > -target && p.support[1] < target) {
      return `${p.label ? `${p.label}: ` : ""}the effect is within ±${target.toPrecision(2)}, below the minimum that matters`;
    }
    const halfAtBudget = (criticalT(maxRuns, level, g) * p.sd) / Math.sqrt(maxRuns);
    if (p.n < maxRuns && halfAtBudget >= target) return `${p.label ? `${p.label}: ` : ""}${maxRuns} runs resolve ±${halfAtBudget.toPrecision(2)} at most, not ${target.toPrecision(2)}`;
  }
  return "";
}

/** Judges a family of claims on the runs so far. */
export function judgeSequentialFamily(claims: readonly SequentialClaim[], opts: SequentialOptions = {}): SequentialJudged[] {
  const alpha = opts.alpha ?? 0.05;
  const g = opts.g ?? DEFAULT_PRIOR_VARIANCE;
  const maxRuns = opts.maxRuns ?? Infinity;
  if (opts.familySize !== undefined && !(opts.familySize >= claims.length)) throw new RangeError(`familySize ${opts.familySize} is below the ${claims.length} claims given`);
  const k = Math.max(1, opts.familySize ?? claims.length);
  return claims.map((c) => {
    if (c.parts.length === 0) throw new RangeError(`claim ${c.id}: no cases`);
    const supportLevel = alpha / k;
    const contradictionLevel = alpha / (k * c.parts.length);
    const parts = c.parts.map((p) => {
      const m = moments(p.differences);
      return { label: p.label, ...m, support: confidenceSequence(m, supportLevel, g), contradiction: confidenceSequence(m, contradictionLevel, g) };
    });
    const verdict: SequentialVerdict = parts.every((p) => supports(c.rule, p.support))
      ? "supported"
      : parts.some((p) => contradicts(c.rule, p.contradiction))
        ? "contradicted"
        : "inconclusive";
    const why = verdict === "inconclusive" && Number.isFinite(maxRuns) ? futility(c, parts, supportLevel, g, maxRuns) : "";
    const state: ClaimState = verdict !== "inconclusive" ? "decided" : why ? "futile" : "open";
    return { id: c.id, verdict, state, why, parts, supportLevel, contradictionLevel };
  });
}
