/** Error handling on small files written here: each failure is one DataError with a clear message. */
import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import {
  CENSUS_FILES, DataError, loadCensus, locateCensusFiles, parseCensus, prepareCensus, readContainer, readVerified,
  writeContainer,
} from "mtl-lab";

/** A real row of census-income.test (42 fields, leading spaces, one trailing space in citizenship). */
const ROW =
  "38, Private, 6, 36, 1st 2nd 3rd or 4th grade, 0, Not in universe, Married-civilian spouse present, Manufacturing-durable goods, " +
  "Machine operators assmblrs & inspctrs, White, Mexican (Mexicano), Female, Not in universe, Not in universe, Full-time schedules, " +
  "0, 0, 0, Joint one under 65 & one 65+, Not in universe, Not in universe, Spouse of householder, Spouse of householder, 1032.38, " +
  "?, ?, ?, Not in universe under 1 year old, ?, 4, Not in universe, Mexico, Mexico, Mexico, Foreign born- Not a citizen of U S , " +
  "0, Not in universe, 2, 12, 95, - 50000.";

/** ROW with fields replaced (0-based column index → value). */
function row(changes: Record<number, string> = {}): string {
  const f = ROW.split(",");
  for (const [j, v] of Object.entries(changes)) f[Number(j)] = ` ${v}`;
  return f.join(",");
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-data-files-"));
function write(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
}
const isDataError = (code: string, ...patterns: RegExp[]) => (e: unknown): boolean => {
  assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
  assert.equal(e.code, code);
  for (const p of patterns) assert.match(e.message, p);
  return true;
};

test("a row with the wrong number of fields names the file, the line and both counts", () => {
  const file = write("malformed.data", [row(), row(), row().replace(", 95,", ",")].join("\n") + "\n");
  const { content } = readVerified(file, null);
  assert.throws(() => parseCensus(content, file), isDataError("malformed-row", /malformed\.data line 3/, /41 comma-separated fields, expected 42/));
});

test("a bad income label names the value and the two allowed values", () => {
  const file = write("badlabel.data", [row(), row({ 41: "maybe." })].join("\n") + "\n");
  const { content } = readVerified(file, null);
  assert.throws(() => parseCensus(content, file), isDataError("bad-value", /badlabel\.data line 2/, /"maybe\."/, /"50000\+\."/, /"- 50000\."/));
});

test("a non-numeric continuous value is a clear error", () => {
  const file = write("badnum.data", row({ 0: "old" }) + "\n");
  assert.throws(() => parseCensus(readVerified(file, null).content, file), isDataError("bad-value", /line 1: column age is "old", expected a number/));
});

test("an empty file is an error, not zero rows of data", () => {
  const file = write("empty.data", "");
  assert.throws(() => parseCensus(readVerified(file, null).content, file), isDataError("empty", /empty\.data is empty \(0 rows\)/));
  const gz = write("empty.data.gz", gzipSync(Buffer.alloc(0)));
  assert.throws(() => parseCensus(readVerified(gz, null).content, gz), isDataError("empty"));
});

test("a wrong checksum names the file, both sums and how to get the right file", () => {
  const file = write("census-income.data.gz", gzipSync(Buffer.from(row() + "\n")));
  assert.throws(
    () => readVerified(file, CENSUS_FILES.train.contentSha256, CENSUS_FILES.train.contentBytes),
    isDataError("checksum", /census-income\.data\.gz: sha256 of its decompressed content is [0-9a-f]{64}/,
      new RegExp(`expected ${CENSUS_FILES.train.contentSha256}`), /103,874,469 bytes/, /CENSUS_INCOME_DIR/,
      /data\/census-income/, /npm run data -- fetch/),
  );
});

test("a truncated gzip file is reported as truncated, naming the file", () => {
  const whole = gzipSync(Buffer.from(Array.from({ length: 200 }, () => row()).join("\n") + "\n"));
  const file = write("truncated.test.gz", whole.subarray(0, Math.floor(whole.length / 2)));
  assert.throws(() => readVerified(file, null), isDataError("truncated", /truncated\.test\.gz is not a complete gzip stream/, /truncated or corrupt/));
});

test("plain (not gzipped) files are read as they are", () => {
  const text = row() + "\n";
  const c = readVerified(write("plain.data", text), null);
  assert.equal(c.gzipped, false);
  assert.equal(c.content.toString("latin1"), text);
});

test("missing files: one error naming what is missing, where, and the three ways to get them", () => {
  const dir = fs.mkdtempSync(path.join(tmp, "nothing-"));
  assert.throws(() => locateCensusFiles(dir), isDataError("not-found", /census-income\.data\(\.gz\) and census-income\.test\(\.gz\)/,
    new RegExp(dir.replace(/[/\\.]/g, "\\$&")), /CENSUS_INCOME_DIR/, /into data\/census-income\/ in the project folder/, /npm run data -- fetch/));
});

test("CENSUS_INCOME_DIR pointing at altered files fails loadCensus with the checksum error (no silent fallback)", () => {
  const dir = fs.mkdtempSync(path.join(tmp, "altered-"));
  fs.writeFileSync(path.join(dir, "census-income.data.gz"), gzipSync(Buffer.from(row() + "\n")));
  fs.writeFileSync(path.join(dir, "census-income.test"), row() + "\n");
  const saved = process.env.CENSUS_INCOME_DIR;
  process.env.CENSUS_INCOME_DIR = dir;
  try {
    assert.throws(() => loadCensus({ cacheDir: path.join(dir, "cache") }), isDataError("checksum", /census-income\.data\.gz/));
  } finally {
    if (saved === undefined) delete process.env.CENSUS_INCOME_DIR;
    else process.env.CENSUS_INCOME_DIR = saved;
  }
});

test("encoding is by name: unseen test categories → index 0, a category missing from test shifts nothing", () => {
  const train = parseCensus(Buffer.from([row(), row({ 1: "Federal government", 22: "Child <18 never marr not in subfamily" }), row({ 1: "Local government" })].join("\n")), "train");
  // The test file lacks "Federal government" and has a class_worker value never seen in training.
  const test_ = parseCensus(Buffer.from([row({ 1: "Local government" }), row({ 1: "Martian" })].join("\n")), "test");
  const p = prepareCensus(train, test_);
  const vocab = p.vocabularies.class_worker;
  assert.deepEqual(vocab, ["<unknown>", "Federal government", "Local government", "Private"]);
  assert.deepEqual([...p.testFile.categorical.class_worker], [vocab.indexOf("Local government"), 0]);
  assert.deepEqual([...p.train.categorical.class_worker], [3, 1, 2]);
  // det_hh_fam_stat's extra training category does not move the codes of any other column.
  assert.deepEqual([...p.testFile.categorical.det_hh_summ], [...p.train.categorical.det_hh_summ.subarray(0, 2)]);
  assert.equal(p.vocabularies.citizenship[1], "Foreign born- Not a citizen of U S"); // trimmed on both sides
});

test("cache container: round trip, and corruption / truncation / a changed key are detected", () => {
  const file = path.join(tmp, "cache", "c.bin");
  const arrays = new Map<string, Float32Array | Int32Array>([["a", Float32Array.of(1.5, -2)], ["b", Int32Array.of(7, 8, 9)]]);
  writeContainer(file, "k1", { hello: "world" }, arrays);
  const ok = readContainer(file, "k1");
  assert.ok(ok.ok);
  assert.deepEqual(ok.meta, { hello: "world" });
  assert.deepEqual(ok.arrays.get("b"), Int32Array.of(7, 8, 9));
  assert.deepEqual(readContainer(file, "k2"), { ok: false, reason: "key mismatch (files, options or version changed)" });
  const bytes = fs.readFileSync(file);
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 1] ^= 0xff;
  fs.writeFileSync(file, flipped);
  assert.deepEqual(readContainer(file, "k1"), { ok: false, reason: "payload sha256 mismatch (corrupt)" });
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4));
  const cut = readContainer(file, "k1");
  assert.ok(!cut.ok && /truncated/.test(cut.reason));
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["c.bin"]); // no temp files left behind
});
