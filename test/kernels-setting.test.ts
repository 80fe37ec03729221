// MTL_KERNELS=auto|wasm|tfjs: which set each means, the reference sets tests and the bench name,
// refusals of unknown names, the old variable MTL_WASM_KERNELS read as an alias with one warning,
// and the run key's numerics class, which must keep the strings stored runs were keyed with.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { KERNEL_SETS, initBackend, installKernels, kernelNumerics, kernelSet, sparseBagActive } from "mtl-lab";
import { withKernels } from "./models-util";

function withEnv<T>(vars: Record<string, string | undefined>, f: () => T): T {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const put = (v: Record<string, string | undefined>) => Object.entries(v).forEach(([k, x]) => (x === undefined ? delete process.env[k] : (process.env[k] = x)));
  put(vars);
  try {
    return f();
  } finally {
    put(before);
  }
}

test("MTL_KERNELS: unset and auto run the native set (the addon built), wasm the fastest wasm set, tfjs tfjs' own kernels", () => {
  const cases: [string | undefined, string][] = [[undefined, "native"], ["", "native"], ["auto", "native"], ["wasm", "sparse-sum-dw-mix"], ["tfjs", "off"]];
  assert.deepEqual(cases.map(([v]) => withEnv({ MTL_KERNELS: v, MTL_WASM_KERNELS: undefined }, kernelSet)), cases.map(([, set]) => set));
  for (const s of KERNEL_SETS) assert.equal(withEnv({ MTL_KERNELS: s }, kernelSet), s, "a reference set by name");
});

test("MTL_KERNELS: an unknown name is refused with the valid choices; installKernels refuses it too", async () => {
  await initBackend("wasm");
  withEnv({ MTL_KERNELS: "fast" }, () => {
    const msg = /MTL_KERNELS=fast: unknown kernel setting; valid: auto, wasm, tfjs \(unset means auto; reference sets for tests and the bench: xnnpack, off, sparse, sparse-sum, sparse-sum-dw, sparse-sum-dw-mix, native-gemm, native\)$/;
    assert.throws(() => kernelSet(), msg);
    assert.throws(() => installKernels(), msg);
  });
  assert.equal(withKernels("xnnpack", () => sparseBagActive()), false);
  assert.equal(withKernels("sparse", () => sparseBagActive()), true);
});

test("the run key's numerics class: tfjs' own kernels are \"tfjs\", every other set \"mtl\" (the strings stored keys hash)", () => {
  assert.deepEqual(KERNEL_SETS.map(kernelNumerics), ["mtl", "tfjs", "mtl", "mtl", "mtl", "mtl", "mtl", "mtl"]);
});

test("MTL_WASM_KERNELS still works as an alias of MTL_KERNELS, with one warning per process; MTL_KERNELS wins when both are set", () => {
  const script = `
    const m = require("mtl-lab");
    console.log(m.kernelSet(), m.kernelSet());`;
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, MTL_KERNELS: "", MTL_WASM_KERNELS: "", ...env } });
  const alias = run({ MTL_WASM_KERNELS: "tfjs" });
  assert.equal(alias.status, 0, alias.stderr);
  assert.equal(alias.stdout, "off off\n");
  assert.equal(alias.stderr, "warning: MTL_WASM_KERNELS is renamed MTL_KERNELS (auto, wasm or tfjs); reading MTL_WASM_KERNELS=tfjs as MTL_KERNELS=tfjs\n");
  const old = run({ MTL_WASM_KERNELS: "sparse-sum-dw-mix" });
  assert.equal(old.stdout, "sparse-sum-dw-mix sparse-sum-dw-mix\n", "an old set name keeps its meaning");
  const both = run({ MTL_KERNELS: "wasm", MTL_WASM_KERNELS: "tfjs" });
  assert.deepEqual([both.stdout, both.stderr], ["sparse-sum-dw-mix sparse-sum-dw-mix\n", ""]);
  const bad = run({ MTL_WASM_KERNELS: "nonsense" });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /MTL_WASM_KERNELS=nonsense: unknown kernel setting; valid: auto, wasm, tfjs/);
});
