/**
 * A paper's claim, judged on our runs: supported, contradicted or inconclusive, decided by a test
 * at a stated level with Holm's correction over the family of claims one notebook makes (SPEC §4)
 * — never by the sign of a difference. Two kinds of statement cover the papers:
 * - direction ("A beats B", "the loss rises as p falls"): H0 effect = 0, two-sided; a rejection is
 *   support when the estimate has the expected sign and contradiction otherwise;
 * - equivalence ("comparable minima", "MMoE is little affected"): within ±margin is support (TOST),
 *   significantly outside is contradiction.
 * A claim about several cases ("at every p") is supported only if every case is (intersection–
 * union test) and contradicted if any case is (Bonferroni over its cases).
 * An inconclusive verdict carries the runs that would resolve it at 80 % power, assuming the
 * observed effect and spread; a direction claim also carries its minimum detectable effect.
 */
import { studentTQuantile } from "../engine/student-t";
import type { Evidence } from "./evidence";

export type Verdict = "supported" | "contradicted" | "inconclusive";

export type ClaimRule = { kind: "direction"; expect: "positive" | "negative" } | { kind: "equivalence"; margin: number };

/** One case of a claim about several ("at every p", "for every model"), with its own evidence. */
export interface Part {
  label: string;
  evidence: Evidence;
}

/** What a study states about one claim; `directionClaim` / `equivalenceClaim` add the rule. */
export interface ClaimSpec {
  id: string;
  /** Where the paper says it: "MMoE §5.1, Fig. 4". */
  source: string;
  /** The paper's own words that this claim tests, verbatim (a sentence or a clause). */
  quote: string;
  /** The paper's statement (paraphrased, cited in the study's paper.ts). */
  statement: string;
  /** What the effect measures, with its sign convention: "loss at p = 0.5 minus loss at p = 1". */
  effect: string;
  /** What we find, in words with the numbers that matter beyond the effect. */
  finding: string;
  /**
   * One effect, or the cases of a claim about several: then the claim is supported only if every
   * case is (intersection–union test: the largest case p-value) and contradicted if any case is
   * (Bonferroni over the cases).
   */
  evidence: Evidence | readonly Part[];
}

export interface Claim extends ClaimSpec {
  rule: ClaimRule;
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

/** One case of a judged claim: its effect, interval and the two one-sided p-values (doubled, as the claim's). */
export interface JudgedPart {
  label: string;
  evidence: Evidence;
  ci95: [number, number];
  pSupport: number;
  pContradiction: number;
}

export interface Judged extends Omit<Claim, "evidence"> {
  /** The evidence that decides the verdict: the claim's own, or its weakest case (support, inconclusive) or strongest contradiction. */
  evidence: Evidence;
  /** Label of that case ("" for a single effect). */
  decisive: string;
  /** Every case of a claim about several (empty for a single effect). */
  parts: JudgedPart[];
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

/**
 * The two p-values of one effect: of support and of contradiction, each a one-sided test doubled
 * (direction: the two-sided test of no effect split by sign; equivalence: TOST against the
 * margin and "outside the margin", Bonferroni within the claim).
 */
function partPs(rule: ClaimRule, e: Evidence): { pSupport: number; pContradiction: number } {
  if (rule.kind === "direction") {
    const greater = e.pOneSided(0, "greater");
    const less = e.pOneSided(0, "less");
    const positive = rule.expect === "positive";
    return { pSupport: Math.min(1, 2 * (positive ? greater : less)), pContradiction: Math.min(1, 2 * (positive ? less : greater)) };
  }
  const m = rule.margin;
  const within = Math.max(e.pOneSided(-m, "greater"), e.pOneSided(m, "less"));
  const outside = Math.min(e.pOneSided(m, "greater"), e.pOneSided(-m, "less"));
  return { pSupport: Math.min(1, 2 * within), pContradiction: Math.min(1, 2 * outside) };
}

const partsOf = (c: Claim): readonly Part[] => (Array.isArray(c.evidence) ? (c.evidence as readonly Part[]) : [{ label: "", evidence: c.evidence as Evidence }]);

function claimP(c: Claim): { p: number; favours: "support" | "contradiction"; parts: JudgedPart[]; decisive: JudgedPart } {
  const cases = partsOf(c);
  if (cases.length === 0) throw new RangeError(`claim ${c.id}: no evidence (an empty list of cases)`);
  const parts = cases.map((x) => ({ label: x.label, evidence: x.evidence, ci95: x.evidence.interval(0.05), ...partPs(c.rule, x.evidence) }));
  // every case must support (intersection–union); any case may contradict (Bonferroni over cases)
  const weakest = parts.reduce((a, b) => (b.pSupport > a.pSupport ? b : a));
  const strongest = parts.reduce((a, b) => (b.pContradiction < a.pContradiction ? b : a));
  const pSupport = weakest.pSupport;
  const pContradiction = Math.min(1, parts.length * strongest.pContradiction);
  return pSupport <= pContradiction
    ? { p: pSupport, favours: "support", parts, decisive: weakest }
    : { p: pContradiction, favours: "contradiction", parts, decisive: strongest };
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

function runsNeeded(c: Claim, e: Evidence, level: number, power: number): number {
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
    // an undecided claim about several cases waits on its weakest case
    const decisive = verdict === "inconclusive" ? tested[i].parts.reduce((a, b) => (b.pSupport > a.pSupport ? b : a)) : tested[i].decisive;
    const e = decisive.evidence;
    const sd = e.se * Math.sqrt(e.n);
    return {
      ...c,
      evidence: e,
      decisive: decisive.label,
      parts: tested[i].parts.length > 1 ? tested[i].parts : [],
      verdict,
      p: tested[i].p,
      pAdjusted: adjusted[i],
      ci95: decisive.ci95,
      minimumDetectable: c.rule.kind === "direction" ? ((z(1 - bonferroni / 2) + z(power)) * sd) / Math.sqrt(e.n) : null,
      runsToResolve: verdict === "inconclusive" ? runsNeeded(c, e, bonferroni, power) : null,
      alpha,
      familySize: claims.length,
    };
  });
}
