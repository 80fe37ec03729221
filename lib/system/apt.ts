/**
 * Debian packages the tools install themselves when they can (as root, with apt-get), or name
 * with the exact command when they cannot: the test setup (ensure-tools) and the bench's PyTorch
 * reference share this one path.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

/** True when apt-get could run here (root, Debian). */
function canAptInstall(): boolean {
  return process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get");
}

/** Installs `packages` with apt-get (update first); false when apt cannot run or fails. */
export function aptInstall(packages: string[]): boolean {
  if (!canAptInstall()) return false;
  console.log(`Installing Debian packages: ${packages.join(" ")} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  if (update.status !== 0) return false;
  // with recommends: the package set the tests were verified with
  const install = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  return install.status === 0;
}

/** The command a user runs as root to install `packages`. */
export const aptCommand = (packages: readonly string[]): string => `apt-get update && apt-get install -y ${packages.join(" ")}`;
