/**
 * `npm test [-- NAME… --test-name-pattern REGEX]` and `npm run test:fast`: node's test runner over
 * the compiled test files, one file at a time (the suites share the machine's cores with the
 * worker threads they start), or only the files named (`tables` → build/test/tables.test.js).
 * The fast tier leaves out the files that train beyond a few steps or drive Jupyter and chromium,
 * so that a change to models, data, statistics or claims is checked in minutes; CI runs every
 * file. Options starting with --test are node's test runner's and are passed on.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../project";
import { EXIT, runCli, UsageError } from "./args";

const USAGE = "usage: npm test [-- NAME…] [--test-name-pattern REGEX] [other node --test options];  npm run test:fast";

const HELP = `${USAGE}

  npm test                                          every test file (what CI runs; long: trains smoke profiles, runs notebooks)
  npm run test:fast                                 the files that train no more than a few steps (a few minutes)
  npm test -- tables                                one file: build/test/tables.test.js (test/tables.test.ts)
  npm test -- tables figures                        several files
  npm test -- tables --test-name-pattern "LaTeX"    the tests of that file whose name matches
  node --test build/test/tables.test.js             the same without the build step (after npm run build)
Options starting with --test are node's test runner's (node --help lists them); they are passed on.`;

/**
 * Files that train whole smoke profiles, start worker threads, Redis, Jupyter or chromium: minutes
 * each. Every other file belongs to the fast tier. A test checks that each name here exists, so a
 * renamed file cannot drop out of the slow tier unnoticed.
 */
export const SLOW_TEST_FILES: readonly string[] = [
  "cli-help",
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
  "figures-labels",
  "guarded-store",
  "jupyter-browser",
  "load-read-only",
  "notebooks",
  "notebook-tools",
  "studies-adatt-ablation",
  "studies-funnel",
  "studies-seesaw",
  "studies-user-models",
  "verify-committed",
];

export const testDir = (root = projectRoot()) => path.join(root, "build", "test");

/**
 * Every compiled test file's stem ("claims" for build/test/claims.test.js), sorted. A compiled file
 * whose test/<stem>.test.ts is gone is left out: tsc does not delete the output of a renamed or
 * removed test, and running it would test code that no longer exists.
 */
export function testStems(dir = testDir(), sources = path.join(dir, "..", "..", "test")): string[] {
  if (!fs.existsSync(dir)) throw new UsageError(`${dir} does not exist: run \`npm run build\` first`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.js"))
    .map((f) => f.slice(0, -".test.js".length))
    .filter((stem) => fs.existsSync(path.join(sources, `${stem}.test.ts`)))
    .sort();
}

/** The stem a user's NAME stands for (tables, tables.test, test/tables.test.ts, build/test/tables.test.js), or a UsageError listing what exists. */
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

/** Splits argv into test names, node's --test… options (values travel with their option) and --fast. */
export function parseTestArgs(argv: readonly string[]): { names: string[]; passOn: string[]; fast: boolean; help: boolean } {
  const out = { names: [] as string[], passOn: [] as string[], fast: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") out.help = true;
    else if (a === "--fast") out.fast = true;
    else if (a.startsWith("--test")) {
      out.passOn.push(a);
      if (!a.includes("=") && /^--test-(name-pattern|skip-pattern|reporter|reporter-destination|concurrency|timeout)$/.test(a) && argv[i + 1] !== undefined) out.passOn.push(argv[++i]);
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}: give test file names and node's --test… options`);
    else out.names.push(a);
  }
  if (out.fast && out.names.length) throw new UsageError("--fast runs a tier; name files without it");
  return out;
}

function main(): number {
  const args = parseTestArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const dir = testDir();
  const files = selectTests(testStems(dir), args.names, args.fast).map((s) => path.join(dir, `${s}.test.js`));
  const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...args.passOn, ...files], { stdio: "inherit" });
  if (r.signal === "SIGINT") return EXIT.interrupted;
  return r.status ?? EXIT.failure;
}

if (require.main === module) runCli(USAGE, main);
