/**
 * Errors a user can act on. Their messages name the problem and the fix, so the command lines
 * print them without a stack trace (lib/cli/args.ts); anything else is a bug and keeps its stack.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Base class of errors caused by input, files or the machine rather than by our code. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** What an errno code means, in words (Node's own text, or ours for the common cases). */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    EFBIG: "file too large for this file system or the process's file-size limit",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "is a folder, not a file",
    EEXIST: "already exists",
    EIO: "input/output error",
  };
  if (err && typeof err.code === "string") return `${words[err.code] ?? err.message.replace(/^[A-Z]+: /, "").replace(/, \w+( '.*')?$/, "")} (${err.code})`;
  return err instanceof Error ? err.message : String(e);
}

/** The first existing part of `dir` (or `dir` itself) that is a file rather than a folder, if any. */
export function fileInTheWay(dir: string): string | null {
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    if (fs.existsSync(p)) return fs.statSync(p).isDirectory() ? null : p;
    if (path.dirname(p) === p) return null;
  }
}

/** A file could not be written; nothing half-written was left behind under its name. */
export class WriteError extends UserError {
  constructor(
    readonly file: string,
    readonly underlying: unknown,
    consequence = "",
  ) {
    const code = (underlying as NodeJS.ErrnoException | undefined)?.code;
    const blocker = code === "EEXIST" || code === "ENOTDIR" ? fileInTheWay(path.dirname(file)) : null;
    const why = blocker ? `${blocker} is a file, not a folder` : errnoText(underlying);
    super(`could not write ${file}: ${why}${consequence ? `. ${consequence}` : ""}`);
  }

  /** The errno code (ENOSPC, EACCES, …) when the system gave one. */
  get code(): string | undefined {
    return (this.underlying as NodeJS.ErrnoException | undefined)?.code;
  }
}
