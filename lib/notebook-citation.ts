/**
 * The last cell of every notebook: how to cite the tables it shows. A number is citable when a
 * reader can find the exact runs behind it, so the cell names the commit that holds each results
 * folder's runs.jsonl (or says it is not committed), the software version and repository from
 * CITATION.cff, and the command that recomputes the stored runs and compares them bit for bit.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { lastCommitOf } from "./engine/store/results-origin";
import { RUNS_FILE } from "./engine/store/results-store";
import { selectionLines } from "./notebook-selection";
import { notebookSelection } from "./engine/report/notebook-load";
import { projectRoot } from "./project";
import { showMarkdown } from "./notebook/display";

/** version and repository-code of CITATION.cff (null when absent). */
export function citationFields(root = projectRoot()): { version: string | null; repository: string | null; title: string | null } {
  let text = "";
  try {
    text = fs.readFileSync(path.join(root, "CITATION.cff"), "utf8");
  } catch {
    // no CITATION.cff: the cell still names the commits and the command
  }
  const field = (name: string) => text.match(new RegExp(`^${name}:\\s*"?([^"\\n]+)"?\\s*$`, "m"))?.[1].trim() ?? null;
  return { version: field("version"), repository: field("repository-code"), title: field("title") };
}

/** The cell's Markdown for the notebook's experiments at the current selection. */
export function citationMarkdown(notebook: string, experimentIds: readonly string[]): string {
  const sel = notebookSelection();
  const { folders } = selectionLines(notebook, experimentIds, sel);
  const { version, repository } = citationFields();
  const software = [version && `mtl-lab ${version}`, repository].filter(Boolean).join(", ");
  const rel = (p: string) => path.relative(projectRoot(), p);
  const rows = experimentIds.map((id) => {
    const commit = lastCommitOf(path.join(folders[id], RUNS_FILE));
    return `| ${id} | \`${rel(folders[id]).startsWith("..") ? folders[id] : rel(folders[id])}\` | ${commit ? `\`${commit.split(",")[0]}\` (${commit.split(", ")[1]})` : "not committed: commit the folder, then cite that commit"} |`;
  });
  const commits = [...new Set(experimentIds.map((id) => lastCommitOf(path.join(folders[id], RUNS_FILE))?.split(",")[0]).filter((c): c is string => Boolean(c)))];
  const verify = `npm run reproduce -- ${experimentIds.join(" ")} --profile ${sel.profile} --verify`;
  return [
    "**How to cite this table.**",
    "",
    ...(rows.length ? ["| experiment | results folder | results commit |", "| --- | --- | --- |", ...rows, ""] : []),
    `Cite the software as CITATION.cff says${software ? ` (${software})` : ""} and name the results commit${commits.length ? `: *mtl-lab results at commit ${commits.join(", ")}*` : ""}, with the profile (${sel.profile})${sel.set.length ? ` and the overrides (--set ${sel.set.join(" --set ")})` : ""}.`,
    "",
    `Anyone can check the numbers against that commit: \`${verify}\` recomputes the stored runs and compares them bit for bit` +
      (sel.set.length ? " (it checks the profile's own folder: an overridden folder is checked by running the same --set command on a fresh --out and comparing runs.jsonl)." : "; `--verify 1` checks the first seed of every arm, in minutes."),
  ].join("\n");
}

/** Shows the cell (Markdown in a notebook, text elsewhere). */
export function showCitation(notebook: string, experimentIds: readonly string[]): void {
  showMarkdown(citationMarkdown(notebook, experimentIds));
}
