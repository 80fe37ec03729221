/**
 * Registration: what a study declares about its claims before it trains — which sentence each
 * claim tests, its family, its margin or minimum effect of interest, each with a one-line reason.
 * The declaration is plain data; its hash is written into the manifest when runs train (the
 * engine's `claimsDeclaration`), and a report compares that hash with the declaration it judges
 * by: a claims declaration changed after the runs (or runs trained before any was recorded) is
 * labelled "registered after the runs" beside every verdict.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { declarationHash } from "../canonical-json";
import { MANIFEST_FILE } from "../results-files";

/** A number fixed before the runs, and why it has that value. */
export interface Registered {
  value: number;
  reason: string;
}

/** A family of claims judged together (Holm): the paper's sentences, or checks of our own. */
export interface RegisteredFamily {
  label: string;
  reason: string;
}

/** One registered claim: the sentence it tests and the thresholds that decide it. */
export interface RegisteredClaim {
  /** Key of `families`. */
  family: string;
  source: string;
  /** The paper's words, verbatim (for a check of our own: the hypothesis as we state it). */
  quote: string;
  /** Equivalence claims: the margin within which "the same" holds. */
  margin?: Registered;
  /** Direction claims: the smallest effect that would matter (for power and runs-to-resolve). */
  minimumEffect?: Registered;
  /** Why the claim is built the way it is (which test, which cases). */
  reason: string;
}

/** A study's whole declaration: exported from its paper.ts and given to its experiments. */
export interface ClaimsRegistration {
  study: string;
  families: Record<string, RegisteredFamily>;
  claims: Record<string, RegisteredClaim>;
}

export type RegistrationStatus = "registered before the runs" | "registered after the runs";

export const AFTER_THE_RUNS: RegistrationStatus = "registered after the runs";

/** The hash the engine writes into the manifest for this declaration. */
export function registrationHash(declaration: object): string {
  return declarationHash(declaration);
}

/** The claim's registration, or a clear error naming the study and the missing id. */
export function registered(declaration: ClaimsRegistration, id: string): RegisteredClaim & { id: string } {
  const c = declaration.claims[id];
  if (!c) throw new RangeError(`${declaration.study}: claim "${id}" is not registered in its paper.ts declaration`);
  if (!declaration.families[c.family]) throw new RangeError(`${declaration.study}: claim "${id}" names family "${c.family}", which the declaration does not define`);
  return { id, ...c };
}

/** The registered margin of an equivalence claim (throws if none was registered). */
export function registeredMargin(declaration: ClaimsRegistration, id: string): number {
  const m = registered(declaration, id).margin;
  if (!m) throw new RangeError(`${declaration.study}: claim "${id}" has no registered margin`);
  return m.value;
}

/** The hash recorded in a results folder's manifest when its runs trained (null: none recorded). */
export function recordedRegistration(reportDir: string): string | null {
  let manifest: { extra?: { claimsDeclaration?: { hash?: unknown } } };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(reportDir, MANIFEST_FILE), "utf8"));
  } catch {
    return null; // no manifest (or a damaged one): nothing shows the declaration predates the runs
  }
  const h = manifest.extra?.claimsDeclaration?.hash;
  return typeof h === "string" ? h : null;
}

/**
 * Whether the verdicts of runs are pre-registered: every folder's recorded hash (`recorded`,
 * from the manifests or the result being reported) equals the declaration's hash.
 */
export function registrationStatus(declaration: object, recorded: readonly (string | null | undefined)[]): RegistrationStatus {
  const hash = registrationHash(declaration);
  return recorded.length > 0 && recorded.every((h) => h === hash) ? "registered before the runs" : AFTER_THE_RUNS;
}

/** The status for experiment results: each result's recorded hash, from the result or its manifest. */
export function resultsRegistration(declaration: object, results: readonly { reportDir: string; claimsDeclarationHash?: string | null }[]): RegistrationStatus {
  return registrationStatus(
    declaration,
    results.map((r) => (r.claimsDeclarationHash !== undefined ? r.claimsDeclarationHash : recordedRegistration(r.reportDir))),
  );
}
