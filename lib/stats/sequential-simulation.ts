/**
 * Simulations that check the sequential design on synthetic paired differences (no training):
 * under the null, the family-wise rate of wrong decisions with a look after every round; with a
 * planted effect, the runs the design spends against a fixed-n design of the same power.
 *
 * Each family has K claims whose differences share an arm: d_j,i = μ_j + √(1−ρ)·z_j,i + √ρ·z_0,i
 * (unit variance; the confidence sequences are scale-free), so the claims are dependent as a
 * notebook's are when they compare several models with one baseline. Every round adds
 * `roundSize` runs to each claim still open, as `--decide` does.
 */
import { Rng } from "../seeds";
import { studentTQuantile } from "./student-t";
import { judgeSequentialFamily, type SequentialClaim, type SequentialRule, type SequentialVerdict } from "./sequential-family";

export interface SimulationDesign {
  families: number;
  /** Claims per family (K). */
  claims: number;
  /** The rule of every claim, and the true effect of each (in units of the differences' sd). */
  rule: SequentialRule;
  trueEffect: number;
  /** The minimum effect of interest registered with each direction claim. */
  minEffect: number;
  /** Correlation of two claims' differences through their shared arm, in [0, 1). */
  sharedArm: number;
  firstRound: number;
  roundSize: number;
  maxRuns: number;
  alpha: number;
  seed: number;
}

export interface SimulationResult {
  design: SimulationDesign;
  /** Families with at least one wrong decision, over all families. */
  familyWiseErrorRate: number;
  /** Its Monte-Carlo standard error. */
  monteCarloSe: number;
  /** Share of claims supported when the design stopped. */
  power: number;
  /** Runs per claim the sequential design spent, on average (decided or not). */
  meanRuns: number;
  /** The smallest n at which a fixed-n Bonferroni t-test on the same streams has at least `power`, or null. */
  fixedRunsForSamePower: number | null;
}

/** A verdict is wrong when the truth is on the other side of what it decides. */
function wrong(rule: SequentialRule, truth: number, verdict: SequentialVerdict): boolean {
  if (verdict === "inconclusive") return false;
  if (rule.kind === "direction") {
    const sign = rule.expect === "positive" ? 1 : -1;
    return verdict === "supported" ? sign * truth <= 0 : sign * truth >= 0;
  }
  const inside = Math.abs(truth) < rule.margin;
  return verdict === "supported" ? !inside : inside || Math.abs(truth) === rule.margin;
}

function streams(rng: Rng, d: SimulationDesign): number[][] {
  const shared = Array.from({ length: d.maxRuns }, () => rng.normal());
  const a = Math.sqrt(1 - d.sharedArm);
  const b = Math.sqrt(d.sharedArm);
  return Array.from({ length: d.claims }, () => shared.map((z0) => d.trueEffect + a * rng.normal() + b * z0));
}

/** Supports a direction claim with a fixed-n t-test at the Bonferroni level (what a fixed profile does); `critical` is its t quantile. */
function fixedSupports(xs: readonly number[], n: number, d: SimulationDesign, critical: number): boolean {
  if (d.rule.kind !== "direction") return false;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const t = (d.rule.expect === "positive" ? mean : -mean) / se;
  return t > critical;
}

export function simulateSequential(d: SimulationDesign): SimulationResult {
  if (!(d.sharedArm >= 0 && d.sharedArm < 1)) throw new RangeError(`sharedArm must be in [0, 1), got ${d.sharedArm}`);
  if (d.firstRound < 2 || d.roundSize < 1 || d.maxRuns < d.firstRound) throw new RangeError("need firstRound ≥ 2, roundSize ≥ 1 and maxRuns ≥ firstRound");
  const rng = new Rng(d.seed);
  let familyErrors = 0;
  let supported = 0;
  let runs = 0;
  const fixedHits = new Array<number>(d.maxRuns + 1).fill(0);
  const critical = fixedHits.map((_, m) => (m >= 2 ? studentTQuantile(1 - d.alpha / d.claims / 2, m - 1) : Infinity));
  for (let f = 0; f < d.families; f++) {
    const data = streams(rng, d);
    const n = new Array<number>(d.claims).fill(d.firstRound);
    const final = new Array<SequentialVerdict | null>(d.claims).fill(null);
    for (;;) {
      const open = final.map((v, j) => (v === null ? j : -1)).filter((j) => j >= 0);
      if (open.length === 0) break;
      const claims: SequentialClaim[] = data.map((xs, j) => ({ id: `c${j}`, rule: d.rule, minEffect: d.minEffect, parts: [{ label: "", differences: xs.slice(0, n[j]) }] }));
      const judged = judgeSequentialFamily(claims, { alpha: d.alpha, maxRuns: d.maxRuns });
      for (const j of open) {
        if (judged[j].state !== "open") final[j] = judged[j].verdict;
        else n[j] = Math.min(d.maxRuns, n[j] + d.roundSize);
      }
    }
    if (final.some((v) => wrong(d.rule, d.trueEffect, v!))) familyErrors++;
    supported += final.filter((v) => v === "supported").length;
    runs += n.reduce((a, b) => a + b, 0);
    for (let m = 2; m <= d.maxRuns; m++) fixedHits[m] += data.filter((xs) => fixedSupports(xs, m, d, critical[m])).length;
  }
  const total = d.families * d.claims;
  const rate = familyErrors / d.families;
  const power = supported / total;
  const fixed = fixedHits.findIndex((h, m) => m >= 2 && h / total >= power);
  return {
    design: d,
    familyWiseErrorRate: rate,
    monteCarloSe: Math.sqrt((rate * (1 - rate)) / d.families) || 1 / d.families,
    power,
    meanRuns: runs / total,
    fixedRunsForSamePower: power > 0 && fixed >= 2 ? fixed : null,
  };
}
