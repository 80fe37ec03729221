/**
 * What a notebook shows of its experiments' decide runs: per decide folder, how many claims the
 * budget decided against the fixed-n profile's count, the decide table and the confidence
 * sequences over the rounds; when there is none yet, the command that makes them.
 */
import * as path from "node:path";
import { defaultResultsRoot } from "../engine/store/results-store";
import type { Figure } from "../figures";
import type { Table } from "../tables";
import { decideFolders, decideTable, loadDecide, sequencesFigure } from "./report";

export interface DecideSection {
  markdown: string;
  tables: Table[];
  figures: Figure[];
}

/**
 * The decide results of `experiments` under the results root. `fixed`: the fixed-n profile's
 * verdicts (id, verdict) shown beside them; `command`: how to produce them (e.g.
 * "npm run reproduce -- census-auc --decide --budget 45m").
 */
export function decideSection(experiments: readonly string[], opts: { fixed?: readonly { id: string; verdict: string }[]; fixedLabel?: string; command: string; root?: string }): DecideSection {
  const root = opts.root ?? defaultResultsRoot();
  const found = experiments.flatMap((id) => decideFolders(root, id).map((dir) => loadDecide(dir)!));
  if (found.length === 0) {
    return {
      markdown: `No \`decide-*\` results for ${experiments.join(", ")} under \`${path.basename(root)}/\` yet. Produce them with \`${opts.command}\` (the budget is training time; the same command resumes an interrupted budget and trains nothing twice), then run this notebook again.`,
      tables: [],
      figures: [],
    };
  }
  const lines = found.map(({ dir, summary: s }) => {
    const ids = new Set(s.claims.map((c) => c.id));
    const fixed = (opts.fixed ?? []).filter((j) => ids.has(j.id));
    const fixedDecided = fixed.filter((j) => j.verdict !== "inconclusive").length;
    const open = s.claims.filter((c) => c.state === "open");
    return (
      `- **${s.experiment}**, \`${path.basename(dir)}\` (${s.storedRuns} runs, ${s.rounds} round(s), ${(s.elapsedMs / 60_000).toFixed(0)} min of training): ` +
      `**${s.counts.decided} of ${s.counts.claims} claims decided**, ${s.counts.futile} futile at their registered minimum effect, ${open.length} open` +
      `${s.stopped ? ` (stopped: ${s.stopped})` : " (still running or interrupted: the same command resumes)"}` +
      `${fixed.length ? `; the fixed-n ${opts.fixedLabel ?? "profile"} decides ${fixedDecided} of these ${fixed.length}` : ""}.`
    );
  });
  return {
    markdown: lines.join("\n"),
    tables: found.map(({ summary }) => decideTable(summary)),
    figures: found.map(({ summary, events }) => sequencesFigure(events, `${summary.experiment} (${summary.budget.label}): each claim's confidence sequences over the rounds`)),
  };
}
