/**
 * The categorical encodings a task group can use for the .test file (validation and test rows):
 * - `by-name` (the default, and the only correct one): a test value takes the index of the same
 *   category in the vocabulary fitted on the training file.
 * - `positional-per-file`: the bug of the keras-mmoe / MMoEEx lineage (docs/protocol.md lists it among the faults of public code),
 *   reproduced on purpose to measure what it does to AUC. That code one-hot encodes the training
 *   frame and the test frame separately (pandas get_dummies: per column, the categories present
 *   IN THAT FILE, sorted), appends the dummy columns the test frame lacks at the very end, and
 *   feeds the matrices by position. det_hh_fam_stat has a category ("Grandchild <18 ever marr not
 *   in subfamily") that never occurs in the test file, so every later dummy of a test row lands
 *   one position early: on the training layout's previous category — for a column's first
 *   category, on the previous column's last one.
 *
 * Our inputs are vocabulary indices, and the models read column c's index k at the flat one-hot
 * position offset_c + k (lib/models/input.ts). The positional variant therefore stores, per test
 * value, the index RELATIVE TO ITS COLUMN'S OFFSET of the training position the public code
 * feeds it into; that can be −1 (the previous column's last category), which the flat lookup
 * reads exactly as the public code's shifted one-hot does. Index 0 (UNKNOWN) has no column in
 * the public layout, so it is skipped when positions are counted.
 */
import { DataError, requireOption } from "./errors";

export const CATEGORICAL_ENCODINGS = ["by-name", "positional-per-file"] as const;
export type CategoricalEncoding = (typeof CATEGORICAL_ENCODINGS)[number];
export const DEFAULT_CATEGORICAL_ENCODING: CategoricalEncoding = "by-name";

export function parseCategoricalEncoding(value: unknown): CategoricalEncoding {
  const v = value ?? DEFAULT_CATEGORICAL_ENCODING;
  requireOption(
    (CATEGORICAL_ENCODINGS as readonly unknown[]).includes(v),
    `categoricalEncoding ${JSON.stringify(value)} is not an encoding; valid: ${CATEGORICAL_ENCODINGS.join(", ")}`,
  );
  return v as CategoricalEncoding;
}

export interface PositionalShift {
  /** Training categories absent from the re-encoded file, as [column, category]: the cause of the shift. */
  missing: [string, string][];
  /** Test values whose training-layout position differs from their own category's. */
  shiftedValues: number;
  /** First column (in input order) whose values are shifted, or null when nothing moves. */
  firstShiftedColumn: string | null;
}

/**
 * Re-encodes by-name indices of one file (`rows`, per column; 0 = UNKNOWN) the way the public
 * code's positional feeding reads them. `columns` are the group's categorical inputs in input
 * order, `vocabularies` their training vocabularies (entry 0 = UNKNOWN). Needs every value of the
 * file to be a training category (the public code would have produced a wider matrix otherwise).
 */
export function positionalPerFile(
  columns: readonly string[],
  vocabularies: readonly (readonly string[])[],
  rows: Readonly<Record<string, Int32Array>>,
): { indices: Record<string, Int32Array>; shift: PositionalShift } {
  // public training layout: the training categories of every column, in order, no UNKNOWN slot
  const trainStart: number[] = []; // first training position of column c
  const offsets: number[] = []; // our flat offset of column c (with its UNKNOWN slot)
  let pos = 0;
  let flat = 0;
  for (const vocab of vocabularies) {
    trainStart.push(pos);
    offsets.push(flat);
    pos += vocab.length - 1;
    flat += vocab.length;
  }
  const trainWidth = pos;
  /** Our flat index of public training position p. */
  const flatOf = (p: number): number => {
    let c = trainStart.length - 1;
    while (trainStart[c] > p) c--;
    return offsets[c] + 1 + (p - trainStart[c]);
  };

  // the file's own layout: per column, the categories present in it (sorted = vocabulary order)
  const missing: [string, string][] = [];
  const present = columns.map((col, c) => {
    const codes = rows[col];
    if (!codes) throw new RangeError(`positionalPerFile: no rows for column ${col}`);
    const seen = new Uint8Array(vocabularies[c].length);
    for (const k of codes) {
      if (k === 0) {
        throw new DataError("invalid-option", `categoricalEncoding "positional-per-file": column ${col} has a value unseen in training, which the public code's separate one-hot would turn into an extra column; this emulation covers only categories missing from the test file`);
      }
      seen[k] = 1;
    }
    for (let k = 1; k < seen.length; k++) if (!seen[k]) missing.push([col, vocabularies[c][k]]);
    return seen;
  });

  const indices: Record<string, Int32Array> = {};
  let shiftedValues = 0;
  let firstShiftedColumn: string | null = null;
  let filePos = 0;
  columns.forEach((col, c) => {
    const remap = new Int32Array(vocabularies[c].length); // by-name index → stored relative index
    for (let k = 1; k < remap.length; k++) {
      if (!present[c][k]) continue;
      if (filePos >= trainWidth) throw new RangeError(`positionalPerFile: file position ${filePos} beyond the training width ${trainWidth}`);
      remap[k] = flatOf(filePos) - offsets[c];
      filePos += 1;
    }
    const codes = rows[col];
    const out = new Int32Array(codes.length);
    let moved = 0;
    for (let i = 0; i < codes.length; i++) {
      out[i] = remap[codes[i]];
      if (out[i] !== codes[i]) moved += 1;
    }
    if (moved > 0 && firstShiftedColumn === null) firstShiftedColumn = col;
    shiftedValues += moved;
    indices[col] = out;
  });
  // the positions filePos..trainWidth-1 are the appended (all-zero) dummy columns: nothing lands there
  return { indices, shift: { missing, shiftedValues, firstShiftedColumn } };
}
