/**
 * The one error type of lib/data. Every message says what is wrong, which file (and line) it is
 * about, what was expected, and how to fix it; `code` lets tests and the CLI tell the cases apart
 * without parsing prose.
 */
import { UserError } from "../errors";

export type DataErrorCode =
  | "not-found" // a required file is not where we looked
  | "checksum" // the content's sha256 differs from the recorded one
  | "truncated" // a gzip stream ends early or is corrupt
  | "empty" // the file has no rows
  | "malformed-row" // wrong number of fields
  | "bad-value" // a label or numeric field we cannot read
  | "fetch" // downloading failed
  | "invalid-option"; // a caller passed a value outside its domain

export class DataError extends UserError {
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DataError";
  }
}

/** Throws a DataError("invalid-option") unless `ok`; `what` names the option and its bad value. */
export function requireOption(ok: boolean, what: string): void {
  if (!ok) throw new DataError("invalid-option", what);
}
