/**
 * `npm test [-- NAME…] [--test-name-pattern REGEX]`: the test files of build/test, one after
 * another (they share one results folder layout and a 2-core budget), or only those named
 * (`tables` → build/test/tables.test.js). Options starting with --test are node's test runner's
 * and are passed on. `npm test -- --help` prints how to run one file or one test.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../project";
import { EXIT, runCli, UsageError } from "./args";

const USAGE = "usage: npm test [-- NAME…] [--test-name-pattern REGEX] [--test-only] [other node --test options]";

const HELP = `${USAGE}

Builds the project, checks the system tools (lib/cli/ensure-tools.ts), then runs the test files of build/test/ one after another.
  npm test                                          every test file (long: trains smoke profiles, runs notebooks)
  npm test -- tables                                one file: build/test/tables.test.js (test/tables.test.ts)
  npm test -- tables figures                        several files
  npm test -- tables --test-name-pattern "LaTeX"    the tests of that file whose name matches
  node --test build/test/tables.test.js             the same without the build step (after npm run build)
Options starting with --test are node's test runner's (node --help lists them); they are passed on.`;

function testDir(): string {
  return path.join(projectRoot(), "build", "test");
}

/** NAME (tables, tables.test, test/tables.test.ts, build/test/tables.test.js) → the compiled file. */
export function testFile(name: string, dir = testDir()): string {
  const stem = path.basename(name).replace(/\.(test\.)?(ts|js)$/, "").replace(/\.test$/, "");
  const file = path.join(dir, `${stem}.test.js`);
  if (!fs.existsSync(file)) {
    const all = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".test.js")).map((f) => f.replace(/\.test\.js$/, "")) : [];
    throw new UsageError(`no test file "${name}" (looked for ${path.relative(projectRoot(), file)}); test files: ${all.join(", ")}`);
  }
  return file;
}

function main(): number {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const passOn: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--test")) {
      passOn.push(a);
      // "--test-name-pattern X": the value travels with its option
      if (!a.includes("=") && /^--test-(name-pattern|skip-pattern|reporter|reporter-destination|concurrency|timeout)$/.test(a) && argv[i + 1] !== undefined) passOn.push(argv[++i]);
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}: give test file names and node's --test… options`);
    else names.push(a);
  }
  const files = names.length ? names.map((n) => testFile(n)) : fs.readdirSync(testDir()).filter((f) => f.endsWith(".test.js")).sort().map((f) => path.join(testDir(), f));
  // the system tools the tests need (Jupyter, chromium, redis-server), installed or named before any test runs
  const tools = spawnSync(process.execPath, [path.join(__dirname, "ensure-tools.js")], { stdio: "inherit" });
  if (tools.status !== 0) return tools.status ?? EXIT.failure;
  const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...passOn, ...files], { stdio: "inherit" });
  return r.status ?? EXIT.failure;
}

if (require.main === module) runCli(USAGE, main);
