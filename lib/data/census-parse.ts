/**
 * Census-Income text → columns. Our own single-pass parser (not danfojs): it reads the 104 MB
 * training file in about a second, validates every row as it goes (so an error names the line),
 * and never materialises the 8 M field strings of a data frame at once.
 */
import { DataError } from "./errors";

/** Column names in file order (the keras-mmoe lineage's names). */
export const CENSUS_COLUMNS = [
  "age", "class_worker", "det_ind_code", "det_occ_code", "education", "wage_per_hour", "hs_college",
  "marital_stat", "major_ind_code", "major_occ_code", "race", "hisp_origin", "sex", "union_member",
  "unemp_reason", "full_or_part_emp", "capital_gains", "capital_losses", "stock_dividends",
  "tax_filer_stat", "region_prev_res", "state_prev_res", "det_hh_fam_stat", "det_hh_summ",
  "instance_weight", "mig_chg_msa", "mig_chg_reg", "mig_move_reg", "mig_same", "mig_prev_sunbelt",
  "num_emp", "fam_under_18", "country_father", "country_mother", "country_self", "citizenship",
  "own_or_self", "vet_question", "vet_benefits", "weeks_worked", "year", "income_50k",
] as const;

export type CensusColumn = (typeof CENSUS_COLUMNS)[number];

/** Continuous columns per census-income.names; everything else (also integer codes such as
 *  det_ind_code, own_or_self, vet_benefits, year) is nominal. instance_weight is continuous too. */
export const CENSUS_NUMERIC = [
  "age", "wage_per_hour", "capital_gains", "capital_losses", "stock_dividends", "num_emp", "weeks_worked",
] as const satisfies readonly CensusColumn[];

export const INCOME_COLUMN = "income_50k";
export const WEIGHT_COLUMN = "instance_weight";
/** The two label values (after trimming the leading space), with their trailing period. */
export const INCOME_HIGH = "50000+.";
export const INCOME_LOW = "- 50000.";

const NUMERIC_SET = new Set<string>([...CENSUS_NUMERIC, WEIGHT_COLUMN]);

/** One nominal column: distinct trimmed values in order of first appearance, and each row's index into them. */
export interface ParsedNominal {
  values: string[];
  counts: number[];
  codes: Int32Array;
}

export interface ParsedCensus {
  /** What the rows came from, for error messages (a file name). */
  source: string;
  rows: number;
  nominal: Map<CensusColumn, ParsedNominal>;
  numeric: Map<CensusColumn, Float64Array>;
}

function countRows(buf: Buffer): number {
  let n = 0;
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) return pos < buf.length ? n + 1 : n; // a last line without "\n" still counts
    n++;
    pos = nl + 1;
  }
}

/**
 * Parses Census-Income content (already decompressed). Every field is trimmed (values carry a
 * leading space, a few a trailing one). Throws a DataError naming `source` and the line for:
 * an empty file, a row without 42 fields, a non-numeric continuous value, or an income label that
 * is neither "50000+." nor "- 50000.".
 */
export function parseCensus(content: Buffer, source: string): ParsedCensus {
  const rows = countRows(content);
  if (rows === 0) {
    throw new DataError(
      "empty",
      `${source} is empty (0 rows); expected Census-Income rows of ${CENSUS_COLUMNS.length} comma-separated fields. ` +
        `Replace it with an intact copy of the file.`,
    );
  }
  const nominal = new Map<CensusColumn, ParsedNominal>();
  const numeric = new Map<CensusColumn, Float64Array>();
  const lookups: (Map<string, number> | undefined)[] = [];
  CENSUS_COLUMNS.forEach((col, j) => {
    if (NUMERIC_SET.has(col)) numeric.set(col, new Float64Array(rows));
    else {
      nominal.set(col, { values: [], counts: [], codes: new Int32Array(rows) });
      lookups[j] = new Map();
    }
  });
  const nomCols = CENSUS_COLUMNS.map((c) => nominal.get(c));
  const numCols = CENSUS_COLUMNS.map((c) => numeric.get(c));
  const incomeJ = CENSUS_COLUMNS.indexOf(INCOME_COLUMN);

  let pos = 0;
  for (let i = 0; i < rows; i++) {
    let end = content.indexOf(10, pos);
    if (end < 0) end = content.length;
    const fields = content.toString("latin1", pos, end).split(",");
    pos = end + 1;
    if (fields.length !== CENSUS_COLUMNS.length) {
      throw new DataError(
        "malformed-row",
        `${source} line ${i + 1}: ${fields.length} comma-separated fields, expected ${CENSUS_COLUMNS.length} ` +
          `(the Census-Income (KDD) layout). The file is malformed or is not census-income data; ` +
          `replace it with an intact copy.`,
      );
    }
    for (let j = 0; j < fields.length; j++) {
      const v = fields[j].trim();
      const num = numCols[j];
      if (num !== undefined) {
        const x = v === "" ? NaN : Number(v);
        if (!Number.isFinite(x)) {
          throw new DataError(
            "bad-value",
            `${source} line ${i + 1}: column ${CENSUS_COLUMNS[j]} is ${JSON.stringify(v)}, expected a number ` +
              `(census-income.names lists it as continuous). Replace the file with an intact copy.`,
          );
        }
        num[i] = x;
        continue;
      }
      const col = nomCols[j]!;
      const lookup = lookups[j]!;
      let code = lookup.get(v);
      if (code === undefined) {
        if (j === incomeJ && v !== INCOME_HIGH && v !== INCOME_LOW) {
          throw new DataError(
            "bad-value",
            `${source} line ${i + 1}: income label ${JSON.stringify(v)} is neither ${JSON.stringify(INCOME_HIGH)} ` +
              `nor ${JSON.stringify(INCOME_LOW)} (after trimming the leading space). Replace the file with an intact copy.`,
          );
        }
        code = col.values.length;
        lookup.set(v, code);
        col.values.push(v);
        col.counts.push(0);
      }
      col.codes[i] = code;
      col.counts[code]++;
    }
  }
  return { source, rows, nominal, numeric };
}

/** The trimmed string value of nominal column `col` in row `i` (for tests and checks). */
export function nominalValue(parsed: ParsedCensus, col: CensusColumn, i: number): string {
  const c = parsed.nominal.get(col);
  if (!c) throw new RangeError(`${col} is not a nominal column`);
  return c.values[c.codes[i]];
}
