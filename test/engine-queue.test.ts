/**
 * Queue mode against a real Redis: a local redis-server (Debian package; ensure-tools
 * installs it) bound to 127.0.0.1 on a free port, with worker processes of `npm run worker`.
 * Every process started here is stopped afterwards, also when a test fails.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, before, test } from "node:test";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { runKey, type RunRecord } from "mtl-lab";
import { jobIdOf, parseQueueUrl, QUEUE_NAME, runGroupsOnQueue, type QueueGroup, type QueueGroupData, type QueueGroupResult } from "mtl-lab/dist/engine/distributed/queue";
import { fakeRunRecord } from "./engine-helpers";

const DIST = path.join(__dirname, "..", "..", "lib", "dist", "cli");
const REPRODUCE = path.join(DIST, "reproduce.js");
const WORKER = path.join(DIST, "worker.js");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-queue-"));
const children = new Set<ChildProcess>();
let redis: ChildProcess | undefined;
let url = "";

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function start(script: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => (children.delete(child), resolve(code))));
  return { child, output: () => out, exit };
}

async function waitFor(p: Proc, pattern: RegExp, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test(p.output())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${pattern} in:\n${p.output()}`);
    if (p.child.exitCode !== null) throw new Error(`the process exited (${p.child.exitCode}) before ${pattern}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const worker = (env: Record<string, string> = {}, ...args: string[]) => start(WORKER, ["--queue", url, "--workers", "1", ...args], { MTL_QUEUE_LOCK_MS: "2000", MTL_QUEUE_STALLED_MS: "1000", ...env });
const reproduce = (out: string, ...args: string[]) => start(REPRODUCE, ["demo", "--profile", "smoke", "--out", out, "--queue", url, ...args]);
const demoDir = (out: string) => path.join(out, "demo", "smoke");
const records = (out: string) => fs.readFileSync(path.join(demoDir(out), "runs.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunRecord);
/** A run without what measures time (the checksum covers the timing fields too), sorted by run key: queue mode appends as jobs finish. */
const comparable = (out: string) =>
  records(out)
    .map((r) => {
      const { wallTimeMs, groupWallTimeMs, finishedAt, checksum, ...rest } = r;
      void wallTimeMs, groupWallTimeMs, finishedAt, checksum;
      return [runKey(r.configHash, r.seed), JSON.stringify(rest)] as const;
    })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, s]) => s);
const oneProcess = path.join(root, "one");

/** Stops every process started here; also on a crash of this process (an uncaught error skips after()). */
function stopAll(): void {
  for (const c of children) c.kill("SIGKILL");
  redis?.kill("SIGTERM");
}
process.on("exit", stopAll);

before(async () => {
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  assert.equal(found.status, 0, "redis-server is missing: run `node lib/dist/cli/ensure-tools.js` (npm test does) or apt-get install -y redis-server");
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  // a watchdog shell stops the server when this test process is gone, even if it was killed (after() cannot run then)
  const server = `redis-server --port ${port} --bind 127.0.0.1 --save '' --appendonly no`;
  const watchdog = `${server} & r=$!; trap 'kill $r 2>/dev/null' EXIT INT TERM; while kill -0 ${process.pid} 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1; done`;
  redis = spawn("sh", ["-c", watchdog], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  redis.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  const until = Date.now() + 10_000;
  while (!/Ready to accept connections/.test(log)) {
    if (Date.now() > until || redis.exitCode !== null) throw new Error(`redis-server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const r = spawnSync(process.execPath, [REPRODUCE, "demo", "--profile", "smoke", "--backend", "wasm", "--out", oneProcess], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

afterEach(async () => {
  for (const c of children) c.kill("SIGKILL");
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  await client.flushall();
  client.disconnect();
});

after(() => {
  stopAll();
  fs.rmSync(root, { recursive: true, force: true });
});

test("job ids: a hash of the run keys, never a whole number nor with ':'; URLs must be redis://", () => {
  const id = jobIdOf(["abc#1", "abc#2"]);
  assert.match(id, /^g-[0-9a-f]{40}$/);
  assert.equal(jobIdOf(["abc#1", "abc#2"]), id);
  assert.notEqual(jobIdOf(["abc#1"]), id);
  assert.equal(parseQueueUrl("redis://h:6379"), "redis://h:6379");
  assert.throws(() => parseQueueUrl("h:6379"), /--queue must be a Redis URL/);
});

test("two worker processes give exactly the runs of one process; a rerun collects finished jobs from Redis and adds none", async () => {
  const out = path.join(root, "queue");
  const workers = [worker(), worker()];
  await Promise.all(workers.map((w) => waitFor(w, /backend wasm, 1 thread/)));
  const r = reproduce(out);
  const code = await withTimeout(r.exit, 90_000, r.output);
  assert.equal(code, 0, r.output());
  assert.match(r.output(), /2 group\(s\) on the queue .*; 2 worker\(s\) connected/);
  assert.deepEqual(comparable(out), comparable(oneProcess));
  const done = workers.map((w) => (w.output().match(/job g-[0-9a-f]+: done/g) ?? []).length);
  assert.equal(done[0] + done[1], 2, `each group trained once (by worker: ${done.join(", ")})`);
  // the results folder is lost, no worker runs: the next command takes the finished jobs' records from Redis
  workers.forEach((w) => w.child.kill("SIGKILL"));
  fs.rmSync(demoDir(out), { recursive: true });
  const again = reproduce(out);
  assert.equal(await withTimeout(again.exit, 90_000, again.output), 0, again.output());
  assert.deepEqual(comparable(out), comparable(oneProcess));
  const queue = new Queue(QUEUE_NAME, { connection: { url, maxRetriesPerRequest: null } });
  try {
    const counts = await queue.getJobCounts();
    assert.equal(counts.completed, 2, "enqueuing twice added no job");
    assert.equal(counts.waiting + counts.active + counts.failed, 0);
  } finally {
    await queue.close();
  }
});

test("a worker killed mid-job loses nothing: the other worker trains its group once the lock expires; no run is stored twice", async () => {
  const out = path.join(root, "killed");
  const both = [worker(), worker()];
  await Promise.all(both.map((w) => waitFor(w, /backend wasm/)));
  const r = reproduce(out);
  // kill whichever worker takes a job first (usually each takes one; under load one may take both in turn)
  const taking = /job g-[0-9a-f]+: demo\/smoke \S+ seeds 1,2 …/;
  const until = Date.now() + 30_000;
  while (!both.some((w) => taking.test(w.output()))) {
    if (Date.now() > until) throw new Error(`no worker took a job:\n${r.output()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
  const [a, b] = taking.test(both[0].output()) ? both : [both[1], both[0]];
  a.child.kill("SIGKILL");
  assert.doesNotMatch(a.output(), /: done in/, "killed before it finished");
  const code = await withTimeout(r.exit, 90_000, () => `${r.output()}\n--- worker b:\n${b.output()}`);
  assert.equal(code, 0, r.output());
  assert.equal((b.output().match(/: done in/g) ?? []).length, 2, `worker b trained both groups:\n${b.output()}`);
  const keys = records(out).map((x) => runKey(x.configHash, x.seed));
  assert.equal(keys.length, 4);
  assert.equal(new Set(keys).size, 4, "no run stored twice");
  assert.deepEqual(comparable(out), comparable(oneProcess));
});

test("a worker on another backend than the folder's runs is refused and leaves the job to a worker on that backend", async () => {
  const out = path.join(root, "backend");
  fs.mkdirSync(demoDir(out), { recursive: true });
  const lines = fs.readFileSync(path.join(demoDir(oneProcess), "runs.jsonl"), "utf8").trim().split("\n");
  fs.writeFileSync(path.join(demoDir(out), "runs.jsonl"), lines.filter((l) => (JSON.parse(l) as RunRecord).arm === "shared-bottom").join("\n") + "\n");
  const r = reproduce(out);
  await waitFor(r, /1 group\(s\) on the queue .*backend wasm/);
  const cpu = worker({}, "--backend", "cpu");
  const refused = await withTimeout(cpu.exit, 30_000, cpu.output);
  assert.equal(refused, 1, cpu.output());
  assert.match(cpu.output(), /error: this worker runs on backend cpu, but the queue's jobs train on wasm \(the results folder holds wasm runs; tables never mix backends\)/);
  assert.doesNotMatch(cpu.output(), /\n\s+at /, "no stack trace");
  const wasm = worker();
  const code = await withTimeout(r.exit, 90_000, () => `${r.output()}\n--- wasm worker:\n${wasm.output()}`);
  assert.equal(code, 0, r.output());
  assert.deepEqual([...new Set(records(out).map((x) => x.backend))], ["wasm"]);
  assert.deepEqual(comparable(out), comparable(oneProcess));
});

/** A group of fake runs (configHash "abc") and a worker in this process that returns `reply(seeds)` for every job. */
const fakeGroup = (seeds: number[], backend = "wasm"): QueueGroup => ({
  keys: seeds.map((s) => runKey("abc", s)),
  data: { experiment: "toy", resolve: { profile: "smoke" }, armKey: "a", configHash: "abc", seeds, backend: backend as QueueGroupData["backend"] },
});
function fakeWorker(reply: (seeds: number[]) => RunRecord[] | Error): Worker<QueueGroupData, QueueGroupResult> {
  return new Worker<QueueGroupData, QueueGroupResult>(
    QUEUE_NAME,
    async (job) => {
      const r = reply(job.data.seeds);
      if (r instanceof Error) throw r;
      return { records: r, host: "test", pid: 0 };
    },
    { connection: { url, maxRetriesPerRequest: null } },
  );
}

test("each group's records are handed on once, though seen by the event and by many sweeps; wrong or failed results stop the wait", async () => {
  const w = fakeWorker((seeds) => seeds.map((s) => fakeRunRecord(s)));
  try {
    const seen: number[] = [];
    await withTimeout(runGroupsOnQueue([fakeGroup([1, 2]), fakeGroup([3, 4])], { url, sweepMs: 5 }, (i) => seen.push(i)), 20_000, () => `seen ${seen.join(",")}`);
    await new Promise((r) => setTimeout(r, 200)); // sweeps still queued would hand a group on again now
    assert.deepEqual(seen.sort(), [0, 1]);
    // run again (finished jobs are collected from Redis): still once each
    const again: number[] = [];
    await withTimeout(runGroupsOnQueue([fakeGroup([1, 2]), fakeGroup([3, 4])], { url, sweepMs: 5 }, (i) => again.push(i)), 20_000, () => `again ${again.join(",")}`);
    assert.deepEqual(again.sort(), [0, 1]);
  } finally {
    await w.close();
  }
  const cases: [(seeds: number[]) => RunRecord[] | Error, RegExp][] = [
    [(seeds) => seeds.map((s) => fakeRunRecord(s, "cpu")), /cannot be stored: it returned runs of backend cpu, but the queue trains on wasm/],
    [(seeds) => seeds.slice(1).map((s) => fakeRunRecord(s)), /cannot be stored: it returned no record for abc#5/],
    [(seeds) => seeds.map((s) => fakeRunRecord(s + 1)), /cannot be stored: it returned a seed 7 .*which the job did not ask for/],
    [() => new Error("out of memory"), /failed on a worker: out of memory.*rerun the same command to retry it/],
  ];
  for (const [reply, message] of cases) {
    const bad = fakeWorker(reply);
    const stored: number[] = [];
    try {
      await assert.rejects(withTimeout(runGroupsOnQueue([fakeGroup([5, 6])], { url }, (i) => stored.push(i)), 20_000, () => "no failure"), message);
      assert.deepEqual(stored, [], "nothing handed on");
    } finally {
      await bad.close();
      const client = new Redis(url);
      await client.flushall();
      client.disconnect();
    }
  }
});

test("an unreachable Redis is an error for reproduce and worker (exit 1, no stack), and nothing is enqueued or trained", async () => {
  const nobody = `redis://127.0.0.1:${await freePort()}`;
  const out = path.join(root, "unreachable");
  for (const args of [[REPRODUCE, "demo", "--profile", "smoke", "--out", out, "--queue", nobody], [WORKER, "--queue", nobody]]) {
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: cannot reach Redis at ${nobody} \\(connect ECONNREFUSED`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.ok(!fs.existsSync(path.join(demoDir(out), "runs.jsonl")));
});
