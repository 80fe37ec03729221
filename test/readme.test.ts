import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";
// The CLI module exports its pure parts; importing it does not run it.
import { BEGIN, END, resultsSection, withResultsSection } from "mtl-lab/dist/cli/readme-results";

test("the README's results section is exactly what results/ generates (run `npm run readme-results`)", () => {
  const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
  assert.equal(readme, withResultsSection(readme, resultsSection()), "README.md is stale: run `npm run readme-results`");
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
  assert.throws(() => withResultsSection("no markers", "x"), /README\.md has no results markers/);
});
