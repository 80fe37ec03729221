/**
 * npm run worker -- --queue redis://HOST:6379 [--backend auto|…] [--workers N]
 *
 * Takes seed groups from the queue that `npm run reproduce -- <experiment> --queue …` fills,
 * trains them (N at once, each in a worker thread; default: MTL_WORKERS, else one per core on
 * wasm/cpu and one on the native backends) and hands the run records back to the reproduce
 * process, which stores them. Start it on any number of machines with this checkout; stop it
 * with Ctrl-C (a job it was training goes back to the queue). It refuses (exit 1) a job of
 * another backend or of a checkout that computes other config hashes, leaving the job untouched.
 * Exit codes: 0 stopped by a signal; 1 refused or failed; 2 invalid options or MTL_* variables (checked before it connects).
 * MTL_QUEUE_LOCK_MS / MTL_QUEUE_STALLED_MS shorten BullMQ's job lock and stalled-job check
 * (default 30 s each: a killed worker's job is handed on within about a minute).
 */
import { initBackend, parseBackendPreference, BACKENDS, type BackendPreference } from "../backend";
import { workerCount } from "../engine/distributed/group-pool";
import { parseQueueUrl } from "../engine/distributed/queue";
import { startQueueWorker } from "../engine/distributed/queue-worker";
import { getExperiment } from "../studies";
import { EXIT, intOption, parseCli, runCli, UsageError } from "./args";
import { checkEnvironment } from "./environment";

export const USAGE = `usage: npm run worker -- --queue redis://HOST:6379 [--backend auto|${BACKENDS.join("|")}] [--workers N]`;

const OPTIONS = {
  queue: { type: "string" },
  backend: { type: "string" },
  workers: { type: "string" },
} as const;

export interface WorkerArgs {
  queue: string;
  backend?: BackendPreference;
  workers?: number;
}

export function parseWorkerArgs(argv: string[]): WorkerArgs {
  const { values: v } = parseCli(argv, OPTIONS);
  if (v.queue === undefined) throw new UsageError("--queue is required: the Redis URL the reproduce command enqueued on");
  try {
    return {
      queue: parseQueueUrl(v.queue),
      backend: v.backend === undefined ? undefined : parseBackendPreference(v.backend, "--backend"),
      workers: v.workers === undefined ? undefined : intOption(v.workers, "--workers", 1, 1024),
    };
  } catch (e) {
    if (e instanceof UsageError || !(e instanceof Error)) throw e;
    throw new UsageError(e.message);
  }
}

/** Milliseconds from an environment variable (tests shorten the lock), or undefined. */
function msFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 100) throw new UsageError(`${name} must be a whole number of milliseconds ≥ 100, got "${text}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const args = parseWorkerArgs(argv);
  checkEnvironment(); // a worker with an unusable setting refuses to start rather than take jobs it cannot train
  const log = (m: string) => process.stderr.write(`[${new Date().toISOString()}] ${m}\n`);
  const lockDuration = msFromEnv("MTL_QUEUE_LOCK_MS");
  const stalledInterval = msFromEnv("MTL_QUEUE_STALLED_MS");
  const backend = (await initBackend(args.backend)).name;
  const threads = args.workers ?? workerCount(backend);
  const worker = await startQueueWorker({ url: args.queue, backend: args.backend, threads, findExperiment: getExperiment, lockDuration, stalledInterval, log });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(signal === "SIGINT" ? EXIT.interrupted : 143);
    signalled = true;
    log(`${signal}: stopping; a job still training goes back to the queue for another worker`);
    void worker.stop(true);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  await worker.done; // rejects with the refusal
  return EXIT.ok;
}

if (require.main === module) runCli(USAGE, () => main(process.argv.slice(2)));
