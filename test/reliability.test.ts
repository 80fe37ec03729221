/**
 * A hostile user's probes, each as a test: concurrent commands on one folder, damaged and forged
 * records, bad --set values and environment variables. Every one must end in a clear refusal or
 * a recovery, never a lost run, a stack trace or silence.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { mergeShards, resolveExperiment, runExperiment, type ExperimentDefinition, type RunRecord } from "mtl-lab";
import { FolderLock, FolderLockedError } from "mtl-lab/dist/engine/store/folder-lock";
import { legacyConfigHash, migrateFolder } from "mtl-lab/dist/engine/store/migrate";
import { silentProgress } from "mtl-lab/dist/engine/report/progress";
import { recordLine, RunsFile } from "mtl-lab/dist/engine/store/results-store";
import { verifyExperiment } from "mtl-lab/dist/engine/store/verify";
import { degenerateReason, runOutcome, withRunNotes } from "mtl-lab/dist/engine/train/degenerate";
import { fakeRunRecord, TOY_PROFILE, toyExperiment } from "./engine-helpers";

const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-reliability-"));
const profile = TOY_PROFILE;
const toy = (overrides: Partial<ExperimentDefinition<{ noise: number }>> = {}) => toyExperiment({ id: "toy-reliable", ...overrides });

const silent = silentProgress;
/** A stored line without what measures time (the checksum covers the timing fields too). */
const stable = (l: string) => {
  const { wallTimeMs, groupWallTimeMs, finishedAt, checksum, ...rest } = JSON.parse(l) as RunRecord;
  void wallTimeMs, groupWallTimeMs, finishedAt, checksum;
  return JSON.stringify(rest);
};
const readLines = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "");

/** A folder as engine version 1 wrote it: `runs` records under the arm's old key. */
async function v1Folder(id: string, runs = 2): Promise<{ root: string; folder: string; legacy: string; current: string }> {
  const root = out();
  const e = toy({ id, profiles: { smoke: { ...profile, runs }, quick: profile, paper: profile } });
  await runExperiment(e, { profile: "smoke", out: root, backend: "wasm", report: false });
  const folder = path.join(root, id, "smoke");
  const plan = resolveExperiment(e, { profile: "smoke" });
  const legacy = legacyConfigHash(plan, "mmoe");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), new RunsFile(folder).read().map((r) => recordLine({ ...r, configHash: legacy })).join(""));
  return { root, folder, legacy, current: plan.arms[0].configHash };
}

test("migrate takes the folder's lock: beside a command writing the folder it is refused and changes nothing", async () => {
  const { root, folder } = await v1Folder("toy-migrate-locked");
  const before = fs.readFileSync(path.join(folder, "runs.jsonl"), "utf8");
  const other = FolderLock.acquire(folder); // stands for a reproduce writing the folder
  try {
    await assert.rejects(migrateFolder(toy({ id: "toy-migrate-locked" }), "smoke", { root, sample: 0 }), (e: Error) => e instanceof FolderLockedError && /is in use by process/.test(e.message));
  } finally {
    other.release();
  }
  assert.equal(fs.readFileSync(path.join(folder, "runs.jsonl"), "utf8"), before, "not a byte changed");
  // and while migrate holds it, a reproduce on the folder is refused (the lock is taken before the rewrite)
  const e = toy({ id: "toy-migrate-locked", profiles: { smoke: { ...profile, runs: 4 }, quick: profile, paper: profile } });
  const migrating = migrateFolder(e, "smoke", { root, sample: 1 });
  await assert.rejects(runExperiment(e, { profile: "smoke", out: root, backend: "wasm", report: false }), FolderLockedError);
  assert.equal((await migrating)!.rekeyed, 2);
  assert.equal(fs.existsSync(path.join(folder, "run.lock")), false, "released");
});

test("migrate never deletes a line: a checksum-failing one moves to runs.rejected.jsonl with the reason", async () => {
  const { root, folder, current } = await v1Folder("toy-migrate-bad-line", 4);
  const file = path.join(folder, "runs.jsonl");
  const lines = readLines(file);
  const forged = JSON.parse(lines[2]) as { stepsTrained: number };
  forged.stepsTrained += 1; // changed after it was written: its checksum no longer matches
  lines[2] = JSON.stringify(forged);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  const report = (await migrateFolder(toy({ id: "toy-migrate-bad-line", profiles: { smoke: { ...profile, runs: 4 }, quick: profile, paper: profile } }), "smoke", { root, sample: 0 }))!;
  assert.match(report.line, /1 damaged line\(s\) moved to runs\.rejected\.jsonl with the reason \(line 3: its checksum does not match/);
  assert.equal(readLines(file).length, 3);
  assert.deepEqual(new RunsFile(folder).read().map((r) => r.configHash), [current, current, current]);
  const rejected = readLines(path.join(folder, "runs.rejected.jsonl")).map((l) => JSON.parse(l) as { line: number; reason: string; text: string });
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0].line, 3);
  assert.match(rejected[0].reason, /checksum does not match/);
  assert.equal(rejected[0].text, lines[2], "the line itself, as it was");
});

test("migrate: a line that is no record stops it with the fix it accepts (--drop-bad-lines), which moves the line aside", async () => {
  const { root, folder } = await v1Folder("toy-migrate-garbage");
  const file = path.join(folder, "runs.jsonl");
  fs.appendFileSync(file, "garbage\n");
  const e = toy({ id: "toy-migrate-garbage" });
  await assert.rejects(migrateFolder(e, "smoke", { root, sample: 0 }), /--drop-bad-lines/);
  assert.equal(readLines(file).length, 3, "unchanged");
  const report = (await migrateFolder(e, "smoke", { root, sample: 0, dropBadLines: true }))!;
  assert.equal(report.rekeyed, 2);
  assert.equal(readLines(file).length, 2);
  assert.match(fs.readFileSync(path.join(folder, "runs.rejected.jsonl"), "utf8"), /"reason":"not valid JSON.*"text":"garbage"/);
});

const DIST = path.join(__dirname, "..", "..", "lib", "dist");
const REPRODUCE = path.join(DIST, "cli", "reproduce.js");
const WORKER = path.join(DIST, "cli", "worker.js");
const quiet = { ...process.env, MTL_BACKEND: "", MTL_WORKERS: "", MTL_NATIVE: "", MTL_KERNELS: "", MTL_WASM_KERNELS: "" };

/** Runs a command; asserts it refused with exit 2, one line naming `pattern`, and made no folder. */
function refusedBeforeWork(script: string, args: string[], env: Record<string, string>, pattern: RegExp): void {
  const root = out();
  const r = spawnSync(process.execPath, [script, ...args, ...(script === REPRODUCE ? ["--out", root] : [])], { encoding: "utf8", env: { ...quiet, ...env } });
  assert.equal(r.status, 2, `${args.join(" ")} ${JSON.stringify(env)}: ${r.stderr}`);
  assert.match(r.stderr, /^error: [^\n]*\n$/, "one line, no stack trace");
  assert.match(r.stderr, pattern);
  assert.deepEqual(fs.readdirSync(root), [], "no folder was made");
}

test("--set values the experiment cannot train are refused before any folder is made: exit 2, one line, the valid choices", () => {
  const base = ["synthetic-correlation", "--profile", "smoke", "--runs", "1", "--set"];
  refusedBeforeWork(REPRODUCE, [...base, "train.selection.task=nosuch"], {}, /train\.selection\.task "nosuch" is not a task; valid: y1, y2, or "all"/);
  refusedBeforeWork(REPRODUCE, [...base, "train.selection.metric=auc"], {}, /"auc" does not apply to regression task y1; valid: loss, mse, pearson/);
  refusedBeforeWork(REPRODUCE, [...base, "train.taskWeights=[1]"], {}, /train\.taskWeights has 1 entries for 2 tasks/);
  refusedBeforeWork(REPRODUCE, [...base, "data.p=5"], {}, /--set data\.p=5: condition p=[^:]+: p\[0\] \(task 2\) must be in \[-1, 1\], got 5/);
  refusedBeforeWork(REPRODUCE, [...base, "rows.train=1e12"], {}, /rows\.train must be a whole number from 1 to 10000000, got 1000000000000/);
  refusedBeforeWork(REPRODUCE, [...base, "train.steps=1e9"], {}, /train\.steps must be at most 10000000/);
  refusedBeforeWork(REPRODUCE, [...base, 'train.learningRateChoice="pilot"'], {}, /train\.learningRateChoice "pilot" needs train\.pilotSeeds/);
  refusedBeforeWork(REPRODUCE, [...base, 'train.learningRateChoice="pilot"', "--set", "train.pilotSeeds=[10001]"], {}, /pilot seed 10001 is also reported; train\.pilotSeeds must be disjoint from the reported seeds 10001…10002/);
});

test("bad environment variables are refused by reproduce and worker before any work: exit 2, one line, the valid values", () => {
  const demo = ["demo", "--profile", "smoke", "--runs", "1"];
  const queue = ["--queue", "redis://127.0.0.1:9"];
  for (const script of [REPRODUCE, WORKER]) {
    const args = script === REPRODUCE ? demo : queue;
    refusedBeforeWork(script, args, { MTL_BACKEND: "garbage" }, /MTL_BACKEND must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu; got "garbage"/);
    refusedBeforeWork(script, args, { MTL_WORKERS: "abc" }, /MTL_WORKERS must be a whole number from 1 to 1024, got "abc"/);
    refusedBeforeWork(script, args, { MTL_NATIVE: "maybe" }, /MTL_NATIVE=maybe is not a yes or no; valid: 0, false, off, no, 1, true, on, yes/);
    refusedBeforeWork(script, args, { MTL_KERNELS: "nonsense" }, /MTL_KERNELS=nonsense: unknown kernel setting; valid: auto, wasm, tfjs/);
  }
});

test("MTL_NATIVE takes the usual spellings of no (0, false, off, no, any case)", () => {
  const script = `const s = require(${JSON.stringify(path.join(DIST, "kernels", "native-addon.js"))}).nativeAddonStatus(); console.log(JSON.stringify(s))`;
  for (const v of ["0", "false", "OFF", "no"]) {
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...quiet, MTL_NATIVE: v } });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { available: boolean; reason: string };
    assert.deepEqual([s.available, s.reason], [false, `MTL_NATIVE=${v}`]);
  }
});

test("a native addon that cannot load is said in one console line; the wasm kernels run", () => {
  // a damaged build: loading the .node file fails as a garbage file does
  const script = `require("module")._extensions[".node"] = () => { throw new Error("invalid ELF header"); };
    require("mtl-lab").initBackend("wasm").then((i) => console.log(i.name));`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: quiet });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "wasm");
  assert.equal(r.stderr, "note: native kernel addon unavailable (invalid ELF header); the wasm kernels run instead: bit-identical results, slower. npm run build rebuilds it; MTL_NATIVE=off silences this.\n");
  const off = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...quiet, MTL_NATIVE: "off" } });
  assert.equal(off.stderr, "", "turned off on purpose: nothing to say");
});

/** A finished toy folder (2 runs of one arm) and its runs.jsonl lines. */
async function finished(id: string): Promise<{ root: string; folder: string; file: string; e: ReturnType<typeof toy>; lines: string[] }> {
  const root = out();
  const e = toy({ id });
  await runExperiment(e, { profile: "smoke", out: root, backend: "wasm" });
  const folder = path.join(root, id, "smoke");
  const file = path.join(folder, "runs.jsonl");
  return { root, folder, file, e, lines: readLines(file) };
}

test("a changed record with its checksum removed is not taken for a pre-checksum one: set aside with the reason and retrained", async () => {
  const { root, folder, file, e, lines } = await finished("toy-unsigned");
  const { checksum, ...rest } = JSON.parse(lines[1]) as RunRecord;
  void checksum;
  (rest.metrics!.test.y as Record<string, number>).mse = 0.001; // a better number, unsigned
  fs.writeFileSync(file, [lines[0], JSON.stringify(rest)].join("\n") + "\n");
  const scanned = new RunsFile(folder).scan();
  assert.deepEqual(scanned.bad.map((b) => [b.line, b.kind]), [[2, "checksum"]]);
  assert.match(scanned.bad[0].problem, /no checksum, and manifest\.json does not say this folder predates checksums/);
  const notes: string[] = [];
  const again = await runExperiment(e, { profile: "smoke", out: root, backend: "wasm", report: false, progress: { ...silent, note: (m) => notes.push(m) } });
  assert.equal(again.computed, 1, "retrained, not used");
  assert.match(notes.join("\n"), /line 2 \(mmoe seed 2\): it has no checksum.*moved to runs\.rejected\.jsonl/);
  assert.deepEqual(readLines(file).map(stable), lines.map(stable), "the retrained run is the original, bit for bit");
  // the same record where the manifest says the folder predates checksums is read as it was written
  const manifest = path.join(folder, "manifest.json");
  fs.writeFileSync(manifest, JSON.stringify({ ...(JSON.parse(fs.readFileSync(manifest, "utf8")) as object), startedAt: "2026-11-30T00:00:00.000Z" }));
  fs.writeFileSync(file, [lines[0], JSON.stringify(rest)].join("\n") + "\n");
  assert.equal(new RunsFile(folder).scan().legacy, 1);
});

test("--merge never signs a record it did not verify: a shard with unsigned records is refused", async () => {
  const { folder, file, e, lines } = await finished("toy-merge-unsigned");
  const manifest = path.join(folder, "manifest.json");
  fs.writeFileSync(manifest, JSON.stringify({ ...(JSON.parse(fs.readFileSync(manifest, "utf8")) as object), startedAt: "2026-11-30T00:00:00.000Z" }));
  const { checksum, ...rest } = JSON.parse(lines[1]) as RunRecord;
  void checksum;
  fs.writeFileSync(file, [lines[0], JSON.stringify(rest)].join("\n") + "\n");
  const into = out();
  await assert.rejects(mergeShards(e, [folder], { profile: "smoke", out: into }), /holds 1 record\(s\) without a checksum .*merging would sign them unchecked\. .*Nothing was merged/);
  assert.equal(fs.existsSync(path.join(into, "toy-merge-unsigned", "smoke", "runs.jsonl")), false);
});

test("a forged record with a metric removed (checksum recomputed) is rejected by its arm's other records, and --verify names its line", async () => {
  const { root, folder, file, e, lines } = await finished("toy-forged-metric");
  const forged = JSON.parse(lines[1]) as RunRecord;
  delete (forged.metrics!.test.y as Record<string, number>).pearson;
  fs.writeFileSync(file, [lines[0], recordLine(forged).trimEnd()].join("\n") + "\n");
  const scanned = new RunsFile(folder).scan();
  assert.deepEqual(scanned.bad.map((b) => [b.line, b.kind, b.run]), [[2, "inconsistent", "mmoe seed 2"]]);
  assert.match(scanned.bad[0].problem, /metric fields differ from its arm's other records: it lacks test\.y\.pearson/);
  const report = await verifyExperiment(e, { profile: "smoke", root, backend: "wasm", workers: 1 });
  assert.equal(report.identical, false);
  assert.match(report.line, /differs — .*1 stored line\(s\) are not usable records and were not compared: line 2 \(mmoe seed 2\): its metric fields differ/);
  // a checksum-failing line is named too, not counted as "missing"
  const changed = JSON.parse(lines[1]) as RunRecord;
  changed.stepsTrained += 1;
  fs.writeFileSync(file, [lines[0], JSON.stringify(changed)].join("\n") + "\n");
  const damaged = await verifyExperiment(e, { profile: "smoke", root, backend: "wasm", workers: 1 });
  assert.match(damaged.line, /differs — 1 stored run\(s\) missing; .* line 2 \(mmoe seed 2\): its checksum does not match its content/);
  // the runner sets the forged record aside and retrains it
  fs.writeFileSync(file, [lines[0], recordLine(forged).trimEnd()].join("\n") + "\n");
  assert.equal((await runExperiment(e, { profile: "smoke", out: root, backend: "wasm", report: false, progress: { ...silent, note: () => {} } })).computed, 1);
  assert.deepEqual(readLines(file).map(stable), lines.map(stable));
});

test("shards run with --set exit 0 when their share is stored, and merge like plain shards", () => {
  const root = out();
  const set = ["--set", "train.steps=10"];
  const run = (...args: string[]) => spawnSync(process.execPath, [REPRODUCE, "demo", "--profile", "smoke", "--backend", "wasm", ...set, ...args], { encoding: "utf8", env: { ...quiet, MTL_WORKERS: "1" } });
  for (const k of [0, 1]) {
    const r = run("--shard", `${k}/2`, "--out", path.join(root, `shard-${k}`));
    assert.equal(r.status, 0, r.stderr);
  }
  const merged = run("--merge", path.join(root, "shard-0"), path.join(root, "shard-1"), "--out", path.join(root, "merged"));
  assert.equal(merged.status, 0, merged.stderr);
  assert.match(merged.stderr, /demo\/smoke: merged 2 folder\(s\), 4 run\(s\) added; 4 of 4 runs stored/);
  const [folder] = fs.readdirSync(path.join(root, "merged", "demo"));
  assert.match(folder, /^smoke\+set-[0-9a-f]{8}$/, "the overridden configuration's own folder");
  assert.equal(readLines(path.join(root, "merged", "demo", folder, "runs.jsonl")).length, 4);
});

test("degenerate runs (constant predictions, non-finite metrics) get their own status and a note in every table; ok runs none", () => {
  const ok = fakeRunRecord(1);
  const constant: RunRecord = { ...fakeRunRecord(2), undefinedMetrics: { test: { y: { pearson: "Pearson is undefined: the second series is constant" } } } };
  const infinite: RunRecord = { ...fakeRunRecord(3), metrics: { validation: { y: { mse: 1 } }, test: { y: { mse: Infinity } } } };
  const diverged: RunRecord = { ...fakeRunRecord(4), status: "diverged", metrics: null };
  assert.deepEqual([ok, constant, infinite, diverged].map(runOutcome), ["ok", "degenerate", "degenerate", "diverged"]);
  assert.equal(degenerateReason(constant), "constant predictions on task y (test Pearson undefined)");
  const tables = withRunNotes({ summary: { notes: ["profile"] }, claims: {} as { notes?: string[] } }, [ok, constant, infinite]);
  for (const t of Object.values(tables)) assert.match(t.notes!.at(-1)!, /^Degenerate runs: 2 of 3 \(a 2\) trained without diverging but measure nothing — constant predictions on task y/);
  assert.deepEqual(withRunNotes({ summary: { notes: ["profile"] } }, [ok]).summary.notes, ["profile"]);
});

test("records of another profile copied into a folder are counted in one line, not ignored silently", async () => {
  const { root, file, e, lines } = await finished("toy-foreign");
  const other = JSON.parse(lines[0]) as RunRecord;
  fs.appendFileSync(file, recordLine({ ...other, profile: "quick", configHash: "0123456789abcdef" }));
  const notes: string[] = [];
  const again = await runExperiment(e, { profile: "smoke", out: root, backend: "wasm", report: false, progress: { ...silent, note: (m) => notes.push(m) } });
  assert.equal(again.computed, 0);
  assert.deepEqual(notes.filter((n) => /belong to no run/.test(n)).length, 1);
  assert.match(notes.join("\n"), /runs\.jsonl: 1 stored record\(s\) belong to no run of this plan \(toy-foreign\/quick; another profile, configuration or run count\) and are ignored/);
});
