/**
 * What CPU a timing ran on: the model and the vector extensions that decide kernel speed (the
 * same machine type comes as AMD EPYC with AVX2 or Intel Xeon with AVX-512 between sessions).
 */
import * as fs from "node:fs";
import * as os from "node:os";

/** The extensions worth naming, widest last. */
const VECTOR_FLAGS = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile"] as const;

export interface CpuDescription {
  model: string;
  cores: number;
  /** Vector extensions from /proc/cpuinfo, in VECTOR_FLAGS order (empty where it cannot be read). */
  vector: string[];
}

/** The extensions among `flags` (a /proc/cpuinfo "flags" line's words) that VECTOR_FLAGS names. */
export function vectorExtensions(flags: readonly string[]): string[] {
  const have = new Set(flags);
  return VECTOR_FLAGS.filter((f) => have.has(f));
}

export function describeCpu(cpuinfo = "/proc/cpuinfo"): CpuDescription {
  let flags: string[] = [];
  try {
    const line = fs.readFileSync(cpuinfo, "utf8").split("\n").find((l) => /^flags\s*:/.test(l));
    flags = line ? line.split(":")[1].trim().split(/\s+/) : [];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // not Linux: no flags to report
  }
  return { model: os.cpus()[0]?.model ?? "unknown CPU", cores: os.cpus().length, vector: vectorExtensions(flags) };
}

export const cpuLine = (c: CpuDescription): string => `${c.cores} × ${c.model}; vector extensions: ${c.vector.length ? c.vector.join(" ") : "unknown"}`;

/**
 * The environment that pins a Python reference to `threads` threads: torch.set_num_threads alone
 * leaves Debian's OpenBLAS free to use every core for large products (sgemm 2048³: 389 GFLOP/s
 * unpinned vs 202 pinned on 2 cores), which makes the reference faster than the threads it reports.
 */
export function blasThreadsEnv(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`blasThreadsEnv: threads must be a positive integer, got ${threads}`);
  const n = String(threads);
  return { ...base, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
}
