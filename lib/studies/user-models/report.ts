/**
 * The tables and figures each user-models experiment writes into results/<experiment>/<profile>/.
 * Each experiment judges its own registered families, the same families the notebook judges.
 */
import { resultsRegistration } from "../../claims";
import type { ExperimentResult } from "../../engine/plan/experiment";
import type { Figure } from "../../figures";
import type { Table } from "../../tables";
import { analyseDupn, analyseFewShot, dupnTable, fewShotTable, judgeUserModelFamily, transferTable, userModelClaimsTable } from "./analysis";
import { attentionFigure, fewShotFigure } from "./figures";
import { USER_MODEL_REGISTRATION } from "./paper";

type Report = { tables: Record<string, Table>; figures?: Record<string, Figure> };

export const profileOf = (r: ExperimentResult) => `Profile ${r.summary.profile}: ${r.summary.profileStatement.statement}`;
const registrationOf = (r: ExperimentResult) => resultsRegistration(USER_MODEL_REGISTRATION, [r]);

export function metaheacReport(result: ExperimentResult): Report {
  const a = analyseFewShot(result.runs);
  const runs = { metaheac: result.runs };
  return {
    tables: {
      "few-shot-auc": fewShotTable(a, profileOf(result)),
      claims: userModelClaimsTable(judgeUserModelFamily("metaheac", runs, registrationOf(result)), "metaheac"),
      checks: userModelClaimsTable(judgeUserModelFamily("metaheac-checks", runs, registrationOf(result)), "metaheac-checks"),
    },
    figures: { "few-shot": fewShotFigure(a) },
  };
}

export function dupnReport(result: ExperimentResult): Report {
  const a = analyseDupn(result.runs);
  return {
    tables: {
      "task-metrics": dupnTable(a, profileOf(result)),
      "transfer-attention": transferTable(a, profileOf(result)),
      claims: userModelClaimsTable(judgeUserModelFamily("dupn", { dupn: result.runs }, registrationOf(result)), "dupn"),
    },
    figures: { attention: attentionFigure(a) },
  };
}
