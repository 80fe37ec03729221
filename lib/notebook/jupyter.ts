/**
 * Headless notebook execution with Debian's Jupyter (nbconvert + nbclient) and the tslab kernel.
 *
 * The kernel is registered in a project-local Jupyter path (.jupyter/), written by us rather than
 * by `tslab install` (whose installer needs IPython), so nothing depends on state left on the
 * machine. Notebook parameters travel as environment variables (papermill is not installable here).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { injectPlotly } from "../figures/html";
import { projectRoot, writeFileAtomic } from "../project";

/** Debian's Jupyter lives in the system Python; the `python3` on PATH may be another one. */
export const JUPYTER_PYTHON = process.env.MTL_JUPYTER_PYTHON ?? "/usr/bin/python3";
export const KERNEL_NAME = "tslab";
export const DEBIAN_JUPYTER_PACKAGES = ["jupyter-nbconvert", "python3-nbclient", "jupyter-client"];
/** The classic notebook server: optional, for opening notebooks in a browser (and its test). */
export const DEBIAN_NOTEBOOK_SERVER_PACKAGES = ["jupyter-notebook"];

export function jupyterDataDir(root = projectRoot()): string {
  return path.join(root, ".jupyter", "share", "jupyter");
}

/** Writes the tslab kernelspec into the project's Jupyter path; returns the kernel.json path. */
export function registerKernel(root = projectRoot()): string {
  const tslabBin = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslabBin)) throw new Error(`tslab is not installed (${tslabBin} missing): run \`npm install\` in ${root}`);
  const spec = {
    // Absolute node and tslab paths: the kernel starts the same way from npm, a shell or JupyterLab.
    // The preload makes its shutdown quiet and prompt (see kernel-preload.ts).
    argv: [process.execPath, "--require", path.join(__dirname, "kernel-preload.js"), tslabBin, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (mtl-lab, tslab)",
    language: "typescript",
  };
  const file = path.join(jupyterDataDir(root), "kernels", KERNEL_NAME, "kernel.json");
  writeFileAtomic(file, JSON.stringify(spec, null, 1) + "\n");
  return file;
}

/** The environment for Jupyter processes: our kernel first on JUPYTER_PATH. */
export function jupyterEnv(extra: Record<string, string> = {}, root = projectRoot()): NodeJS.ProcessEnv {
  const prior = process.env.JUPYTER_PATH;
  return {
    ...process.env,
    JUPYTER_PATH: prior ? `${jupyterDataDir(root)}${path.delimiter}${prior}` : jupyterDataDir(root),
    ...extra,
  };
}

/** Null when nbconvert and nbclient import in JUPYTER_PYTHON, else what is missing and how to fix it. */
export function jupyterProblem(): string | null {
  const r = spawnSync(JUPYTER_PYTHON, ["-c", "import nbconvert, nbclient, jupyter_client"], { encoding: "utf8" });
  if (r.status === 0) return null;
  const why = r.error ? `${JUPYTER_PYTHON} not found` : (r.stderr.trim().split("\n").pop() ?? "import failed");
  return (
    `Jupyter (nbconvert, nbclient, jupyter_client) is not usable with ${JUPYTER_PYTHON}: ${why}.\n` +
    `Install Debian's packages: apt-get update && apt-get install -y ${DEBIAN_JUPYTER_PACKAGES.join(" ")}`
  );
}

/** Null when the classic notebook server imports in JUPYTER_PYTHON, else what is missing and how to fix it. */
export function notebookServerProblem(): string | null {
  const r = spawnSync(JUPYTER_PYTHON, ["-c", "import notebook.notebookapp"], { encoding: "utf8" });
  if (r.status === 0) return null;
  const why = r.error ? `${JUPYTER_PYTHON} not found` : (r.stderr.trim().split("\n").pop() ?? "import failed");
  return (
    `The classic Jupyter Notebook server is not usable with ${JUPYTER_PYTHON}: ${why}.\n` +
    `Install Debian's package: apt-get update && apt-get install -y ${DEBIAN_NOTEBOOK_SERVER_PACKAGES.join(" ")}`
  );
}

export interface ExecuteOptions {
  /** Environment variables for the kernel (the notebook's parameters). */
  env?: Record<string, string>;
  /** Per-cell timeout in seconds (-1: none). */
  cellTimeoutSec?: number;
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(JUPYTER_PYTHON, args, { env, cwd, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/**
 * Executes `src` headless and writes the executed, normalised notebook to `dest` (which may be
 * `src`). The destination is only replaced when every cell succeeded; a failing cell throws with
 * the cell's source and the error text tslab printed. The failed notebook is kept as
 * `<dest>.failed.ipynb` for inspection.
 */
export async function executeNotebook(src: string, dest: string, opts: ExecuteOptions = {}): Promise<void> {
  const problem = jupyterProblem();
  if (problem) throw new Error(problem);
  registerKernel();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-lab-nb-"));
  const tmpOut = path.join(tmpDir, path.basename(dest));
  try {
    const script = path.join(projectRoot(), "lib", "notebook", "execute_notebook.py");
    const args = [script, path.resolve(src), tmpOut, KERNEL_NAME, String(opts.cellTimeoutSec ?? -1)];
    const env = jupyterEnv({ MTL_HEADLESS: "1", ...(opts.env ?? {}) });
    const { code, stderr } = await run(args, env, path.dirname(path.resolve(src)));
    if (code !== 0 || !fs.existsSync(tmpOut)) {
      if (fs.existsSync(tmpOut)) writeFileAtomic(`${dest.replace(/\.ipynb$/, "")}.failed.ipynb`, normalizeNotebookJson(fs.readFileSync(tmpOut, "utf8")));
      const tail = stderr.trim().split("\n").slice(-40).join("\n");
      throw new Error(`Executing ${src} failed (exit ${code}); ${dest} was not written.\n${tail}`);
    }
    writeFileAtomic(dest, normalizeNotebookJson(fs.readFileSync(tmpOut, "utf8")));
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Exports an executed notebook to HTML with plotly.js inlined once, so figures are live offline. */
export async function exportNotebookHtml(ipynb: string, htmlOut: string): Promise<void> {
  const problem = jupyterProblem();
  if (problem) throw new Error(problem);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-lab-html-"));
  try {
    const name = path.basename(htmlOut).replace(/\.html$/, "");
    const args = ["-m", "nbconvert", "--to", "html", "--output-dir", tmpDir, "--output", name, path.resolve(ipynb)];
    const { code, stderr } = await run(args, jupyterEnv(), path.dirname(path.resolve(ipynb)));
    const produced = path.join(tmpDir, `${name}.html`);
    if (code !== 0 || !fs.existsSync(produced)) throw new Error(`nbconvert --to html failed for ${ipynb}:\n${stderr.trim()}`);
    writeFileAtomic(htmlOut, injectPlotly(fs.readFileSync(produced, "utf8")));
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

interface NotebookJson {
  cells: { cell_type?: string; metadata?: Record<string, unknown>; outputs?: unknown[]; execution_count?: number | null }[];
  metadata?: Record<string, unknown>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/**
 * Removes what changes between identical runs (execution timestamps)
 * and writes keys sorted with one-space indent, as Jupyter itself does, so that re-executed
 * notebooks diff only where results changed.
 */
export function normalizeNotebookJson(text: string): string {
  const nb = JSON.parse(text) as NotebookJson;
  for (const cell of nb.cells) {
    // whole outputs: the classic Notebook folds a long output ("auto") into a 24em scroll box, cropping figures and tables
    if (cell.cell_type === "code") cell.metadata = { ...cell.metadata, scrolled: false };
    if (cell.metadata) {
      delete cell.metadata.execution;
      delete cell.metadata.ExecuteTime;
      delete cell.metadata.collapsed;
    }
  }
  // language_info stays exactly as the kernel reports it (tslab's "3.7.2" included): Jupyter
  // writes the same on opening, so a notebook opened and saved unchanged shows no diff.
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}
