/**
 * Citable outputs: every .tex table compiles with pdflatex (a label, booktabs, no raw Unicode),
 * CSVs give packed statistics their own numeric columns, CITATION.cff names version, repository
 * and how to name the results commit. Without pdflatex (CI installs nothing by hand) the LaTeX is
 * checked for raw non-ASCII and unescaped specials instead.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { citationFields, getExperiment, projectRoot, reportTables, runOrLoad, STUDIES, tableFromRows, toCsv, toLatex, unpackedColumns, type Table } from "mtl-lab";

const hasPdflatex = spawnSync("pdflatex", ["--version"], { stdio: "ignore" }).status === 0;

/** The first experiment of every study with committed quick results, and its report's tables. */
async function tablesOfEachStudy(): Promise<{ study: string; experiment: string; tables: Record<string, Table> }[]> {
  const out: { study: string; experiment: string; tables: Record<string, Table> }[] = [];
  for (const study of STUDIES) {
    const exp = study.experiments.find((e) => fs.existsSync(path.join(projectRoot(), "results", e.id, "quick", "runs.jsonl")));
    assert.ok(exp, `${study.id}: committed quick results`);
    const result = await runOrLoad(getExperiment(exp.id), { profile: "quick" });
    assert.equal(result.computed, 0);
    out.push({ study: study.id, experiment: exp.id, tables: reportTables(exp, result) });
  }
  return out;
}

function assertPlainLatex(tex: string, where: string): void {
  const raw = [...tex].filter((c) => c.charCodeAt(0) > 127);
  assert.deepEqual(raw, [], `${where}: raw non-ASCII characters pdflatex rejects`);
  for (const line of tex.split("\n").filter((l) => !l.startsWith("%") && !l.startsWith("\\resizebox"))) assert.doesNotMatch(line, /(^|[^\\])[%_#]/, `${where}: unescaped special in ${line}`);
}

test("LaTeX: Unicode the tables use becomes LaTeX, specials are escaped, the table has a label and booktabs rules", () => {
  const t = tableFromRows([{ "β": 0.3, "Δ vs baseline": "−0.0012 (−0.13 %)", "mean ± std (n)": "0.9449 ± 0.0001 (6)", note: "≈ MMoE §6.3 ≤ 5 % a_b & c #1 {x} ~ ^ <> | \\ é", inf: Infinity }], { caption: "Ours ≈ paper — 95 % CI", notes: ["p (Holm) – “quoted”"] });
  const tex = toLatex(t, "census-mmoe:summary");
  assertPlainLatex(tex, "toLatex");
  assert.match(tex, /\\label\{tab:census-mmoe:summary\}/);
  assert.match(tex, /\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);
  assert.ok(tex.includes("$\\beta$ & $\\Delta$ vs baseline & mean $\\pm$ std (n)"), tex);
  assert.ok(tex.includes("$\\approx$ MMoE \\S{}6.3 $\\le$ 5 \\% a\\_b \\& c \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textless{}\\textgreater{} \\textbar{} \\textbackslash{} e"), tex);
  assert.ok(tex.includes("$\\infty$"));
});

test("CSV: packed statistics get numeric columns (mean, std, n; ci_low, ci_high) beside their text", () => {
  const t = tableFromRows([
    { model: "mmoe", "mean ± std (n)": "0.9449 ± 0.0001 (6)", "95 % CI": "[0.9447, 0.9450]", "Δ [CI]": "-0.0004 [-0.0007, 0.0000]" },
    { model: "base", "mean ± std (n)": "–", "95 % CI": "–", "Δ [CI]": "baseline" },
  ]);
  const { columns, rows } = unpackedColumns(t);
  assert.deepEqual(columns, ["model", "mean ± std (n)", "mean ± std (n): mean", "mean ± std (n): std", "mean ± std (n): n", "95 % CI", "95 % CI: ci_low", "95 % CI: ci_high", "Δ [CI]", "Δ [CI]: value", "Δ [CI]: ci_low", "Δ [CI]: ci_high"]);
  assert.deepEqual(rows[0], ["mmoe", "0.9449 ± 0.0001 (6)", 0.9449, 0.0001, 6, "[0.9447, 0.9450]", 0.9447, 0.945, "-0.0004 [-0.0007, 0.0000]", -0.0004, -0.0007, 0]);
  assert.deepEqual(rows[1].slice(2, 5), [null, null, null], "a cell without numbers leaves its numeric columns empty");
  assert.equal(toCsv(t).split("\r\n")[1], 'mmoe,0.9449 ± 0.0001 (6),0.9449,0.0001,6,"[0.9447, 0.9450]",0.9447,0.945,"-0.0004 [-0.0007, 0.0000]",-0.0004,-0.0007,0');
});

test("every table of one experiment per study compiles with pdflatex (else: no raw non-ASCII in any)", async (t) => {
  const studies = await tablesOfEachStudy();
  assert.equal(studies.length, STUDIES.length);
  for (const { experiment, tables } of studies) {
    for (const [name, table] of Object.entries(tables)) assertPlainLatex(toLatex(table, `${experiment}:${name}`), `${experiment}/${name}.tex`);
    const csv = unpackedColumns(tables.summary);
    assert.ok(csv.columns.includes("mean ± std (n): mean") && csv.columns.includes("95 % CI: ci_low"), `${experiment}: summary CSV has numeric columns`);
  }
  if (!hasPdflatex) {
    t.diagnostic("pdflatex not installed: checked for raw non-ASCII only (apt-get install -y texlive-latex-base texlive-latex-recommended)");
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-tex-"));
  try {
    for (const { experiment, tables } of studies) {
      const inputs = Object.entries(tables).map(([name, table]) => {
        fs.writeFileSync(path.join(dir, `${experiment}-${name}.tex`), toLatex(table, `${experiment}:${name}`));
        return `\\input{${experiment}-${name}.tex}\\clearpage`;
      });
      const doc = `${experiment}.tex`;
      fs.writeFileSync(path.join(dir, doc), ["\\documentclass{article}", "\\usepackage{booktabs}", "\\usepackage{graphicx}", "\\begin{document}", ...inputs, "\\end{document}", ""].join("\n"));
      const r = spawnSync("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", doc], { cwd: dir, encoding: "utf8" });
      assert.equal(r.status, 0, `${experiment}: pdflatex failed:\n${r.stdout.split("\n").filter((l) => l.startsWith("!") || l.startsWith("l.")).join("\n")}`);
      assert.ok(fs.existsSync(path.join(dir, `${experiment}.pdf`)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("CITATION.cff names the version of package.json and how to name and check the results commit (and a repository URL only as a URL)", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version: string };
  const cff = citationFields();
  assert.equal(cff.version, pkg.version);
  // no public URL is known to the project yet: a repository field, when there is one, must be a URL
  if (cff.repository !== null) assert.match(cff.repository, /^https:\/\/\S+$/);
  const text = fs.readFileSync(path.join(projectRoot(), "CITATION.cff"), "utf8");
  assert.match(text, /results commit/);
  assert.match(text, /git log -1 .*runs\.jsonl/);
  assert.match(text, /--verify/);
});
