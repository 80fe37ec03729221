/** `npm test -- --help`, `npm test -- NAME`, `npm run test:fast`: the runner behind the test scripts. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";
// The CLI module exports its pure parts; importing it does not run it.
import { parseTestArgs, SLOW_TEST_FILES, selectTests, stemOf, testStems } from "mtl-lab/dist/cli/run-tests";

const runner = path.join(projectRoot(), "lib", "dist", "cli", "run-tests.js");
const run = (args: string[]) => spawnSync(process.execPath, [runner, ...args], { encoding: "utf8", cwd: projectRoot() });

test("--help exits 0 and says how to run the fast tier, one file and one test by name", () => {
  const r = run(["--help"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /npm run test:fast/);
  assert.match(r.stdout, /npm test -- tables\s+one file: build\/test\/tables\.test\.js/);
  assert.match(r.stdout, /--test-name-pattern "LaTeX"/);
  assert.match(r.stdout, /node --test build\/test\/tables\.test\.js/);
});

test("every file the slow tier names exists, so a rename cannot move it into the fast tier unnoticed", () => {
  for (const stem of SLOW_TEST_FILES) assert.ok(fs.existsSync(path.join(projectRoot(), "test", `${stem}.test.ts`)), `test/${stem}.test.ts (listed in SLOW_TEST_FILES) does not exist`);
});

test("the fast tier is every file but the slow ones; named files run alone, however they are written", () => {
  const stems = testStems();
  const fast = selectTests(stems, [], true);
  assert.ok(fast.includes("claims") && fast.includes("models-reference"));
  assert.ok(!fast.includes("notebooks") && !fast.includes("engine-queue"));
  assert.equal(fast.length + SLOW_TEST_FILES.length, stems.length);
  assert.deepEqual(selectTests(stems, [], false), stems);
  for (const name of ["tables", "tables.test", "test/tables.test.ts", "build/test/tables.test.js"]) assert.equal(stemOf(name, stems), "tables", name);
  assert.throws(() => stemOf("no-such-thing", stems), /no test file "no-such-thing"; test files: .*tables/);
});

test("a compiled test whose source was renamed or removed is not run (tsc leaves its output behind)", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-stems-"));
  try {
    fs.mkdirSync(path.join(root, "build", "test"), { recursive: true });
    fs.mkdirSync(path.join(root, "test"));
    for (const stem of ["kept", "renamed-away"]) fs.writeFileSync(path.join(root, "build", "test", `${stem}.test.js`), "");
    fs.writeFileSync(path.join(root, "test", "kept.test.ts"), "");
    assert.deepEqual(testStems(path.join(root, "build", "test")), ["kept"]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("node's --test options pass on with their values; anything else is a usage error (exit 2)", () => {
  assert.deepEqual(parseTestArgs(["tables", "--test-name-pattern", "LaTeX", "--test-only"]), { names: ["tables"], passOn: ["--test-name-pattern", "LaTeX", "--test-only"], fast: false, help: false });
  assert.throws(() => parseTestArgs(["--fast", "tables"]), /--fast runs a tier/);
  const unknown = run(["no-such-thing"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^no test file "no-such-thing"; test files: .*tables/);
  const bad = run(["--bogus"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option --bogus/);
});
