/**
 * lib/system: the CPU a timing ran on, and the thread pinning of the bench's PyTorch reference.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { blasThreadsEnv, describeCpu, vectorExtensions } from "mtl-lab/dist/system/cpu";

test("vector extensions are read from the cpuinfo flags, in a fixed order, unknown flags ignored", () => {
  assert.deepEqual(vectorExtensions(["fpu", "avx512f", "avx2", "sse4_2", "avx", "fma"]), ["sse4_2", "avx", "avx2", "fma", "avx512f"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-cpu-"));
  const file = path.join(dir, "cpuinfo");
  fs.writeFileSync(file, "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu avx avx2 fma avx512f avx512bw\n\nprocessor\t: 1\n");
  assert.deepEqual(describeCpu(file).vector, ["avx", "avx2", "fma", "avx512f", "avx512bw"]);
  assert.deepEqual(describeCpu(path.join(dir, "absent")).vector, [], "no cpuinfo (not Linux): no extensions, no crash");
  fs.rmSync(dir, { recursive: true });
});

test("the reference's BLAS is pinned to the thread count it reports", () => {
  const env = blasThreadsEnv(1, { PATH: "/usr/bin", OPENBLAS_NUM_THREADS: "8" });
  assert.equal(env.OPENBLAS_NUM_THREADS, "1");
  assert.equal(env.OMP_NUM_THREADS, "1");
  assert.equal(env.MKL_NUM_THREADS, "1");
  assert.equal(env.PATH, "/usr/bin");
  assert.throws(() => blasThreadsEnv(0), /positive integer/);
  // OpenBLAS itself reads it: the pinned process sees one BLAS thread (where torch is installed)
  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch; print(torch.__config__.parallel_info())"], { encoding: "utf8", env: blasThreadsEnv(1) });
  if (probe.status === 0) assert.match(probe.stdout, /OMP_NUM_THREADS\s*:\s*1/);
});
