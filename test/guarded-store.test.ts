/**
 * The results store against a hostile-but-honest user: bad options, bad folders, two writers, a full disk, an
 * edited or damaged runs.jsonl, a damaged summary.json, subsets, SIGINT, a study where every run
 * diverges. Each case runs the real command lines (or, for what notebooks do, the library) on
 * real files and checks the message and the exit code — and that nothing finished was lost.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  defineExperiment,
  LOCK_FILE,
  projectRoot,
  runExperiment,
  runOrLoad,
  RunsFile,
  WriteError,
  writeFileAtomic,
  type ExperimentSummary,
  type RunRecord,
  type TrainConfig,
  getExperiment,
} from "mtl-lab";
import { toyData } from "./engine-helpers";

const CLI = path.join(projectRoot(), "lib", "dist", "cli");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-guarded-"));
fs.chmodSync(root, 0o755); // the read-only-folder case runs a child as another user
const base = path.join(root, "base");
const ARGS = ["demo", "--profile", "smoke", "--backend", "wasm"];
const studyDir = (out: string) => path.join(out, "demo", "smoke");
const runsFile = (out: string) => path.join(studyDir(out), "runs.jsonl");
let n = 0;
/** A fresh folder holding a copy of the finished baseline study. */
function copyOfBase(): string {
  const out = path.join(root, `copy-${++n}`);
  fs.cpSync(base, out, { recursive: true });
  return out;
}

function cli(script: string, args: string[], opts: { env?: Record<string, string>; uid?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(CLI, script), ...args], { encoding: "utf8", env: { ...process.env, ...opts.env }, uid: opts.uid, gid: opts.uid });
}
const reproduce = (out: string, extra: string[] = [], opts = {}) => cli("reproduce.js", [...ARGS, "--out", out, ...extra], opts);

/** The user-facing contract of every failure: the exit code, the message, never a stack trace. */
function assertFails(r: SpawnSyncReturns<string>, code: number, message: RegExp): void {
  assert.equal(r.status, code, `exit ${r.status} (wanted ${code}); stderr:\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at .*:\d+:\d+\)?$/m, `a stack trace reached the user:\n${r.stderr}`);
}

const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
const readRuns = (out: string) => lines(runsFile(out)).map((l) => JSON.parse(l) as RunRecord);
/** Runs keyed by config hash and seed, without what measures time (and the checksum covering it). */
const comparable = (runs: RunRecord[]) =>
  Object.fromEntries(runs.map(({ wallTimeMs, groupWallTimeMs, finishedAt, checksum, ...rest }) => [`${rest.configHash}#${rest.seed}`, rest]));
const summaryOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as ExperimentSummary;

before(() => {
  const r = reproduce(base);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readRuns(base).length, 4);
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("option errors exit 2 with the valid form and the usage line, before anything is read or trained", () => {
  const usage = /usage: npm run reproduce/;
  for (const [args, message] of [
    [["--out="], /--out needs a path, got an empty value/],
    [["--runs", "0x2"], /--runs must be a whole number from 1 to 10000 in decimal digits, got "0x2"/],
    [["--runs", "1e9"], /--runs must be a whole number from 1 to 10000 in decimal digits, got "1e9"/],
    [["--runs", "-5"], /got "-5"/],
    [["--runs"], /--runs needs a value/],
    [["--force", "--drop-bad-lines"], /give one of them/],
    [["--frobnicate"], /unknown option --frobnicate/],
  ] as [string[], RegExp][]) {
    // --out first (a later --out= overrides it): should a check ever let an option through, nothing lands in results/
    const r = cli("reproduce.js", ["demo", "--profile", "smoke", "--out", path.join(root, "options"), ...args]);
    assertFails(r, 2, message);
    assert.match(r.stderr, usage);
  }
  // the data CLI checks its options before it looks at any file: here there are none to find
  const data = (args: string[]) => cli("data.js", args, { env: { CENSUS_INCOME_DIR: path.join(root, "no-census-here") } });
  const aFile = path.join(root, "a-file");
  fs.writeFileSync(aFile, "x");
  for (const [args, message] of [
    [["verify", "--split-seed", "abc"], /--split-seed must be a whole number from 0 to 4294967295 in decimal digits, got "abc"/],
    [["verify", "--split-seed", "-5"], /got "-5"/],
    [["verify", "--split-seed", "1.5"], /got "1.5"/],
    [["prepare", "--cache-dir", aFile], /--cache-dir .*a-file is a file; give a folder/],
    [["verify", "--bogus"], /unknown option --bogus/],
    [["explode"], /unknown command "explode"/],
    [[], /no command given/],
  ] as [string[], RegExp][]) {
    const r = data(args);
    assertFails(r, 2, message);
    assert.match(r.stderr, /usage: npm run data -- .*--cache-dir DIR/);
  }
  assert.equal(cli("data.js", ["--help"]).status, 0);
  // every other command line: same parser, same exit code
  assertFails(cli("notebooks.js", ["--profile", "huge"]), 2, /--profile must be one of smoke, quick, paper/);
  assertFails(cli("bench.js", ["--replicas", "0"]), 2, /--replicas must be a whole number from 1/);
  assertFails(cli("lab.js", ["--bogus"]), 2, /unknown option --bogus\nusage: npm run lab/);
  assertFails(cli("readme-results.js", ["extra"]), 2, /unexpected argument "extra"/);
});

test("--out on a file, or on a folder this user cannot write, is refused before training", (t) => {
  const file = path.join(root, "not-a-folder");
  fs.writeFileSync(file, "");
  const onFile = reproduce(file);
  assertFails(onFile, 1, /cannot use .*not-a-folder.* as a results folder: .*not-a-folder is a file, not a folder\. Nothing was trained\. Choose a writable folder with --out DIR/);
  assert.doesNotMatch(onFile.stderr, /done in/);

  const locked = path.join(root, "read-only");
  fs.mkdirSync(locked, { mode: 0o555 });
  fs.chmodSync(locked, 0o555);
  // root writes anywhere: the child runs as nobody then, which needs to read the checkout
  const asNobody = process.getuid?.() === 0 ? { uid: 65534 } : {};
  if ("uid" in asNobody && spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(projectRoot())}, 4)`], asNobody).status !== 0) {
    t.diagnostic(`read-only case skipped: user nobody cannot read ${projectRoot()} (a checkout inside a private folder, e.g. mktemp -d)`);
    return;
  }
  const readOnly = reproduce(locked, [], asNobody);
  assertFails(readOnly, 1, /cannot use .*read-only\/demo\/smoke as a results folder: it is read-only for this user \(permission denied \(EACCES\)\)\. Nothing was trained/);
  assert.doesNotMatch(readOnly.stderr, /done in/);
});

test("a second process on the same folder is refused; a lock left by a dead process is taken over", async () => {
  const out = path.join(root, "two-writers");
  const start = () =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(CLI, "reproduce.js"), ...ARGS, "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });
  const [a, b] = await Promise.all([start(), start()]);
  const [winner, loser] = a.code === 0 ? [a, b] : [b, a];
  assert.equal(winner.code, 0, winner.stderr);
  assertFails({ status: loser.code, stderr: loser.stderr } as SpawnSyncReturns<string>, 1, /demo\/smoke is in use by process \d+ on .*reproduce\.js demo.*Wait for it to finish, or write elsewhere with --out DIR/);
  assert.equal(readRuns(out).length, 4, "every run stored once");
  assert.deepEqual(comparable(readRuns(out)), comparable(readRuns(base)));
  assert.ok(!fs.existsSync(path.join(studyDir(out), LOCK_FILE)), "the lock is gone after the run");

  // a lock whose owner is alive (this test process) holds; one whose owner has exited does not
  const lock = path.join(studyDir(out), LOCK_FILE);
  const owner = (pid: number) => JSON.stringify({ pid, host: os.hostname(), processStart: null, startedAt: "earlier", command: "reproduce.js demo", token: "t" });
  fs.writeFileSync(lock, owner(process.pid));
  assertFails(reproduce(out), 1, new RegExp(`in use by process ${process.pid} on ${os.hostname()}`));
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  fs.writeFileSync(lock, owner(Number(dead.stdout)));
  const takeover = reproduce(out);
  assert.equal(takeover.status, 0, takeover.stderr);
  assert.match(takeover.stderr, new RegExp(`taking over the lock of .*: process ${dead.stdout} on .* is no longer running`));
  assert.match(takeover.stderr, /runs present \(not committed\), nothing trained/);
});

/** Runs the command with a file-size limit (a short write at `blocks` × 512 bytes), SIGXFSZ ignored so the write returns EFBIG. */
function withFileSizeLimit(blocks: number, out: string): SpawnSyncReturns<string> {
  const command = `trap '' XFSZ; ulimit -f ${blocks}; exec "$0" "$@"`;
  return spawnSync("sh", ["-c", command, process.execPath, path.join(CLI, "reproduce.js"), ...ARGS, "--out", out], { encoding: "utf8" });
}

test("a short write (full disk) stores no half record, names the file and the cause, exits 1; rerunning completes", () => {
  const out = copyOfBase();
  const firstGroup = lines(runsFile(base)).slice(0, 2).join("\n") + "\n";
  fs.rmSync(studyDir(out), { recursive: true });
  fs.mkdirSync(studyDir(out), { recursive: true });
  fs.writeFileSync(runsFile(out), firstGroup);
  // room for about 1 KB more: the next group's ~6 KB append is cut short
  const r = withFileSizeLimit(Math.ceil((firstGroup.length + 1024) / 512), out);
  assertFails(r, 1, /could not write .*runs\.jsonl: file too large .*\(EFBIG\)\. 2 finished run\(s\) \(mmoe seeds 1, 2\) were not stored; the runs already in the file are intact/);
  assert.doesNotMatch(r.stderr, /mmoe seeds 1–2 done/, "progress never says a run is stored when it is not");
  assert.equal(fs.readFileSync(runsFile(out), "utf8"), firstGroup, "the partial append was cut off");
  const again = reproduce(out);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(comparable(readRuns(out)), comparable(readRuns(base)));

  // the same for a derived file: summary.json does not fit, nothing half-written or temporary stays
  const derived = copyOfBase();
  fs.rmSync(path.join(studyDir(derived), "summary.json"));
  const summaryBytes = fs.statSync(path.join(studyDir(base), "summary.json")).size;
  const blocks = Math.floor(summaryBytes / 512) - 1;
  assert.ok(blocks * 512 > fs.statSync(runsFile(base)).size, "the limit leaves runs.jsonl alone");
  const s = withFileSizeLimit(blocks, derived);
  assertFails(s, 1, /could not write .*summary\.json: file too large/);
  assert.deepEqual(fs.readdirSync(studyDir(derived)).filter((f) => f.includes(".tmp-") || f === "summary.json"), []);
});

test("an edited record is reported by line, set aside and retrained; its number never reaches the tables", () => {
  const out = copyOfBase();
  const all = lines(runsFile(out));
  const edited = JSON.parse(all[2]) as RunRecord;
  edited.metrics!.test.y1.mse = 1e-6;
  all[2] = JSON.stringify(edited);
  fs.writeFileSync(runsFile(out), all.join("\n") + "\n");
  const r = reproduce(out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /runs\.jsonl line 3 \(mmoe seed 1\): its checksum does not match its content .* moved to runs\.rejected\.jsonl; its run trains again/);
  assert.match(r.stderr, /1 trained now/);
  assert.deepEqual(comparable(readRuns(out)), comparable(readRuns(base)));
  assert.equal(summaryOf(studyDir(out)).models.mmoe.y1.mse.mean, summaryOf(studyDir(base)).models.mmoe.y1.mse.mean);
  assert.match(fs.readFileSync(path.join(studyDir(out), "runs.rejected.jsonl"), "utf8"), /"line":3,.*\\"mse\\":0\.000001[,}]/);
});

test("a garbage line or a record with missing fields stops with the file, the line and the fix; --drop-bad-lines drops only that line", () => {
  const out = copyOfBase();
  const all = lines(runsFile(out));
  const broken = [all[0], "{garbage", ...all.slice(2)].join("\n") + "\n";
  fs.writeFileSync(runsFile(out), broken);
  const r = reproduce(out);
  assertFails(r, 1, /runs\.jsonl has a line that is not a run record — line 2: not valid JSON .*The other 3 records are fine and nothing was changed\. .*rerun with --drop-bad-lines .*--force would discard all 3 good runs/);
  assert.equal(fs.readFileSync(runsFile(out), "utf8"), broken, "nothing changed");
  const dropped = reproduce(out, ["--drop-bad-lines"]);
  assert.equal(dropped.status, 0, dropped.stderr);
  assert.match(dropped.stderr, /line 2: not valid JSON.*moved to runs\.rejected\.jsonl/);
  assert.deepEqual(comparable(readRuns(out)), comparable(readRuns(base)));

  // a record written before checksums, with a field deleted by hand: named, not a backend mismatch
  const legacy = copyOfBase();
  const records = readRuns(legacy).map(({ checksum, ...rest }) => rest as Record<string, unknown>);
  delete records[1].backend;
  fs.writeFileSync(runsFile(legacy), records.map((x) => JSON.stringify(x)).join("\n") + "\n");
  const m = reproduce(legacy);
  assertFails(m, 1, /line 2 \(shared-bottom seed 2\): no backend/);
  assert.doesNotMatch(m.stderr, /holds runs from backend/);
});

/** Dates the folder's manifest before record checksums existed, as an old folder's is. */
function olderManifest(out: string): void {
  const file = path.join(studyDir(out), "manifest.json");
  fs.writeFileSync(file, JSON.stringify({ ...(JSON.parse(fs.readFileSync(file, "utf8")) as object), startedAt: "2026-11-30T12:00:00.000Z" }));
}

test("records written before checksums load as they are and are not retrained where the manifest predates checksums; the committed results (checksummed by their migration) load too", async () => {
  const out = copyOfBase();
  const stripped = readRuns(out).map(({ checksum, ...rest }) => JSON.stringify(rest));
  fs.writeFileSync(runsFile(out), stripped.join("\n") + "\n");
  olderManifest(out);
  const r = reproduce(out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /4 of 4 runs present \(not committed\), nothing trained/);
  for (const id of ["synthetic-correlation", "trainability"]) {
    const scanned = new RunsFile(path.join(projectRoot(), "results", id, "quick")).scan();
    assert.deepEqual(scanned.bad, [], `${id}: committed records all readable`);
    assert.equal(scanned.legacy, 0, `${id}: migrate-results rewrote every record with its checksum`);
    const loaded = await runOrLoad(getExperiment(id), { profile: "quick", out: path.join(projectRoot(), "results") });
    assert.equal(loaded.computed, 0, `${id}: committed quick results are not retrained`);
  }
});

test("a damaged summary.json is rebuilt from runs.jsonl instead of crashing the notebook", async () => {
  const out = copyOfBase();
  fs.writeFileSync(path.join(studyDir(out), "summary.json"), '{"schema": 1, "models": {');
  const loaded = await runOrLoad(getExperiment("demo"), { profile: "smoke", out, backend: "wasm", report: false });
  assert.equal(loaded.computed, 0);
  assert.deepEqual(summaryOf(studyDir(out)).models, summaryOf(studyDir(base)).models, "rewritten, with the same numbers");
  assert.deepEqual(loaded.summary.models, summaryOf(studyDir(base)).models);
});

test("--runs/--model subsets reuse the runs but report elsewhere, marked as a subset; the profile's report is untouched", () => {
  const out = copyOfBase();
  const profileFiles = ["summary.json", "manifest.json", "tables/summary.md", "tables/summary.csv"].map((f) => path.join(studyDir(out), f));
  const before = profileFiles.map((f) => fs.readFileSync(f, "utf8"));
  const r = reproduce(out, ["--runs", "1", "--model", "mmoe"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /subset: 1 runs per model instead of profile smoke's 2; models mmoe only, of shared-bottom, mmoe\): 1 runs \(0 trained now/);
  assert.deepEqual(profileFiles.map((f) => fs.readFileSync(f, "utf8")), before, "the full profile's summary, manifest and tables are unchanged");
  const subset = path.join(studyDir(out), "subsets", "runs-1_models-mmoe");
  assert.equal(r.stdout.trim(), subset);
  const summary = summaryOf(subset);
  assert.equal(summary.subset?.label, "runs-1_models-mmoe");
  assert.match(summary.profileStatement.statement, /^SUBSET \(.*\), not the profile's result\. The profile: 2 runs per model/);
  assert.match(fs.readFileSync(path.join(subset, "tables", "summary.md"), "utf8"), /Profile smoke: SUBSET/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(subset, "manifest.json"), "utf8")).extra.subset.label, "runs-1_models-mmoe");
});

test("SIGINT says what was kept and releases the folder; the same command then resumes to the same runs", async () => {
  const out = path.join(root, "interrupted");
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(CLI, "reproduce.js"), ...ARGS, "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const timer = setInterval(() => {
      if (fs.existsSync(runsFile(out)) && fs.readFileSync(runsFile(out), "utf8").includes("\n")) {
        clearInterval(timer);
        child.kill("SIGINT");
      }
    }, 50);
    child.on("close", (c) => {
      clearInterval(timer);
      resolve({ code: c, stderr: err });
    });
    child.on("error", reject);
  });
  const stored = readRuns(out).length;
  assert.equal(code, 130, stderr);
  assert.match(stderr, new RegExp(`interrupted \\(SIGINT\\): demo/smoke: ${stored} of 4 runs are stored in .*runs\\.jsonl .*Run the same command again to resume`));
  assert.ok(!fs.existsSync(path.join(studyDir(out), LOCK_FILE)), "the lock was released");
  const resumed = reproduce(out);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(comparable(readRuns(out)), comparable(readRuns(base)));
});

test("writeFileAtomic leaves no temporary file behind when it fails, and names the file", () => {
  const dir = path.join(root, "atomic");
  fs.mkdirSync(path.join(dir, "target-is-a-folder"), { recursive: true });
  assert.throws(() => writeFileAtomic(path.join(dir, "target-is-a-folder"), "x"), (e: Error) => e instanceof WriteError && /could not write .*target-is-a-folder/.test(e.message));
  assert.deepEqual(fs.readdirSync(dir), ["target-is-a-folder"]);
});

test("when every run diverges the tables say so, and figures of an earlier configuration are removed", async () => {
  const out = path.join(root, "all-diverged");
  const toy = (learningRates: number[]) => {
    const train: TrainConfig = { steps: 40, batchSize: 32, evalEvery: 20, learningRates };
    const profile = { runs: 2, note: "2 runs, 40 steps, toy rows", seedsPerGroup: 2 };
    return defineExperiment({
      id: "toy",
      title: "toy",
      paper: "none",
      models: { "shared-bottom": { kind: "shared-bottom", bottomUnits: [8], towerUnits: [4] } },
      train,
      profiles: { smoke: profile, quick: profile, paper: profile },
      data: () => ({ layout: "shared", data: toyData(7) }),
    });
  };
  const fine = await runExperiment(toy([1e-2]), { profile: "smoke", out, backend: "wasm" });
  const figures = path.join(fine.reportDir, "figures");
  assert.ok(fs.readdirSync(figures).some((f) => f.startsWith("validation-loss-y.")));
  const diverged = await runExperiment(toy([1e3]), { profile: "smoke", out, backend: "wasm" });
  assert.equal(diverged.summary.diverged, 2);
  const table = fs.readFileSync(path.join(diverged.reportDir, "tables", "summary.md"), "utf8");
  assert.match(table, /no test metrics: every one of the 2 runs diverged/);
  assert.match(table, /\| shared-bottom \| 2 \| 2 \| lr 1000: training loss exploded to .* \(reference before training/);
  assert.doesNotMatch(table, /^\| \|$/m);
  assert.deepEqual(fs.readdirSync(figures), [], "the earlier configuration's curves are gone");
  const manifest = JSON.parse(fs.readFileSync(path.join(diverged.reportDir, "manifest.json"), "utf8"));
  assert.ok(manifest.extra.removedStaleFiles.includes("figures/validation-loss-y.html"), JSON.stringify(manifest.extra.removedStaleFiles));
});
