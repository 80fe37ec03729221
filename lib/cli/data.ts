/**
 * `npm run data -- <command>`: the data layer's command line.
 *   verify  check the Census-Income files (sha256), prepare them (or load the cache) and print
 *           per split: rows, label prevalences, categorical columns and vocabulary sizes, numeric
 *           columns, one-hot width; exit 1 if any protocol fact of docs/protocol.md ("Data") fails.
 *   prepare build the Census cache (data/cache/) now, so later runs load in about a second.
 *   fetch   download the three files from UCI into data/census-income/ (needs internet) and verify.
 *   bench   measure cold preparation (time, peak RSS), cached load, and the synthetic generators.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CENSUS_FILES, CENSUS_GROUP_NAMES, CensusFileRole, censusGroup, censusProtocolChecks, DataError,
  defaultCensusDir, generateSynthetic, labelPearsonGrid, loadCensus, locateCensusFiles, readCensusFile,
  syntheticChunks, syntheticParams, UCI_BASE_URL,
} from "../data";
import { CENSUS_SPLIT_SEED } from "../data/census-split";
import { prevalence } from "../data/stats";
import { WriteError } from "../errors";
import { intOption, parseCli, pathOption, runCli, UsageError } from "./args";

const USAGE = `usage: npm run data -- <verify | prepare | fetch | bench> [--dir DIR] [--cache-dir DIR] [--split-seed N] [--keep-instance-weight]
  verify   check files and protocol facts (exit 1 on any failure)
  prepare  build the cache (default data/cache/, or --cache-dir)
  fetch    download the files from ${UCI_BASE_URL} into data/census-income/ (or --dir) and check sha256
  bench    time cold preparation, cached load and the synthetic generators
  --dir DIR          folder with the Census-Income files (default $CENSUS_INCOME_DIR, else data/census-income/)
  --cache-dir DIR    folder of the prepared-data cache (default data/cache/)
  --split-seed N     seed of the validation/test halving of census-income.test, 0 to 4294967295 (default ${CENSUS_SPLIT_SEED})
  --keep-instance-weight  keep the instance-weight column as an input`;

const COMMANDS = ["verify", "prepare", "fetch", "bench", "bench-child"] as const;
type Command = (typeof COMMANDS)[number];

interface Flags {
  dir?: string;
  splitSeed: number;
  keepInstanceWeight: boolean;
  cacheDir?: string;
}

/** A folder option: refused when it names an existing file (the data or cache would be written "into" it). */
function folderOption(value: string | undefined, flag: string): string | undefined {
  const dir = pathOption(value, flag, "/tmp/census-cache");
  if (dir !== undefined && fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`${flag} ${dir} is a file; give a folder`);
  return dir;
}

/** The command and its options, all checked before any file is read. */
function parseCommand(argv: string[]): { command: Command; flags: Flags; mode?: string } {
  const { values: v, positionals } = parseCli(
    argv,
    { dir: { type: "string" }, "cache-dir": { type: "string" }, "split-seed": { type: "string" }, "keep-instance-weight": { type: "boolean" } },
    true,
  );
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError("no command given");
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (rest.length > (command === "bench-child" ? 1 : 0)) throw new UsageError(`unexpected argument "${rest[rest.length - 1]}"`);
  const flags: Flags = {
    dir: folderOption(v.dir, "--dir"),
    cacheDir: folderOption(v["cache-dir"], "--cache-dir"),
    splitSeed: v["split-seed"] === undefined ? CENSUS_SPLIT_SEED : intOption(v["split-seed"], "--split-seed", 0, 0xffffffff),
    keepInstanceWeight: v["keep-instance-weight"] ?? false,
  };
  return { command: command as Command, flags, mode: rest[0] };
}

const pct = (y: Float32Array): string => (100 * prevalence(y)).toFixed(2).padStart(6) + " %";

function verify(f: Flags): number {
  const located = locateCensusFiles(f.dir);
  console.log(`Census-Income files in ${located.dir} (from ${located.from}):`);
  const roles: [CensusFileRole, string | undefined][] = [["train", located.train], ["test", located.test], ["names", located.names]];
  let failed = 0;
  for (const [role, file] of roles) {
    if (!file) {
      console.log(`  FAIL ${CENSUS_FILES[role].name}: missing (expected beside the data files)`);
      failed++;
      continue;
    }
    try {
      const c = readCensusFile(role, file);
      console.log(`  ok   ${path.basename(file)}: content sha256 ${c.contentSha256.slice(0, 16)}… (${c.gzipped ? "gzip" : "plain"}, ${c.content.length.toLocaleString("en-US")} bytes)`);
    } catch (e) {
      console.log(`  FAIL ${(e as Error).message}`);
      failed++;
    }
  }
  if (failed) return 1;

  const loaded = loadCensus({ dir: f.dir, cacheDir: f.cacheDir, keepInstanceWeight: f.keepInstanceWeight });
  console.log(`\nPrepared data: ${loaded.fromCache ? "cache" : "prepared now"} (${loaded.seconds.toFixed(2)} s)${loaded.cacheFile ? ", " + loaded.cacheFile : ""}`);
  const g = censusGroup(loaded, "adatt", { splitSeed: f.splitSeed });
  const p = loaded.prepared;
  console.log(`Split seed ${g.provenance.splitSeed} (validation/test halves of census-income.test)\n`);
  console.log("split        rows    income   never married   bachelor+   associate+");
  const { validation, test } = { validation: g.validation, test: g.test };
  const assoc = censusGroup(loaded, "mmoe-g2", { splitSeed: f.splitSeed });
  for (const [name, s, a] of [["train", g.train, assoc.train], ["validation", validation, assoc.validation], ["test", test, assoc.test]] as const) {
    console.log(`${name.padEnd(10)} ${String(s.rows).padStart(7)} ${pct(s.labels[0])}  ${pct(s.labels[1])}      ${pct(s.labels[2])}    ${pct(a.labels[0])}`);
  }
  console.log(`test file  ${String(p.testFile.rows).padStart(7)} ${pct(p.testFile.labels.income)}  ${pct(p.testFile.labels.never_married)}      ${pct(p.testFile.labels.education_bachelor_plus)}    ${pct(p.testFile.labels.education_associate_plus)}`);

  console.log("\nInputs per group (identical for every split: vocabularies and scaling fitted on train):");
  let shownLayout = "";
  for (const name of CENSUS_GROUP_NAMES) {
    const grp = censusGroup(loaded, name, { splitSeed: f.splitSeed });
    console.log(`  ${name}: tasks ${grp.tasks.map((t) => `${t.name} (${t.kind})`).join(", ")}`);
    const layout = grp.categoricalColumns.map((c, j) => `${c}=${grp.input.categorical[j]}`).join(" ");
    console.log(`    ${grp.categoricalColumns.length} categorical columns, vocabulary sizes (incl. index 0 = unknown): ` +
      (layout === shownLayout ? "as above" : layout));
    shownLayout = layout;
    console.log(`    ${grp.numericColumns.length} numeric columns: ${grp.numericColumns.join(", ")}; one-hot width ${grp.oneHotWidth}` +
      ` (${grp.oneHotWidth + grp.numericColumns.length} with numerics)`);
  }

  console.log("\nProtocol facts (docs/protocol.md, Data):");
  const checks = censusProtocolChecks(loaded);
  for (const c of checks) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.what}: expected ${c.expected}, got ${c.actual}`);
  const bad = checks.filter((c) => !c.ok).length;
  console.log(bad ? `\n${bad} protocol fact(s) FAILED` : "\nall protocol facts hold");
  return bad ? 1 : 0;
}

function prepare(f: Flags): number {
  const l = loadCensus({ dir: f.dir, cacheDir: f.cacheDir, keepInstanceWeight: f.keepInstanceWeight, log: (m) => console.log(m) });
  console.log(`${l.fromCache ? "cache already valid" : "prepared"}: ${l.cacheFile} (${l.seconds.toFixed(2)} s)`);
  return 0;
}

async function fetchFiles(f: Flags): Promise<number> {
  const dir = path.resolve(f.dir ?? defaultCensusDir());
  fs.mkdirSync(dir, { recursive: true });
  const wanted: [CensusFileRole, string][] = [["train", "census-income.data.gz"], ["test", "census-income.test.gz"], ["names", "census-income.names"]];
  for (const [role, name] of wanted) {
    const url = UCI_BASE_URL + name;
    const target = path.join(dir, name);
    console.log(`fetching ${url}`);
    let bytes: Buffer;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      throw new DataError(
        "fetch",
        `could not download ${url} (${cause}). This machine may have no internet access. Instead, copy the files ` +
          `(from a machine that has them, or downloaded elsewhere) into ${dir}, or set CENSUS_INCOME_DIR to a folder holding them; data/README.md lists their sha256.`,
      );
    }
    const tmp = `${target}.download-${process.pid}`;
    try {
      fs.writeFileSync(tmp, bytes);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new WriteError(target, e);
    }
    try {
      readCensusFile(role, tmp); // verifies the (decompressed) content's sha256
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fs.renameSync(tmp, target);
    console.log(`  ok ${target}`);
  }
  return 0;
}

/** Runs inside a fresh process so timing and peak RSS are this step's alone. */
function benchChild(mode: string, f: Flags): number {
  const t0 = performance.now();
  const l = loadCensus({ dir: f.dir, cacheDir: f.cacheDir, cache: mode !== "nocache" });
  const g = censusGroup(l, "adatt");
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ mode, fromCache: l.fromCache, seconds, trainRows: g.train.rows, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
  return 0;
}

function bench(f: Flags): number {
  const tmpCache = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-data-bench-"));
  const run = (mode: string): { seconds: number; maxRssMB: number; fromCache: boolean } => {
    const args = [__filename, "bench-child", mode, "--cache-dir", tmpCache, ...(f.dir ? ["--dir", f.dir] : [])];
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bench child ${mode} failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  };
  try {
    const cold = run("nocache");
    console.log(`census cold preparation (verify + parse + prepare + adatt group, no cache): ${cold.seconds.toFixed(2)} s, peak RSS ${cold.maxRssMB.toFixed(0)} MB`);
    const write = run("cache");
    console.log(`census cold preparation + cache write:                                   ${write.seconds.toFixed(2)} s, peak RSS ${write.maxRssMB.toFixed(0)} MB`);
    const hit = run("cache");
    console.log(`census cached load + adatt group (fresh process, cache hit=${hit.fromCache}):          ${hit.seconds.toFixed(2)} s, peak RSS ${hit.maxRssMB.toFixed(0)} MB`);
  } finally {
    fs.rmSync(tmpCache, { recursive: true, force: true });
  }
  let t = performance.now();
  generateSynthetic(syntheticParams("mmoe", { p: 0.5, seed: 1 }));
  console.log(`synthetic mmoe preset (10,000 × 100): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  t = performance.now();
  const grid = labelPearsonGrid({ seed: 1 });
  console.log(`label Pearson grid (21 p × 100 data sets × 10,000 samples, projected): ${((performance.now() - t) / 1000).toFixed(2)} s` +
    ` (p = 0.5: ${grid[15].mean.toFixed(3)} ± ${(2 * grid[15].std).toFixed(3)})`);
  t = performance.now();
  let rows = 0;
  for (const chunk of syntheticChunks(syntheticParams("ple", { p: 0.5, seed: 1, samples: 100_000 }))) rows += chunk.rows;
  const s = (performance.now() - t) / 1000;
  console.log(`synthetic ple preset: ${rows.toLocaleString("en-US")} × 512 rows in ${s.toFixed(2)} s → 1.4 M rows ≈ ${((s * 1.4e6) / rows).toFixed(0)} s`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "help") argv = ["--help"];
  const { command, flags, mode } = parseCommand(argv);
  switch (command) {
    case "verify":
      return verify(flags);
    case "prepare":
      return prepare(flags);
    case "fetch":
      return fetchFiles(flags);
    case "bench":
      return bench(flags);
    case "bench-child":
      return benchChild(mode ?? "cache", flags);
  }
}

runCli(USAGE, () => main(process.argv.slice(2)));
