import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { headlineRecord, profileTable, speedTable, targetsTable, type BenchRecord, type SpeedFields } from "mtl-lab/dist/bench/speed-table";

const row = (over: Partial<SpeedFields>): SpeedFields => ({
  workload: "census-sb", replicas: 8, backend: "wasm", config: "wasm", workers: 1, msPerStep: 20, modelStepsPerSecond: 400,
  minorFaultsPerStep: 136, torchMsPerStep: 12, ratioToTorch: 0.6, torchConfig: "jemalloc, BLAS core auto, 1 threads", torchFaultsPerStep: 0.3,
  gflops: 18, fractionOfPeak: 0.09, ...over,
});

const record = (rows: SpeedFields[], over: Partial<BenchRecord> = {}): BenchRecord => ({
  machine: { tag: "2c-test", cpus: 2, model: "Test CPU", vectorExtensions: ["avx2"] },
  code: { commit: "abcdef0123", dirty: false },
  date: "2026-12-07T10:00:00.000Z",
  options: { workloads: ["synthetic-mmoe", "census-adatt", "census-sb"], replicas: [1, 8, 64] },
  benchSeconds: 1800,
  reference: { available: true, note: "PyTorch", sgemmPeak: { gflops: 190, config: "glibc, BLAS core auto" } },
  rows,
  failures: [],
  ...over,
});

test("a speed target is reached only when its worst row reaches the goal, and rows outside it do not count", () => {
  const rows = [
    row({ replicas: 8, ratioToTorch: 1.2 }),
    row({ replicas: 64, ratioToTorch: 0.9 }),
    row({ replicas: 1, ratioToTorch: 0.1 }), // R = 1 is outside the census targets
    row({ replicas: 8, workers: 2, config: "wasm x2", ratioToTorch: 1.6 }),
    row({ workload: "synthetic-mmoe", replicas: 64, workers: 2, config: "wasm x2", ratioToTorch: 1.5 }),
  ];
  const lines = targetsTable(record(rows)).split("\n");
  const line = (what: RegExp) => lines.find((l) => what.test(l)) ?? assert.fail(`no line ${what}`);
  assert.match(line(/census workloads, R ≥ 8, one core/), /\| 0\.90× – 1\.20× \| no \|/);
  assert.match(line(/both cores \(our workers/), /\| 1\.60× – 1\.60× \| yes \|/);
  assert.match(line(/synthetic MMoE, R = 64/), /\| 1\.50× – 1\.50× \| yes \|/); // the goal itself counts as reached
  assert.match(line(/fraction of the one-core sgemm peak/), /\| 30 % \| 9 % – 9 % \| no \|/);
});

test("a target without a measured row says so instead of claiming anything", () => {
  const lines = targetsTable(record([row({ replicas: 1 })])).split("\n");
  assert.ok(lines.filter((l) => /not measured \| – \|/.test(l)).length === 4, lines.join("\n"));
});

test("every row shows ours, PyTorch's best configuration with its page faults, the ratio and the fraction of peak", () => {
  const table = speedTable(record([row({}), row({ workload: "synthetic-mmoe", replicas: 1, backend: "cpu", config: "cpu", ratioToTorch: undefined, torchMsPerStep: undefined, torchConfig: undefined, torchFaultsPerStep: undefined, fractionOfPeak: undefined })]));
  const [, , first, second] = table.split("\n");
  assert.equal(first, "| census-sb | 8 | wasm | 20.0 | 136 | jemalloc, BLAS core auto, 1 thread | 12.0 | 0 | 0.60× | 18.0 | 9 % |");
  assert.match(second, /\| cpu \| .* \| – \| – \| – \| – \| 18\.0 \| – \|$/);
});

test("the headline record is the newest complete one: every workload, a reference and its sgemm peak", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-speed-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, "results", "bench");
  fs.mkdirSync(dir, { recursive: true });
  assert.equal(headlineRecord(root), null);
  const write = (name: string, r: BenchRecord) => fs.writeFileSync(path.join(dir, name), JSON.stringify(r));
  write("old.json", record([row({})], { date: "2026-11-01T00:00:00.000Z" }));
  write("newer-no-peak.json", record([row({})], { date: "2026-12-01T00:00:00.000Z", reference: { available: true, note: "old reference" } }));
  write("newer-one-workload.json", record([row({})], { date: "2026-12-02T00:00:00.000Z", options: { workloads: ["census-sb"], replicas: [8] } }));
  assert.equal(headlineRecord(root)?.file, path.join("results", "bench", "old.json"));
  write("newest.json", record([row({})], { date: "2026-12-03T00:00:00.000Z" }));
  assert.equal(headlineRecord(root)?.file, path.join("results", "bench", "newest.json"));
});

test("the profile table gives each one-worker row's costliest kernels as shares of its profiled step, costliest first", () => {
  const table = profileTable(record([
    row({ kernelMs: { Add: 1, _FusedMatMul: 6, BatchMatMul: 2, Sum: 1 } }),
    row({ workers: 2, config: "wasm x2", kernelMs: { Add: 5 } }), // two workers: not one step's profile
  ]), 2);
  const lines = table.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[2], "| census-sb | 8 | wasm | 10.0 | _FusedMatMul 60 %, BatchMatMul 20 % |");
});

test("a damaged bench record is named, with how to restore it", (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-speed-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, "results", "bench"), { recursive: true });
  fs.writeFileSync(path.join(root, "results", "bench", "cut.json"), '{"date": "2026-12-0');
  assert.throws(() => headlineRecord(root), (e: Error) => e.name === "UserError" && /results\/bench\/cut\.json is not a readable bench record .*git checkout -- .*npm run bench/.test(e.message));
  fs.writeFileSync(path.join(root, "results", "bench", "cut.json"), "{}");
  assert.throws(() => headlineRecord(root), /cut\.json is not a readable bench record \(fields date, rows/);
});
