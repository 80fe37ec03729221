/**
 * Census-Income (KDD) files: where they are, and whether they are the files the studies were run on.
 *
 * Sums are of the DECOMPRESSED content: the copy of census-income.data.gz we have is a gzip -9 -n
 * recompression of UCI's content, not UCI's container, so a container hash would reject a
 * byte-identical data set downloaded from UCI (and accept nothing else). Plain (not gzipped)
 * copies are accepted too: gzip is detected by its magic bytes, not by the file name.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../project";
import { gunzipSync } from "node:zlib";
import { DataError } from "./errors";

/**
 * Expected sha256 of each file's content (decompressed for the two data files), with sizes and
 * row counts, of the UCI files (cross-checked against independent public copies); data/README.md
 * lists them for users.
 */
export const CENSUS_FILES = {
  train: {
    name: "census-income.data",
    contentSha256: "3676a81db7d3528f3f8b9f3c699d0f0aa28db45e6e994fa0b8ed38327539ee86",
    contentBytes: 103_874_469,
    rows: 199_523,
  },
  test: {
    name: "census-income.test",
    contentSha256: "98402b1ab879573d0a7f38a699a40258080e25e33d3401e7bf9c96d3fa0fab8c",
    contentBytes: 51_918_813,
    rows: 99_762,
  },
  names: {
    name: "census-income.names",
    contentSha256: "d6fea52977f68504ab3149351980458e09bfc3116808da8986646710d254ef98",
    contentBytes: 14_892,
    rows: 0,
  },
} as const;

export type CensusFileRole = keyof typeof CENSUS_FILES;

/** The data set's UCI home, as named in the original distribution (used by `npm run data -- fetch`). */
export const UCI_BASE_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/census-income-mld/";

/** Environment variable naming a folder that holds the files (CI and the shared machine set it). */
export const CENSUS_DIR_ENV = "CENSUS_INCOME_DIR";

/** The project's own data folder, git-ignored: <root>/data/census-income. */
export function defaultCensusDir(): string {
  return path.join(projectRoot(), "data", "census-income");
}

/** How to get the files; appended to every not-found / checksum / truncation message. */
export function howToGetCensusFiles(): string {
  const sums = (["train", "test"] as const).map((r) => `${CENSUS_FILES[r].name} ${CENSUS_FILES[r].contentSha256}`).join(", ");
  return (
    `Put census-income.data(.gz) and census-income.test(.gz) into data/census-income/ in the project folder, ` +
    `or into any folder and set ${CENSUS_DIR_ENV} to it. Get them with \`npm run data -- fetch\` (downloads from UCI and checks them; needs internet) ` +
    `or from ${UCI_BASE_URL} (the UCI Machine Learning Repository, "Census-Income (KDD)"). ` +
    `sha256 of the (decompressed) content: ${sums}. See data/README.md.`
  );
}

export interface LocatedCensusFiles {
  /** The folder the files were found in, and why that folder (option, env or default). */
  dir: string;
  from: "option" | "env" | "default";
  /** Absolute path of each file found (.gz preferred when both exist). */
  train: string;
  test: string;
  names?: string;
}

/**
 * Finds the files: `dir` if given, else $CENSUS_INCOME_DIR if set, else <root>/data/census-income.
 * An explicitly named folder is never silently replaced by the default: a wrong setting is an error.
 */
export function locateCensusFiles(dir?: string): LocatedCensusFiles {
  const env = process.env[CENSUS_DIR_ENV];
  const [where, from]: [string, LocatedCensusFiles["from"]] =
    dir !== undefined ? [dir, "option"] : env ? [env, "env"] : [defaultCensusDir(), "default"];
  const abs = path.resolve(where);
  const find = (role: CensusFileRole): string | undefined => {
    const base = path.join(abs, CENSUS_FILES[role].name);
    return [base + ".gz", base].find((p) => fs.existsSync(p));
  };
  const train = find("train");
  const test = find("test");
  const missing = [!train && "census-income.data(.gz)", !test && "census-income.test(.gz)"].filter(Boolean);
  if (!train || !test) {
    const source = from === "env" ? ` (from ${CENSUS_DIR_ENV})` : from === "option" ? " (passed as dir)" : "";
    throw new DataError(
      "not-found",
      `Census-Income file(s) not found: ${missing.join(" and ")} ` +
        `${fs.existsSync(abs) ? "missing in" : "— the folder does not exist:"} ${abs}${source}. ` +
        `Expected the UCI files with the sha256 sums recorded in lib/data/census-files.ts. ${howToGetCensusFiles()}`,
    );
  }
  return { dir: abs, from, train, test, names: find("names") };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A file's content (decompressed if gzipped) with its sha256, and the sha256 of the stored bytes. */
export interface FileContent {
  path: string;
  content: Buffer;
  contentSha256: string;
  storedSha256: string;
  gzipped: boolean;
}

/** Reads a file and decompresses it if it is gzip; a truncated or corrupt gzip is a DataError. */
export function readContent(file: string): FileContent {
  if (!fs.existsSync(file)) {
    throw new DataError("not-found", `${file} does not exist. ${howToGetCensusFiles()}`);
  }
  const stored = fs.readFileSync(file);
  const gzipped = isGzip(stored);
  let content: Buffer = stored;
  if (gzipped) {
    try {
      content = gunzipSync(stored);
    } catch (e) {
      throw new DataError(
        "truncated",
        `${file} is not a complete gzip stream (${(e as Error).message}): the file is truncated or corrupt. ` +
          `Replace it with an intact copy. ${howToGetCensusFiles()}`,
      );
    }
  }
  return { path: file, content, contentSha256: sha256Hex(content), storedSha256: sha256Hex(stored), gzipped };
}

/**
 * Reads `file` and checks its content against `expectedSha256`; a mismatch is one DataError naming
 * the file, both sums, the sizes and the fix. Pass `expectedSha256: null` to skip the check
 * (only for small test fixtures — never for the real data).
 */
export function readVerified(file: string, expectedSha256: string | null, expectedBytes?: number): FileContent {
  const c = readContent(file);
  if (expectedSha256 !== null && c.contentSha256 !== expectedSha256) {
    const size = expectedBytes !== undefined ? ` (${expectedBytes.toLocaleString("en-US")} bytes)` : "";
    throw new DataError(
      "checksum",
      `${file}: sha256 of its ${c.gzipped ? "decompressed " : ""}content is ${c.contentSha256} ` +
        `(${c.content.length.toLocaleString("en-US")} bytes), expected ${expectedSha256}${size}. ` +
        `The file is truncated, altered or a different version of Census-Income (KDD). ${howToGetCensusFiles()}`,
    );
  }
  return c;
}

/** Reads and verifies one of the three Census-Income files. */
export function readCensusFile(role: CensusFileRole, file: string): FileContent {
  const spec = CENSUS_FILES[role];
  return readVerified(file, spec.contentSha256, spec.contentBytes);
}

/** sha256 of the stored bytes only: cheap, used to key the cache without decompressing. */
export function storedSha256(file: string): string {
  return sha256Hex(fs.readFileSync(file));
}
