/**
 * The first output of every notebook: which results it shows. The selection comes from the same
 * options as `npm run reproduce` — profile, --set overrides, results root — passed by
 * `npm run notebooks` / `npm run lab` (or set by hand) as MTL_PROFILE, MTL_SET and
 * MTL_RESULTS_DIR; each experiment's folder is printed with its statement, so an overridden
 * folder says OVERRIDDEN before any number is read.
 */
import * as path from "node:path";
import { resolveExperiment, type ProfileName } from "./engine/plan/experiment";
import { notebookSelection } from "./engine/report/notebook-load";
import { OverrideError } from "./engine/plan/overrides";
import { defaultResultsRoot } from "./engine/store/results-store";
import { planDir } from "./engine/runner";
import { UserError } from "./errors";
import { projectRoot } from "./project";
import { getExperiment } from "./studies";

export interface ShownSelection {
  profile: ProfileName;
  /** The --set overrides (MTL_SET), as written. */
  set: string[];
  /** MTL_BACKEND, else "auto". */
  backendPreference: string;
  resultsRoot: string;
  /** Results folder of each experiment, by id. */
  folders: Record<string, string>;
}

/** A path as a reader of the notebook knows it: relative to the project when inside it. */
function shown(p: string): string {
  const rel = path.relative(projectRoot(), p);
  return rel.startsWith("..") || path.isAbsolute(rel) ? p : rel;
}

/** The selection's lines: one header, then each experiment's folder and statement. */
export function selectionLines(notebook: string, experimentIds: readonly string[], sel = notebookSelection()): { lines: string[]; folders: Record<string, string>; resultsRoot: string } {
  const resultsRoot = defaultResultsRoot();
  const folders: Record<string, string> = {};
  const lines = [
    `${notebook}: profile ${sel.profile}${sel.set.length ? `, --set ${sel.set.join(" --set ")}` : ""}; results under ${shown(resultsRoot)}` +
      " (choose with npm run notebooks -- --profile/--set/--results, or MTL_PROFILE, MTL_SET, MTL_RESULTS_DIR)",
  ];
  for (const id of experimentIds) {
    let plan;
    try {
      plan = resolveExperiment(getExperiment(id), { profile: sel.profile, set: sel.set });
    } catch (e) {
      if (e instanceof OverrideError) throw new UserError(`${id}: ${e.message} (from MTL_SET or --set)`);
      throw e;
    }
    folders[id] = planDir(plan, resultsRoot);
    lines.push(`  ${id}: ${shown(folders[id])} — ${plan.statement}`);
  }
  return { lines, folders, resultsRoot };
}

/** Prints the selection (stdout) and returns it: the first code cell of every notebook calls this. */
export function showSelection(notebook: string, experimentIds: readonly string[] = []): ShownSelection {
  const sel = notebookSelection();
  const { lines, folders, resultsRoot } = selectionLines(notebook, experimentIds, sel);
  process.stdout.write(lines.join("\n") + "\n");
  return { ...sel, backendPreference: process.env.MTL_BACKEND || "auto", resultsRoot, folders };
}
