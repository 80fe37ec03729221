/**
 * results/<experiment>/<profile>/: runs.jsonl (append-only, one line per finished run) and the
 * files derived from it. Writes never leave half a file or half a line behind a kill:
 * - a group's lines are appended with ONE write(2) on an O_APPEND descriptor and fsync'd;
 *   should a partial line ever appear (power loss), readers ignore it and the next append cuts it;
 * - every other file is written to a temporary name and renamed over the old one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot, writeFileAtomic } from "../project";
import { RUN_SCHEMA, type RunRecord } from "./run-record";

export const RUNS_FILE = "runs.jsonl";
export const SUMMARY_FILE = "summary.json";
export const MANIFEST_FILE = "manifest.json";

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

export class BackendMismatchError extends Error {
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

  /** Every complete line, in order; a trailing partial line (no newline) is ignored. */
  read(): RunRecord[] {
    if (!fs.existsSync(this.file)) return [];
    const text = fs.readFileSync(this.file, "utf8");
    const complete = text.slice(0, text.lastIndexOf("\n") + 1);
    return complete
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, i) => {
        const record = JSON.parse(line) as RunRecord;
        if (record.schema !== RUN_SCHEMA) {
          throw new Error(`${this.file} line ${i + 1} has schema ${record.schema}, this engine reads ${RUN_SCHEMA}; recompute with --force`);
        }
        return record;
      });
  }

  /** Appends the records as complete lines in a single write. */
  append(records: readonly RunRecord[]): void {
    if (records.length === 0) return;
    fs.mkdirSync(this.dir, { recursive: true });
    this.cutPartialLine();
    const fd = fs.openSync(this.file, "a");
    try {
      fs.writeSync(fd, records.map((r) => JSON.stringify(r) + "\n").join(""));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Empties the file (for --force), atomically. */
  clear(): void {
    writeFileAtomic(this.file, "");
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
