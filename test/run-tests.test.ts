import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";
// The CLI module exports its pure parts; importing it does not run it.
import { SLOW_TEST_FILES, selectTests, stemOf, testStems } from "mtl-lab/dist/cli/run-tests";

const script = path.join(projectRoot(), "lib", "dist", "cli", "run-tests.js");

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
  for (const name of ["claims", "claims.test.ts", "test/claims.test.ts", "build/test/claims.test.js"]) assert.equal(stemOf(name, stems), "claims");
  assert.throws(() => stemOf("nosuch", stems), /no test file "nosuch"; test files: .*claims/);
});

test("npm test -- --help prints the usage; an unknown file is a usage error (exit 2)", () => {
  const help = spawnSync(process.execPath, [script, "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /npm run test:fast/);
  const bad = spawnSync(process.execPath, [script, "nosuch"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^no test file "nosuch"/);
});
