import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";
// The CLI module exports its pure parts; importing it does not run it.
import { BEGIN, END, generatedReadme, generatedSpeedDoc, RESULTS_TABLES_DOC, resultsSection, SPEED_DOC, verdictCounts, withResultsSection } from "mtl-lab/dist/cli/readme-results";

test("the README's notebook table and speed targets, docs/results-tables.md and the bench table are exactly what results/ generates (run `npm run readme-results`)", () => {
  const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
  assert.equal(readme, generatedReadme(readme), "README.md is stale: run `npm run readme-results`");
  const speed = fs.readFileSync(path.join(projectRoot(), SPEED_DOC), "utf8");
  assert.equal(speed, generatedSpeedDoc(speed), `${SPEED_DOC} is stale: run \`npm run readme-results\``);
  const tables = fs.readFileSync(path.join(projectRoot(), RESULTS_TABLES_DOC), "utf8");
  assert.equal(tables, resultsSection(), `${RESULTS_TABLES_DOC} is stale: run \`npm run readme-results\``);
});

test("verdict counts come from the claims.csv verdict column, quoted fields included", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-readme-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "claims.csv");
  fs.writeFileSync(file, 'id,family,"the paper says, quoted",verdict\na,the paper,"x, ""y""",supported (registered after the runs)\nb,the paper,z,inconclusive\nc,the paper,"w",inconclusive\nd,our own checks,v,contradicted\n');
  assert.deepEqual(verdictCounts(file), { supported: 1, contradicted: 0, inconclusive: 2 });
  assert.equal(verdictCounts(path.join(dir, "absent.csv")), null);
  fs.writeFileSync(file, "id,result\na,supported\n");
  assert.throws(() => verdictCounts(file), /has no "verdict" column/);
});

test("the README stays short and every document it links exists", () => {
  const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
  assert.ok(readme.split("\n").length <= 250, `README.md has ${readme.split("\n").length} lines; detail belongs in docs/`);
  for (const m of readme.matchAll(/\]\(([^)#]+)\)/g)) {
    if (/^https?:/.test(m[1])) continue;
    assert.ok(fs.existsSync(path.join(projectRoot(), m[1])), `README.md links ${m[1]}, which does not exist`);
  }
});

test("the README states both commands and how CI runs them", () => {
  const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
  assert.match(readme, /npm ci && npm run reproduce/);
  assert.match(readme, /npm ci && npm test/);
  const ci = fs.readFileSync(path.join(projectRoot(), ".ci", "run"), "utf8");
  assert.match(ci, /^npm ci\b/m);
  assert.match(ci, /^npm test$/m);
});

test("withResultsSection replaces only what is between the markers", () => {
  const doc = `intro\n${BEGIN}\nold\n${END}\noutro\n`;
  assert.equal(withResultsSection(doc, "new\n"), `intro\n${BEGIN}\n\nnew\n\n${END}\noutro\n`);
  assert.throws(() => withResultsSection("no markers", "x"), /has no generated-section markers/);
});
