/**
 * Makes sure the system tools the tests and notebooks need are present: Debian's Jupyter
 * (nbconvert, nbclient), chromium (static figures), redis-server (the queue-mode tests start a
 * local one) and the classic notebook server (the browser test of live figures). As root with apt-get it installs them; otherwise it stops with the exact
 * command to run. The notebook server is optional: without it only the browser test is skipped.
 * Then it registers the tslab kernel in the project-local Jupyter path. Run by `npm test` before
 * the test files.
 */
import { spawnSync } from "node:child_process";
import { findChromium } from "../figures/render";
import { aptInstall } from "../system/apt";
import { DEBIAN_JUPYTER_PACKAGES, DEBIAN_NOTEBOOK_SERVER_PACKAGES, jupyterProblem, notebookServerProblem, registerKernel } from "../notebook/jupyter";

/** The Debian package of the Redis server the queue-mode tests start (bound to 127.0.0.1, stopped afterwards). */
export const DEBIAN_REDIS_PACKAGE = "redis-server";

const hasRedisServer = () => spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

function missingRequired(): string[] {
  const missing: string[] = [];
  if (jupyterProblem()) missing.push(...DEBIAN_JUPYTER_PACKAGES);
  if (!findChromium()) missing.push("chromium");
  if (!hasRedisServer()) missing.push(DEBIAN_REDIS_PACKAGE);
  return missing;
}

function missingOptional(): string[] {
  return notebookServerProblem() ? [...DEBIAN_NOTEBOOK_SERVER_PACKAGES] : [];
}

function main(): void {
  let missing = missingRequired();
  let optional = missingOptional();
  if (missing.length + optional.length > 0) {
    // one apt run for both; if the optional server alone fails, the required set is retried without it
    if (!aptInstall([...missing, ...optional]) && missing.length > 0 && optional.length > 0) aptInstall(missing);
    missing = missingRequired();
    optional = missingOptional();
  }
  if (missing.length > 0) {
    console.error(
      `Missing system packages: ${missing.join(" ")}.\n` +
        `Install them as root, then run the command again:\n  apt-get update && apt-get install -y ${missing.join(" ")}`,
    );
    process.exit(1);
  }
  const kernel = registerKernel();
  console.log(`Tools ready: Jupyter (nbconvert, nbclient), chromium at ${findChromium()}, redis-server, tslab kernel at ${kernel}`);
  if (optional.length > 0) {
    console.log(
      `Not installed: ${optional.join(" ")} (the classic notebook server): the browser test of live figures will be skipped.\n` +
        `  Install it as root: apt-get update && apt-get install -y ${optional.join(" ")}`,
    );
  } else {
    console.log("Classic notebook server ready: the browser test of live figures will run.");
  }
}

main();
