/** Where stored runs came from, in the one line that a load prints (DVC-style "nothing to do"). */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { ResolvedExperiment } from "../plan/experiment";

/** "<short commit> (<date>)" of the last commit that touched `file`, or null when git does not track it. */
export function lastCommitOf(file: string): string | null {
  try {
    const out = execFileSync("git", ["log", "-1", "--format=%h %cs", "--", path.basename(file)], { cwd: path.dirname(file), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (!out) return null;
    const [hash, date] = out.split(" ");
    return `${hash}, ${date}`;
  } catch {
    return null; // not a git checkout, or git missing: the folder is simply not committed
  }
}

/** The one line a load prints: what is present, where it came from, and what the two switches do. */
export function presentLine(plan: ResolvedExperiment, present: number, dir: string): string {
  const total = plan.arms.length * plan.seeds.length;
  const commit = lastCommitOf(path.join(dir, "runs.jsonl"));
  const origin = commit ? `committed at ${commit}` : "not committed";
  return `${plan.experiment.id}/${plan.profile}: ${present} of ${total} runs present (${origin}), nothing trained; --force recomputes, --verify checks them`;
}
