/**
 * `npm test [-- FILE… --grep PATTERN]` and `npm run test:fast`: node's test runner over the
 * compiled test files, one file at a time (the suites share the machine's cores with the worker
 * threads they start). The fast tier leaves out the files that train beyond a few steps or drive
 * Jupyter and chromium, so that a change to models, data, statistics or claims is checked in
 * minutes; CI runs every file.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../project";
import { EXIT, parseCli, runCli, UsageError } from "./args";

const USAGE = [
  "usage: npm test [-- [FILE…] [--grep PATTERN]]      every test file, or the named ones",
  "       npm run test:fast [-- --grep PATTERN]      the files that train no more than a few steps",
  "  FILE     a test file by name: claims, claims.test.ts, test/claims.test.ts or build/test/claims.test.js",
  "  --grep   only the tests whose name matches PATTERN (a regular expression; node's --test-name-pattern)",
].join("\n");

/**
 * Files that train whole smoke profiles, start worker threads, Redis, Jupyter or chromium: minutes
 * each. Every other file belongs to the fast tier. A test checks that each name here exists, so a
 * renamed file cannot drop out of the slow tier unnoticed.
 */
export const SLOW_TEST_FILES: readonly string[] = [
  "engine-demo",
  "engine-experiment",
  "engine-fresh-seeds-rates",
  "engine-queue",
  "engine-results",
  "engine-run-config",
  "engine-shard-merge",
  "engine-verify",
  "engine-workers",
  "experiments-mmoe-synthetic",
  "figures",
  "guarded-store",
  "jupyter-browser",
  "notebooks",
  "notebook-tools",
  "studies-adatt-ablation",
  "studies-funnel",
  "studies-seesaw",
  "verify-committed",
];

export const testDir = (root = projectRoot()) => path.join(root, "build", "test");

/** Every compiled test file's stem ("claims" for build/test/claims.test.js), sorted. */
export function testStems(dir = testDir()): string[] {
  if (!fs.existsSync(dir)) throw new UsageError(`${dir} does not exist: run \`npm run build\` first`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.js"))
    .map((f) => f.slice(0, -".test.js".length))
    .sort();
}

/** The stem a user's FILE names, or a UsageError listing what exists. */
export function stemOf(name: string, stems: readonly string[]): string {
  const stem = path.basename(name).replace(/\.(js|ts)$/, "").replace(/\.test$/, "");
  if (!stems.includes(stem)) throw new UsageError(`no test file "${name}"; test files: ${stems.join(", ")}`);
  return stem;
}

/** The stems a command runs: the named ones, else the tier's. */
export function selectTests(stems: readonly string[], names: readonly string[], fast: boolean): string[] {
  if (names.length) return names.map((n) => stemOf(n, stems));
  return fast ? stems.filter((s) => !SLOW_TEST_FILES.includes(s)) : [...stems];
}

function main(): number {
  const { values, positionals } = parseCli(process.argv.slice(2), { fast: { type: "boolean" }, grep: { type: "string" } }, true);
  if (values.fast && positionals.length) throw new UsageError("--fast runs a tier; name files without it");
  const dir = testDir();
  const files = selectTests(testStems(dir), positionals, values.fast ?? false).map((s) => path.join(dir, `${s}.test.js`));
  const args = ["--test", "--test-concurrency=1", ...(values.grep !== undefined ? [`--test-name-pattern=${values.grep}`] : []), ...files];
  const r = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (r.signal === "SIGINT") return EXIT.interrupted;
  return r.status ?? EXIT.failure;
}

if (require.main === module) runCli(USAGE, main);
