/**
 * The tables and figures each funnel experiment writes into results/<experiment>/<profile>/. Each
 * experiment judges its own registered families (FUNNEL_REGISTRATION), the same families the
 * notebook judges, so every claim has one verdict in both.
 */
import type { ExperimentResult } from "../../engine/plan/experiment";
import type { Figure } from "../../figures";
import type { Table } from "../../tables";
import { aitmCalibrationTable, aitmTable, analyseAitm, analyseEsmm, dcnTable, esmmCalibrationTable, esmmTable, funnelClaimsTable, judgeFunnelFamily } from "./analysis";
import { aucVsBiasFigure, violationsFigure } from "./figures";
import { resultsRegistration } from "../../claims";
import { FUNNEL_REGISTRATION } from "./paper";

type Report = { tables: Record<string, Table>; figures?: Record<string, Figure> };

const profileOf = (r: ExperimentResult) => `Profile ${r.summary.profile}: ${r.summary.profileStatement.statement}`;
/** Whether FUNNEL_REGISTRATION predates this experiment's runs (the manifest's hash at training). */
const registrationOf = (r: ExperimentResult) => resultsRegistration(FUNNEL_REGISTRATION, [r]);

export function esmmReport(result: ExperimentResult): Report {
  const a = analyseEsmm(result.runs);
  const runs = { esmm: result.runs };
  return {
    tables: {
      "cvr-auc": esmmTable(a, profileOf(result)),
      "cvr-calibration": esmmCalibrationTable(a, profileOf(result)),
      claims: funnelClaimsTable(judgeFunnelFamily("esmm", runs, registrationOf(result)), "esmm"),
      checks: funnelClaimsTable(judgeFunnelFamily("esmm-checks", runs, registrationOf(result)), "esmm-checks"),
    },
    figures: { "auc-vs-bias": aucVsBiasFigure(a) },
  };
}

export function aitmReport(result: ExperimentResult): Report {
  const a = analyseAitm(result.runs);
  const runs = { aitm: result.runs };
  return {
    tables: {
      "step-auc": aitmTable(a, profileOf(result)),
      "step-calibration": aitmCalibrationTable(a, profileOf(result)),
      claims: funnelClaimsTable(judgeFunnelFamily("aitm", runs, registrationOf(result)), "aitm"),
      checks: funnelClaimsTable(judgeFunnelFamily("aitm-checks", runs, registrationOf(result)), "aitm-checks"),
    },
    figures: { violations: violationsFigure(a) },
  };
}

export function dcnReport(result: ExperimentResult): Report {
  return { tables: { auc: dcnTable(result.runs, profileOf(result)), claims: funnelClaimsTable(judgeFunnelFamily("dcn", { dcn: result.runs }, registrationOf(result)), "dcn") } };
}
