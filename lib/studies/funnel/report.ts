/**
 * The tables and figures each funnel experiment writes into results/<experiment>/<profile>/. The
 * claims table of one experiment judges its own claims as a family; the notebook judges all three
 * experiments' claims together (stricter).
 */
import type { ExperimentResult } from "../../engine/experiment";
import type { Figure } from "../../figures";
import type { Table } from "../../tables";
import { aitmClaims, aitmTable, analyseAitm, analyseEsmm, dcnClaims, dcnTable, esmmClaims, esmmTable, funnelClaimsTable } from "./analysis";
import { judgeFamily } from "../../claims";
import { aucVsBiasFigure, violationsFigure } from "./figures";

type Report = { tables: Record<string, Table>; figures?: Record<string, Figure> };

const profileOf = (r: ExperimentResult) => `Profile ${r.summary.profile}: ${r.summary.profileStatement.statement}`;

export function esmmReport(result: ExperimentResult): Report {
  const a = analyseEsmm(result.runs);
  return {
    tables: { "cvr-auc": esmmTable(a, profileOf(result)), claims: funnelClaimsTable(judgeFamily(esmmClaims(a)), "funnel-esmm only") },
    figures: { "auc-vs-bias": aucVsBiasFigure(a) },
  };
}

export function aitmReport(result: ExperimentResult): Report {
  const a = analyseAitm(result.runs);
  return {
    tables: { "step-auc": aitmTable(a, profileOf(result)), claims: funnelClaimsTable(judgeFamily(aitmClaims(a)), "funnel-aitm only") },
    figures: { violations: violationsFigure(a) },
  };
}

export function dcnReport(result: ExperimentResult): Report {
  return { tables: { auc: dcnTable(result.runs, profileOf(result)), claims: funnelClaimsTable(judgeFamily(dcnClaims(result.runs)), "funnel-dcn only") } };
}
