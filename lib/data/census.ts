/**
 * Loading Census-Income end to end: locate → (cache hit? done) → verify sha256 → parse → prepare
 * → cache. The cache key uses the sha256 of the STORED bytes (cheap: no decompression), the
 * preparation options and PREPARATION_VERSION; a key can only have been written after the same
 * bytes passed the content check, so a hit needs no re-verification.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { projectRoot } from "../project";
import { readCensusFile, locateCensusFiles, storedSha256 } from "./census-files";
import { parseCensus } from "./census-parse";
import { CensusPrepareOptions, PREPARATION_VERSION, PreparedCensus, prepareCensus, resolvePrepareOptions } from "./census-prepare";
import { readPreparedCache, writePreparedCache } from "./census-cache";

export interface LoadCensusOptions extends CensusPrepareOptions {
  /** Folder holding the files (default: $CENSUS_INCOME_DIR, else <root>/data/census-income). */
  dir?: string;
  /** Cache folder (default <root>/data/cache). */
  cacheDir?: string;
  /** false: neither read nor write the cache (benchmarks of a cold preparation). Default true. */
  cache?: boolean;
  /** Progress messages (e.g. console.error); silent by default. */
  log?: (message: string) => void;
}

export interface CensusFileRecord {
  path: string;
  /** sha256 of the bytes on disk (gzip container or plain). */
  storedSha256: string;
  /** sha256 of the (decompressed) content: the value checked against CENSUS_FILES. */
  contentSha256: string;
}

export interface LoadedCensus {
  prepared: PreparedCensus;
  files: { train: CensusFileRecord; test: CensusFileRecord };
  cacheKey: string;
  cacheFile?: string;
  fromCache: boolean;
  /** Why the cache was not used, when it was not (e.g. "payload sha256 mismatch (corrupt)"). */
  cacheMiss?: string;
  seconds: number;
}

export function defaultCacheDir(): string {
  return path.join(projectRoot(), "data", "cache");
}

const memo = new Map<string, LoadedCensus>();

/** Loads the prepared Census-Income data, from the cache when it is valid. */
export function loadCensus(options: LoadCensusOptions = {}): LoadedCensus {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const opts = resolvePrepareOptions(options);
  const located = locateCensusFiles(options.dir);
  const stored = { train: storedSha256(located.train), test: storedSha256(located.test) };
  const cacheKey = createHash("sha256")
    .update(JSON.stringify({ version: PREPARATION_VERSION, options: opts, stored }))
    .digest("hex");
  const useCache = options.cache ?? true;
  const cacheFile = useCache ? path.join(options.cacheDir ?? defaultCacheDir(), `census-${cacheKey.slice(0, 16)}.bin`) : undefined;
  const memoKey = `${cacheKey}|${cacheFile ?? ""}`;

  if (useCache && memo.has(memoKey)) return memo.get(memoKey)!;
  let cacheMiss: string | undefined = useCache ? undefined : "cache disabled";
  if (cacheFile) {
    const hit = readPreparedCache(cacheFile, cacheKey);
    if (hit.ok) {
      const meta = hit.meta as { contentSha256?: { train: string; test: string } };
      const loaded: LoadedCensus = {
        prepared: hit.prepared,
        files: {
          train: { path: located.train, storedSha256: stored.train, contentSha256: meta.contentSha256?.train ?? "" },
          test: { path: located.test, storedSha256: stored.test, contentSha256: meta.contentSha256?.test ?? "" },
        },
        cacheKey,
        cacheFile,
        fromCache: true,
        seconds: (performance.now() - t0) / 1000,
      };
      memo.set(memoKey, loaded);
      log(`census: loaded from cache ${cacheFile} in ${loaded.seconds.toFixed(2)} s`);
      return loaded;
    }
    cacheMiss = hit.reason;
    log(`census: cache not used (${hit.reason}); preparing from ${located.dir}`);
  }

  // Read and verify both files before parsing either, so a bad file fails fast and alone.
  const trainFile = readCensusFile("train", located.train);
  const testFileContent = readCensusFile("test", located.test);
  const contentSha256 = { train: trainFile.contentSha256, test: testFileContent.contentSha256 };
  const parsedTrain = parseCensus(trainFile.content, located.train);
  const parsedTest = parseCensus(testFileContent.content, located.test);
  const prepared = prepareCensus(parsedTrain, parsedTest, opts);
  if (cacheFile) {
    writePreparedCache(cacheFile, cacheKey, prepared, { contentSha256 });
    log(`census: cache written to ${cacheFile}`);
  }
  const loaded: LoadedCensus = {
    prepared,
    files: {
      train: { path: located.train, storedSha256: stored.train, contentSha256: contentSha256.train },
      test: { path: located.test, storedSha256: stored.test, contentSha256: contentSha256.test },
    },
    cacheKey,
    cacheFile,
    fromCache: false,
    cacheMiss,
    seconds: (performance.now() - t0) / 1000,
  };
  if (useCache) memo.set(memoKey, loaded);
  log(`census: prepared in ${loaded.seconds.toFixed(2)} s`);
  return loaded;
}

/** Forgets in-process results (tests that corrupt a cache file need a real re-read). */
export function clearCensusMemo(): void {
  memo.clear();
}
