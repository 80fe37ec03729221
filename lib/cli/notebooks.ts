/**
 * `npm run notebooks [-- names…] [--profile smoke|quick|paper] [--backend NAME] [--out DIR] [--html]`
 *
 * Executes notebooks headless with the tslab kernel and writes them back with their outputs
 * (or into --out), normalised so that re-runs diff cleanly. Exits non-zero when any cell fails.
 * With --out, results the notebooks compute go to <out>/results too (seeded with the project's
 * results of the profile, so nothing already computed is trained again); MTL_RESULTS_DIR wins.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseBackendPreference } from "../backend";
import { DEFAULT_PROFILE, PROFILES } from "../engine/experiment";
import { executeNotebook, exportNotebookHtml } from "../notebook/jupyter";
import { defaultResultsRoot } from "../engine/results-store";
import { projectRoot } from "../project";
import { displayPath, resolveUserPath } from "./user-paths";
import { EXIT, parseCli, pathOption, runCli, UsageError } from "./args";
import { UserError } from "../errors";

interface Options {
  names: string[];
  profile: string;
  backend?: string;
  out?: string;
  html: boolean;
}

const USAGE = "usage: npm run notebooks [-- NAME…] [--profile smoke|quick|paper] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--out DIR] [--html]";
const OPTIONS = { profile: { type: "string" }, backend: { type: "string" }, out: { type: "string" }, html: { type: "boolean" } } as const;

function parseNotebooksArgs(argv: string[]): Options {
  const { values: v, positionals } = parseCli(argv, OPTIONS, true);
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
      throw new UsageError(`notebook "${n}" ${hits.length ? `is ambiguous (${hits.join(", ")})` : "not found"}; notebooks: ${all.join(", ")}`);
    }
    return path.join(dir, hits[0]);
  });
}

/**
 * <out>/results, with a copy of every experiment's results of the profile that is not there yet:
 * the notebooks load them instead of training them again, and write whatever is missing there.
 */
export function outResultsRoot(out: string, profile: string, projectResults = defaultResultsRoot()): string {
  const root = path.join(out, "results");
  const experiments = fs.existsSync(projectResults) ? fs.readdirSync(projectResults) : [];
  for (const exp of experiments) {
    const from = path.join(projectResults, exp, profile);
    const to = path.join(root, exp, profile);
    if (fs.existsSync(from) && fs.statSync(from).isDirectory() && !fs.existsSync(to)) fs.cpSync(from, to, { recursive: true });
  }
  return root;
}

async function main(): Promise<number> {
  const opts = parseNotebooksArgs(process.argv.slice(2));
  const dir = path.join(projectRoot(), "notebooks");
  const selected = selectNotebooks(dir, opts.names);
  const out = opts.out === undefined ? undefined : resolveUserPath(opts.out);
  const env: Record<string, string> = { MTL_PROFILE: opts.profile };
  if (opts.backend) env.MTL_BACKEND = opts.backend;
  if (out && !process.env.MTL_RESULTS_DIR) {
    env.MTL_RESULTS_DIR = outResultsRoot(out, opts.profile);
    console.log(`results: ${displayPath(env.MTL_RESULTS_DIR)} (starts from a copy of the project's ${opts.profile} results where there are any; anything missing is computed there)`);
  }
  for (const src of selected) {
    const dest = out ? path.join(out, path.basename(src)) : src;
    const t0 = Date.now();
    console.log(`▶ ${path.basename(src)} (profile ${opts.profile}) …`);
    await asUserError(executeNotebook(src, dest, { env }));
    console.log(`✔ ${displayPath(dest)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (opts.html) {
      const html = dest.replace(/\.ipynb$/, ".html");
      await asUserError(exportNotebookHtml(dest, html));
      console.log(`  HTML with live figures: ${displayPath(html)}`);
    }
  }
  return EXIT.ok;
}

/** A failing cell or export is the notebook's problem, told in its own words (exit 1, no stack trace). */
async function asUserError(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (e) {
    throw e instanceof Error && !(e instanceof UserError) ? new UserError(`✘ ${e.message}`) : e;
  }
}

if (require.main === module) runCli(USAGE, main);
