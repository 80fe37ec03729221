/**
 * The provenance record written next to every result: enough to say which code, which packages,
 * which backend and which machine produced a number, and to rerun it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { backendInfo, type BackendInfo } from "./backend";
import { projectRoot } from "./project";
import { nativeAddonStatus } from "./kernels/native-addon";
import { kernelSet } from "./kernels/sets";

/** The packages whose versions can change a number or a figure. */
const TRACKED_PACKAGES = [
  "@tensorflow/tfjs",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow/tfjs-node",
  "@tensorflow/tfjs-node-gpu",
  "danfojs-node",
  "plotly.js-dist",
  "simple-statistics",
  "tslab",
  "playwright-core",
  "typescript",
];

export interface CodeRevision {
  /** `git rev-parse HEAD`, or null outside a git checkout. */
  commit: string | null;
  /**
   * True when the working tree differs from the commit — a modified, deleted or untracked
   * (not ignored) file anywhere outside `results/`: the numbers may not be reproducible from
   * the commit. `results/` is left out because it holds what this very run writes.
   */
  dirty: boolean | null;
  /** The first differing paths (`git status --porcelain` lines), when dirty. */
  changed?: string[];
}

export interface Provenance {
  code: CodeRevision;
  packages: Record<string, string | null>;
  backend: BackendInfo | null;
  /**
   * The wasm kernel set (MTL_KERNELS) and whether the native addon loaded: they change the
   * speed, not the numbers (the sets of one numerics class are bit-identical), so wall times are
   * read with them. Absent in records written before the native kernels existed.
   */
  kernels?: { wasmKernelSet: string; nativeAddon: string };
  node: string;
  machine: { platform: string; release: string; arch: string; cpuModel: string; cpus: number; memoryGiB: number };
  command: string[];
  seeds: number[];
  startedAt: string;
  finishedAt: string | null;
  /** Anything the caller adds: data checksums, profile, wall time, … */
  extra: Record<string, unknown>;
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function codeRevision(root = projectRoot()): CodeRevision {
  const commit = git(["rev-parse", "HEAD"], root);
  if (commit === null) return { commit: null, dirty: null };
  const status = git(["status", "--porcelain", "--untracked-files=all", "--", ".", ":(exclude)results"], root);
  if (status === null) return { commit, dirty: null };
  const lines = status.split("\n").filter(Boolean);
  return lines.length === 0 ? { commit, dirty: false } : { commit, dirty: true, changed: lines.slice(0, 20) };
}

/** Installed version of a package, read from its package.json (null when absent). */
export function packageVersion(name: string, root = projectRoot()): string | null {
  const manifest = path.join(root, "node_modules", name, "package.json");
  try {
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string };
    // danfojs' tfjs-node override installs a shim under another name: report it as absent.
    return pkg.name === name ? (pkg.version ?? null) : null;
  } catch {
    return null;
  }
}

export function packageVersions(root = projectRoot()): Record<string, string | null> {
  return Object.fromEntries(TRACKED_PACKAGES.map((p) => [p, packageVersion(p, root)]));
}

function currentKernels(): Provenance["kernels"] {
  let set: string;
  try {
    set = kernelSet();
  } catch (e) {
    set = `invalid: ${(e as Error).message}`;
  }
  return { wasmKernelSet: set, nativeAddon: nativeAddonStatus().reason };
}

function currentBackend(): BackendInfo | null {
  try {
    return backendInfo();
  } catch {
    return null;
  }
}

export function machineInfo(): Provenance["machine"] {
  const cpus = os.cpus();
  return {
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model ?? "unknown",
    cpus: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** Starts a provenance record; call `finishProvenance` when the work is done. */
export function startProvenance(opts: { seeds?: number[]; extra?: Record<string, unknown> } = {}): Provenance {
  return {
    code: codeRevision(),
    packages: packageVersions(),
    backend: currentBackend(),
    kernels: currentKernels(),
    node: process.version,
    machine: machineInfo(),
    command: process.argv.slice(1),
    seeds: opts.seeds ?? [],
    startedAt: new Date().toISOString(),
    finishedAt: null,
    extra: opts.extra ?? {},
  };
}

export function finishProvenance(p: Provenance, extra: Record<string, unknown> = {}): Provenance {
  return { ...p, backend: p.backend ?? currentBackend(), finishedAt: new Date().toISOString(), extra: { ...p.extra, ...extra } };
}
