/** --verify: recomputed runs are compared with stored ones; a changed number is found and named. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { firstDifferingField, getExperiment, recordLine, runExperiment, verifyExperiment, withoutAdditions } from "mtl-lab";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-verify-test-"));
const demo = getExperiment("demo");
before(async () => {
  await runExperiment(demo, { profile: "smoke", out: root, report: false, backend: "wasm", workers: 1 });
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("firstDifferingField names the dotted path of the first difference in key order", () => {
  assert.equal(firstDifferingField({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } }), null);
  assert.deepEqual(firstDifferingField({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3] } }), { field: "b.c.1", a: 2, b: 3 });
  assert.deepEqual(firstDifferingField({ z: 1, a: 2 }, { z: 2, a: 3 }), { field: "a", a: 2, b: 3 });
});

test("a sample of stored runs recomputes bit for bit on the same backend", async () => {
  const report = await verifyExperiment(demo, { profile: "smoke", root, sample: 1, backend: "wasm", workers: 1 });
  assert.equal(report.identical, true, report.line);
  assert.equal(report.checked, 2); // two models, first seed each
  assert.match(report.line, /^demo\/smoke: identical — 2 runs \(the first 1 seed\(s\) of each arm\) recomputed on wasm match/);
  assert.deepEqual(report.changedTables, []);
});

test("an altered stored number is found: the run, the field, both values and the tables it changes", async () => {
  const file = path.join(root, "demo", "smoke", "runs.jsonl");
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  const first = JSON.parse(lines[0]);
  const task = Object.keys(first.metrics.test)[0];
  first.metrics.test[task].mse += 0.5;
  // a record as other code would have written it: a different number under a valid checksum
  const altered = [recordLine(first).trimEnd(), ...lines.slice(1)].join("\n") + "\n";
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-verify-altered-"));
  try {
    fs.mkdirSync(path.join(copy, "demo", "smoke"), { recursive: true });
    fs.writeFileSync(path.join(copy, "demo", "smoke", "runs.jsonl"), altered);
    const report = await verifyExperiment(demo, { profile: "smoke", root: copy, sample: 1, backend: "wasm", workers: 1 });
    assert.equal(report.identical, false);
    assert.equal(report.firstDifference?.field, `metrics.test.${task}.mse`);
    assert.equal(report.firstDifference?.seed, first.seed);
    assert.ok(Math.abs(report.largestDifference[`${task}/mse`] - 0.5) < 1e-9);
    assert.ok(report.changedTables.includes("summary"), report.line);
    assert.deepEqual(report.differences.map((d) => [d.line, d.seed, d.field]), [[1, 1, `metrics.test.${task}.mse`]], "the line and field of every difference");
    assert.match(report.line, /differs — .* 1 record\(s\) differ: line 1 \([\w-]+ seed 1\) metrics\.test\.\w+\.mse: stored [\d.]+, recomputed [\d.]+/);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test("nothing stored is an error that says how to produce it; a bad sample size is refused", async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-verify-empty-"));
  try {
    await assert.rejects(verifyExperiment(demo, { profile: "smoke", root: empty }), /no stored runs .* run `npm run reproduce -- demo --profile smoke` first/);
    await assert.rejects(verifyExperiment(demo, { profile: "smoke", root, sample: 0 }), /--verify takes a whole number of runs per cell ≥ 1, got 0/);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test("fields a newer engine records are named as additions, not differences; a changed stored field still is one", () => {
  const { value, added } = withoutAdditions({ a: 1, c: { d: 2 } }, { a: 1, b: 5, c: { d: 2, e: [1] } });
  assert.deepEqual(value, { a: 1, c: { d: 2 } });
  assert.deepEqual(added, ["b", "c.e"]);
  assert.deepEqual(firstDifferingField({ a: 1 }, withoutAdditions({ a: 1 }, { a: 2, z: 0 }).value), { field: "a", a: 1, b: 2 });
  // inside arrays of records (learning-rate trials), element by element, named once
  const trials = withoutAdditions({ t: [{ lr: 1 }, { lr: 2 }] }, { t: [{ lr: 1, sel: [0.5] }, { lr: 3, sel: [0.4] }] });
  assert.deepEqual(trials.added, ["t[].sel"]);
  assert.deepEqual(firstDifferingField({ t: [{ lr: 1 }, { lr: 2 }] }, trials.value), { field: "t.1.lr", a: 2, b: 3 });
  // an array that changed length is a difference, not an addition
  assert.deepEqual(withoutAdditions({ t: [1] }, { t: [1, 2] }).added, []);
  // a metric the stored record lacks was taken out of it: a difference, never an addition
  const removed = withoutAdditions({ metrics: { test: { y: { mse: 1 } } } }, { metrics: { test: { y: { mse: 1, pearson: 0.5 } } } });
  assert.deepEqual(removed.added, []);
  assert.deepEqual(firstDifferingField({ metrics: { test: { y: { mse: 1 } } } }, removed.value), { field: "metrics.test.y.pearson", a: undefined, b: 0.5 });
});
