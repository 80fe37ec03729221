/**
 * Tables: one structure, rendered as HTML (notebooks), Markdown (README, results), CSV (for
 * re-analysis, full precision) and LaTeX (papers). Cells hold numbers or preformatted strings;
 * numbers are rounded for display only.
 */
import * as path from "node:path";
import { writeFileIfChanged } from "../project";

export type Cell = string | number | boolean | null | undefined;

export interface Table {
  columns: string[];
  rows: Cell[][];
  caption?: string;
  /** Footnotes: provenance, where the paper values come from, how the profile subsamples. */
  notes?: string[];
  /** Decimals for numeric cells in HTML/Markdown/LaTeX (CSV keeps full precision). Default 4. */
  digits?: number;
}

export interface TableOptions {
  caption?: string;
  notes?: string[];
  digits?: number;
  /** Column order; default: keys of the first row, then any new keys in order of appearance. */
  columns?: string[];
}

/** A table from row objects. */
export function tableFromRows(rows: ReadonlyArray<Record<string, Cell>>, opts: TableOptions = {}): Table {
  const columns = opts.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return {
    columns,
    rows: rows.map((r) => columns.map((c) => r[c])),
    caption: opts.caption,
    notes: opts.notes,
    digits: opts.digits,
  };
}

/** A table from a danfojs DataFrame (or anything with `columns` and row-major `values`). */
export function tableFromDataFrame(df: { columns: string[]; values: unknown[] }, opts: Omit<TableOptions, "columns"> = {}): Table {
  const rows = df.values.map((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`DataFrame row ${i} is not an array (a Series? use a DataFrame)`);
    return row.map((v) => (v === null || ["string", "number", "boolean", "undefined"].includes(typeof v) ? (v as Cell) : String(v)));
  });
  return { columns: [...df.columns], rows, caption: opts.caption, notes: opts.notes, digits: opts.digits };
}

export function formatCell(v: Cell, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
    return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  }
  return String(v);
}

function displayRows(t: Table): string[][] {
  return t.rows.map((r) => r.map((v) => formatCell(v, t.digits ?? 4)));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function toHtml(t: Table): string {
  const head = `<tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>`;
  const body = displayRows(t)
    .map((r, i) => `<tr>${r.map((v, j) => `<td${typeof t.rows[i][j] === "number" ? ' style="text-align:right"' : ""}>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("\n");
  const caption = t.caption ? `<caption style="caption-side:top;text-align:left"><b>${escapeHtml(t.caption)}</b></caption>` : "";
  const notes = (t.notes ?? []).map((n) => `<div style="font-size:smaller">${escapeHtml(n)}</div>`).join("\n");
  return `<table class="mtl-lab-table">${caption}\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table>${notes ? `\n${notes}` : ""}`;
}

function escapeMarkdown(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function toMarkdown(t: Table): string {
  const lines = [
    `| ${t.columns.map(escapeMarkdown).join(" | ")} |`,
    `| ${t.columns.map((_, j) => (t.rows.some((r) => typeof r[j] === "number") ? "---:" : "---")).join(" | ")} |`,
    ...displayRows(t).map((r) => `| ${r.map(escapeMarkdown).join(" | ")} |`),
  ];
  const caption = t.caption ? [`**${escapeMarkdown(t.caption)}**`, ""] : [];
  const notes = t.notes?.length ? ["", ...t.notes.map((n) => `- ${n}`)] : [];
  return [...caption, ...lines, ...notes].join("\n") + "\n";
}

function csvField(v: Cell): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? String(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV; numbers at full precision. */
export function toCsv(t: Table): string {
  return [t.columns, ...t.rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

function escapeLatex(s: string): string {
  return s
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([&%$#_{}])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/±/g, "$\\pm$")
    .replace(/−/g, "$-$");
}

/** A booktabs tabular inside a table environment. */
export function toLatex(t: Table, label?: string): string {
  const align = t.columns.map((_, j) => (t.rows.some((r) => typeof r[j] === "number") ? "r" : "l")).join("");
  const lines = [
    "\\begin{table}[t]",
    "\\centering",
    ...(t.caption ? [`\\caption{${escapeLatex(t.caption)}}`] : []),
    `\\begin{tabular}{${align}}`,
    "\\toprule",
    `${t.columns.map(escapeLatex).join(" & ")} \\\\`,
    "\\midrule",
    ...displayRows(t).map((r) => `${r.map(escapeLatex).join(" & ")} \\\\`),
    "\\bottomrule",
    "\\end{tabular}",
    ...(t.notes ?? []).map((n) => `\\par\\footnotesize ${escapeLatex(n)}`),
    "\\end{table}",
  ];
  return lines.join("\n") + "\n";
}

/** Writes `<name>.md`, `<name>.csv` and `<name>.tex` into `dir` (atomically, each; a file whose bytes would not change is left untouched). */
export function saveTable(t: Table, dir: string, name: string): { md: string; csv: string; tex: string } {
  return saveTableIfChanged(t, dir, name).files;
}

/** saveTable, also saying which of the three files it wrote (absolute paths). */
export function saveTableIfChanged(t: Table, dir: string, name: string): { files: { md: string; csv: string; tex: string }; changed: string[] } {
  const base = path.join(dir, name);
  const files = { md: `${base}.md`, csv: `${base}.csv`, tex: `${base}.tex` };
  const rendered: [string, string][] = [[files.md, toMarkdown(t)], [files.csv, toCsv(t)], [files.tex, toLatex(t, name)]];
  return { files, changed: rendered.filter(([file, text]) => writeFileIfChanged(file, text)).map(([file]) => file) };
}
