/**
 * Part of `npm run build`: compiles the native kernel addon (lib/kernels/native/*.cc) into
 * lib/dist/native/mtl-native.node with g++ against this Node's own headers. Optional by design:
 * where it cannot build, it says why in one line and exits 0, and the wasm kernels run instead
 * (the same results, slower; lib/kernels/native-addon.ts). Skipped when the addon is newer than
 * every source. No BLAS: a BLAS sums in its own blocked order with fused multiply-adds, which
 * differs from XNNPACK's and between CPUs, so it would change every result; the addon keeps
 * XNNPACK's order (bench/NOTES.md, "Native kernels").
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { NATIVE_ADDON_PATH } from "../kernels/native-addon";

const SOURCE_DIR = path.join(__dirname, "..", "..", "kernels", "native");
const SOURCES = ["addon.cc", "gemm.cc", "adam.cc", "gather-sum.cc", "relu-grad.cc", "input-layer.cc", "mix-dots.cc"].map((f) => path.join(SOURCE_DIR, f));
/**
 * No -march=native: the kernels carry AVX-512, AVX2 and baseline clones and the loader picks
 * one, so a build is portable across x86-64 CPUs. -ffp-contract=off: no fused multiply-add,
 * which the bit-identity with the wasm kernels needs.
 */
const FLAGS = ["-O3", "-std=c++17", "-shared", "-fPIC", "-ffp-contract=off", "-fno-math-errno", "-Wall"];

function headers(): string | undefined {
  for (const dir of [path.join(path.dirname(process.execPath), "..", "include", "node"), "/usr/include/node"]) {
    if (fs.existsSync(path.join(dir, "node_api.h"))) return dir;
  }
  return undefined;
}

function build(): string | undefined {
  if (process.env.MTL_NATIVE === "off") return "MTL_NATIVE=off";
  const inputs = [...SOURCES, path.join(SOURCE_DIR, "kernels.h")];
  if (fs.existsSync(NATIVE_ADDON_PATH)) {
    const built = fs.statSync(NATIVE_ADDON_PATH).mtimeMs;
    if (inputs.every((f) => fs.statSync(f).mtimeMs <= built)) return undefined;
  }
  const include = headers();
  if (!include) return `Node's headers (node_api.h) are not beside ${process.execPath}`;
  fs.mkdirSync(path.dirname(NATIVE_ADDON_PATH), { recursive: true });
  const tmp = `${NATIVE_ADDON_PATH}.${process.pid}.tmp`;
  const cxx = process.env.CXX ?? "g++";
  const r = spawnSync(cxx, [...FLAGS, `-I${include}`, ...SOURCES, "-o", tmp], { encoding: "utf8" });
  if (r.error) return `${cxx} did not run (${r.error.message}); install g++ (apt-get install g++)`;
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    return `${cxx} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(0, 3).join(" | ")}`;
  }
  fs.renameSync(tmp, NATIVE_ADDON_PATH); // atomic: a worker loading the addon never sees half a file
  return undefined;
}

const problem = build();
if (problem) {
  process.stderr.write(`native kernels not built: ${problem}. The wasm kernels run instead (the same results, slower).\n`);
}
