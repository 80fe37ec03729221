/**
 * Starting a Jupyter front end on the notebooks, the same way for `npm run lab` and the browser
 * test: the project root as the server's root (figures load plotly.js from node_modules through
 * it), our kernel on JUPYTER_PATH, bound to 127.0.0.1, no browser opened, `--allow-root` when
 * running as root (Jupyter refuses root otherwise), and the notebooks trusted first.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../project";
import { JUPYTER_PYTHON, jupyterEnv } from "./jupyter";

export type FrontEnd = "lab" | "classic";

export interface ServerOptions {
  root?: string;
  /** Default: a root user gets --allow-root. */
  asRoot?: boolean;
  port?: number;
  /** The access token; default: Jupyter makes one and prints the URL with it. */
  token?: string;
}

/** The command (argv) that starts the front end; the classic server runs in JUPYTER_PYTHON. */
export function serverCommand(frontEnd: FrontEnd, opts: ServerOptions = {}): string[] {
  const root = opts.root ?? projectRoot();
  const asRoot = opts.asRoot ?? process.getuid?.() === 0;
  const head = frontEnd === "lab" ? ["jupyter-lab"] : [JUPYTER_PYTHON, "-m", "notebook"];
  return [
    ...head,
    "--no-browser",
    "--ip=127.0.0.1",
    `--notebook-dir=${root}`,
    ...(asRoot ? ["--allow-root"] : []),
    ...(opts.port !== undefined ? [`--port=${opts.port}`, "--port-retries=0"] : []),
    ...(opts.token !== undefined ? [`--${frontEnd === "lab" ? "ServerApp" : "NotebookApp"}.token=${opts.token}`] : []),
  ];
}

/** The committed notebooks (checkpoints and failed runs excluded). */
export function notebookFiles(root = projectRoot()): string[] {
  const dir = path.join(root, "notebooks");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".failed.ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Signs notebooks in the user's Jupyter trust database (`jupyter trust`), so that their stored
 * figure scripts run and outputs render fully. Trust is per content: a re-executed notebook needs
 * it again. Throws with Jupyter's message when signing fails.
 */
export function trustNotebooks(files: readonly string[], env: NodeJS.ProcessEnv = jupyterEnv()): void {
  if (files.length === 0) return;
  const r = spawnSync(JUPYTER_PYTHON, ["-c", "from nbformat.sign import TrustNotebookApp; TrustNotebookApp.launch_instance()", ...files], {
    encoding: "utf8",
    env,
  });
  if (r.status !== 0) throw new Error(`jupyter trust failed for ${files.join(", ")}:\n${(r.stderr || r.stdout || String(r.error)).trim()}`);
}
