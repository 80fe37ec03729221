/**
 * npm run reproduce -- [experiment|study…] --decide (--budget 45m | --max-runs N) [--profile P]
 *                      [--backend B] [--out DIR] [--queue redis://HOST:6379]
 *
 * Trains in rounds until every claim is decided, futile or the budget is spent (lib/decide), into
 * results/<experiment>/decide-<budget>/. The same command resumes an interrupted run. Named
 * here rather than in reproduce.ts, which only hands `--decide` command lines over.
 */
import * as path from "node:path";
import { parseBackendPreference, type BackendPreference } from "../backend";
import { decideBudget, decideExperiment, decideFolderName, type DecideBudget } from "../decide";
import { PROFILES, type ProfileName } from "../engine/plan/experiment";
import { parseQueueUrl } from "../engine/distributed/queue";
import { terminalProgress } from "../engine/report/progress";
import { defaultResultsRoot } from "../engine/store/results-store";
import { decideSourceOf, getExperiment, listExperiments, resolveTargets } from "../studies";
import { EXIT, intOption, parseCli, pathOption, SettingError, UsageError } from "./args";
import { checkEnvironment } from "./environment";

export const DECIDE_USAGE = "--decide (--budget 45m|2h | --max-runs N) [--profile P] [--backend B] [--out DIR] [--queue redis://HOST:6379]";

const OPTIONS = {
  decide: { type: "boolean" },
  budget: { type: "string" },
  "max-runs": { type: "string" },
  profile: { type: "string" },
  backend: { type: "string" },
  out: { type: "string" },
  queue: { type: "string" },
} as const;

/** reproduce options the rounds decide themselves: refused with the reason. */
const NOT_WITH_DECIDE: Record<string, string> = {
  "--runs": "the rounds choose the runs per arm (bound them with --max-runs)",
  "--model": "a claim needs all the arms it compares",
  "--force": "a decide folder resumes from its stored runs (delete the folder to start again)",
  "--drop-bad-lines": "run without --decide first to repair the folder",
  "--set": "decide runs use a profile's settings as declared",
  "--verify": "verify the profile's folder without --decide",
  "--shard": "rounds depend on the previous round's verdicts; spread them with --queue",
  "--merge": "rounds depend on the previous round's verdicts; spread them with --queue",
};

export interface DecideArgs {
  experiments: string[];
  budget: DecideBudget;
  profile: ProfileName;
  backend?: BackendPreference;
  out?: string;
  queue?: string;
}

/** The experiments with claims to decide among `targets` (none: every one); a named experiment without any is refused. */
function decideTargets(targets: readonly string[]): string[] {
  const withSource = listExperiments().filter((e) => decideSourceOf(e.id)).map((e) => e.id);
  if (targets.length === 0) return withSource;
  let experiments;
  try {
    experiments = resolveTargets(targets);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UsageError(e.message);
  }
  const named = experiments.filter((e) => targets.includes(e.id) && !decideSourceOf(e.id));
  if (named.length) throw new UsageError(`${named.map((e) => e.id).join(", ")} has no claims --decide can decide; experiments that have: ${withSource.join(", ")}`);
  const ids = experiments.map((e) => e.id).filter((id) => decideSourceOf(id));
  if (ids.length === 0) throw new UsageError(`${targets.join(", ")} has no claims --decide can decide; experiments that have: ${withSource.join(", ")}`);
  return ids;
}

export function parseDecideArgs(argv: readonly string[]): DecideArgs {
  const refused = argv.map((a) => a.split("=")[0]).find((a) => a in NOT_WITH_DECIDE);
  if (refused) throw new UsageError(`${refused} cannot be combined with --decide: ${NOT_WITH_DECIDE[refused]}`);
  const { values: v, positionals } = parseCli(argv, OPTIONS, true);
  const profile = v.profile ?? "quick";
  if (!(PROFILES as readonly string[]).includes(profile)) throw new UsageError(`unknown profile "${profile}"; valid: ${PROFILES.join(", ")}`);
  let budget: DecideBudget;
  try {
    budget = decideBudget({ budget: v.budget, maxRuns: v["max-runs"] === undefined ? undefined : intOption(v["max-runs"], "--max-runs", 3, 10_000) });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new SettingError(e.message);
  }
  let backend: BackendPreference | undefined;
  let queue: string | undefined;
  try {
    if (v.backend !== undefined) backend = parseBackendPreference(v.backend, "--backend");
    if (v.queue !== undefined) queue = parseQueueUrl(v.queue);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  checkEnvironment();
  return { experiments: decideTargets(positionals), budget, profile: profile as ProfileName, backend, out: pathOption(v.out, "--out", "/tmp/results"), queue };
}

export async function decideCommand(argv: readonly string[]): Promise<number> {
  const args = parseDecideArgs(argv);
  const root = args.out ?? defaultResultsRoot();
  let current = "";
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\ninterrupted (${signal}): every finished run is stored in ${current || root}${args.queue ? "; the groups on the queue keep training on the workers" : ""}. Run the same command again to resume the round: nothing stored is trained again.\n`);
    process.exit(signal === "SIGINT" ? EXIT.interrupted : 143); // the folder lock is released on exit
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  for (const id of args.experiments) {
    current = path.join(root, id, decideFolderName(args.budget, args.profile));
    const result = await decideExperiment(getExperiment(id), decideSourceOf(id)!, { budget: args.budget, profile: args.profile, out: args.out, backend: args.backend, queue: args.queue, progress: terminalProgress(process.stderr) });
    const n = (s: string) => result.claims.filter((c) => c.state === s).length;
    process.stdout.write(`${id}: ${n("decided")} of ${result.claims.length} claims decided, ${n("futile")} futile, ${n("open")} open after ${result.rounds} round(s) (${result.trained} runs trained now); ${result.stopped} → ${result.dir}\n`);
  }
  return EXIT.ok;
}
