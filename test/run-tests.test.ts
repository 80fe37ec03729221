/** `npm test -- --help` and `npm test -- NAME`: the runner behind the test script. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";
import { testFile } from "mtl-lab/dist/cli/run-tests";

const runner = path.join(projectRoot(), "lib", "dist", "cli", "run-tests.js");
const run = (args: string[]) => spawnSync(process.execPath, [runner, ...args], { encoding: "utf8", cwd: projectRoot() });

test("--help exits 0 and says how to run one file and one test by name", () => {
  const r = run(["--help"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /npm test -- tables\s+one file: build\/test\/tables\.test\.js/);
  assert.match(r.stdout, /--test-name-pattern "LaTeX"/);
  assert.match(r.stdout, /node --test build\/test\/tables\.test\.js/);
});

test("a test file is named as typed: stem, .test, .ts source or .js build; an unknown one lists the files (exit 2)", () => {
  const want = path.join(projectRoot(), "build", "test", "tables.test.js");
  for (const name of ["tables", "tables.test", "test/tables.test.ts", "build/test/tables.test.js"]) assert.equal(testFile(name), want, name);
  const r = run(["no-such-thing"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^no test file "no-such-thing" \(looked for build\/test\/no-such-thing\.test\.js\); test files: .*tables/);
  const bad = run(["--bogus"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option --bogus/);
});
