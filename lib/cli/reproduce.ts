/**
 * npm run reproduce -- [experiment|study…] [--profile smoke|quick|paper] [--runs N] [--model NAME]…
 *                      [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--out DIR] [--force]
 *                      [--drop-bad-lines] [--set key=value]… [--queue redis://HOST:6379 | --shard K/N | --merge DIR…]
 * npm run reproduce -- [experiment|study…] --decide (--budget 45m | --max-runs N) [--profile P] [--queue URL]   (lib/cli/decide.ts)
 *
 * A thin shell over runExperiment (lib/engine/runner.ts): parses and validates the options, then
 * runs each experiment (all registered ones when none is named) at the profile. Finished runs
 * are kept in results/<experiment>/<profile>/runs.jsonl, so an interrupted command picks up
 * where it stopped. Exit codes: 0 done and complete; 1 failure, or a summary left incomplete;
 * 2 invalid options, MTL_* variables or --set values (checked before any folder is made); 130 interrupted (SIGINT; 143 for SIGTERM), after saying what was kept.
 */
import * as path from "node:path";
import { BACKENDS, parseBackendPreference, type BackendPreference } from "../backend";
import { DEFAULT_PROFILE, MAX_RUNS, PROFILES, resolveExperiment, type ProfileName } from "../engine/plan/experiment";
import { OverrideError } from "../engine/plan/overrides";
import { getExperiment, listExperiments, resolveTargets, STUDIES } from "../studies";
import { TRAIN_FIELDS } from "../engine/train/train-config";
import { defaultResultsRoot, RUNS_FILE } from "../engine/store/results-store";
import { planDir, runExperiment } from "../engine/runner";
import { verifyExperiment } from "../engine/store/verify";
import { terminalProgress, type ProgressSink } from "../engine/report/progress";
import { checkOverriddenPlan } from "../engine/plan/plan-check";
import { EXIT, intOption, parseCli, pathOption, runCli, SettingError, UsageError } from "./args";
import { checkEnvironment } from "./environment";
import { DISTRIBUTED_OPTIONS, DISTRIBUTED_USAGE, mergeCommand, parseDistributed, shardComplete, takeMergeDirs, type DistributedArgs } from "./distributed";

export { UsageError } from "./args";

export interface ReproduceArgs extends DistributedArgs {
  experiments: string[];
  profile: ProfileName;
  runs?: number;
  models: string[];
  backend?: BackendPreference;
  out?: string;
  force: boolean;
  dropBadLines: boolean;
  /** --set key=value overrides (engine/plan/overrides.ts), checked against each experiment's settings. */
  set: string[];
  /** --verify [K]: recompute the stored runs (all, or the first K seeds of each arm) and compare. */
  verify?: { sample?: number };
}

export const USAGE =
  `usage: npm run reproduce -- [experiment|study…] [--profile ${PROFILES.join("|")}] [--runs N] [--model NAME]… ` +
  `[--backend auto|${BACKENDS.join("|")}] [--out DIR] [--force] [--drop-bad-lines] [--set key=value]… [--verify [K]] ${DISTRIBUTED_USAGE} [--decide --budget 45m|--max-runs N]`;

const OPTIONS = {
  profile: { type: "string" },
  runs: { type: "string" },
  model: { type: "string", multiple: true },
  backend: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  "drop-bad-lines": { type: "boolean" },
  verify: { type: "string" },
  set: { type: "string", multiple: true },
  ...DISTRIBUTED_OPTIONS,
} as const;

/** `--verify` may stand alone (every run) or take K (runs per cell): parseArgs wants a value, so a bare one gets "all". */
function withVerifyValue(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === "--verify" && !/^\d+$/.test(argv[i + 1] ?? "") ? ["--verify=all"] : [a]));
}

/** Parses and validates argv (without node and the script); throws UsageError naming the valid values. */
export function parseReproduceArgs(argv: string[]): ReproduceArgs {
  const { argv: rest, merge } = takeMergeDirs(argv);
  const { values: v, positionals } = parseCli(withVerifyValue(rest), OPTIONS, true);
  const profile = v.profile ?? DEFAULT_PROFILE;
  if (!(PROFILES as readonly string[]).includes(profile)) throw new UsageError(`unknown profile "${profile}"; valid: ${PROFILES.join(", ")}`);
  let backend: BackendPreference | undefined;
  if (v.backend !== undefined) {
    try {
      backend = parseBackendPreference(v.backend, "--backend");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (v.force && v["drop-bad-lines"]) throw new UsageError("--force empties runs.jsonl, so --drop-bad-lines has nothing to do: give one of them");
  const args: ReproduceArgs = {
    experiments: positionals,
    profile: profile as ProfileName,
    runs: v.runs === undefined ? undefined : intOption(v.runs, "--runs", 1, MAX_RUNS),
    models: (v.model ?? []).flatMap((m) => m.split(",")).filter((m) => m !== ""),
    backend,
    out: pathOption(v.out, "--out", "/tmp/results"),
    force: v.force ?? false,
    dropBadLines: v["drop-bad-lines"] ?? false,
    set: v.set ?? [],
    verify: v.verify === undefined ? undefined : { sample: v.verify === "all" ? undefined : intOption(v.verify, "--verify", 1, MAX_RUNS) },
    ...parseDistributed(v, merge, { force: v.force ?? false, verify: v.verify !== undefined, dropBadLines: v["drop-bad-lines"] ?? false }),
  };
  if (args.verify && (args.force || args.runs !== undefined || args.models.length || args.dropBadLines || args.set.length)) {
    throw new UsageError("--verify checks the stored runs of the profile as they are: give it without --force, --runs, --model, --drop-bad-lines or --set");
  }
  return validateSelection(args);
}

/** What `npm run reproduce` without names runs: every experiment except those marked inDefaultCommand: false (the demo). */
export function defaultExperimentIds(): string[] {
  return listExperiments().filter((e) => e.inDefaultCommand !== false).map((e) => e.id);
}

function validateSelection(args: ReproduceArgs): ReproduceArgs {
  checkEnvironment(); // resolving a plan reads MTL_KERNELS and MTL_NATIVE: their errors come first, in one line
  // a study id stands for all its experiments; none named means every experiment of lib/studies
  try {
    args.experiments = args.experiments.length === 0 ? defaultExperimentIds() : resolveTargets(args.experiments).map((e) => e.id);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UsageError(e.message);
  }
  for (const m of args.models) {
    const owners = args.experiments.filter((id) => Object.keys(getExperiment(id).models).includes(m));
    if (owners.length === 0) {
      const valid = args.experiments.map((id) => `${id}: ${Object.keys(getExperiment(id).models).join(", ")}`).join("; ");
      throw new UsageError(`unknown model "${m}"; valid: ${valid}`);
    }
  }
  // overrides are checked against every named experiment's settings now, before anything trains
  for (const id of args.experiments) {
    try {
      resolveExperiment(getExperiment(id), { profile: args.profile, set: args.set });
    } catch (e) {
      // a RangeError here is a setting the plan refuses as a whole (pilot seeds among the reported ones)
      if (!(e instanceof OverrideError || e instanceof RangeError)) throw e;
      throw new SettingError(`${id}: ${e.message}`);
    }
  }
  return args;
}

/** Progress that also remembers, per study, what is stored: for the message on an interrupt. */
function trackedProgress(inner: ProgressSink) {
  const state = { label: "", total: 0, stored: 0, trainedNow: 0 };
  const sink: ProgressSink = {
    ...inner,
    start(label, total, done) {
      Object.assign(state, { label, total, stored: done, trainedNow: 0 });
      inner.start(label, total, done);
    },
    groupDone(arm, seeds, ms) {
      state.stored += seeds.length;
      state.trainedNow += seeds.length;
      inner.groupDone(arm, seeds, ms);
    },
  };
  return { sink, state };
}

/** One line per experiment; exit 1 when a recomputed run differs on the backend that stored it. */
async function verify(args: ReproduceArgs): Promise<number> {
  let failed = 0;
  for (const id of args.experiments) {
    const report = await verifyExperiment(getExperiment(id), { profile: args.profile, sample: args.verify?.sample, backend: args.backend, root: args.out, progress: terminalProgress(process.stderr) });
    process.stdout.write(`${report.line}\n`);
    if (!report.identical && report.storedBackend === report.backend) failed += 1;
  }
  return failed ? EXIT.failure : EXIT.ok;
}

const PROFILE_HELP: Record<string, string> = {
  smoke: "seconds to minutes: a pipeline check (a few runs, few steps, few rows), not a result",
  quick: "the default: the committed results (results/<experiment>/quick), minutes to an hour per experiment",
  paper: "the papers' run counts and training lengths: hours to days",
};

/** The text of `--help`: what the command does, every study, experiment, profile, option and --set form. */
export function reproduceHelp(): string {
  const defaults = new Set(defaultExperimentIds());
  const width = Math.max(...listExperiments().map((e) => e.id.length), ...STUDIES.map((st) => st.id.length)) + 2;
  const pad = (id: string) => id.padEnd(width);
  return [
    USAGE,
    "",
    "Trains every planned run (model × seed) not yet stored in <out>/<experiment>/<profile>/runs.jsonl, then writes",
    "summary.json, tables (md, csv, tex), figures (html, svg, png) and manifest.json — only the files whose content",
    "changed. With every run stored it trains nothing, changes no file and says so in one line per experiment.",
    "",
    "Studies (name one to run all its experiments):",
    ...STUDIES.map((st) => `  ${pad(st.id)}${st.experiments.map((e) => e.id).join(", ")}  (notebooks ${st.notebooks.join(", ")})`),
    "",
    "Experiments (none named: all but those marked *):",
    ...listExperiments().map((e) => `  ${pad(e.id)}${defaults.has(e.id) ? "" : "* "}${e.title}`),
    "",
    "Profiles (--profile, default quick):",
    ...PROFILES.map((p) => `  ${pad(p)}${PROFILE_HELP[p] ?? ""}`),
    "",
    "Options:",
    "  --profile P          smoke | quick | paper (above)",
    "  --runs N             N runs per model instead of the profile's (a subset reports in subsets/<label>/)",
    "  --model NAME         only these models (repeat, or comma-separated); a subset too",
    `  --backend B          auto | ${BACKENDS.join(" | ")} (env MTL_BACKEND; default auto: the fastest that starts)`,
    "  --out DIR            results root instead of results/ (env MTL_RESULTS_DIR)",
    "  --force              empty runs.jsonl and train every run again",
    "  --drop-bad-lines     set damaged lines of runs.jsonl aside (runs.rejected.jsonl) and retrain their runs",
    "  --verify [K]         recompute the stored runs (all, or the first K seeds of every arm) and compare bit for bit",
    "  --decide             train in rounds until the claims are decided (lib/decide): with --budget 45m|2h and/or --max-runs N;",
    "                         seeds go only to arms of open claims; results/<experiment>/decide-<budget>/; the same command resumes",
    "  --set key=value      change a setting (repeatable); the runs go to <profile>+set-<hash>/ and say OVERRIDDEN:",
    `                         train.<field>          train.steps=500  train.learningRates=[0.001,0.01]  (fields: ${Object.keys(TRAIN_FIELDS).join(", ")})`,
    "                         rows.<split>           rows.train=2000  (train, validation, test)",
    "                         model.<name>.<field>   model.mmoe.experts=4  (a model of the experiment)",
    "                         model.*.<field>        model.*.experts=4  (every model whose kind has the field)",
    "                         data.<field>           that field of every condition that has it",
    "                       values are JSON (numbers, lists, true/false) or bare strings; a wrong key names the valid ones",
    `  ${DISTRIBUTED_USAGE}`,
    "                       train on a Redis queue (npm run worker elsewhere), one shard of a job array, or merge shard folders",
    "",
    "Environment: MTL_BACKEND, MTL_RESULTS_DIR, MTL_WORKERS (groups trained at once), MTL_KERNELS (auto, wasm, tfjs), CENSUS_INCOME_DIR",
    "(folder of the Census-Income files; see data/README.md).",
    "Exit codes: 0 done and complete; 1 failure or incomplete; 2 invalid options; 130/143 interrupted (finished runs kept).",
    "",
    "Examples:",
    "  npm run reproduce                                        load (or finish) every committed experiment",
    "  npm run reproduce -- census-auc --profile smoke          one study, in minutes",
    "  npm run reproduce -- funnel-esmm --profile smoke --set train.steps=80",
    "  npm run reproduce -- census-mmoe --verify 1              recompute the first seed of every arm and compare",
    "  npm run reproduce -- census-adatt --decide --budget 45m  decide AdaTT Table 5's claims in rounds within 45 minutes",
  ].join("\n");
}

/**
 * Each experiment's overridden plan as it would train (tasks, weights,
 * data ranges): a value it cannot use exits 2 in one line before any folder is made.
 */
export async function checkSettings(args: ReproduceArgs): Promise<void> {
  if (args.set.length === 0) return;
  for (const id of args.experiments) {
    const models = args.models.filter((m) => Object.keys(getExperiment(id).models).includes(m));
    try {
      await checkOverriddenPlan(resolveExperiment(getExperiment(id), { profile: args.profile, runs: args.runs, models, set: args.set }));
    } catch (e) {
      if (e instanceof OverrideError) throw new SettingError(`${id}: ${e.message}`);
      throw e;
    }
  }
}

async function main(argv: string[]): Promise<number> {
  // the full help only on request: a usage error prints the one usage line
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${reproduceHelp()}\n`);
    return EXIT.ok;
  }
  if (argv.includes("--decide")) return (await import("./decide")).decideCommand(argv);
  const args = parseReproduceArgs(argv);
  await checkSettings(args);
  if (args.verify) return verify(args);
  if (args.merge) return mergeCommand(args.experiments, args.merge, args);
  const { sink: progress, state } = trackedProgress(terminalProgress(process.stderr));
  let current = "";
  const onSignal = (signal: NodeJS.Signals) => {
    const runsFile = current ? path.join(current, RUNS_FILE) : "";
    const kept = state.label
      ? `${state.label}: ${state.stored} of ${state.total} runs are stored in ${runsFile} (${state.trainedNow} trained by this command); ` +
        (args.queue ? `the groups on the queue stay there and keep training on the workers. Run the same command again to collect them: nothing finished is trained twice.` : `the groups still training were dropped. Run the same command again to resume: only the missing runs train.`)
      : "nothing had been trained yet.";
    process.stderr.write(`\ninterrupted (${signal}): ${kept}\n`);
    process.exit(signal === "SIGINT" ? EXIT.interrupted : 143); // the results folder's lock is released on exit
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let incomplete = 0;
  for (const id of args.experiments) {
    current = planDir(resolveExperiment(getExperiment(id), { profile: args.profile, set: args.set }), args.out ?? defaultResultsRoot());
    const models = args.models.filter((m) => Object.keys(getExperiment(id).models).includes(m));
    const result = await runExperiment(getExperiment(id), {
      profile: args.profile, runs: args.runs, models, set: args.set, backend: args.backend, out: args.out, force: args.force, dropBadLines: args.dropBadLines, progress,
      queue: args.queue, shard: args.shard, ...(args.shard ? { report: false } : {}), // a shard's report would show 1/N of the runs: --merge writes it
    });
    process.stdout.write(`${result.reportDir}\n`);
    if (args.shard && shardComplete(result, id, { ...args, models }, args.shard)) continue; // its summary is incomplete by design
    if (!result.summary.complete) {
      incomplete += 1;
      process.stderr.write(`error: ${id}/${args.profile} is incomplete: ${result.summary.runs} of ${result.summary.expectedRuns} runs stored (see the messages above)\n`);
    }
  }
  return incomplete ? EXIT.failure : EXIT.ok;
}

if (require.main === module) runCli(USAGE, () => main(process.argv.slice(2)));
