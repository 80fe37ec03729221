/**
 * Trains independent groups in parallel worker threads ("worker threads over cores":
 * 2.2× on 2 cores for wasm, which is single-threaded in Node). Groups share nothing, so the
 * runs are the same as when trained one after another; records are handed back in job order so
 * runs.jsonl reads the same too.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { BackendName } from "../../backend";
import { UserError } from "../../errors";
import type { GroupJob, WorkerMessage } from "./group-worker";
import type { RunRecord } from "../store/run-record";
import type { TrainingProgress } from "../train/trainer";

/** The most worker threads MTL_WORKERS or --workers may ask for. */
export const MAX_WORKERS = 1024;

/**
 * How many groups to train at once: `MTL_WORKERS`, else one per core for the single-threaded
 * backends (wasm, cpu) and 1 for the native ones, which use every core themselves.
 */
export function workerCount(backend: BackendName, requested = process.env.MTL_WORKERS): number {
  if (requested !== undefined && requested !== "") {
    const n = Number(requested);
    if (!/^\d+$/.test(requested.trim()) || !(n >= 1 && n <= MAX_WORKERS)) throw new UserError(`MTL_WORKERS must be a whole number from 1 to ${MAX_WORKERS}, got "${requested}" (unset it for one per core)`);
    return n;
  }
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return backend === "wasm" || backend === "cpu" ? Math.max(1, cores) : 1;
}

/** One worker thread that trains jobs one at a time. */
export class Lane {
  private readonly worker = new Worker(path.join(__dirname, "group-worker.js"));

  train(job: GroupJob, onProgress: (p: TrainingProgress) => void): Promise<RunRecord[]> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.type === "progress") return onProgress(m);
        this.worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        if (m.type === "done") resolve(m.records as RunRecord[]);
        else if (m.userError) reject(new UserError(`training ${job.experiment} ${job.armKey} seeds ${job.seeds.join(",")}: ${m.message}`));
        else reject(new Error(`training ${job.experiment} ${job.armKey} seeds ${job.seeds.join(",")} failed in a worker:\n${m.message}`));
      };
      const onError = (e: Error) => reject(e);
      const onExit = (code: number) => reject(new Error(`the worker training ${job.armKey} exited with code ${code} before finishing`));
      this.worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      this.worker.postMessage(job);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * Runs `jobs` on `workers` threads; `onDone(i, records)` is called for the jobs in their order
 * (a job that finishes early waits for the ones before it), so a kill loses at most the
 * unfinished jobs and anything held behind them. The first failure (a job's, or onDone's: a
 * full disk) stops every thread and is thrown; no later job's records are handed on.
 */
export async function runGroupsInWorkers(
  jobs: readonly GroupJob[],
  workers: number,
  onDone: (index: number, records: RunRecord[]) => void,
  onProgress: (p: TrainingProgress) => void,
): Promise<void> {
  const results = new Map<number, RunRecord[]>();
  let next = 0;
  let flushed = 0;
  let failure: { error: unknown } | undefined;
  const flush = () => {
    while (!failure && results.has(flushed)) {
      onDone(flushed, results.get(flushed)!);
      results.delete(flushed);
      flushed += 1;
    }
  };
  const lanes = Array.from({ length: Math.min(workers, jobs.length) }, () => new Lane());
  const run = async (lane: Lane) => {
    while (!failure && next < jobs.length) {
      const i = next++;
      const records = await lane.train(jobs[i], onProgress);
      if (failure) return;
      results.set(i, records);
      flush();
    }
  };
  try {
    await Promise.all(
      lanes.map((lane) =>
        run(lane).catch(async (error: unknown) => {
          if (failure) return; // a lane stopped because another failed
          failure = { error };
          await Promise.all(lanes.map((l) => l.close()));
        }),
      ),
    );
  } finally {
    await Promise.all(lanes.map((l) => l.close()));
  }
  if (failure) throw failure.error;
}
