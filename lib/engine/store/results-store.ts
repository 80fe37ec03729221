/**
 * results/<experiment>/<profile>/: runs.jsonl (append-only, one line per finished run) and the
 * files derived from it. Nothing finished is lost, nothing damaged is used:
 * - a group's lines are appended in one go on an O_APPEND descriptor and fsync'd; a write that
 *   fails part-way (full disk, size limit) is cut back off, and the error names the file and cause;
 * - should a partial last line ever appear (power loss), readers ignore it and the next append cuts it;
 * - every record carries the sha256 of its content: an edited record is reported by line, set
 *   aside and retrained, never used. Records without one are read as they are only in a folder
 *   whose manifest predates checksums (elsewhere a missing checksum is an edit that removed it);
 * - a line that is not a record (garbage, missing fields) stops the run with its line number and
 *   the fix (--drop-bad-lines moves only that line aside), rather than a bare parser error;
 * - every other file is written to a temporary name and renamed over the old one.
 * One process writes a folder at a time (folder-lock.ts).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError, WriteError } from "../../errors";
import { projectRoot, writeFileAtomic, writeFully } from "../../project";
import { canonicalJson } from "./config-hash";
import { RUN_SCHEMA, type RunRecord } from "./run-record";

import { MANIFEST_FILE, REJECTED_FILE, RUNS_FILE, SUMMARY_FILE } from "../../results-files";

export { MANIFEST_FILE, REJECTED_FILE, RUNS_FILE, SUMMARY_FILE } from "../../results-files";

/** Default output root: $MTL_RESULTS_DIR (headless notebook tests use a temporary one), else <project>/results. */
export function defaultResultsRoot(): string {
  return process.env.MTL_RESULTS_DIR ? path.resolve(process.env.MTL_RESULTS_DIR) : path.join(projectRoot(), "results");
}

export function resultsDir(root: string, experiment: string, profile: string): string {
  return path.join(root, experiment, profile);
}

export const runKey = (configHash: string, seed: number) => `${configHash}#${seed}`;

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

export function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/**
 * When the engine began signing every record it stores. A record without a checksum is one
 * written before, legitimately, only in a folder whose manifest.json says its runs were started
 * before then; anywhere else it is a record changed by hand with its checksum removed.
 */
export const CHECKSUMS_SINCE = "2026-12-03T09:01:22.000Z";

/** Whether the folder's manifest says its runs predate record checksums. */
export function predatesChecksums(dir: string): boolean {
  let manifest: { startedAt?: unknown } | undefined;
  try {
    manifest = readJson(path.join(dir, MANIFEST_FILE));
  } catch (e) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
  return typeof manifest?.startedAt === "string" && manifest.startedAt < CHECKSUMS_SINCE;
}

/** sha256 of a record's canonical JSON without its own checksum field. */
export function recordChecksum(record: object): string {
  const { checksum: _, ...content } = record as { checksum?: string };
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/** The record as one line of runs.jsonl, its checksum last. */
export function recordLine(record: RunRecord): string {
  const plain = JSON.parse(JSON.stringify(record)) as RunRecord; // what a reader will parse (NaN → null, undefined dropped)
  return JSON.stringify({ ...plain, checksum: recordChecksum(plain) }) + "\n";
}

const isText = (x: unknown) => typeof x === "string" && x !== "";
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** What is missing or wrong in a parsed line for it to be a run record (empty: none). */
export function recordProblems(r: unknown): string[] {
  if (!isObject(r)) return ["not a JSON object"];
  const problems: string[] = [];
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) problems.push(field in r ? `${field} is not ${what}` : `no ${field}`);
  };
  need(r.schema === RUN_SCHEMA, "schema", String(RUN_SCHEMA));
  for (const f of ["experiment", "profile", "arm", "model", "condition", "configHash", "backend"]) need(isText(r[f]), f, "a non-empty string");
  need(Number.isInteger(r.seed) && (r.seed as number) >= 1, "seed", "a positive integer");
  need(r.status === "ok" || r.status === "diverged", "status", `"ok" or "diverged"`);
  need(r.learningRate === null || typeof r.learningRate === "number", "learningRate", "a number or null");
  need(Array.isArray(r.learningRateTrials), "learningRateTrials", "a list");
  need(isObject(r.selection) && isText(r.selection.task) && isText(r.selection.metric), "selection", "{ task, metric }");
  const m = r.metrics;
  need(m === null || (isObject(m) && isObject(m.validation) && isObject(m.test)), "metrics", "{ validation, test } or null");
  if (r.status === "ok" && m === null) problems.push(`status is "ok" but metrics is null`);
  need(isObject(r.curves) && Array.isArray(r.curves.steps), "curves", "{ steps, train, validation }");
  need(Array.isArray(r.gates), "gates", "a list");
  need(isObject(r.parameters), "parameters", "an object");
  need(typeof r.wallTimeMs === "number", "wallTimeMs", "a number");
  return problems;
}

/** A line of runs.jsonl that is not used. */
export interface BadLine {
  /** 1-based line number in runs.jsonl. */
  line: number;
  /**
   * "unreadable": not JSON or not a run record; "checksum": a record whose content was changed;
   * "inconsistent": a record whose metric fields differ from those of its arm's other records.
   */
  kind: "unreadable" | "checksum" | "inconsistent";
  problem: string;
  /** "<arm> seed <n>" when the line names them. */
  run?: string;
}

export interface ScannedRuns {
  /** Usable records, in file order. */
  records: RunRecord[];
  /** The 1-based line of each record in runs.jsonl. */
  lines: number[];
  bad: BadLine[];
  /** Records without a checksum in a folder whose manifest predates checksums: used as they are. */
  legacy: number;
}

/** runs.jsonl holds lines that are not run records; the message names them and the fix. */
export class BadRunsLineError extends UserError {
  constructor(
    readonly file: string,
    readonly lines: BadLine[],
    good: number,
  ) {
    const each = lines.map((b) => `line ${b.line}${b.run ? ` (${b.run})` : ""}: ${b.problem}`).join("; ");
    super(
      `${file} has ${lines.length === 1 ? "a line that is" : `${lines.length} lines that are`} not a run record — ${each}. ` +
        `The other ${good} records are fine and nothing was changed. To move only ${lines.length === 1 ? "this line" : "these lines"} to ${REJECTED_FILE} ` +
        `and retrain ${lines.length === 1 ? "the run it held" : "the runs they held"}, rerun with --drop-bad-lines (in code: { dropBadLines: true }); ` +
        `--force would discard all ${good} good runs.`,
    );
    this.name = "BadRunsLineError";
  }
}

export class BackendMismatchError extends UserError {
  constructor(dir: string, stored: string[], current: string) {
    super(
      `${path.join(dir, RUNS_FILE)} holds runs from backend ${stored.join(", ")}, but this process runs on ${current}. ` +
        `Results of different backends are never mixed: rerun with --backend ${stored[0]}, or recompute with --force, or write elsewhere with --out DIR.`,
    );
    this.name = "BackendMismatchError";
  }
}

export class RunsFile {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, RUNS_FILE);
  }

  /** Every complete line (a trailing partial line, without newline, is ignored), sorted into usable and bad. */
  scan(): ScannedRuns {
    const out: ScannedRuns = { records: [], lines: [], bad: [], legacy: 0 };
    if (!fs.existsSync(this.file)) return out;
    const text = fs.readFileSync(this.file, "utf8");
    const lines = text.slice(0, text.lastIndexOf("\n") + 1).split("\n");
    let unsignedAllowed: boolean | undefined; // read the manifest only when a record lacks a checksum
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const bad = (kind: BadLine["kind"], problem: string, run?: string) => out.bad.push({ line: i + 1, kind, problem, ...(run ? { run } : {}) });
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        return bad("unreadable", `not valid JSON (${e.message})`);
      }
      const r = parsed as RunRecord & { checksum?: unknown };
      const run = isObject(r) && isText(r.arm) && Number.isInteger(r.seed) ? `${r.arm} seed ${r.seed}` : undefined;
      if (isObject(r) && r.checksum !== undefined && r.checksum !== recordChecksum(r)) {
        return bad("checksum", "its checksum does not match its content (the record was changed after it was written)", run);
      }
      if (isObject(r) && typeof r.schema === "number" && r.schema !== RUN_SCHEMA) {
        throw new UserError(`${this.file} line ${i + 1} has schema ${r.schema}, this engine reads ${RUN_SCHEMA}; recompute with --force or write elsewhere with --out DIR`);
      }
      const problems = recordProblems(r);
      if (problems.length) return bad("unreadable", problems.join(", "), run);
      if (r.checksum === undefined) {
        unsignedAllowed ??= predatesChecksums(this.dir);
        if (!unsignedAllowed) return bad("checksum", `it has no checksum, and ${MANIFEST_FILE} does not say this folder predates checksums (every record stored since ${CHECKSUMS_SINCE.slice(0, 10)} has one): it was changed and its checksum removed`, run);
        out.legacy += 1;
      }
      out.records.push(r);
      out.lines.push(i + 1);
    });
    setAsideInconsistent(out);
    return out;
  }

  /**
   * The usable records. Lines whose checksum fails are left out (the runner sets them aside and
   * retrains them); a line that is not a record at all is a BadRunsLineError.
   */
  read(): RunRecord[] {
    const { records, bad } = this.scan();
    const unreadable = bad.filter((b) => b.kind === "unreadable");
    if (unreadable.length) throw new BadRunsLineError(this.file, unreadable, records.length);
    return records;
  }

  /**
   * Appends the records (each with its checksum) as complete lines in one write. On failure the
   * file is cut back to its old length and a WriteError says which runs were not stored.
   */
  append(records: readonly RunRecord[]): void {
    if (records.length === 0) return;
    this.cutPartialLine();
    const bytes = Buffer.from(records.map(recordLine).join(""), "utf8");
    let fd: number | undefined;
    let before = 0;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fd = fs.openSync(this.file, "a");
      before = fs.fstatSync(fd).size;
      writeFully(fd, bytes);
      fs.fsyncSync(fd);
    } catch (e) {
      let consequence = `${records.length} finished run(s) (${describeRuns(records)}) were not stored; the runs already in the file are intact. Free space or fix the cause, then rerun: only the missing runs train`;
      if (fd !== undefined) {
        try {
          fs.ftruncateSync(fd, before);
        } catch (cut) {
          consequence += ` (a partial last line could not be cut off: ${(cut as Error).message}; readers ignore it and the next append cuts it)`;
        }
      }
      throw new WriteError(this.file, e, consequence);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /** Empties the file (for --force), atomically. */
  clear(): void {
    writeFileAtomic(this.file, "");
  }

  /**
   * Moves the given lines (1-based) to runs.rejected.jsonl, each with why it was taken out, and
   * rewrites runs.jsonl without them; `replace` (line number → new text) rewrites kept lines in
   * the same step (a migration's new keys). The rejected lines are written first: a failure there
   * leaves runs.jsonl as it was, so no stored line is ever lost.
   */
  setAside(lines: readonly (number | { line: number; problem: string })[], replace?: ReadonlyMap<number, string>): void {
    if (lines.length === 0 && !replace?.size) return;
    const reasons = new Map(lines.map((l) => (typeof l === "number" ? [l, undefined] : [l.line, l.problem])));
    const text = fs.readFileSync(this.file, "utf8");
    const all = text.slice(0, text.lastIndexOf("\n") + 1).split("\n").slice(0, -1);
    const rejected = path.join(this.dir, REJECTED_FILE);
    const stamp = new Date().toISOString();
    const moved = all.flatMap((l, i) => {
      if (!reasons.has(i + 1)) return [];
      const reason = reasons.get(i + 1);
      return [JSON.stringify({ rejectedAt: stamp, line: i + 1, ...(reason ? { reason } : {}), text: l }) + "\n"];
    });
    if (moved.length) {
      const old = fs.existsSync(rejected) ? fs.readFileSync(rejected, "utf8") : "";
      writeFileAtomic(rejected, old + moved.join(""));
    }
    writeFileAtomic(this.file, all.flatMap((l, i) => (reasons.has(i + 1) ? [] : [replace?.get(i + 1) ?? l + "\n"])).join(""));
  }

  /** Refuses to add runs of `backend` to a file holding runs of another backend. */
  checkBackend(backend: string, records = this.read()): void {
    const stored = [...new Set(records.map((r) => r.backend))];
    if (stored.some((b) => b !== backend)) throw new BackendMismatchError(this.dir, stored, backend);
  }

  private cutPartialLine(): void {
    if (!fs.existsSync(this.file) || lastByte(this.file) === undefined || lastByte(this.file) === 0x0a) return;
    const text = fs.readFileSync(this.file, "utf8");
    writeFileAtomic(this.file, text.slice(0, text.lastIndexOf("\n") + 1));
  }
}

/** "split.task.metric" of every metric a record has a value or a reason for, sorted; null without metrics. */
function metricFields(r: RunRecord): string[] | null {
  if (!r.metrics) return null;
  const fields: string[] = [];
  for (const split of ["validation", "test"] as const) {
    const values = r.metrics[split] ?? {};
    const reasons = r.undefinedMetrics?.[split] ?? {};
    for (const task of new Set([...Object.keys(values), ...Object.keys(reasons)])) {
      for (const metric of new Set([...Object.keys(values[task] ?? {}), ...Object.keys(reasons[task] ?? {})])) fields.push(`${split}.${task}.${metric}`);
    }
  }
  return fields.sort();
}

/**
 * Every run of an arm is measured by the same code, so its records have the same metric fields.
 * A record that lacks one (or has one more) was edited — with its checksum recomputed, which a
 * checksum cannot catch — and would silently drop out of a table's n: it becomes a bad line.
 * The arm's fields are those of most of its records; on a tie the fuller set (a removal is the
 * likelier edit).
 */
function setAsideInconsistent(out: ScannedRuns): void {
  const byArm = new Map<string, { i: number; fields: string[] }[]>();
  out.records.forEach((r, i) => {
    const fields = metricFields(r);
    if (fields) byArm.set(r.configHash, [...(byArm.get(r.configHash) ?? []), { i, fields }]);
  });
  const drop = new Map<number, string>();
  for (const entries of byArm.values()) {
    const counts = new Map<string, { n: number; fields: string[] }>();
    for (const e of entries) {
      const key = e.fields.join(",");
      counts.set(key, { n: (counts.get(key)?.n ?? 0) + 1, fields: e.fields });
    }
    if (counts.size < 2) continue;
    const norm = [...counts.values()].sort((a, b) => b.n - a.n || b.fields.length - a.fields.length)[0].fields;
    for (const e of entries) {
      if (e.fields.join(",") === norm.join(",")) continue;
      const missing = norm.filter((f) => !e.fields.includes(f));
      const extra = e.fields.filter((f) => !norm.includes(f));
      const said = [missing.length ? `lacks ${missing.join(", ")}` : "", extra.length ? `has ${extra.join(", ")} too` : ""].filter(Boolean).join(" and ");
      drop.set(e.i, `its metric fields differ from its arm's other records: it ${said} (the record was edited)`);
    }
  }
  if (drop.size === 0) return;
  for (const [i, problem] of drop) {
    const r = out.records[i];
    out.bad.push({ line: out.lines[i], kind: "inconsistent", problem, run: `${r.arm} seed ${r.seed}` });
    if (r.checksum === undefined) out.legacy -= 1;
  }
  out.bad.sort((a, b) => a.line - b.line);
  out.records = out.records.filter((_, i) => !drop.has(i));
  out.lines = out.lines.filter((_, i) => !drop.has(i));
}

function describeRuns(records: readonly RunRecord[]): string {
  const arms = [...new Set(records.map((r) => r.arm))];
  return arms.map((a) => `${a} seeds ${records.filter((r) => r.arm === a).map((r) => r.seed).join(", ")}`).join("; ");
}

function lastByte(file: string): number | undefined {
  const size = fs.statSync(file).size;
  if (size === 0) return undefined;
  const fd = fs.openSync(file, "r");
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, size - 1);
    return b[0];
  } finally {
    fs.closeSync(fd);
  }
}
