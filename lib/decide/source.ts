/**
 * What a study gives `--decide` for one experiment: every claim its runs can decide, known
 * before any run (with its family and the arms whose runs it reads, so that a round trains only
 * arms of open claims), and the function that builds the claims from runs — the one its claims
 * table uses, so a sequential verdict reads the very paired differences the fixed-n table does.
 */
import type { Claim, Part } from "../claims/claim";
import type { Evidence } from "../claims/evidence";
import type { RunRecord } from "../engine/store/run-record";
import type { SequentialClaim } from "../stats/sequential-family";

export interface DecideClaim {
  id: string;
  /** Key of `DecideSource.families`: each family is corrected on its own, as in the claims table. */
  family: string;
  /** Arm keys of the resolved plan (the model, or `<condition>/<model>`) whose runs the claim reads. */
  arms: readonly string[];
  /**
   * What the claim cannot be built without: per table row, its candidates' arms, of which at least
   * one must be trained (absent: every arm is optional). A profile that trains no arm of a row
   * cannot decide the claim.
   */
  needs?: readonly (readonly string[])[];
}

export interface DecideSource {
  experiment: string;
  /** Family key → the label the claims table shows. */
  families: Readonly<Record<string, string>>;
  /**
   * Claims a family holds in all, when it spans experiments (notebook 03's paper family holds
   * census-mmoe's and census-adatt's): the correction counts them all, so the notebook's family
   * keeps its error rate when each experiment is decided on its own.
   */
  familySizes?: Readonly<Record<string, number>>;
  claims: readonly DecideClaim[];
  /** The study's claims on these runs (a claim with too few paired runs is left out, as the table leaves it out). */
  build(runs: readonly RunRecord[]): Claim[];
}

/** A study's claim as a sequential claim, or why it cannot be one (its evidence is not paired differences). */
export function toSequential(c: Claim): SequentialClaim | string {
  const cases: readonly Part[] = Array.isArray(c.evidence) ? (c.evidence as readonly Part[]) : [{ label: "", evidence: c.evidence as Evidence }];
  const missing = cases.find((p) => p.evidence.differences === undefined);
  if (missing) return `its evidence (${missing.evidence.test}) is not per-seed paired differences: the fixed-n claims table judges it`;
  const parts = cases.map((p) => ({ label: p.label, differences: p.evidence.differences! }));
  if (c.rule.kind === "equivalence") return { id: c.id, rule: c.rule, parts, minEffect: c.rule.margin };
  return { id: c.id, rule: { kind: "direction", expect: c.rule.expect }, parts, minEffect: c.rule.minimumEffect ?? 0 };
}

/** Checks a source against a plan's arm keys: a claim naming no arm, or an arm the plan lacks, is a bug of the study. */
/**
 * The source with each claim's arms cut to those the profile trains: a profile may cut a search
 * (its candidates not trained cannot be chosen, so the claim does not read them); a claim left
 * with no arm (a condition the profile does not train), or with no arm of a row it needs, is
 * left out, and still counts in its family's size when the source states it (familySizes).
 */
export function armsOfProfile(source: DecideSource, armKeys: readonly string[]): DecideSource {
  const claims = source.claims
    .filter((c) => (c.needs ?? []).every((row) => row.some((a) => armKeys.includes(a))))
    .map((c) => ({ ...c, arms: c.arms.filter((a) => armKeys.includes(a)) }))
    .filter((c) => c.arms.length > 0);
  return { ...source, claims };
}

export function checkSource(source: DecideSource, armKeys: readonly string[]): void {
  const ids = new Set<string>();
  for (const c of source.claims) {
    if (ids.has(c.id)) throw new Error(`${source.experiment}: two decide claims share the id "${c.id}"`);
    ids.add(c.id);
    if (!(c.family in source.families)) throw new Error(`${source.experiment}: claim ${c.id} names family "${c.family}", which the source does not define`);
    const bad = c.arms.filter((a) => !armKeys.includes(a));
    if (c.arms.length === 0 || bad.length) throw new Error(`${source.experiment}: claim ${c.id} names arm(s) ${bad.join(", ") || "(none)"}; the plan's arms are ${armKeys.join(", ")}`);
  }
}
