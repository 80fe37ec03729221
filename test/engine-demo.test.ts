/**
 * The demo experiment end to end through the CLI in the smoke profile: files against the schema,
 * resume after a kill mid-study gives the same runs as an uninterrupted study, backends never mix,
 * and runOrLoad loads a complete study without training.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { runOrLoad, type ExperimentSummary, type RunRecord, getExperiment } from "mtl-lab";

const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
const ARGS = ["demo", "--profile", "smoke", "--backend", "wasm"];
const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-demo-"));
const uninterrupted = path.join(root, "uninterrupted");
const resumed = path.join(root, "resumed");
const studyDir = (out: string) => path.join(out, "demo", "smoke");

const readRuns = (out: string): RunRecord[] =>
  fs.readFileSync(path.join(studyDir(out), "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);

/** A run without the fields that measure time (and its checksum, which covers them), keyed by config hash and seed. */
function comparable(runs: RunRecord[]): Record<string, unknown> {
  return Object.fromEntries(
    runs.map(({ wallTimeMs, groupWallTimeMs, finishedAt, checksum, ...rest }) => [`${rest.configHash}#${rest.seed}`, rest]),
  );
}

function cli(out: string, extra: string[] = []) {
  return spawnSync(process.execPath, [CLI, ...ARGS, "--out", out, ...extra], { encoding: "utf8" });
}

/**
 * Starts the CLI and SIGKILLs it as soon as runs.jsonl holds a finished run. One worker: with two,
 * both groups may finish within one poll (records are appended in job order, so a second group
 * that finishes first is written together with the first), and the kill would come too late.
 */
function runAndKillAfterFirstRun(out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MTL_WORKERS: "1" };
    const child = spawn(process.execPath, [CLI, ...ARGS, "--out", out], { stdio: "ignore", env });
    const file = path.join(studyDir(out), "runs.jsonl");
    const timer = setInterval(() => {
      if (fs.existsSync(file) && fs.readFileSync(file, "utf8").includes("\n")) {
        clearInterval(timer);
        child.kill("SIGKILL");
      }
    }, 50);
    child.on("exit", () => {
      clearInterval(timer);
      resolve(readRuns(out).length);
    });
    child.on("error", reject);
  });
}

after(() => fs.rmSync(root, { recursive: true, force: true }));

before(() => {
  const r = cli(uninterrupted);
  assert.equal(r.status, 0, r.stderr);
});

test("smoke demo writes every file, and they follow the schema", () => {
  const dir = studyDir(uninterrupted);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as ExperimentSummary;
  assert.equal(summary.experiment, "demo");
  assert.equal(summary.profile, "smoke");
  assert.equal(summary.backend, "wasm");
  assert.equal(summary.runs, 4);
  assert.equal(summary.complete, true);
  assert.match(summary.profileStatement.statement, /^2 runs per model; up to 200 steps of batch 128/);
  for (const model of ["shared-bottom", "mmoe"]) {
    for (const task of ["y1", "y2"]) {
      for (const metric of ["mse", "pearson"]) {
        const s = summary.models[model][task][metric];
        assert.equal(s.n, 2, `${model}.${task}.${metric}.n`);
        assert.ok(Number.isFinite(s.mean) && Number.isFinite(s.std) && Number.isFinite(s.best), `${model}.${task}.${metric}`);
        assert.ok(s.ci95![0] <= s.mean! && s.mean! <= s.ci95![1]);
      }
    }
  }
  assert.equal(summary.comparisons.mmoe.y1.mse.significance!.test, "paired-t");
  const runs = readRuns(uninterrupted);
  assert.equal(runs.length, 4);
  for (const r of runs) {
    for (const key of ["config", "configHash", "seed", "backend", "metrics", "curves", "gates", "wallTimeMs", "status", "learningRateTrials"]) {
      assert.ok(key in r, `runs.jsonl line lacks ${key}`);
    }
    assert.equal(r.learningRateTrials.length, 2);
  }
  assert.ok(runs.find((r) => r.model === "mmoe")!.gates.length > 0, "MMoE runs record gate statistics");
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  for (const key of ["code", "packages", "backend", "node", "machine", "seeds", "startedAt", "finishedAt"]) assert.ok(key in manifest, `manifest lacks ${key}`);
  for (const ext of ["md", "csv", "tex"]) assert.ok(fs.existsSync(path.join(dir, "tables", `summary.${ext}`)), `tables/summary.${ext}`);
  for (const ext of ["html", "svg", "png"]) assert.ok(fs.existsSync(path.join(dir, "figures", `validation-loss-y1.${ext}`)), `figures/validation-loss-y1.${ext}`);
});

test("a study killed after its first finished run resumes to the same results", async () => {
  const before = await runAndKillAfterFirstRun(resumed);
  assert.ok(before >= 1 && before < 4, `killed study holds ${before} runs`);
  const r = cli(resumed);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /already in results, resuming/);
  const runs = readRuns(resumed);
  assert.equal(runs.length, 4, "no run trained twice, none missing");
  assert.deepEqual(comparable(runs), comparable(readRuns(uninterrupted)));
});

test("a finished study is not retrained, and another backend is refused", async () => {
  const again = cli(uninterrupted);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /demo\/smoke: 4 of 4 runs present \(not committed\), nothing trained; --force recomputes, --verify checks them/);
  const other = cli(uninterrupted, ["--backend", "cpu"]);
  assert.equal(other.status, 1);
  assert.match(other.stderr, /holds runs from backend wasm.*--force.*--out/s);
  const loaded = await runOrLoad(getExperiment("demo"), { profile: "smoke", out: uninterrupted });
  assert.equal(loaded.computed, 0);
  assert.equal(loaded.runs.length, 4);
  assert.equal(loaded.summary.models.mmoe.y1.mse.mean, JSON.parse(fs.readFileSync(path.join(studyDir(uninterrupted), "summary.json"), "utf8")).models.mmoe.y1.mse.mean);
});
