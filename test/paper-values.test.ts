/**
 * Paper values live in one cited place per study (lib/studies/<study>/paper.ts). A number the
 * paper prints, typed again anywhere else in the study's code or in its notebook, would let a
 * figure or table show a paper value that is not read from there; this test finds such copies.
 * A "paper number" here is a value of the study's paper module with three or more decimals that
 * is not a power of ten (learning rates such as 1e-3 are settings, not results).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";

const root = projectRoot();
const studiesDir = path.join(root, "lib", "studies");

/** Every number in a module's exports, walked through objects and arrays. */
function numbersIn(value: unknown, out = new Set<number>(), seen = new Set<unknown>()): Set<number> {
  if (typeof value === "number") out.add(value);
  else if (value !== null && typeof value === "object" && !seen.has(value)) {
    seen.add(value);
    for (const v of Object.values(value)) numbersIn(v, out, seen);
  }
  return out;
}

const decimals = (literal: string) => (literal.split(".")[1] ?? "").length;
const powerOfTen = (v: number) => Math.abs(Math.log10(Math.abs(v)) - Math.round(Math.log10(Math.abs(v)))) < 1e-12;

/** Distinctive paper numbers: ≥ 3 decimals as a plain decimal, not a power of ten. */
function paperNumbers(study: string): Set<number> {
  const mod = require(path.join(root, "lib", "dist", "studies", study, "paper.js")) as Record<string, unknown>;
  const all = numbersIn(mod);
  // magnitudes: prose writes a negative change with a typographic minus the literal scan does not see
  return new Set([...all].filter((v) => Number.isFinite(v) && !Number.isInteger(v) && !powerOfTen(v) && decimals(String(v)) >= 3).map(Math.abs));
}

/** Decimal literals in `text` (0.9359, .9359) with where they are. */
function* decimalLiterals(text: string): Generator<{ literal: string; value: number; line: number }> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i].matchAll(/(?<![\w.])(\d*\.\d{3,})(?![\w.])/g)) yield { literal: m[1], value: Number(m[1]), line: i + 1 };
  }
}

function copiesIn(file: string, text: string, paper: Set<number>): string[] {
  const found: string[] = [];
  for (const { literal, value, line } of decimalLiterals(text)) if (paper.has(value)) found.push(`${file}:${line}: ${literal}`);
  return found;
}

const studies = fs.readdirSync(studiesDir, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(path.join(studiesDir, d.name, "paper.ts"))).map((d) => d.name);

test("every study keeps its paper values in its paper.ts", () => {
  assert.ok(studies.length >= 4, `studies with a paper.ts: ${studies.join(", ")}`);
  for (const s of ["census-auc", "adatt-ablation"]) assert.ok(paperNumbers(s).size > 10, `${s}: its paper module holds the printed values`);
});

/** The notebooks that show a study, found by the namespace they use. */
function notebooksOf(study: string): string[] {
  const ns = study.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const dir = path.join(root, "notebooks");
  return fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb") && fs.readFileSync(path.join(dir, f), "utf8").includes(`mtl.studies.${ns}`));
}

for (const study of studies) {
  test(`${study}: no paper number is typed outside paper.ts (code and notebook cells)`, () => {
    const paper = paperNumbers(study);
    const copies: string[] = [];
    const dir = path.join(studiesDir, study);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "paper.ts")) {
      copies.push(...copiesIn(`lib/studies/${study}/${f}`, fs.readFileSync(path.join(dir, f), "utf8"), paper));
    }
    for (const nb of notebooksOf(study)) {
      const cells = (JSON.parse(fs.readFileSync(path.join(root, "notebooks", nb), "utf8")) as { cells: { source: string[] | string }[] }).cells;
      cells.forEach((c, i) => copies.push(...copiesIn(`notebooks/${nb} cell ${i}`, Array.isArray(c.source) ? c.source.join("") : c.source, paper)));
    }
    assert.deepEqual(copies, [], `paper values of ${study} typed outside lib/studies/${study}/paper.ts: read them from there`);
  });
}

test("the check finds a paper number typed in code", () => {
  const census = paperNumbers("census-auc");
  const printed = [...census][0];
  assert.deepEqual(copiesIn("x.ts", `const mmoe = ${printed}; // typed by hand`, census), [`x.ts:1: ${printed}`]);
  assert.deepEqual(copiesIn("x.ts", "const lr = 0.001, n = 400;", census), []);
});
