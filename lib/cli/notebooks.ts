/**
 * `npm run notebooks [-- names…] [--profile smoke|quick|paper] [--set key=value]… [--results DIR]
 *                    [--backend NAME] [--out DIR] [--html]`
 *
 * Executes notebooks headless with the tslab kernel and writes them back with their outputs
 * (or into --out), normalised so that re-runs diff cleanly. Exits non-zero when any cell fails.
 * The notebooks show the selection `npm run reproduce` takes: --profile, --set and the results
 * root (--results, like reproduce's --out), passed to the kernel as MTL_PROFILE, MTL_SET and
 * MTL_RESULTS_DIR. With --out and no results root, results the notebooks compute go to
 * <out>/results (seeded with the project's results of the profile, overridden folders included,
 * so nothing already computed is trained again).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseBackendPreference } from "../backend";
import { DEFAULT_PROFILE, PROFILES, resolveExperiment, type ProfileName } from "../engine/plan/experiment";
import { overridesFromEnv } from "../engine/report/notebook-load";
import { OverrideError } from "../engine/plan/overrides";
import { getExperiment, STUDIES } from "../studies";
import { executeNotebook, exportNotebookHtml } from "../notebook/jupyter";
import { defaultResultsRoot } from "../engine/store/results-store";
import { projectRoot } from "../project";
import { displayPath, resolveUserPath } from "./user-paths";
import { EXIT, parseCli, pathOption, runCli, UsageError } from "./args";
import { UserError } from "../errors";

interface Options {
  names: string[];
  profile: string;
  set: string[];
  results?: string;
  backend?: string;
  out?: string;
  html: boolean;
}

const USAGE =
  "usage: npm run notebooks [-- NAME…] [--profile smoke|quick|paper] [--set key=value]… [--results DIR] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--out DIR] [--html]\n" +
  "  --profile, --set, --results: the results the notebooks show, as npm run reproduce -- --profile/--set/--out selects them (env: MTL_PROFILE, MTL_SET=\"k=v;k=v\", MTL_RESULTS_DIR)\n" +
  "  --out DIR: write the executed notebooks there (and, without --results, their results under DIR/results) instead of over notebooks/";
const OPTIONS = { profile: { type: "string" }, set: { type: "string", multiple: true }, results: { type: "string" }, backend: { type: "string" }, out: { type: "string" }, html: { type: "boolean" } } as const;

function parseNotebooksArgs(argv: string[]): Options {
  const { values: v, positionals } = parseCli(argv, OPTIONS, true);
  const opts: Options = {
    names: positionals,
    profile: v.profile ?? process.env.MTL_PROFILE ?? DEFAULT_PROFILE,
    set: v.set ?? overridesFromEnv(),
    results: pathOption(v.results, "--results", "/tmp/results"),
    backend: v.backend,
    out: pathOption(v.out, "--out", "/tmp/nb"),
    html: v.html ?? false,
  };
  if (!(PROFILES as readonly string[]).includes(opts.profile)) throw new UsageError(`--profile must be one of ${PROFILES.join(", ")}; got "${opts.profile}"`);
  if (opts.backend !== undefined) {
    try {
      parseBackendPreference(opts.backend, "--backend");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (opts.set.some((o) => /[;\n]/.test(o))) throw new UsageError(`--set values cannot hold ";" or a line break (they separate MTL_SET's overrides): ${opts.set.join(" ")}`);
  return opts;
}

/** The experiments a notebook shows (its study's, or the one it names), to check --set against before a kernel starts. */
function experimentsOf(notebook: string): string[] {
  const stem = path.basename(notebook, ".ipynb");
  const study = STUDIES.find((s) => s.notebooks.includes(stem));
  if (!study) return [];
  const named = study.experiments.filter((e) => e.inDefaultCommand !== false && stem.includes(e.id));
  return (named.length ? named : study.experiments.filter((e) => e.inDefaultCommand !== false)).map((e) => e.id);
}

/** A --set that does not apply to a selected notebook's experiments is refused now, with the valid keys. */
function checkOverrides(notebooks: readonly string[], profile: string, set: readonly string[]): void {
  if (set.length === 0) return;
  for (const nb of notebooks) {
    for (const id of experimentsOf(nb)) {
      try {
        resolveExperiment(getExperiment(id), { profile: profile as ProfileName, set: [...set] });
      } catch (e) {
        if (!(e instanceof OverrideError)) throw e;
        throw new UsageError(`${path.basename(nb)} shows ${id}: ${e.message}`);
      }
    }
  }
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
    const expDir = path.join(projectResults, exp);
    if (!fs.statSync(expDir).isDirectory()) continue;
    // the profile's folder and its overridden ones (<profile>+set-<hash>)
    for (const folder of fs.readdirSync(expDir).filter((f) => f === profile || f.startsWith(`${profile}+set-`))) {
      const from = path.join(expDir, folder);
      const to = path.join(root, exp, folder);
      if (fs.statSync(from).isDirectory() && !fs.existsSync(to)) fs.cpSync(from, to, { recursive: true });
    }
  }
  return root;
}

async function main(): Promise<number> {
  const opts = parseNotebooksArgs(process.argv.slice(2));
  const dir = path.join(projectRoot(), "notebooks");
  const selected = selectNotebooks(dir, opts.names);
  const out = opts.out === undefined ? undefined : resolveUserPath(opts.out);
  checkOverrides(selected, opts.profile, opts.set);
  const env: Record<string, string> = { MTL_PROFILE: opts.profile, MTL_SET: opts.set.join(";") };
  if (opts.backend) env.MTL_BACKEND = opts.backend;
  if (opts.results) env.MTL_RESULTS_DIR = resolveUserPath(opts.results);
  else if (out && !process.env.MTL_RESULTS_DIR) {
    env.MTL_RESULTS_DIR = outResultsRoot(out, opts.profile);
    console.log(`results: ${displayPath(env.MTL_RESULTS_DIR)} (starts from a copy of the project's ${opts.profile} results where there are any; anything missing is computed there)`);
  }
  for (const src of selected) {
    const dest = out ? path.join(out, path.basename(src)) : src;
    const t0 = Date.now();
    console.log(`▶ ${path.basename(src)} (profile ${opts.profile}${opts.set.length ? `, --set ${opts.set.join(" --set ")}` : ""}) …`);
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
