/**
 * The PyTorch configurations the bench tries, so that every ratio is taken against PyTorch at its
 * best on this machine, not as the environment happens to leave it:
 * - the allocator: glibc's returns large buffers to the system and faults them back every step
 *   (page faults are expensive in these VMs); jemalloc and tcmalloc (Debian packages, through
 *   LD_PRELOAD) keep them;
 * - the OpenBLAS core type: some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which protects
 *   old OpenBLAS builds but roughly halves sgemm on a current one; the reference runs with the
 *   environment as given and with both unset;
 * - the BLAS library: Debian's torch multiplies through whatever libblas.so.3 the system points
 *   at, and an image with only the reference BLAS (netlib, ~6 GFLOP/s per core here) makes PyTorch
 *   5–30× slower than with OpenBLAS (~180). The reference always loads OpenBLAS (installed where
 *   missing), whatever the system default;
 * - the two-core arrangement: one process with two threads, or two one-thread processes sharing
 *   the replicas (throughput), whichever is faster.
 * Each cell runs in a fresh process.
 */
import * as fs from "node:fs";
import { blasThreadsEnv } from "../system/cpu";

export interface ReferenceConfig {
  allocator: "glibc" | "jemalloc" | "tcmalloc";
  /** The library LD_PRELOAD names ("" for glibc). */
  preload: string;
  /** Whether OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the environment. */
  blasEnvUnset: boolean;
}

/** Debian's shared libraries for the two allocators, and the packages that ship them. */
export const ALLOCATOR_LIBRARIES = {
  jemalloc: { file: "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", package: "libjemalloc2" },
  tcmalloc: { file: "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4", package: "libtcmalloc-minimal4" },
} as const;

/** Debian's OpenBLAS (pthreads build): its folder holds a libblas.so.3 that the loader takes first through LD_LIBRARY_PATH. */
export const OPENBLAS = { dir: "/usr/lib/x86_64-linux-gnu/openblas-pthread", file: "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", package: "libopenblas0-pthread" } as const;

/** The BLAS the reference runs on: OpenBLAS where its library exists, else what the system's libblas.so.3 is. */
export function referenceBlas(exists: (file: string) => boolean = fs.existsSync, systemBlas: () => string = () => fs.realpathSync("/usr/lib/x86_64-linux-gnu/libblas.so.3")): string {
  if (exists(OPENBLAS.file)) return "OpenBLAS (libopenblas0-pthread)";
  let system: string;
  try {
    system = systemBlas();
  } catch {
    return "no libblas.so.3 found";
  }
  return /openblas|blis|mkl/i.test(system) ? `the system's ${system}` : `the reference BLAS (${system}), unoptimized: PyTorch is far slower than it can be`;
}

const BLAS_CORE_VARIABLES = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] as const;

/** Every configuration this machine can run: the allocators whose library exists, × the BLAS environment as given and unset (when it sets anything). */
export function referenceConfigs(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = fs.existsSync): ReferenceConfig[] {
  const allocators: Pick<ReferenceConfig, "allocator" | "preload">[] = [{ allocator: "glibc", preload: "" }];
  for (const [name, lib] of Object.entries(ALLOCATOR_LIBRARIES) as [keyof typeof ALLOCATOR_LIBRARIES, (typeof ALLOCATOR_LIBRARIES)[keyof typeof ALLOCATOR_LIBRARIES]][]) {
    if (exists(lib.file)) allocators.push({ allocator: name, preload: lib.file });
  }
  const blasSet = BLAS_CORE_VARIABLES.some((v) => env[v] !== undefined);
  return allocators.flatMap((a) => [{ ...a, blasEnvUnset: false }, ...(blasSet ? [{ ...a, blasEnvUnset: true }] : [])]);
}

/** The environment of one reference process: threads pinned everywhere BLAS and OpenMP look, OpenBLAS first in the library path, the allocator preloaded, the core type unset if asked. */
export function referenceEnv(config: ReferenceConfig, threads: number, env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = fs.existsSync): NodeJS.ProcessEnv {
  const out = blasThreadsEnv(threads, env);
  if (exists(OPENBLAS.file)) out.LD_LIBRARY_PATH = [OPENBLAS.dir, env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  if (config.preload) out.LD_PRELOAD = [config.preload, env.LD_PRELOAD].filter(Boolean).join(":");
  if (config.blasEnvUnset) for (const v of BLAS_CORE_VARIABLES) delete out[v];
  return out;
}

export const configLabel = (c: ReferenceConfig): string => `${c.allocator}, BLAS ${c.blasEnvUnset ? "core auto" : "env as given"}`;

export interface TimedCell {
  msPerStep: number;
}

/** The fastest of several measurements of one cell (each from its own process and configuration). */
export function fastest<T extends TimedCell>(cells: readonly T[]): T | undefined {
  return cells.reduce<T | undefined>((best, c) => (best === undefined || c.msPerStep < best.msPerStep ? c : best), undefined);
}

/** Replicas each of W one-thread processes trains when they share R (the first ones take the remainder). */
export function shareReplicas(R: number, W: number): number[] {
  const base = Math.floor(R / W);
  return Array.from({ length: W }, (_, i) => base + (i < R % W ? 1 : 0)).filter((r) => r > 0);
}
