/**
 * `npm run notebooks [-- names…] [--profile smoke|quick|paper] [--backend NAME] [--out DIR] [--html]`
 *
 * Executes notebooks headless with the tslab kernel and writes them back with their outputs
 * (or into --out), normalised so that re-runs diff cleanly. Exits non-zero when any cell fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseBackendPreference } from "../backend";
import { DEFAULT_PROFILE, PROFILES } from "../engine/experiment";
import { executeNotebook, exportNotebookHtml } from "../notebook/jupyter";
import { projectRoot } from "../project";


interface Options {
  names: string[];
  profile: string;
  backend?: string;
  out?: string;
  html: boolean;
}

const USAGE = "usage: npm run notebooks [-- NAME…] [--profile smoke|quick|paper] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--out DIR] [--html]";

function parseArgs(argv: string[]): Options {
  const opts: Options = { names: [], profile: process.env.MTL_PROFILE ?? DEFAULT_PROFILE, html: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--profile") opts.profile = value();
    else if (a === "--backend") opts.backend = value();
    else if (a === "--out") opts.out = value();
    else if (a === "--html") opts.html = true;
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else opts.names.push(a);
  }
  if (!(PROFILES as readonly string[]).includes(opts.profile)) throw new Error(`--profile must be one of ${PROFILES.join(", ")}; got "${opts.profile}"`);
  if (opts.backend !== undefined) parseBackendPreference(opts.backend, "--backend");
  return opts;
}

/** Notebooks matching the names (a number prefix like "01", a stem, or a file name); all by default. */
export function selectNotebooks(dir: string, names: string[]): string[] {
  const all = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".failed.ipynb"))
    .sort();
  if (names.length === 0) return all.map((f) => path.join(dir, f));
  return names.map((n) => {
    const stem = n.replace(/\.ipynb$/, "");
    const hits = all.filter((f) => f === `${stem}.ipynb` || f.startsWith(`${stem}-`));
    if (hits.length !== 1) {
      throw new Error(`notebook "${n}" ${hits.length ? `is ambiguous (${hits.join(", ")})` : "not found"}; notebooks: ${all.join(", ")}`);
    }
    return path.join(dir, hits[0]);
  });
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const dir = path.join(projectRoot(), "notebooks");
  const env: Record<string, string> = { MTL_PROFILE: opts.profile };
  if (opts.backend) env.MTL_BACKEND = opts.backend;
  for (const src of selectNotebooks(dir, opts.names)) {
    const dest = opts.out ? path.join(path.resolve(opts.out), path.basename(src)) : src;
    const t0 = Date.now();
    console.log(`▶ ${path.basename(src)} (profile ${opts.profile}) …`);
    await executeNotebook(src, dest, { env });
    console.log(`✔ ${path.relative(process.cwd(), dest)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (opts.html) {
      const html = dest.replace(/\.ipynb$/, ".html");
      await exportNotebookHtml(dest, html);
      console.log(`  HTML with live figures: ${path.relative(process.cwd(), html)}`);
    }
  }
}

main().catch((e: Error) => {
  console.error(`\n✘ ${e.message}`);
  process.exit(1);
});
