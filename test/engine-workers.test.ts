import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { runExperiment, workerCount, type RunRecord, getExperiment } from "mtl-lab";
import { UserError } from "mtl-lab/dist/errors";

test("workerCount: MTL_WORKERS wins; otherwise one per core on wasm/cpu and one on native backends", () => {
  assert.equal(workerCount("wasm", "3"), 3);
  assert.equal(workerCount("tensorflow", "2"), 2);
  const cores = os.availableParallelism();
  assert.equal(workerCount("wasm", undefined), cores);
  assert.equal(workerCount("cpu", ""), cores);
  assert.equal(workerCount("tensorflow", undefined), 1);
  assert.equal(workerCount("tensorflow-gpu", undefined), 1);
  assert.throws(() => workerCount("wasm", "0"), /MTL_WORKERS must be a whole number from 1 to 1024, got "0"/);
  assert.throws(() => workerCount("wasm", "two"), (e: Error) => e instanceof UserError && /got "two"/.test(e.message));
  assert.throws(() => workerCount("wasm", "1.5"), /got "1\.5"/);
});

/** A run without what measures time (the checksum covers the timing fields too). */
const comparable = (r: RunRecord) => {
  const { wallTimeMs, groupWallTimeMs, finishedAt, checksum, ...rest } = r;
  void wallTimeMs, groupWallTimeMs, finishedAt, checksum;
  return JSON.stringify(rest);
};

test("groups trained in two worker threads give exactly the runs of one thread, in the same order", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-workers-"));
  const one = await runExperiment(getExperiment("demo"), { profile: "smoke", out: path.join(root, "one"), workers: 1, report: false });
  const two = await runExperiment(getExperiment("demo"), { profile: "smoke", out: path.join(root, "two"), workers: 2, report: false });
  assert.equal(one.runs.length, 4);
  assert.deepEqual(two.runs.map(comparable), one.runs.map(comparable));
  const lines = (dir: string) => fs.readFileSync(path.join(dir, "runs.jsonl"), "utf8").trim().split("\n").map((l) => comparable(JSON.parse(l) as RunRecord));
  assert.deepEqual(lines(two.dir), lines(one.dir), "runs.jsonl holds the same runs in the same order");
  fs.rmSync(root, { recursive: true, force: true });
});
