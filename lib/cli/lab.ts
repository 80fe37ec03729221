/**
 * `npm run lab [-- --start] [--profile P] [--set key=value]… [--results DIR]`: registers the tslab
 * kernel in the project's Jupyter path, trusts the notebooks (so their figures are live and their
 * outputs render fully) and prints the command that opens them in JupyterLab or the classic
 * notebook (or starts it with --start). The selection options reach every kernel as MTL_PROFILE,
 * MTL_SET and MTL_RESULTS_DIR, so the notebooks show the results `npm run reproduce` made with them.
 */
import { spawn, spawnSync } from "node:child_process";
import { jupyterDataDir, jupyterEnv, notebookServerProblem, registerKernel } from "../notebook/jupyter";
import { type FrontEnd, notebookFiles, serverCommand, trustNotebooks } from "../notebook/server";
import { projectRoot } from "../project";
import { EXIT, parseCli, pathOption, runCli, UsageError } from "./args";
import { PROFILES } from "../engine/plan/profiles";
import { parseOverride } from "../engine/plan/overrides";
import { resolveUserPath } from "./user-paths";

const USAGE =
  "usage: npm run lab [-- --start] [--profile smoke|quick|paper] [--set key=value]… [--results DIR]   (registers the tslab kernel, trusts the notebooks; --start also starts JupyterLab or the classic server; " +
  "--profile/--set/--results: the results the notebooks show, as npm run reproduce -- --profile/--set/--out made them)";

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

const shellQuote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

/** --profile/--set/--results as the environment a kernel reads (checked as reproduce checks them). */
function selectionEnv(v: { profile?: string; set?: string[]; results?: string }): Record<string, string> {
  const env: Record<string, string> = {};
  if (v.profile !== undefined) {
    if (!(PROFILES as readonly string[]).includes(v.profile)) throw new UsageError(`--profile must be one of ${PROFILES.join(", ")}; got "${v.profile}"`);
    env.MTL_PROFILE = v.profile;
  }
  if (v.set?.length) {
    for (const o of v.set) {
      try {
        parseOverride(o);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (/[;\n]/.test(o)) throw new UsageError(`--set values cannot hold ";" or a line break (they separate MTL_SET's overrides): ${o}`);
    }
    env.MTL_SET = v.set.join(";");
  }
  const results = pathOption(v.results, "--results", "/tmp/results");
  if (results !== undefined) env.MTL_RESULTS_DIR = resolveUserPath(results);
  return env;
}

function main(): number | Promise<number> {
  const { values } = parseCli(process.argv.slice(2), { start: { type: "boolean" }, profile: { type: "string" }, set: { type: "string", multiple: true }, results: { type: "string" } });
  const selection = selectionEnv(values);
  const root = projectRoot();
  const kernel = registerKernel(root);
  const jupyterPath = jupyterDataDir(root);
  const lab = has("jupyter-lab");
  const classic = notebookServerProblem() === null;
  console.log(`tslab kernel "TypeScript (mtl-lab, tslab)" registered: ${kernel}`);
  const notebooks = notebookFiles(root);
  try {
    trustNotebooks(notebooks);
    console.log(`Trusted ${notebooks.length} notebooks (figures live, outputs rendered); a re-executed notebook needs \`npm run lab\` again.\n`);
  } catch (e) {
    console.log(`Could not trust the notebooks (they open "Not Trusted": static figures only): ${(e as Error).message}\n`);
  }
  const envPrefix = Object.entries(selection).map(([k, v]) => `${k}=${shellQuote(v)} `).join("");
  if (envPrefix) console.log(`The notebooks' kernels will show: ${Object.entries(selection).map(([k, v]) => `${k}=${v}`).join(", ")}\n`);
  const command = (frontEnd: FrontEnd) => `${envPrefix}JUPYTER_PATH=${shellQuote(jupyterPath)} ${serverCommand(frontEnd, { root }).map(shellQuote).join(" ")}`;
  console.log("Start Jupyter with the project root as its root (figures load plotly.js from node_modules through the server):");
  console.log(`  cd ${shellQuote(root)}`);
  if (lab) console.log(`  ${command("lab")}`);
  if (classic) console.log(`  ${command("classic")}${lab ? "   # the classic notebook" : ""}`);
  console.log("then open the URL it prints (with its token) and notebooks/ in the file browser.");
  if (!lab) console.log("\nJupyterLab is not installed here: `pip install jupyterlab` where PyPI is reachable.");
  if (!classic) console.log("The classic notebook server is not installed: apt-get install -y jupyter-notebook (as root).");
  if (!values.start) return EXIT.ok;
  const frontEnd: FrontEnd | null = lab ? "lab" : classic ? "classic" : null;
  if (!frontEnd) {
    console.error("\nNeither JupyterLab nor the classic notebook server is installed: see above.");
    return EXIT.failure;
  }
  const [cmd, ...args] = serverCommand(frontEnd, { root });
  const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: jupyterEnv(selection, root) });
  // Ctrl-C reaches the server through the terminal; we only wait for it
  process.on("SIGINT", () => undefined);
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 0)));
}

runCli(USAGE, main);
