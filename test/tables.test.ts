import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import * as dfd from "danfojs-node";
import { saveTable, tableFromDataFrame, tableFromRows, toCsv, toHtml, toLatex, toMarkdown } from "mtl-lab";

const rows = [
  { model: "MMoE", auc: 0.94103, n: 3, note: "a|b" },
  { model: "Shared-Bottom & co", auc: 0.9361, n: 3, note: 'say "hi", 50%' },
];

test("Markdown: header, right-aligned numbers, rounding, escaped pipes, caption and notes", () => {
  const t = tableFromRows(rows, { caption: "AUC", notes: ["paper: MMoE Table 1"] });
  assert.equal(
    toMarkdown(t),
    [
      "**AUC**",
      "",
      "| model | auc | n | note |",
      "| --- | ---: | ---: | --- |",
      "| MMoE | 0.9410 | 3 | a\\|b |",
      '| Shared-Bottom & co | 0.9361 | 3 | say "hi", 50% |',
      "",
      "- paper: MMoE Table 1",
      "",
    ].join("\n"),
  );
});

test("CSV keeps full precision and quotes per RFC 4180", () => {
  assert.equal(
    toCsv(tableFromRows(rows)),
    'model,auc,n,note\r\nMMoE,0.94103,3,a|b\r\nShared-Bottom & co,0.9361,3,"say ""hi"", 50%"\r\n',
  );
});

test("LaTeX escapes special characters and uses booktabs", () => {
  const tex = toLatex(tableFromRows(rows, { caption: "AUC_1", digits: 2 }));
  assert.match(tex, /\\caption\{AUC\\_1\}/);
  assert.match(tex, /\\begin\{tabular\}\{lrrl\}/);
  assert.match(tex, /Shared-Bottom \\& co & 0\.94 & 3 & say "hi", 50\\% \\\\/);
  assert.match(tex, /\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);
});

test("HTML escapes markup", () => {
  const html = toHtml(tableFromRows([{ a: "<b>x</b>", b: 1.5 }]));
  assert.match(html, /&lt;b&gt;x&lt;\/b&gt;/);
  assert.ok(!html.includes("<b>x"));
  assert.match(html, /<td style="text-align:right">1\.5000<\/td>/);
});

test("numbers: NaN and infinities are explicit; missing cells are empty", () => {
  const md = toMarkdown(tableFromRows([{ a: Number.NaN, b: Infinity, c: null }, { a: 1 }]));
  assert.match(md, /\| NaN \| ∞ \|  \|/);
  assert.match(md, /\| 1 \|  \|  \|/);
});

test("a danfojs-node DataFrame becomes a table", () => {
  const df = new dfd.DataFrame([
    { model: "MMoE", auc: 0.941 },
    { model: "OMoE", auc: 0.9387 },
  ]);
  const t = tableFromDataFrame(df);
  assert.deepEqual(t.columns, ["model", "auc"]);
  assert.deepEqual(t.rows, [
    ["MMoE", 0.941],
    ["OMoE", 0.9387],
  ]);
});

test("saveTable writes .md, .csv and .tex", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-table-"));
  const out = saveTable(tableFromRows(rows), dir, "auc");
  assert.equal(fs.readFileSync(out.csv, "utf8"), toCsv(tableFromRows(rows)));
  assert.ok(fs.readFileSync(out.md, "utf8").startsWith("| model |"));
  assert.ok(fs.readFileSync(out.tex, "utf8").includes("\\begin{tabular}"));
  assert.deepEqual(fs.readdirSync(dir).sort(), ["auc.csv", "auc.md", "auc.tex"]);
  fs.rmSync(dir, { recursive: true });
});
