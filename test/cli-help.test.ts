/** Help that helps: reproduce --help names every study, experiment, profile, option and --set form; the data error says where the files go. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { CENSUS_FILES, DataError, experimentIds, locateCensusFiles, projectRoot, STUDIES } from "mtl-lab";

const cli = (name: string, args: string[]) => spawnSync(process.execPath, [path.join(projectRoot(), "lib", "dist", "cli", `${name}.js`), ...args], { encoding: "utf8", cwd: projectRoot() });

test("reproduce --help lists studies, experiments (the demo marked as not in the default command), profiles, options and the --set key forms; exit 0", () => {
  const r = cli("reproduce", ["--help"]);
  assert.equal(r.status, 0, r.stderr);
  for (const id of [...STUDIES.map((s) => s.id), ...experimentIds()]) assert.match(r.stdout, new RegExp(`^  ${id} `, "m"), id);
  assert.match(r.stdout, /^  demo +\* Engine demo/m);
  for (const p of ["smoke", "quick", "paper"]) assert.match(r.stdout, new RegExp(`^  ${p} `, "m"));
  for (const o of ["--profile", "--runs", "--model", "--backend", "--out", "--force", "--drop-bad-lines", "--verify", "--set", "--queue", "--shard", "--merge"]) assert.ok(r.stdout.includes(o), o);
  for (const form of ["train.<field>", "rows.<split>", "model.<name>.<field>", "model.*.<field>", "data.<field>", "train.steps=500"]) assert.ok(r.stdout.includes(form), form);
  // a usage error still prints the one usage line, not the whole help
  const bad = cli("reproduce", ["--profile", "huge"]);
  assert.equal(bad.status, 2);
  assert.doesNotMatch(bad.stderr, /Studies/);
});

test("the Census-Income not-found error says where to put the files, how to get them and their sums, with no machine path", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-no-census-"));
  try {
    assert.throws(() => locateCensusFiles(empty), (e: unknown) => {
      assert.ok(e instanceof DataError);
      const m = e.message;
      assert.match(m, /Census-Income file\(s\) not found/);
      assert.match(m, /into data\/census-income\/ in the project folder, or into any folder and set CENSUS_INCOME_DIR to it/);
      assert.match(m, /npm run data -- fetch/);
      assert.match(m, /https:\/\/archive\.ics\.uci\.edu\//);
      assert.ok(m.includes(CENSUS_FILES.train.contentSha256) && m.includes(CENSUS_FILES.test.contentSha256), "both sums");
      assert.doesNotMatch(m, /\/work\/|shared machine/);
      return true;
    });
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
  const readme = fs.readFileSync(path.join(projectRoot(), "data", "README.md"), "utf8");
  assert.ok(readme.includes(CENSUS_FILES.train.contentSha256) && readme.includes(CENSUS_FILES.test.contentSha256));
  assert.doesNotMatch(readme, /\/work\/|§/, "no machine path, no section of a document outside the repository");
});
