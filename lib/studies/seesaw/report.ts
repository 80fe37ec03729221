/**
 * The tables and figures every seesaw experiment writes into results/<experiment>/<profile>/:
 * PLE Table 1 style, the quadrants with support, the claims (quoted) (judged per task group exactly as the
 * notebook judges them), the gate statistics, the sizes, and the figures of PLE Fig. 3 and Fig. 8.
 */
import type { ExperimentResult } from "../../engine/plan/experiment";
import type { Figure } from "../../figures";
import type { Table } from "../../tables";
import { analyseSeesaw, gateRows, gateTable, judgeSeesaw, quadrantRows, quadrantTable, seesawClaimsTable, sizesTable, table1, type SeesawGroup } from "./analysis";
import { bubbleFigure, expertUtilisationFigure } from "./figures";
import { SEESAW_REGISTRATION } from "./paper";
import { familyStatement, resultsRegistration } from "../../claims";

export function seesawReport(result: ExperimentResult, group: SeesawGroup): { tables: Record<string, Table>; figures: Record<string, Figure> } {
  const a = analyseSeesaw(result.runs, group);
  const judged = judgeSeesaw([a], { registration: resultsRegistration(SEESAW_REGISTRATION, [result]) });
  const rows = quadrantRows(a, judged);
  const profile = `Profile ${result.summary.profile}: ${result.summary.profileStatement.statement}`;
  const family = familyStatement(judged);
  const configs = Object.fromEntries(result.runs.map((r) => [r.model, r.config.model]));
  return {
    tables: {
      table1: table1(a, profile),
      // the paper's finding beside our quadrants (what README readers look for first); every claim, quoted, in "claims"
      quadrants: quadrantTable(rows, `PLE Fig. 3 / Table 1: quadrants with statistical support beside PLE's finding — ${group} group`, family),
      claims: seesawClaimsTable(judged),
      gates: gateTable(gateRows(result.runs), group),
      sizes: sizesTable(a, configs),
    },
    figures: {
      "fig3-bubble": bubbleFigure(a, result.summary.profileStatement.runs),
      "fig8-expert-utilisation": expertUtilisationFigure(result.runs, a.tasks, group),
    },
  };
}
