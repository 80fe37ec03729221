/**
 * `npm run lab [-- --start]`: registers the tslab kernel in the project's Jupyter path and says
 * how to open the notebooks in JupyterLab (or starts it with --start).
 */
import { spawn, spawnSync } from "node:child_process";
import { jupyterDataDir, registerKernel } from "../notebook/jupyter";
import { projectRoot } from "../project";
import { EXIT, parseCli, runCli } from "./args";

const USAGE = "usage: npm run lab [-- --start]   (registers the tslab kernel; --start also starts JupyterLab or the classic server)";

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function main(): number | Promise<number> {
  const { values } = parseCli(process.argv.slice(2), { start: { type: "boolean" } });
  const root = projectRoot();
  const kernel = registerKernel(root);
  const jupyterPath = jupyterDataDir(root);
  const lab = has("jupyter-lab");
  const classic = has("jupyter-notebook");
  console.log(`tslab kernel "TypeScript (mtl-lab, tslab)" registered: ${kernel}\n`);
  console.log("Start Jupyter in the project root (figures load plotly.js from node_modules through the server):");
  console.log(`  cd ${root}`);
  console.log(`  JUPYTER_PATH=${jupyterPath} jupyter lab        # then open notebooks/ in the file browser`);
  if (!lab) {
    console.log("\nJupyterLab is not installed here. Install it where PyPI is reachable (`pip install jupyterlab`),");
    console.log("or use Debian's classic notebook server: apt-get install -y jupyter-notebook, then");
    console.log(`  JUPYTER_PATH=${jupyterPath} jupyter notebook`);
  }
  if (!values.start) return EXIT.ok;
  const cmd = lab ? "jupyter-lab" : classic ? "jupyter-notebook" : null;
  if (!cmd) {
    console.error("\nNeither jupyter-lab nor jupyter-notebook is installed: see above.");
    return EXIT.failure;
  }
  const child = spawn(cmd, [], { cwd: root, stdio: "inherit", env: { ...process.env, JUPYTER_PATH: jupyterPath } });
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 0)));
}

runCli(USAGE, main);
