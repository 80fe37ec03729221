/**
 * The run key hashes the resolved configuration. A default written out trains nothing
 * new; a changed default, kernel set or override trains again (overrides into their own folder);
 * --set keys and values are checked against the schema; config.json says what every key stands
 * for; version-1 folders are re-keyed only after a recomputed sample matches.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { resolveExperiment, runExperiment, type ExperimentDefinition } from "mtl-lab";
import { TRAIN_DEFAULTS } from "mtl-lab/dist/engine/train/train-config";
import { legacyConfigHash, migrateFolder } from "mtl-lab/dist/engine/store/migrate";
import { recordLine, RunsFile } from "mtl-lab/dist/engine/store/results-store";
import type { ConfigFile } from "mtl-lab/dist/engine/plan/run-config";
import { parseReproduceArgs, UsageError } from "mtl-lab/dist/cli/reproduce";
import { TOY_PROFILE, TOY_TASKS, toyExperiment } from "./engine-helpers";

const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-runconfig-"));
const TASKS = TOY_TASKS;
const profile = TOY_PROFILE;
const toy = (overrides: Partial<ExperimentDefinition<{ noise: number }>> = {}) => toyExperiment({ id: "toy-keys", ...overrides });

const keys = (e: ReturnType<typeof toy>, set?: string[]) => resolveExperiment(e, { profile: "smoke", set }).arms.map((a) => a.configHash);

test("writing a default out gives the same key: model fields, init, train fields, Adam, the selection and task weights of the declared tasks", () => {
  const base = keys(toy());
  const written = toy({
    models: { mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4], init: "glorot" } },
    train: {
      steps: 20, batchSize: 32, evalEvery: 10, learningRates: [1e-2], patience: Infinity, learningRateChoice: "per-run", explodeFactor: 1e4,
      evalBatchSize: 4096, gateRows: 2048, adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, selection: { task: "y", metric: "loss" }, taskWeights: [1, 1],
    },
  });
  assert.deepEqual(keys(written), base);
  // and anything that is not a default changes it
  assert.notDeepEqual(keys(toy({ train: { steps: 20, batchSize: 32, evalEvery: 10, learningRates: [1e-2], selection: { task: "c", metric: "auc" } } })), base);
  assert.notDeepEqual(keys(toy({ models: { mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4], init: "torch-default" } } })), base);
  assert.notDeepEqual(keys(toy({ tasks: () => [TASKS[1], TASKS[0]] })), base, "the task list is in the key");
});

test("a changed default or kernel set gives a new key; the old runs are not reused", async () => {
  const dir = out();
  const e = toy();
  const first = await runExperiment(e, { profile: "smoke", out: dir, report: false, backend: "wasm" });
  assert.equal(first.computed, 2);
  assert.equal((await runExperiment(e, { profile: "smoke", out: dir, report: false, backend: "wasm", set: ["train.evalBatchSize=4096", "model.mmoe.towerUnits=[4]"] })).computed, 0, "overrides that write defaults out train nothing");
  const defaults = TRAIN_DEFAULTS as { gateRows: number };
  const was = defaults.gateRows;
  defaults.gateRows = 1024;
  try {
    assert.notDeepEqual(keys(e), [first.summary.arms.mmoe.configHash]);
    assert.equal((await runExperiment(e, { profile: "smoke", out: dir, report: false, backend: "wasm" })).computed, 2, "a changed default retrains");
  } finally {
    defaults.gateRows = was;
  }
  const env = process.env.MTL_KERNELS;
  process.env.MTL_KERNELS = "tfjs";
  try {
    assert.notDeepEqual(keys(e), [first.summary.arms.mmoe.configHash], "tfjs' own kernels (other float sums) are in the key");
    process.env.MTL_KERNELS = "wasm";
    assert.deepEqual(keys(e), [first.summary.arms.mmoe.configHash], "a set bit-identical to the default shares its key");
  } finally {
    if (env === undefined) delete process.env.MTL_KERNELS;
    else process.env.MTL_KERNELS = env;
  }
  process.env.MTL_KERNELS = "fast";
  try {
    assert.throws(() => keys(e), /MTL_KERNELS=fast: unknown kernel setting; valid: auto, wasm, tfjs/);
  } finally {
    if (env === undefined) delete process.env.MTL_KERNELS;
    else process.env.MTL_KERNELS = env;
  }
  const config = JSON.parse(fs.readFileSync(path.join(dir, "toy-keys", "smoke", "config.json"), "utf8")) as ConfigFile;
  assert.equal(Object.keys(config.configs).length, 2, "config.json keeps the resolved config of both keys stored there");
  const resolved = config.configs[first.summary.arms.mmoe.configHash].config;
  assert.equal(resolved.train.evalBatchSize, 4096);
  assert.deepEqual(resolved.train.selection, { task: "y", metric: "loss" });
  assert.equal(resolved.model.init, "glorot");
  assert.equal(resolved.numerics.wasmKernels, "mtl");
});

test("an override that changes the configuration trains into <profile>+set-<hash>/, never the profile's folder, and says so", async () => {
  const dir = out();
  const e = toy();
  await runExperiment(e, { profile: "smoke", out: dir, backend: "wasm" });
  const own = fs.readFileSync(path.join(dir, "toy-keys", "smoke", "runs.jsonl"), "utf8");
  const r = await runExperiment(e, { profile: "smoke", out: dir, backend: "wasm", set: ["train.steps=10"] });
  assert.equal(r.computed, 2);
  assert.match(path.basename(r.dir), /^smoke\+set-[0-9a-f]{8}$/);
  assert.equal(fs.readFileSync(path.join(dir, "toy-keys", "smoke", "runs.jsonl"), "utf8"), own, "the profile's runs are untouched");
  assert.match(r.summary.profileStatement.statement, /^OVERRIDDEN \(--set train\.steps=10\), not the profile's result/);
  const manifest = JSON.parse(fs.readFileSync(path.join(r.dir, "manifest.json"), "utf8")) as { extra: { overrides: string[] } };
  assert.deepEqual(manifest.extra.overrides, ["train.steps=10"]);
  assert.equal(r.runs[0].stepsTrained, 10);
  const again = await runExperiment(e, { profile: "smoke", out: dir, backend: "wasm", set: ["train.steps=10"], runs: 1 });
  assert.equal(again.dir, r.dir, "a subset with the same overrides finds the same folder");
  assert.equal(again.computed, 0);
  const config = JSON.parse(fs.readFileSync(path.join(r.dir, "config.json"), "utf8")) as ConfigFile;
  assert.deepEqual(config.overrides, ["train.steps=10"]);
});

test("--set: unknown keys list the valid ones, wrong types name the expected type (exit-2 usage errors)", () => {
  const refused = (set: string, pattern: RegExp) => {
    assert.throws(() => parseReproduceArgs(["synthetic-correlation", "--profile", "smoke", "--set", set]), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
  };
  refused("train.stepz=5", /train\.stepz is not a training setting; valid: train\.steps, train\.batchSize/);
  refused("train.steps=five", /train\.steps must be a positive integer, got "five"/);
  refused("train.learningRates=0.01", /must be a non-empty list of positive numbers/);
  refused("model.mmoe.expertz=4", /mmoe\.expertz is not a field of mmoe; valid fields: experts, expertUnits, towerUnits, init/);
  refused("model.nosuch.experts=4", /"nosuch" is not a model of this experiment; valid: shared-bottom, omoe, mmoe/);
  refused("model.mmoe.experts=0", /mmoe\.experts must be a positive integer, got 0/);
  refused("data.q=1", /the data conditions have no field "q"; valid: data\.p/);
  refused("data.p=high", /data\.p must be a number/);
  refused("optimizer.lr=1", /keys start with train\., rows\., model\.<name>\., model\.\*\. or data\./);
  refused("steps", /write --set key=value/);
  const ok = parseReproduceArgs(["synthetic-correlation", "--profile", "smoke", "--set", "train.steps=5", "--set", "model.*.towerUnits=[8]"]);
  assert.deepEqual(ok.set, ["train.steps=5", "model.*.towerUnits=[8]"]);
});

test("declared tasks must be the data's: a mismatch stops the run with both lists", async () => {
  const e = toy({ id: "toy-tasks", tasks: () => [TASKS[1], TASKS[0]] });
  await assert.rejects(runExperiment(e, { profile: "smoke", out: out(), report: false, backend: "wasm" }), /tasks\(\) declares c:binary, y:regression but the data has y:regression, c:binary/);
});

test("migration: version-1 keys are re-keyed after a recomputed sample matches; a changed record restores every file", async () => {
  const dir = out();
  const e = toy({ id: "toy-migrate" });
  await runExperiment(e, { profile: "smoke", out: dir, backend: "wasm" });
  const folder = path.join(dir, "toy-migrate", "smoke");
  const plan = resolveExperiment(e, { profile: "smoke" });
  const legacy = legacyConfigHash(plan, "mmoe");
  const current = plan.arms[0].configHash;
  assert.notEqual(legacy, current);
  // write the folder as engine version 1 did: records and summary under the written-config key
  const store = new RunsFile(folder);
  const v1 = store.read().map((r) => recordLine({ ...r, configHash: legacy })).join("");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), v1);
  const summaryFile = path.join(folder, "summary.json");
  fs.writeFileSync(summaryFile, fs.readFileSync(summaryFile, "utf8").split(current).join(legacy));
  fs.rmSync(path.join(folder, "config.json"));
  assert.equal((await runExperiment(e, { profile: "smoke", out: dir, report: false, backend: "wasm", runs: 1 })).computed, 1, "unmigrated: the v1 records are not found");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), v1);

  const report = (await migrateFolder(e, "smoke", { root: dir, sample: 1 }))!;
  assert.equal(report.rekeyed, 2);
  assert.ok(report.kept && report.verify?.identical, report.line);
  assert.deepEqual(new RunsFile(folder).read().map((r) => r.configHash), [current, current]);
  assert.ok(fs.readFileSync(summaryFile, "utf8").includes(current) && !fs.readFileSync(summaryFile, "utf8").includes(legacy));
  assert.ok(fs.existsSync(path.join(folder, "config.json")));
  assert.equal((await runExperiment(e, { profile: "smoke", out: dir, backend: "wasm" })).computed, 0, "migrated runs are found");
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8")) as { extra: { migrations: { rekeyed: number; verifiedBy: string }[] } };
  assert.equal(manifest.extra.migrations.length, 1, "a report written after the migration keeps its record");
  assert.equal(manifest.extra.migrations[0].rekeyed, 2);
  assert.match(manifest.extra.migrations[0].verifiedBy, /identical/);
  assert.equal((await migrateFolder(e, "smoke", { root: dir, sample: 1 }))!.rekeyed, 0, "a second migration has nothing to do");

  // a v1 folder whose first record was changed (checksum recomputed, so only recomputation can tell)
  const changed = new RunsFile(folder).read().map((r, i) => recordLine({ ...r, configHash: legacy, ...(i === 0 ? { stepsTrained: r.stepsTrained + 1 } : {}) })).join("");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), changed);
  const refused = (await migrateFolder(e, "smoke", { root: dir, sample: 1 }))!;
  assert.equal(refused.kept, false, refused.line);
  assert.match(refused.line, /NOT migrated — the recomputed sample differs from the stored records; the folder is unchanged/);
  assert.equal(fs.readFileSync(path.join(folder, "runs.jsonl"), "utf8"), changed, "restored as it was");
});

test("migration: a record's data description text follows the data source's wording; its numbers never do", async () => {
  const dir = out();
  const e = toy({ id: "toy-reword" });
  await runExperiment(e, { profile: "smoke", out: dir, backend: "wasm" });
  const folder = path.join(dir, "toy-reword", "smoke");
  const stored = new RunsFile(folder).read();
  assert.ok(stored.every((r) => r.data?.generator === "toyData"));
  // the records as an older wording of the code wrote them (signed: only the text differs)
  const older = stored.map((r) => recordLine({ ...r, data: { ...r.data, generator: "toy data (an older wording)" } })).join("");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), older);
  const report = (await migrateFolder(e, "smoke", { root: dir, sample: 1 }))!;
  assert.deepEqual([report.rekeyed, report.redescribed, report.kept], [0, stored.length, true], report.line);
  assert.match(report.line, new RegExp(`${stored.length} with their data description reworded`));
  assert.ok(report.verify?.identical, report.line);
  assert.deepEqual(new RunsFile(folder).read(), stored, "the records are as the code writes them now, checksums valid");
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8")) as { extra: { migrations: { redescribed: number }[] } };
  assert.equal(manifest.extra.migrations.at(-1)!.redescribed, stored.length);
  assert.equal((await migrateFolder(e, "smoke", { root: dir, sample: 1 }))!.redescribed, 0, "a second migration has nothing to do");
  // a number in the description is never carried over: the seed stays as stored, so the sample differs and the folder is kept as it was
  const forged = stored.map((r) => recordLine({ ...r, data: { ...r.data, generator: "toy data (an older wording)", seed: 12345 } })).join("");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), forged);
  const refused = (await migrateFolder(e, "smoke", { root: dir, sample: 1 }))!;
  assert.equal(refused.kept, false, refused.line);
  assert.equal(fs.readFileSync(path.join(folder, "runs.jsonl"), "utf8"), forged, "restored as it was");
});

test("profile statements are generated from the profile's numbers; the experiments' notes never retype them", async () => {
  const { STUDIES } = await import("mtl-lab/dist/studies");
  const { profileStatement } = await import("mtl-lab/dist/engine/plan/profile-statement");
  assert.equal(
    profileStatement({ runs: 1200, train: { steps: 2000, batchSize: 128, evalEvery: 100, patience: 5, learningRates: [1e-4, 1e-2], learningRateChoice: "per-arm" }, rows: { validation: 500 }, conditions: 3, conditionLabel: "p", note: "Why." }),
    "1,200 runs per model and p; up to 2,000 steps of batch 128 (evaluated every 100, early stop after 5 evaluations without improvement); learning rates {1e-4, 1e-2}, one per model and p chosen on mean validation; all / 500 / all train / validation / test rows. Why.",
  );
  const n = (x: number) => new RegExp(`(^|[^\\d,.])(${x}|${x.toLocaleString("en-US")}) (runs|steps)`);
  for (const study of STUDIES) {
    for (const e of study.experiments) {
      for (const profile of ["smoke", "quick", "paper"] as const) {
        const plan = resolveExperiment(e, { profile });
        assert.ok(plan.statement.startsWith(`${plan.runs.toLocaleString("en-US")} runs per model`), `${e.id}/${profile}`);
        assert.ok(plan.statement.includes(`${plan.train.steps.toLocaleString("en-US")} steps of batch ${plan.train.batchSize.toLocaleString("en-US")}`), `${e.id}/${profile}`);
        const note = e.profiles[profile].note ?? "";
        assert.doesNotMatch(note, n(plan.runs), `${e.id}/${profile}: the note retypes the run count`);
        assert.doesNotMatch(note, n(plan.train.steps), `${e.id}/${profile}: the note retypes the step count`);
      }
    }
  }
});

test("migration: a recomputation that fails (the data cannot be had) leaves the folder as it was", async () => {
  const dir = out();
  const e = toy({ id: "toy-migrate-fails" });
  await runExperiment(e, { profile: "smoke", out: dir, report: false, backend: "wasm" });
  const folder = path.join(dir, "toy-migrate-fails", "smoke");
  const legacy = legacyConfigHash(resolveExperiment(e, { profile: "smoke" }), "mmoe");
  const v1 = new RunsFile(folder).read().map((r) => recordLine({ ...r, configHash: legacy })).join("");
  fs.writeFileSync(path.join(folder, "runs.jsonl"), v1);
  const broken = toy({ id: "toy-migrate-fails", preflight: () => { throw new Error("data file missing: get it first"); } });
  await assert.rejects(migrateFolder(broken, "smoke", { root: dir, sample: 1 }), /data file missing/);
  assert.equal(fs.readFileSync(path.join(folder, "runs.jsonl"), "utf8"), v1, "still the version-1 records: nothing unproven was kept");
});
