/**
 * The worker side of queue mode (queue.ts): takes group jobs from the BullMQ queue, trains each
 * in a worker thread (group-pool's Lane, so the main thread stays free to renew the job's lock)
 * and returns the run records as the job's value. It writes no file: the reproduce process
 * stores the records. A job this worker cannot train exactly as asked — another backend, or a
 * checkout whose config hash for the arm differs — is put back on the queue untouched and the
 * worker stops with the reason (it would otherwise mix backends or store other runs).
 */
import * as os from "node:os";
import { Worker, WaitingError } from "bullmq";
import { initBackend, type BackendName, type BackendPreference } from "../../backend";
import { UserError } from "../../errors";
import { resolveExperiment, type Experiment } from "../plan/experiment";
import { Lane } from "./group-pool";
import { checkRedis, connectionOf, QUEUE_NAME, type QueueGroupData, type QueueGroupResult, type QueueJob } from "./queue";

export interface QueueWorkerOptions {
  url: string;
  /** This machine's backend preference (default: MTL_BACKEND or auto). */
  backend?: BackendPreference;
  /** Groups trained at once, each in its own thread. */
  threads: number;
  /** The registered experiment of an id (the CLI passes lib/studies' getExperiment). */
  findExperiment(id: string): Experiment;
  /** BullMQ's job lock (ms; default 30 000): a killed worker's job is handed on after about this long. */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs (ms; default 30 000). */
  stalledInterval?: number;
  log?(message: string): void;
}

export class WorkerRefusedError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "WorkerRefusedError";
  }
}

export interface RunningWorker {
  backend: BackendName;
  /** Settles when the worker has stopped: rejects with WorkerRefusedError when it refused a job. */
  done: Promise<void>;
  /** Stops taking jobs; with `force`, abandons the running ones (the queue hands them to another worker). */
  stop(force?: boolean): Promise<void>;
}

/** Why this worker must not train the job, or nothing. */
function refusal(data: QueueGroupData, backend: BackendName, findExperiment: (id: string) => Experiment): string | undefined {
  if (data.backend !== backend) {
    return `this worker runs on backend ${backend}, but the queue's jobs train on ${data.backend} (the results folder holds ${data.backend} runs; tables never mix backends). ` +
      `Start the worker with --backend ${data.backend} on a machine that has it.`;
  }
  let experiment: Experiment;
  try {
    experiment = findExperiment(data.experiment);
  } catch (e) {
    return `this worker's checkout has no experiment "${data.experiment}" (${(e as Error).message}): update it to the reproduce machine's commit.`;
  }
  const arm = resolveExperiment(experiment, data.resolve).arms.find((a) => a.key === data.armKey);
  if (!arm || arm.configHash !== data.configHash) {
    return `this worker's checkout computes ${arm ? `config hash ${arm.configHash.slice(0, 12)}…` : "no arm"} for ${data.experiment} ${data.armKey}, the queue asks for ${data.configHash.slice(0, 12)}…: ` +
      `update it to the reproduce machine's commit.`;
  }
  if (!experiment.module) return `experiment ${data.experiment} has no module, so it cannot be trained in a worker thread.`;
  return undefined;
}

export async function startQueueWorker(opts: QueueWorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? (() => {});
  await checkRedis(opts.url, "The worker did not start.");
  const backend = (await initBackend(opts.backend)).name;
  const lanes = Array.from({ length: opts.threads }, () => new Lane());
  const free = [...lanes];
  let refused: WorkerRefusedError | undefined;
  let stopping: Promise<void> | undefined;
  let lastProgress = 0;
  const process = async (job: QueueJob, token?: string): Promise<QueueGroupResult> => {
    const data = job.data;
    const why = refusal(data, backend, opts.findExperiment);
    if (why) {
      refused ??= new WorkerRefusedError(why);
      await job.moveToWait(token); // untouched, for a worker that can train it
      void stop(false);
      throw new WaitingError();
    }
    const lane = free.pop()!;
    const started = Date.now();
    log(`job ${job.id}: ${data.experiment}/${data.resolve.profile} ${data.armKey} seeds ${data.seeds.join(",")} …`);
    try {
      const module = opts.findExperiment(data.experiment).module!;
      const records = await lane.train({ experiment: data.experiment, module, resolve: data.resolve, armKey: data.armKey, seeds: data.seeds, learningRates: data.learningRates, backend }, (p) => {
        if (Date.now() - lastProgress < 1000) return;
        lastProgress = Date.now();
        void job.updateProgress({ ...p }).catch(() => {});
      });
      log(`job ${job.id}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { records, host: os.hostname(), pid: globalThis.process.pid };
    } finally {
      free.push(lane);
    }
  };
  const worker = new Worker<QueueGroupData, QueueGroupResult>(QUEUE_NAME, process, {
    connection: connectionOf(opts.url),
    concurrency: opts.threads,
    lockDuration: opts.lockDuration ?? 30_000,
    stalledInterval: opts.stalledInterval ?? 30_000,
    maxStalledCount: 2,
  });
  worker.on("failed", (job, e) => {
    if (!(e instanceof WaitingError)) log(`job ${job?.id ?? "?"} failed: ${e.message}`);
  });
  let lastError = "";
  worker.on("error", (e) => {
    if (e.message !== lastError) log(`queue connection: ${e.message} (retrying)`);
    lastError = e.message;
  });
  let settle: (e?: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
  const stop = (force = false): Promise<void> =>
    (stopping ??= (async () => {
      await worker.close(force).catch(() => {});
      await Promise.all(lanes.map((l) => l.close()));
      settle(refused);
    })());
  await worker.waitUntilReady();
  log(`worker ${os.hostname()}:${globalThis.process.pid} on ${QUEUE_NAME} at ${opts.url}: backend ${backend}, ${opts.threads} thread(s)`);
  return { backend, done, stop };
}
