/**
 * Queue mode (docs/several-machines.md): `npm run reproduce -- <experiment> --queue redis://HOST:6379` puts every
 * seed group missing from the results folder on a BullMQ queue; `npm run worker -- --queue …`
 * (queue-worker.ts) on any number of machines trains them and returns the run records as the
 * job's return value. This process stays the only writer of the results folder: it appends each
 * group's records through the store's atomic append as the jobs complete, each group once.
 * - A job's id is a hash of its groups' run keys, so enqueuing twice adds nothing, and a job
 *   completed while no reproduce process was waiting is collected by the next one from Redis.
 * - A worker killed mid-job loses nothing: its lock expires and BullMQ's stalled-job check hands
 *   the job to another worker; a result seen twice (event and sweep) is stored once.
 * - Every job names the backend of the folder; a worker on another backend puts the job back and
 *   stops (queue-worker.ts), and records of another backend are refused here too.
 */
import { createHash } from "node:crypto";
import { Queue, QueueEvents, type Job } from "bullmq";
import { Redis } from "ioredis";
import { initBackend, type BackendName, type BackendPreference } from "../../backend";
import { UserError } from "../../errors";
import type { ResolveOptions } from "../plan/experiment";
import { recordProblems, runKey, type RunsFile } from "../store/results-store";
import type { RunRecord } from "../store/run-record";
import type { TrainingProgress } from "../train/trainer";

/** The BullMQ queue every reproduce and worker process of one Redis shares. */
export const QUEUE_NAME = "mtl-lab-groups";
/** Finished jobs stay in Redis this long (a reproduce process that died collects them when rerun). */
const KEEP_SECONDS = 7 * 24 * 3600;

/** What a job carries: enough for a worker with the same checkout to rebuild the group. */
export interface QueueGroupData {
  experiment: string;
  resolve: ResolveOptions;
  armKey: string;
  /** The arm's config hash as this checkout computes it: a worker whose checkout differs refuses the job. */
  configHash: string;
  seeds: number[];
  /** A reported group's one rate under learningRateChoice "pilot" (absent: the grid). */
  learningRates?: number[];
  backend: BackendName;
}

/** A job's return value. */
export interface QueueGroupResult {
  records: RunRecord[];
  /** Which machine and process trained it (for the log; not stored in the records). */
  host: string;
  pid: number;
}

/** "redis://HOST:PORT[/DB]" or "rediss://…"; RangeError otherwise. */
export function parseQueueUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || !url.hostname) {
    throw new RangeError(`--queue must be a Redis URL such as redis://HOST:6379 (rediss:// for TLS), got "${text}"`);
  }
  return text;
}

/** BullMQ connection options for a URL (blocking connections need maxRetriesPerRequest null). */
export const connectionOf = (url: string) => ({ url, maxRetriesPerRequest: null });

/** Connects once (no retries) and pings: a UserError saying what to do when Redis cannot be reached. */
export async function checkRedis(url: string, what: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  let cause: Error | undefined;
  client.on("error", (e: Error) => (cause ??= e)); // the connect error ("ECONNREFUSED"), reported below
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new UserError(`cannot reach Redis at ${url} (${(cause ?? (e as Error)).message}). ${what} Start redis-server there (see docs/several-machines.md) or fix --queue.`);
  } finally {
    client.disconnect();
  }
}

/** BullMQ ids may not be whole numbers nor contain ":" — a hash of the run keys is neither. */
export function jobIdOf(keys: readonly string[]): string {
  return `g-${createHash("sha256").update(keys.join("\n")).digest("hex").slice(0, 40)}`;
}

/**
 * The backend the queue's jobs train on: --backend when it names one (this machine need not have
 * it), else the backend of the runs already in the folder, else what this machine would use.
 */
export async function queueBackend(store: RunsFile, preference: BackendPreference | undefined): Promise<BackendName> {
  if (preference !== undefined && preference !== "auto") return preference;
  const stored = store.read()[0]?.backend;
  if (stored) return stored as BackendName;
  return (await initBackend(preference)).name;
}

export interface QueueGroup {
  data: QueueGroupData;
  /** Run keys of the group's seeds. */
  keys: string[];
}

export interface QueueRunOptions {
  url: string;
  /** How often outstanding jobs are also looked up directly (events can be missed across reconnects). Default 5 s. */
  sweepMs?: number;
  onGroupStarted?(index: number): void;
  onProgress?(p: TrainingProgress): void;
  note?(message: string): void;
}

/** Why a returned value cannot be stored, or nothing. */
function resultProblem(value: unknown, group: QueueGroup): string | undefined {
  const records = (value as QueueGroupResult | undefined)?.records;
  if (!Array.isArray(records)) return "its return value holds no records";
  const keys = new Set(group.keys);
  for (const r of records as RunRecord[]) {
    const problems = recordProblems(r);
    if (problems.length) return `a returned record is not a run record (${problems.join(", ")})`;
    if (!keys.has(runKey(r.configHash, r.seed))) return `it returned ${r.arm} seed ${r.seed} (config hash ${r.configHash.slice(0, 12)}…), which the job did not ask for: the worker's checkout differs`;
    if (r.backend !== group.data.backend) return `it returned runs of backend ${r.backend}, but the queue trains on ${group.data.backend}`;
  }
  const got = new Set((records as RunRecord[]).map((r) => runKey(r.configHash, r.seed)));
  const missing = group.keys.filter((k) => !got.has(k));
  if (missing.length) return `it returned no record for ${missing.join(", ")}`;
  return undefined;
}

/**
 * Enqueues the groups (those already on the queue are not added again; failed ones are retried)
 * and waits until every one has completed, calling `onDone(i, records)` once per group as its
 * records arrive. A job that fails (training error, or stalled more often than allowed) stops
 * the wait with its reason; what finished before is already handed on.
 */
export async function runGroupsOnQueue(groups: readonly QueueGroup[], opts: QueueRunOptions, onDone: (index: number, records: RunRecord[]) => void): Promise<void> {
  if (groups.length === 0) return;
  await checkRedis(opts.url, "Nothing was enqueued.");
  const connection = connectionOf(opts.url);
  const queue = new Queue<QueueGroupData, QueueGroupResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const byId = new Map(groups.map((g, i) => [jobIdOf(g.keys), i]));
  const outstanding = new Set(byId.keys());
  let failure: Error | undefined;
  let wake: () => void = () => {};
  // one collection at a time, so a result seen twice (event and sweep) is handed on once
  let chain = Promise.resolve();
  const collect = (id: string) => {
    chain = chain.then(async () => {
      if (!outstanding.has(id) || failure) return;
      const i = byId.get(id)!;
      const state = await queue.getJobState(id); // before the job: a job read while active has no return value yet
      const job = await queue.getJob(id);
      if (!job || state === "unknown") {
        await enqueue(i); // removed from Redis (e.g. by hand): put it back
        return;
      }
      if (state === "failed") {
        failure = new UserError(
          `the group ${groups[i].data.armKey} seeds ${groups[i].data.seeds.join(",")} (job ${id}) failed on a worker: ${job.failedReason ?? "no reason given"}. ` +
            `The groups finished so far are stored; rerun the same command to retry it.`,
        );
      } else if (state === "completed") {
        const problem = resultProblem(job.returnvalue, groups[i]);
        if (problem) failure = new UserError(`job ${id} (${groups[i].data.armKey} seeds ${groups[i].data.seeds.join(",")}) cannot be stored: ${problem}. Nothing of it was stored.`);
        else {
          outstanding.delete(id);
          onDone(i, job.returnvalue.records);
        }
      }
    }).catch((e: unknown) => {
      failure ??= e instanceof Error ? e : new Error(String(e));
    }).finally(() => wake());
  };
  const enqueue = async (i: number) => {
    const id = jobIdOf(groups[i].keys);
    const job = await queue.add("group", groups[i].data, { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } });
    if ((await job.getState()) === "failed") await job.retry("failed"); // a failure of an earlier command: try again
  };
  let lastError = "";
  const connectionError = (e: Error) => {
    if (e.message !== lastError) opts.note?.(`queue connection: ${e.message} (retrying)`);
    lastError = e.message;
  };
  queue.on("error", connectionError);
  events.on("error", connectionError);
  events.on("completed", ({ jobId }) => collect(jobId));
  events.on("failed", ({ jobId }) => collect(jobId));
  events.on("active", ({ jobId }) => {
    if (byId.has(jobId)) opts.onGroupStarted?.(byId.get(jobId)!);
  });
  events.on("progress", ({ jobId, data }) => {
    if (byId.has(jobId) && typeof data === "object" && data !== null) opts.onProgress?.(data as unknown as TrainingProgress);
  });
  const sweep = setInterval(() => outstanding.forEach(collect), opts.sweepMs ?? 5000);
  try {
    await events.waitUntilReady();
    for (let i = 0; i < groups.length; i++) await enqueue(i);
    const workers = await queue.getWorkersCount();
    opts.note?.(
      `${groups.length} group(s) on the queue ${QUEUE_NAME} at ${opts.url} (backend ${groups[0].data.backend}); ${workers} worker(s) connected` +
        (workers === 0 ? ` — start some: npm run worker -- --queue ${opts.url}` : ""),
    );
    outstanding.forEach(collect); // those completed before this command (or before the events listened)
    while (outstanding.size > 0 && !failure) await new Promise<void>((resolve) => (wake = resolve));
    await chain;
  } finally {
    clearInterval(sweep);
    await Promise.allSettled([events.close(), queue.close()]);
  }
  if (failure) throw failure;
}

/** The job of a group, for the worker side (types only). */
export type QueueJob = Job<QueueGroupData, QueueGroupResult>;
