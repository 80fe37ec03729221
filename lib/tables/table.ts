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

const NUM = "([-−]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[-+]?\\d+)?)";
/**
 * Preformatted statistics a study writes into one cell, and the numeric columns a CSV gives them:
 * "0.9449 ± 0.0001 (6)", "[0.9447, 0.9450]", "-0.0004 [-0.0007, 0.0000]", "0.0012 (0.13 %)".
 */
const PACKED: { pattern: RegExp; parts: string[] }[] = [
  { pattern: new RegExp(`^${NUM} ± ${NUM} \\((\\d+)\\)$`), parts: ["mean", "std", "n"] },
  { pattern: new RegExp(`^\\[${NUM}, ${NUM}\\]$`), parts: ["ci_low", "ci_high"] },
  { pattern: new RegExp(`^${NUM} \\[${NUM}, ${NUM}\\]$`), parts: ["value", "ci_low", "ci_high"] },
  { pattern: new RegExp(`^${NUM} \\(${NUM} %\\)$`), parts: ["value", "percent"] },
];

const toNumber = (s: string) => Number(s.replace("−", "-"));

/**
 * The table as a CSV reads it: every column whose cells pack several numbers into text (mean ± std
 * (n), a CI in brackets) is followed by one numeric column per number, named "<column>: mean",
 * "<column>: ci_low", …; the text column stays (it also holds words such as "baseline").
 */
export function unpackedColumns(t: Table): { columns: string[]; rows: Cell[][] } {
  const plan = t.columns.map((_, j) => PACKED.find(({ pattern }) => t.rows.some((r) => typeof r[j] === "string" && pattern.test((r[j] as string).trim()))));
  const columns = t.columns.flatMap((c, j) => [c, ...(plan[j]?.parts.map((p) => `${c}: ${p}`) ?? [])]);
  const rows = t.rows.map((r) =>
    r.flatMap((v, j) => {
      const packed = plan[j];
      if (!packed) return [v];
      const m = typeof v === "string" ? packed.pattern.exec(v.trim()) : null;
      return [v, ...packed.parts.map((_, k) => (m ? toNumber(m[k + 1]) : null))];
    }),
  );
  return { columns, rows };
}

/** RFC 4180 CSV; numbers at full precision, packed statistics also in numeric columns (unpackedColumns). */
export function toCsv(t: Table): string {
  const { columns, rows } = unpackedColumns(t);
  return [columns, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** Characters the tables use that pdflatex (OT1/T1, no inputenc tricks) cannot typeset as they are. */
const LATEX_SYMBOLS: Record<string, string> = {
  "±": "$\\pm$", "−": "$-$", "–": "--", "—": "---", "≈": "$\\approx$", "×": "$\\times$", "·": "$\\cdot$",
  "≤": "$\\le$", "≥": "$\\ge$", "≠": "$\\neq$", "∞": "$\\infty$", "→": "$\\to$", "←": "$\\leftarrow$", "↔": "$\\leftrightarrow$",
  "…": "\\ldots{}", "§": "\\S{}", "°": "$^\\circ$", "’": "'", "‘": "`", "“": "``", "”": "''", "√": "$\\surd$", "✓": "yes", "✗": "no", "✔": "yes", "✘": "no",
  "α": "$\\alpha$", "β": "$\\beta$", "γ": "$\\gamma$", "δ": "$\\delta$", "ε": "$\\varepsilon$", "λ": "$\\lambda$", "μ": "$\\mu$",
  "ρ": "$\\rho$", "σ": "$\\sigma$", "τ": "$\\tau$", "Δ": "$\\Delta$", "Σ": "$\\Sigma$", "χ": "$\\chi$", "η": "$\\eta$", "θ": "$\\theta$", "π": "$\\pi$",
  "²": "$^2$", "³": "$^3$", "½": "$\\frac{1}{2}$", "\u00a0": "~", "\u202f": "\\,", "\u2009": "\\,",
};

/** Text → LaTeX that pdflatex typesets without extra packages beyond booktabs: specials escaped, no raw non-ASCII left. */
export function escapeLatex(s: string): string {
  const escaped = s
    .replace(/\\/g, "\u0000")
    .replace(/([&%$#_{}])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/</g, "\\textless{}")
    .replace(/>/g, "\\textgreater{}")
    .replace(/\|/g, "\\textbar{}")
    .replace(/\u0000/g, "\\textbackslash{}");
  return [...escaped]
    .map((ch) => {
      if (ch.charCodeAt(0) < 128) return ch;
      if (LATEX_SYMBOLS[ch]) return LATEX_SYMBOLS[ch];
      // accented letters: the base letter (é → e); anything else is named by its code point
      const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      return /^[\x20-\x7e]+$/.test(base) ? base : `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`;
    })
    .join("");
}

/** "summary" → "tab:summary"; a label holds no LaTeX specials. */
function latexLabel(name: string): string {
  return `tab:${name.replace(/[^A-Za-z0-9:.-]+/g, "-")}`;
}

/**
 * A booktabs tabular inside a table environment, with \label{tab:<label>} when a label is given
 * (saveTable gives the file name). Needs \usepackage{booktabs} and, for tables wider than eight
 * columns (scaled to the line width), \usepackage{graphicx}; every other character is escaped.
 */
export function toLatex(t: Table, label?: string): string {
  const align = t.columns.map((_, j) => (t.rows.some((r) => typeof r[j] === "number") ? "r" : "l")).join("");
  const wide = t.columns.length > 8;
  const lines = [
    `% ${label ? `table ${latexLabel(label)}: ` : ""}needs \\usepackage{booktabs}${wide ? " and \\usepackage{graphicx}" : ""}`,
    "\\begin{table}[t]",
    "\\centering",
    ...(t.caption ? [`\\caption{${escapeLatex(t.caption)}}`] : []),
    ...(label ? [`\\label{${latexLabel(label)}}`] : []),
    ...(wide ? ["\\resizebox{\\linewidth}{!}{%"] : []),
    `\\begin{tabular}{${align}}`,
    "\\toprule",
    `${t.columns.map(escapeLatex).join(" & ")} \\\\`,
    "\\midrule",
    ...displayRows(t).map((r) => `${r.map(escapeLatex).join(" & ")} \\\\`),
    "\\bottomrule",
    "\\end{tabular}",
    ...(wide ? ["}"] : []),
    ...(t.notes ?? []).map((n) => `\\par\\footnotesize ${escapeLatex(n)}`),
    "\\end{table}",
  ];
  return lines.join("\n") + "\n";
}

/** Writes `<name>.md`, `<name>.csv` and `<name>.tex` into `dir` (atomically, each; a file whose bytes would not change is left untouched). */
export function saveTable(t: Table, dir: string, name: string): { md: string; csv: string; tex: string } {
  return saveTableIfChanged(t, dir, name).files;
}

/** saveTable, also saying which of the three files it wrote (absolute paths); `label` names the LaTeX \label (default the name). */
export function saveTableIfChanged(t: Table, dir: string, name: string, label = name): { files: { md: string; csv: string; tex: string }; changed: string[] } {
  const base = path.join(dir, name);
  const files = { md: `${base}.md`, csv: `${base}.csv`, tex: `${base}.tex` };
  const rendered: [string, string][] = [[files.md, toMarkdown(t)], [files.csv, toCsv(t)], [files.tex, toLatex(t, label)]];
  return { files, changed: rendered.filter(([file, text]) => writeFileIfChanged(file, text)).map(([file]) => file) };
}
