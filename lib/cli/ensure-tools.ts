/**
 * Makes sure the system tools the tests and notebooks need are present: Debian's Jupyter
 * (nbconvert, nbclient) and chromium (static figures). As root with apt-get it installs them;
 * otherwise it stops with the exact command to run. Then it registers the tslab kernel in the
 * project-local Jupyter path. Run by `npm test` before the test files.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { findChromium } from "../figures/render";
import { DEBIAN_JUPYTER_PACKAGES, jupyterProblem, registerKernel } from "../notebook/jupyter";
import { parseCli, runCli } from "./args";

function missingPackages(): string[] {
  const missing: string[] = [];
  if (jupyterProblem()) missing.push(...DEBIAN_JUPYTER_PACKAGES);
  if (!findChromium()) missing.push("chromium");
  return missing;
}

function aptInstall(packages: string[]): boolean {
  const canApt = process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get");
  if (!canApt) return false;
  console.log(`Installing Debian packages: ${packages.join(" ")} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  if (update.status !== 0) return false;
  // with recommends: the package set the tests were verified with
  const install = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  return install.status === 0;
}

function main(): number {
  parseCli(process.argv.slice(2), {});
  let missing = missingPackages();
  if (missing.length > 0 && aptInstall(missing)) missing = missingPackages();
  if (missing.length > 0) {
    console.error(
      `Missing system packages: ${missing.join(" ")}.\n` +
        `Install them as root, then run the command again:\n  apt-get update && apt-get install -y ${missing.join(" ")}`,
    );
    return 1;
  }
  const kernel = registerKernel();
  console.log(`Tools ready: Jupyter (nbconvert, nbclient), chromium at ${findChromium()}, tslab kernel at ${kernel}`);
  return 0;
}

runCli("usage: node lib/dist/cli/ensure-tools.js   (run by npm test; no options)", main);
