/** Results store, config hashes, experiment resolution, learning-rate choice and CLI option checks. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import {
  BackendMismatchError,
  chooseLearningRate,
  configHash,
  getExperiment,
  resolveExperiment,
  RunsFile,
  seedGroups,
  type ReplicaOutcome,
} from "mtl-lab";
import { fakeRunRecord } from "./engine-helpers";

const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-engine-"));
const fake = fakeRunRecord;

test("config hash ignores key order and changes with any value", () => {
  assert.equal(configHash({ a: 1, b: { c: [1, 2], d: "x" } }), configHash({ b: { d: "x", c: [1, 2] }, a: 1 }));
  assert.notEqual(configHash({ a: 1 }), configHash({ a: 2 }));
  assert.match(configHash({}), /^[0-9a-f]{16}$/);
});

test("runs.jsonl: appended lines read back; a partial last line is ignored and cut on the next append", () => {
  const store = new RunsFile(tmp());
  store.append([fake(1), fake(2)]);
  fs.appendFileSync(store.file, '{"schema":1,"configHash":"abc","se'); // as if killed mid-write
  assert.deepEqual(store.read().map((r) => r.seed), [1, 2]);
  store.append([fake(3)]);
  assert.deepEqual(store.read().map((r) => r.seed), [1, 2, 3]);
  assert.ok(fs.readFileSync(store.file, "utf8").split("\n").slice(0, -1).every((l) => JSON.parse(l)));
  store.clear();
  assert.deepEqual(store.read(), []);
});

test("runs of another backend are refused with a message suggesting --force or --out", () => {
  const store = new RunsFile(tmp());
  store.append([fake(1, "cpu")]);
  assert.throws(() => store.checkBackend("wasm"), (e: Error) => e instanceof BackendMismatchError && /--force/.test(e.message) && /--out/.test(e.message));
  assert.doesNotThrow(() => store.checkBackend("cpu"));
});

test("experiment resolution: profile merge, run override, model subset, errors list valid values", () => {
  const demo = getExperiment("demo");
  const plan = resolveExperiment(demo, { profile: "smoke", runs: 3, models: ["mmoe"] });
  assert.deepEqual(plan.seeds, [1, 2, 3]);
  assert.deepEqual(plan.arms.map((a) => a.key), ["mmoe"]);
  assert.equal(plan.train.steps, demo.profiles.smoke.train!.steps);
  assert.notEqual(plan.arms[0].configHash, resolveExperiment(demo, { profile: "quick" }).arms[1].configHash);
  assert.throws(() => resolveExperiment(demo, { models: ["nope"] }), /unknown model nope.*valid: shared-bottom, mmoe/);
  assert.throws(() => getExperiment("nope"), /unknown experiment "nope"; valid: demo, /);
  assert.deepEqual(seedGroups([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
});

test("learning-rate choice: best validation value wins, diverged trials never do", () => {
  const trial = (learningRate: number, selectionValue: number | null, status: "ok" | "diverged" = "ok") => ({ learningRate, selectionValue, status }) as ReplicaOutcome;
  assert.equal(chooseLearningRate([trial(1e-3, 0.5), trial(1e-2, 0.3), trial(1e-1, 0.1, "diverged")], "loss")!.learningRate, 1e-2);
  assert.equal(chooseLearningRate([trial(1e-3, 0.8), trial(1e-2, 0.9)], "auc")!.learningRate, 1e-2);
  assert.equal(chooseLearningRate([trial(1e-3, null, "diverged")], "loss"), undefined);
});

test("invalid CLI options exit 2 and list the valid values", () => {
  const cases: [string[], RegExp][] = [
    [["nope"], /unknown experiment or study "nope"; studies: mmoe-synthetic(, [a-z0-9-]+)*; experiments: demo, /],
    [["demo", "--profile", "huge"], /unknown profile "huge"; valid: smoke, quick, paper/],
    [["demo", "--runs", "0"], /--runs must be a whole number from 1 to 10000/],
    [["demo", "--backend", "gpu"], /--backend must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu/],
    [["demo", "--model", "ple"], /unknown model "ple"; valid: demo: shared-bottom, mmoe/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
    assert.equal(r.status, 2, `${args.join(" ")} → exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
