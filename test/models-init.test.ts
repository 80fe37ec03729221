/**
 * The `init` option: "glorot" (default, unchanged numerics) and "torch-default" (PyTorch's
 * nn.Linear default, U(±1/√fan_in) for kernels and biases, as in facebookresearch/AdaTT).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { MODEL_KINDS, createModel, initBackend, inputWidth, parseModelConfig, type ModelConfig, type MtlModel } from "mtl-lab";
import { INPUT, maxAbsDiff, mixedTasks } from "./models-util";

const named = (m: MtlModel) => (m as unknown as { named: Record<string, tf.Variable> }).named;

test("init is optional, kept only when given, and checked", () => {
  assert.ok(!("init" in parseModelConfig({ kind: "adatt" })), "absent stays absent (result hashes of old configs do not change)");
  assert.equal(parseModelConfig({ kind: "adatt", init: "torch-default" }).init, "torch-default");
  assert.equal(parseModelConfig({ kind: "ple", init: "glorot" }).init, "glorot");
  assert.throws(() => parseModelConfig({ kind: "ml-mmoe", init: "he" }), /ml-mmoe\.init must be one of "glorot", "torch-default", got "he"/);
  assert.throws(() => parseModelConfig({ kind: "mmoe", initt: "glorot" }), /valid fields: experts, expertUnits, towerUnits, init/);
});

/** Fan-in of each Dense variable: the one-hot input width for the input layer, else the kernel's rows. */
function denseFanIns(m: MtlModel): [string, tf.Variable, number][] {
  const D = inputWidth(m.input);
  const out: [string, tf.Variable, number][] = [];
  const v = named(m);
  for (const [name, x] of Object.entries(v)) {
    if (name.startsWith("input/")) out.push([name, x, D]);
    else if (/\/kernel$/.test(name)) out.push([name, x, x.shape[x.rank - 2] as number]);
    else if (/\/bias$/.test(name) && `${name.slice(0, -5)}/kernel` in v) {
      const k = v[`${name.slice(0, -5)}/kernel`];
      out.push([name, x, k.shape[k.rank - 2] as number]);
    }
  }
  return out;
}

test("torch-default: every Dense kernel and bias is U(±1/√fan_in); other parameters keep their own init", async () => {
  await initBackend();
  for (const kind of ["mmoe", "ple", "adatt", "ml-mmoe", "cross-stitch", "tensor-factorization"] as const) {
    const cfg = { kind, ...(kind === "adatt" ? { taskExperts: 2 } : {}) } as ModelConfig;
    const torch = createModel({ ...cfg, init: "torch-default" }, mixedTasks(3), INPUT, [5, 6]);
    const glorot = createModel(cfg, mixedTasks(3), INPUT, [5, 6]);
    const dense = denseFanIns(torch);
    assert.ok(dense.length > 0);
    for (const [name, v, fanIn] of dense) {
      const bound = 1 / Math.sqrt(fanIn);
      const [max, min] = tf.tidy(() => [v.max().dataSync()[0], v.min().dataSync()[0]]);
      assert.ok(max <= bound && min >= -bound, `${kind} ${name}: within ±${bound}, got [${min}, ${max}]`);
      if (v.size >= 40) assert.ok(max > 0.5 * bound && min < -0.5 * bound, `${kind} ${name}: spans the range, got [${min}, ${max}]`);
    }
    for (const [name, v] of Object.entries(named(glorot))) {
      const isDense = dense.some(([n]) => n === name);
      const same = maxAbsDiff(v, named(torch)[name]) === 0;
      assert.equal(same, !isDense, `${kind} ${name}: ${isDense ? "a Dense variable changes with init" : "a non-Dense variable keeps its init"}`);
      if (/bias$/.test(name) && isDense) assert.equal(tf.tidy(() => v.abs().max().dataSync()[0]), 0, `${kind} ${name}: Glorot biases start at zero`);
    }
    [torch, glorot].forEach((m) => m.dispose());
  }
});

test("init: \"glorot\" given explicitly is the default, bit for bit; torch-default is seeded per replica", async () => {
  await initBackend();
  for (const kind of MODEL_KINDS) {
    const a = createModel({ kind } as ModelConfig, mixedTasks(2), INPUT, [8, 9]);
    const b = createModel({ kind, init: "glorot" } as ModelConfig, mixedTasks(2), INPUT, [8, 9]);
    a.variables.forEach((v, i) => assert.equal(maxAbsDiff(v, b.variables[i]), 0, `${kind}: ${v.name}`));
    const two = createModel({ kind, init: "torch-default" } as ModelConfig, mixedTasks(2), INPUT, [8, 9]);
    const one = createModel({ kind, init: "torch-default" } as ModelConfig, mixedTasks(2), INPUT, [9]);
    two.variables.forEach((v, i) => assert.equal(tf.tidy(() => maxAbsDiff(v.slice([1], [1]), one.variables[i])), 0, `${kind}: replica 1 is the R = 1 model of its seed`));
    [a, b, two, one].forEach((m) => m.dispose());
  }
});
