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
import { EXIT, parseCli, pathOption, runCli, UsageError } from "./args";


interface Options {
  names: string[];
  profile: string;
  backend?: string;
  out?: string;
  html: boolean;
}

const USAGE = "usage: npm run notebooks [-- NAME…] [--profile smoke|quick|paper] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--out DIR] [--html]";

function parseOptions(argv: string[]): Options {
  const { values: v, positionals } = parseCli(argv, { profile: { type: "string" }, backend: { type: "string" }, out: { type: "string" }, html: { type: "boolean" } }, true);
  const opts: Options = { names: positionals, profile: v.profile ?? process.env.MTL_PROFILE ?? DEFAULT_PROFILE, backend: v.backend, out: pathOption(v.out, "--out", "/tmp/nb"), html: v.html ?? false };
  if (!(PROFILES as readonly string[]).includes(opts.profile)) throw new UsageError(`--profile must be one of ${PROFILES.join(", ")}; got "${opts.profile}"`);
  if (opts.backend !== undefined) {
    try {
      parseBackendPreference(opts.backend, "--backend");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
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

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const dir = path.join(projectRoot(), "notebooks");
  let selected: string[];
  try {
    selected = selectNotebooks(dir, opts.names);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const env: Record<string, string> = { MTL_PROFILE: opts.profile };
  if (opts.backend) env.MTL_BACKEND = opts.backend;
  for (const src of selected) {
    const dest = opts.out ? path.join(path.resolve(opts.out), path.basename(src)) : src;
    const t0 = Date.now();
    console.log(`▶ ${path.basename(src)} (profile ${opts.profile}) …`);
    try {
      await executeNotebook(src, dest, { env });
      console.log(`✔ ${path.relative(process.cwd(), dest)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (opts.html) {
        const html = dest.replace(/\.ipynb$/, ".html");
        await exportNotebookHtml(dest, html);
        console.log(`  HTML with live figures: ${path.relative(process.cwd(), html)}`);
      }
    } catch (e) {
      // a failing cell or a missing tool: its message says which and how to fix it
      console.error(`\n✘ ${(e as Error).message}`);
      return EXIT.failure;
    }
  }
  return EXIT.ok;
}

runCli(USAGE, main);
