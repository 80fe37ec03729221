/**
 * npm run reproduce -- [experiment|study…] [--profile smoke|quick|paper] [--runs N] [--model NAME]…
 *                      [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--out DIR] [--force]
 *
 * A thin shell over runExperiment (lib/engine/runner.ts): parses and validates the options, then
 * runs each experiment (a study id stands for all its experiments; every experiment of
 * lib/studies when none is named) at the profile. Finished runs
 * are kept in results/<experiment>/<profile>/runs.jsonl, so an interrupted command picks up
 * where it stopped. Exit codes: 0 done, 2 invalid options, 1 failure.
 */
import { BACKENDS, parseBackendPreference, type BackendPreference } from "../backend";
import { DEFAULT_PROFILE, PROFILES, type ProfileName } from "../engine/experiment";
import { experimentIds, getExperiment, resolveTargets } from "../studies";
import { runExperiment } from "../engine/runner";
import { terminalProgress } from "../engine/progress";

export interface ReproduceArgs {
  experiments: string[];
  profile: ProfileName;
  runs?: number;
  models: string[];
  backend?: BackendPreference;
  out?: string;
  force: boolean;
}

export class UsageError extends Error {}

const USAGE = `usage: npm run reproduce -- [experiment|study…] [--profile ${PROFILES.join("|")}] [--runs N] [--model NAME]… [--backend auto|${BACKENDS.join("|")}] [--out DIR] [--force]`;

function takeValue(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return v;
}

function parseRuns(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--runs must be an integer ≥ 1, got "${value}"`);
  return n;
}

/** Parses and validates argv (without node and the script); throws UsageError naming the valid values. */
export function parseReproduceArgs(argv: string[]): ReproduceArgs {
  const args: ReproduceArgs = { experiments: [], profile: DEFAULT_PROFILE, models: [], force: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? takeValue(argv, i++, flag);
    switch (flag) {
      case "--profile": {
        const p = value();
        if (!(PROFILES as readonly string[]).includes(p)) throw new UsageError(`unknown profile "${p}"; valid: ${PROFILES.join(", ")}`);
        args.profile = p as ProfileName;
        break;
      }
      case "--runs": args.runs = parseRuns(value()); break;
      case "--model": args.models.push(...value().split(",")); break;
      case "--out": args.out = value(); break;
      case "--force": args.force = true; break;
      case "--backend":
        try {
          args.backend = parseBackendPreference(value(), "--backend");
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        break;
      case "--help": case "-h": throw new UsageError(USAGE);
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}\n${USAGE}`);
        args.experiments.push(flag);
    }
  }
  return validateSelection(args);
}

function validateSelection(args: ReproduceArgs): ReproduceArgs {
  try {
    args.experiments = args.experiments.length === 0 ? experimentIds() : resolveTargets(args.experiments).map((e) => e.id);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const m of args.models) {
    const owners = args.experiments.filter((id) => Object.keys(getExperiment(id).models).includes(m));
    if (owners.length === 0) {
      const valid = args.experiments.map((id) => `${id}: ${Object.keys(getExperiment(id).models).join(", ")}`).join("; ");
      throw new UsageError(`unknown model "${m}"; valid: ${valid}`);
    }
  }
  return args;
}

async function main(argv: string[]): Promise<number> {
  let args: ReproduceArgs;
  try {
    args = parseReproduceArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  const progress = terminalProgress(process.stderr);
  for (const id of args.experiments) {
    const models = args.models.filter((m) => Object.keys(getExperiment(id).models).includes(m));
    const result = await runExperiment(getExperiment(id), { profile: args.profile, runs: args.runs, models, backend: args.backend, out: args.out, force: args.force, progress });
    process.stdout.write(`${result.dir}\n`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`reproduce failed: ${e.message}\n`);
      process.exit(1);
    },
  );
}
