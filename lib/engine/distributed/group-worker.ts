/**
 * A worker thread that trains one group of a registered experiment (see group-pool.ts).
 * wasm is single-threaded in Node, so independent groups in separate threads use the other
 * cores; a group computes exactly what it computes on the main thread.
 */
import { UserError } from "../../errors";
import { parentPort } from "node:worker_threads";
import { initBackend, type BackendName } from "../../backend";
import { createModel } from "../../models/registry";
import { resolveExperiment, type ResolveOptions } from "../plan/experiment";
import { experimentInModule } from "../plan/experiment-module";
import { runGroup } from "../train/run-group";

export interface GroupJob {
  experiment: string;
  /** The compiled module that exports the experiment (Experiment.module). */
  module: string;
  resolve: ResolveOptions;
  armKey: string;
  seeds: number[];
  /** A reported group's one rate under learningRateChoice "pilot" (absent: the grid). */
  learningRates?: number[];
  backend: BackendName;
}

export type WorkerMessage = { type: "progress"; step: number; steps: number; training: number } | { type: "done"; records: unknown[] } | { type: "error"; message: string; userError?: boolean };

/** Trains one job; the backend starts on the first job and stays for the thread's life. */
async function train(job: GroupJob): Promise<void> {
  await initBackend(job.backend);
  const experiment = experimentInModule(job.module, job.experiment);
  if (!experiment) throw new Error(`group worker: ${job.module} exports no experiment "${job.experiment}"`);
  const plan = resolveExperiment(experiment, job.resolve);
  const arm = plan.arms.find((a) => a.key === job.armKey);
  if (!arm) throw new Error(`group worker: arm "${job.armKey}" is not in ${job.experiment}`);
  const source = await plan.experiment.data({ conditionName: arm.conditionName, condition: arm.condition, profile: plan.profile, rows: plan.rows });
  const records = await runGroup({
    plan,
    arm,
    seeds: job.seeds,
    learningRates: job.learningRates,
    source,
    createModel,
    backend: job.backend,
    onProgress: (p) => parentPort!.postMessage({ type: "progress", ...p } satisfies WorkerMessage),
  });
  parentPort!.postMessage({ type: "done", records } satisfies WorkerMessage);
}

// One thread serves many jobs (tfjs and wasm start once): the pool sends a job, waits for "done".
parentPort?.on("message", (job: GroupJob) => {
  // an error the user can act on (bad data settings, a missing file) crosses the thread as itself, without a stack
  train(job).catch((e: Error) => parentPort!.postMessage((e instanceof UserError ? { type: "error", message: e.message, userError: true } : { type: "error", message: e.stack ?? e.message }) satisfies WorkerMessage));
});
