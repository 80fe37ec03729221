/** One-call loaders for notebook 03: both experiments at a profile (trained where missing), analysed together. */
import type { Judged } from "../../claims";
import { verdictSentences } from "../../claims";
import type { ExperimentResult } from "../../engine/experiment";
import { estimatePaperProfile as estimateFor, loadExperiment, type LoadOptions } from "../../engine/notebook-load";
import type { Figure } from "../../figures";
import { claimsTable, familyStatement } from "../../claims";
import type { Table } from "../../tables";
import { adattTable, judgeCensus, mmoeTable, oneHotTable, pleTable, searchTable, type CensusRuns } from "./analysis";
import { censusFigures } from "./figures";
import { censusAdatt, censusMmoe } from "./experiments";

export interface CensusAucResults {
  mmoe: ExperimentResult;
  adatt: ExperimentResult;
  runs: CensusRuns;
  /** Notebook 03's claims, judged as one family (Holm). */
  judged: Judged[];
  tables: { mmoe: Table; ple: Table; adatt: Table; oneHot: Table; search: Table; claims: Table };
  figures: Record<string, Figure>;
  /** One Markdown line per claim and the family statement. */
  verdicts: string;
  family: string;
}

/** census-mmoe and census-adatt at a profile (trained where missing), with every table, figure and verdict of notebook 03. */
export async function loadCensusAuc(opts: LoadOptions = {}): Promise<CensusAucResults> {
  const mmoe = await loadExperiment(censusMmoe, opts);
  const adatt = await loadExperiment(censusAdatt, opts);
  const runs: CensusRuns = { mmoe: mmoe.runs, adatt: adatt.runs };
  const judged = judgeCensus(runs);
  return {
    mmoe,
    adatt,
    runs,
    judged,
    tables: {
      mmoe: mmoeTable(mmoe.runs, judged),
      ple: pleTable(mmoe.runs, judged),
      adatt: adattTable(adatt.runs, judged),
      oneHot: oneHotTable(adatt.runs, judged),
      search: searchTable(runs),
      claims: claimsTable(judged, "Notebook 03's claims against our runs"),
    },
    figures: censusFigures(runs),
    verdicts: verdictSentences(judged),
    family: familyStatement(judged),
  };
}

/**
 * One Markdown paragraph for the claims whose id starts with `prefix` ("mmoe-g", "ple-table5",
 * "adatt-table5", "one-hot-shift"): how many are supported, contradicted, inconclusive, and which
 * (the claims table at the end has each one's estimate, CI and adjusted p).
 */
export function verdictsFor(results: Pick<CensusAucResults, "judged">, prefix: string): string {
  const mine = results.judged.filter((j) => j.id.startsWith(prefix));
  if (mine.length === 0) return `No claim under "${prefix}" could be judged (fewer than 2 paired runs).`;
  const list = (v: string) => mine.filter((j) => j.verdict === v).map((j) => `${j.effect.split(",")[0]}${j.source.includes("experts") ? ` (${j.source.replace(/.*, /, "")})` : ""} ${j.effect.includes("mean test") ? `on ${j.effect.replace(/.*mean test (.*) AUC.*/, "$1")}` : ""}`.trim());
  const parts = (["supported", "contradicted", "inconclusive"] as const).map((v) => {
    const xs = list(v);
    return `**${xs.length} ${v}**${xs.length && v !== "inconclusive" ? ` (${xs.join("; ")})` : ""}`;
  });
  return `Of ${mine.length} claims here (Holm over all ${results.judged.length} of the notebook, α = ${mine[0].alpha}): ${parts.join(", ")}.`;
}

/** The paper profile's wall time here, scaled from the loaded results of both experiments. */
export function estimatePaperProfile(results: Pick<CensusAucResults, "mmoe" | "adatt">): { hours: number; sentence: string } {
  const a = estimateFor(censusMmoe, results.mmoe);
  const b = estimateFor(censusAdatt, results.adatt);
  return { hours: a.hours + b.hours, sentence: `${a.sentence} ${b.sentence} Together about ${(a.hours + b.hours).toFixed(0)} h.` };
}
