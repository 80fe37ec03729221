/**
 * Census-Income on the real files. They must be found via CENSUS_INCOME_DIR (or data/census-income);
 * when they are not, these tests FAIL with the data module's own message — never skip.
 * Prepared once per file (the cache makes later runs fast).
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CENSUS_GROUP_NAMES, CENSUS_SPLIT_SEED, censusGroup, censusProtocolChecks, clearCensusMemo, loadCensus,
  locateCensusFiles, nominalValue, parseCensus, readCensusFile, splitTestFile, TASK_SOURCE_COLUMNS,
  UNKNOWN_CATEGORY,
} from "mtl-lab";
import type { LoadedCensus } from "mtl-lab";

let cached: LoadedCensus | undefined;
const census = (): LoadedCensus => (cached ??= loadCensus());

const pct = (y: Float32Array): string => ((100 * y.reduce((s, v) => s + v, 0)) / y.length).toFixed(2);

test("row counts: 199,523 train, 49,881 validation, 49,881 test", () => {
  const g = censusGroup(census(), "mmoe-g1");
  assert.equal(g.train.rows, 199_523);
  assert.equal(g.validation.rows, 49_881);
  assert.equal(g.test.rows, 49_881);
  assert.equal(census().prepared.testFile.rows, 99_762);
});

test("test-file prevalences: income 6.20 %, never married 43.25 %, education bachelor+ 14.72 %", () => {
  const labels = census().prepared.testFile.labels;
  assert.equal(pct(labels.income), "6.20");
  assert.equal(pct(labels.never_married), "43.25");
  assert.equal(pct(labels.education_bachelor_plus), "14.72");
  const train = census().prepared.train.labels;
  assert.deepEqual([pct(train.income), pct(train.never_married), pct(train.education_bachelor_plus)], ["6.21", "43.35", "14.77"]);
});

test("every protocol fact that `npm run data -- verify` checks holds", () => {
  const failed = censusProtocolChecks(census()).filter((c) => !c.ok);
  assert.deepEqual(failed, []);
});

test("no task source column (education, marital_stat, income_50k) among any group's inputs; shapes match the InputSpec", () => {
  for (const name of CENSUS_GROUP_NAMES) {
    const g = censusGroup(census(), name);
    const inputs = [...g.numericColumns, ...g.categoricalColumns];
    for (const src of TASK_SOURCE_COLUMNS) assert.ok(!inputs.includes(src), `${name} uses ${src}`);
    assert.ok(!inputs.includes("instance_weight"), `${name} uses instance_weight`);
    for (const t of g.tasks) assert.ok(!inputs.includes(t.name), `${name}: target ${t.name} is an input`);
    assert.equal(g.input.numeric, g.numericColumns.length);
    assert.deepEqual(g.input.categorical, g.vocabularies.map((v) => v.length));
    for (const split of [g.train, g.validation, g.test]) {
      assert.equal(split.numeric.length, split.rows * g.input.numeric);
      assert.equal(split.categorical.length, split.rows * g.input.categorical.length);
      assert.equal(split.labels.length, g.tasks.length);
      const nCat = g.input.categorical.length;
      for (let i = 0; i < split.categorical.length; i++) {
        const v = split.categorical[i];
        if (v < 0 || v >= g.input.categorical[i % nCat]) assert.fail(`${name}: index ${v} out of range in column ${i % nCat}`);
      }
    }
  }
  assert.equal(censusGroup(census(), "mmoe-g1").tasks[0].name, "income");
  assert.equal(censusGroup(census(), "mmoe-g2").tasks[0].name, "education");
});

test("encoding by name: every test-file code decodes to its raw value, though det_hh_fam_stat has a category absent from test", () => {
  const p = census().prepared;
  const located = locateCensusFiles();
  const raw = parseCensus(readCensusFile("test", located.test).content, located.test);
  const hh = raw.nominal.get("det_hh_fam_stat")!;
  const absent = p.vocabularies.det_hh_fam_stat.filter((v, k) => k > 0 && !hh.values.includes(v));
  assert.deepEqual(absent, ["Grandchild <18 ever marr not in subfamily"]);
  for (const col of p.categoricalColumns) {
    const vocab = p.vocabularies[col];
    const codes = p.testFile.categorical[col];
    for (let i = 0; i < raw.rows; i++) {
      const value = nominalValue(raw, col as never, i);
      const expected = vocab.indexOf(value);
      if (codes[i] !== (expected > 0 ? expected : 0)) assert.fail(`${col} row ${i}: code ${codes[i]} for ${JSON.stringify(value)}`);
    }
  }
});

test("the explicit unknown index: 0 is reserved, and categories unseen in training map to it", () => {
  const p = census().prepared;
  for (const col of p.categoricalColumns) {
    assert.equal(p.vocabularies[col][0], UNKNOWN_CATEGORY);
    assert.ok(!p.train.categorical[col].includes(0), `${col}: a training row got the unknown index`);
  }
  // The real test file has no category unseen in training; a vocabulary fitted with
  // minCategoryCount drops rare training categories, so their test rows must become 0.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-census-min-"));
  const rare = loadCensus({ minCategoryCount: 1000, cacheDir: tmp }).prepared;
  const vocab = rare.vocabularies.det_hh_fam_stat;
  assert.ok(vocab.length < p.vocabularies.det_hh_fam_stat.length);
  const codes = rare.testFile.categorical.det_hh_fam_stat;
  const full = p.testFile.categorical.det_hh_fam_stat;
  let unknown = 0;
  for (let i = 0; i < codes.length; i++) {
    const value = p.vocabularies.det_hh_fam_stat[full[i]];
    assert.equal(codes[i], Math.max(0, vocab.indexOf(value)));
    if (codes[i] === 0) unknown++;
  }
  assert.ok(unknown > 0);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("the validation/test split: same seed → same split; halves disjoint and complete; recorded", () => {
  const n = 99_762;
  const a = splitTestFile(n, 123);
  assert.deepEqual(splitTestFile(n, 123), a);
  const b = splitTestFile(n);
  assert.equal(b.seed, CENSUS_SPLIT_SEED);
  assert.notDeepEqual(b.validation, a.validation);
  const seen = new Uint8Array(n);
  for (const i of [...a.validation, ...a.test]) seen[i]++;
  assert.ok(seen.every((c) => c === 1), "every test-file row in exactly one half");
  const g = censusGroup(census(), "adatt", { splitSeed: 123 });
  assert.equal(g.provenance.splitSeed, 123);
  const inc = census().prepared.testFile.labels.income;
  assert.deepEqual(g.validation.labels[0], Float32Array.from(a.validation, (i) => inc[i]));
  assert.deepEqual(g.test.labels[0], Float32Array.from(a.test, (i) => inc[i]));
});

test("seesaw groups: a standardised regression target (train mean 0, sd 1) beside income", () => {
  const g = censusGroup(census(), "seesaw-weeks");
  assert.deepEqual(g.tasks, [{ name: "weeks_worked", kind: "regression" }, { name: "income", kind: "binary" }]);
  assert.ok(!g.numericColumns.includes("weeks_worked"));
  const y = g.train.labels[0];
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
  assert.ok(Math.abs(mean) < 1e-4 && Math.abs(sd - 1) < 1e-4, `mean ${mean}, sd ${sd}`);
  assert.ok(g.targetScaling.weeks_worked.mean > 20 && g.targetScaling.weeks_worked.mean < 30);
});

test("cache: a corrupt cache is detected and rebuilt; a changed option uses another cache entry", () => {
  const base = census();
  assert.ok(base.cacheFile && fs.existsSync(base.cacheFile));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-census-cache-"));
  const copy = path.join(dir, path.basename(base.cacheFile));
  const bytes = fs.readFileSync(base.cacheFile);
  bytes[bytes.length - 1000] ^= 0x01;
  fs.writeFileSync(copy, bytes);
  clearCensusMemo();
  const rebuilt = loadCensus({ cacheDir: dir });
  assert.equal(rebuilt.fromCache, false);
  assert.equal(rebuilt.cacheMiss, "payload sha256 mismatch (corrupt)");
  assert.deepEqual(rebuilt.prepared.testFile.categorical.country_self, base.prepared.testFile.categorical.country_self);
  clearCensusMemo();
  const again = loadCensus({ cacheDir: dir });
  assert.equal(again.fromCache, true);
  assert.deepEqual(again.prepared.train.numeric.age, base.prepared.train.numeric.age);

  clearCensusMemo();
  const weighted = loadCensus({ cacheDir: dir, keepInstanceWeight: true });
  assert.equal(weighted.fromCache, false);
  assert.notEqual(weighted.cacheKey, base.cacheKey);
  assert.ok(censusGroup(weighted, "mmoe-g1").numericColumns.includes("instance_weight"));
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});
