// The native kernel addon (lib/kernels/native/*.cc via lib/kernels/native-addon.ts; kernel sets
// native-gemm and native, what MTL_KERNELS=auto runs where it builds): it built; its products are bit-identical to XNNPACK's
// for every transpose, broadcast and block tail and read transposes in place (no Transpose
// kernel); its Adam update is bit-identical to the tfjs ops of kernels/ops.ts, inactive replicas
// included, its ReLU gradient to tfjs' own, its input layer to the unfused ops and its mix
// weight gradient to the wasm module; it refuses operands outside the heap; without it the wasm kernels run and the native
// sets are refused with the reason. Training with it (every model kind, census AdaTT):
// test/kernels-bit-identity.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ReplicaAdam, Rng, embeddingBagSum, gatedMix, initBackend, nativeAddon, nativeAddonStatus, projectRoot, sharedInputLayer } from "mtl-lab";
import { withKernels } from "./models-util";

function rand(shape: number[], rng: Rng): tf.Tensor {
  return tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))) as Float32Array, shape);
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

test("the native addon was built by npm run build and loads", () => {
  const s = nativeAddonStatus();
  assert.ok(s.available, `native products unavailable: ${s.reason}`);
  assert.equal(s.reason, "loaded");
});

// [a shape, b shape, transposeA, transposeB]: rows 1–13 (the 6-row blocks' tails), columns 1–97
// (the 32-column panels' tails), K from 1, every transpose pair, broadcast on either side, and
// several broadcast outer axes; the census shapes of the bench's Shared-Bottom step.
const CASES: [number[], number[], boolean, boolean][] = [
  [[1, 1], [1, 1], false, false],
  [[7, 5], [5, 31], false, false],
  [[13, 3], [3, 33], false, false],
  [[6, 40], [40, 97], false, false],
  [[3, 9, 17], [3, 17, 64], false, false],
  [[3, 17, 9], [3, 17, 64], true, false],
  [[3, 9, 17], [3, 64, 17], false, true],
  [[3, 17, 9], [3, 64, 17], true, true],
  [[4, 11, 8], [8, 35], false, false], // a shared right matrix
  [[11, 8], [4, 8, 35], false, false], // a shared left matrix
  [[2, 1, 5, 9], [1, 3, 9, 33], false, false], // two broadcast outer axes
  [[2, 1, 9, 5], [1, 3, 33, 9], true, true],
  [[512, 7], [7, 1024], false, false],
  [[2, 512, 128], [2, 512, 64], true, false], // a weight gradient: xᵀ·dy
  [[6, 512, 64], [6, 32, 64], false, true], // an input gradient: dy·Wᵀ
  [[24, 40, 32], [24, 32, 1], false, false], // one output column (a tower's output layer), run as a row
  [[3, 40, 33], [3, 40, 1], true, false], // its weight gradient
  [[3, 9, 17], [3, 1, 17], false, true],
];

test("native products are bit-identical to XNNPACK's: every transpose, broadcast and block tail", async () => {
  await initBackend("wasm");
  const rng = new Rng(41);
  const tensorsBefore = tf.memory().numTensors;
  for (const [sa, sb, ta, tb] of CASES) {
    const a = rand(sa, rng), b = rand(sb, rng);
    const size = tf.tidy(() => tf.matMul(a, b, ta, tb).size);
    // the output lands on the freed NaN block (the heap allocator reuses it), so an element a kernel leaves unwritten shows
    const product = (set: string) => withKernels(set, () => tf.tidy(() => {
      tf.fill([size], NaN).dispose();
      return tf.matMul(a, b, ta, tb).dataSync() as Float32Array;
    }));
    const x = product("xnnpack"), n = product("native");
    assert.equal(n.length, x.length);
    assert.deepEqual(bits(n), bits(x), `${JSON.stringify([sa, sb, ta, tb])}`);
    tf.dispose([a, b]);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, "no tensors left");
});

test("native products: gradients through matMul equal XNNPACK's, transposes read in place (no Transpose kernel)", async () => {
  await initBackend("wasm");
  const rng = new Rng(43);
  const a = rand([3, 10, 7], rng), b = rand([3, 7, 37], rng), dy = rand([3, 10, 37], rng);
  const grads = (set: string) => withKernels(set, () => tf.tidy(() => {
    const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), dy)))([a, b]);
    return g.map((t) => bits(t.dataSync() as Float32Array));
  }));
  assert.deepEqual(grads("native"), grads("xnnpack"));
  // a transposed operand: the XNNPACK path calls the wasm Transpose kernel first (which shows this count can fail), the addon reads it in place
  const tA = rand([3, 7, 10], rng);
  const transpose = tf.getKernel("Transpose", "wasm")!;
  let transposes = 0;
  tf.unregisterKernel("Transpose", "wasm");
  tf.registerKernel({ ...transpose, kernelFunc: (args) => { transposes++; return transpose.kernelFunc(args); } });
  try {
    const count = (set: string) => withKernels(set, () => { transposes = 0; tf.tidy(() => { tf.matMul(tA, b, true, false); }); return transposes; });
    assert.deepEqual([count("xnnpack"), count("native")], [1, 0]);
  } finally {
    tf.unregisterKernel("Transpose", "wasm");
    tf.registerKernel(transpose);
  }
  tf.dispose([a, b, dy, tA]);
});

test("native gather-sums (embedding bag, its gradient, axis sums) are bit-identical to the wasm module's for every column tail", async () => {
  await initBackend("wasm");
  const rng = new Rng(47);
  const tensorsBefore = tf.memory().numTensors;
  // U: one column, below a vector, one vector, vectors and a tail, the 64-column block and both tails
  for (const U of [1, 15, 16, 37, 64, 80, 130]) {
    const R = 2, V = 11, B = 9, nCat = 3;
    const table = rand([R, V, U], rng) as tf.Tensor3D, dy = rand([R, B, U], rng);
    const idx = tf.tensor1d(Array.from({ length: B * nCat }, (_, i) => (i * 7 + (i % nCat) * 3) % V), "int32"); // repeats and an unused row
    const x = rand([R, 5, 4, U], rng);
    const run = (set: string) => withKernels(set, () => tf.tidy(() => {
      tf.fill([R * V * U * 4], NaN).dispose(); // outputs land on NaN memory: an unwritten element shows
      const bag = embeddingBagSum(table, idx, B, nCat);
      const dTable = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingBagSum(t as tf.Tensor3D, idx, B, nCat), dy)))(table); // the scatter-add
      const axisSum = tf.sum(x, [1, 2]); // contiguous, not innermost: the gather-sum with the list 0..K-1
      return [bag, dTable, axisSum].map((t) => bits(t.dataSync() as Float32Array));
    }));
    assert.deepEqual(run("native"), run("sparse-sum-dw-mix"), `U = ${U}`);
    tf.dispose([table, dy, idx, x]);
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, "no tensors left");
  const heap = new ArrayBuffer(4 * 64);
  const i32 = new Int32Array(heap);
  i32.set([0, 2], 48); // starts at byte 192: one output row of two list entries
  i32.set([0, 1], 56); // list at byte 224
  const gsum = (nSrc: number, listLength: number) => nativeAddon()!.gsum(heap, 1, 1, 4, nSrc, 0, 0, 224, listLength, 192, 128, 0);
  gsum(2, 2);
  assert.throws(() => gsum(1, 2), /gsum: a list entry is not a source row/);
  assert.throws(() => gsum(2, 1), /gsum: the starts must ascend within the list/);
  assert.throws(() => gsum(100, 2), /outside the heap/);
});

test("native gated-mix weight gradient: bit-identical to the wasm module's for the fixed and the general expert counts and every row tail", async () => {
  await initBackend("wasm");
  const rng = new Rng(61);
  // [K gates, n experts, B rows, H]: census AdaTT-sp (3 × 6) and MMoE (2 × 8) take fixed-size code, the rest the general one
  for (const [K, n, B, H] of [[3, 6, 40, 19], [2, 8, 16, 5], [1, 3, 7, 33], [4, 5, 17, 1]]) {
    const R = 2;
    const w = rand([R, B, K, n], rng) as tf.Tensor4D, e = rand([R, n, B, H], rng) as tf.Tensor4D, dy = rand([R, K, B, H], rng);
    const run = (set: string) => withKernels(set, () => tf.tidy(() => {
      tf.fill([R * B * K * n * 4], NaN).dispose(); // outputs land on NaN memory: an unwritten element shows
      const dw = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatedMix(t as tf.Tensor4D, e), dy)))(w);
      return bits(dw.dataSync() as Float32Array);
    }));
    assert.deepEqual(run("native"), run("sparse-sum-dw-mix"), `K ${K}, n ${n}, B ${B}, H ${H}`);
    tf.dispose([w, e, dy]);
  }
});

test("the addon refuses a heap that is not an ArrayBuffer, operands outside it, negative sizes and a wrong argument count", () => {
  const addon = nativeAddon();
  assert.ok(addon, nativeAddonStatus().reason);
  const gemm = addon.gemm.bind(addon);
  const heap = new ArrayBuffer(4 * 64);
  const f = new Float32Array(heap);
  f.set([1, 2, 3, 4], 0); // a = [[1, 2], [3, 4]]
  f.set([5, 6, 7, 8], 4); // b = [[5, 6], [7, 8]]
  gemm(heap, 1, 2, 2, 2, 0, 0, 16, 0, 32, false, false);
  assert.deepEqual(Array.from(f.subarray(8, 12)), [19, 22, 43, 50]);
  gemm(heap, 1, 2, 2, 2, 0, 0, 16, 0, 32, true, true); // aᵀ·bᵀ = (b·a)ᵀ
  assert.deepEqual(Array.from(f.subarray(8, 12)), [23, 31, 34, 46]);
  assert.throws(() => gemm(new Float32Array(64) as unknown as ArrayBuffer, 1, 2, 2, 2, 0, 0, 16, 0, 32, false, false), /first argument must be the wasm heap's ArrayBuffer/);
  assert.throws(() => gemm(heap, 1, 2, 2, 2, 0, 0, 16, 0, 4 * 63, false, false), /outside the heap/);
  assert.throws(() => gemm(heap, 2, 2, 2, 2, 0, 4 * 62, 16, 0, 32, false, false), /outside the heap/, "the second pair's a");
  assert.throws(() => gemm(heap, 1, 2, 2, 2, 2, 0, 16, 0, 32, false, false), /not float-aligned/);
  assert.throws(() => gemm(heap, 1, -2, 2, 2, 0, 0, 16, 0, 32, false, false), /non-negative integers/);
  assert.throws(() => (addon.gemm as unknown as (h: ArrayBuffer) => void)(heap), /gemm: expected 12 arguments/);
  assert.throws(() => (addon.adam as unknown as (h: ArrayBuffer) => void)(heap), /adam: expected 19 arguments/);
  assert.throws(() => (addon.gsum as unknown as (h: ArrayBuffer) => void)(heap), /gsum: expected 12 arguments/);
});

test("MTL_NATIVE=off: the wasm kernels run (default set sparse-sum-dw-mix) and the native sets are refused with the reason", () => {
  const script = `
    const m = require("mtl-lab");
    console.log(JSON.stringify({ status: m.nativeAddonStatus(), set: m.kernelSet() }));
    for (const set of ["native-gemm", "native"]) {
      process.env.MTL_KERNELS = set;
      try { m.kernelSet(); console.log("accepted"); } catch (e) { console.log(e.message); }
    }`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, MTL_NATIVE: "off", MTL_KERNELS: "", MTL_WASM_KERNELS: "" } });
  assert.equal(r.status, 0, r.stderr);
  const [first, ...refusals] = r.stdout.trim().split("\n");
  const { status, set } = JSON.parse(first) as { status: { available: boolean; reason: string }; set: string };
  assert.deepEqual([status.available, status.reason, set], [false, "MTL_NATIVE=off", "sparse-sum-dw-mix"]);
  assert.deepEqual(refusals, ["native-gemm", "native"].map((set) => `MTL_KERNELS=${set}: the native addon is unavailable: MTL_NATIVE=off (npm run build compiles it; or set MTL_KERNELS=auto)`));
});

test("native Adam: θ, m and v bit-identical to the tfjs ops of kernels/ops.ts over 5 steps, an inactive replica kept bit for bit, one MtlAdam kernel per variable", async () => {
  await initBackend("wasm");
  const rng = new Rng(47);
  const R = 3;
  const shapes = [[R, 37, 5], [R, 1], [R, 70]];
  const init = shapes.map((s) => rng.fillNormal(new Float32Array(s.reduce((a, b) => a * b, 1))) as Float32Array);
  const gradSeq = Array.from({ length: 5 }, () => shapes.map((s) => rng.fillNormal(new Float32Array(s.reduce((a, b) => a * b, 1))) as Float32Array));
  const run = (set: string) => withKernels(set, () => {
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(init[i], s), true));
    const adam = new ReplicaAdam(vars);
    const lr = tf.tensor1d([1e-2, 3e-3, 1e-1]);
    const active = tf.tensor1d([1, 0, 1], "bool");
    gradSeq.forEach((gs, step) => {
      const grads = gs.map((g, i) => tf.tensor(g, shapes[i]));
      adam.apply(grads, lr, step < 2 ? null : active); // replica 1 stops after two steps
      tf.dispose(grads);
    });
    const out = vars.map((x) => bits(x.dataSync() as Float32Array));
    const frozen = vars.map((x) => bits(x.slice([1], [1]).dataSync() as Float32Array));
    tf.dispose([...vars, lr, active]);
    adam.dispose();
    return { out, frozen };
  });
  const ops = run("sparse-sum-dw-mix"), native = run("native");
  assert.deepEqual(native.out, ops.out);
  // the check can fail: replica 1 moved in its two active steps, then stayed
  assert.notDeepEqual(native.frozen[0], bits(init[0].slice(37 * 5, 2 * 37 * 5)));
  const kernels = await withKernels("native", async () => {
    const x = tf.variable(tf.ones([R, 4]));
    const adam = new ReplicaAdam([x]);
    const lr = tf.fill([R], 0.1) as tf.Tensor1D, g = tf.ones([R, 4]);
    const names = (await tf.profile(() => adam.apply([g], lr, null))).kernels.map((k) => k.name);
    tf.dispose([x, lr, g]);
    adam.dispose();
    return names;
  });
  assert.deepEqual(kernels, ["MtlAdam"]);
});

test("native ReLU gradient: bit-identical to tfjs' Step, Cast and Multiply for NaN, ±0, infinities, denormals and long runs; one MtlReluGrad kernel", async () => {
  await initBackend("wasm");
  const special = [NaN, -0, 0, 1e-40, -1e-40, 2, -3, Infinity, -Infinity];
  const rng = new Rng(53);
  const n = 1000; // past every vector width and its tail
  const x = new Float32Array(n), dy = new Float32Array(n);
  rng.fillNormal(x);
  rng.fillNormal(dy);
  special.forEach((v, i) => special.forEach((w, j) => { x[i * special.length + j] = v; dy[i * special.length + j] = w; }));
  const grad = (set: string) => withKernels(set, () => {
    const [xt, dyt] = [tf.tensor1d(x), tf.tensor1d(dy)];
    const g = tf.grad((t: tf.Tensor) => tf.relu(t).mul(dyt).sum())(xt);
    const out = bits(g.dataSync() as Float32Array);
    tf.dispose([xt, dyt, g]);
    return out;
  });
  const ops = grad("sparse-sum-dw-mix"), native = grad("native");
  assert.deepEqual(native, ops);
  assert.ok(ops.some((b) => b === 0x80000000), "a -0 (dy < 0 where x ≤ 0) is among the cases");
  const kernels = await withKernels("native", async () => {
    const [xt, dyt] = [tf.tensor1d(x), tf.tensor1d(dy)];
    const names = (await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t).mul(dyt).sum())(xt))).kernels.map((k) => k.name);
    tf.dispose([xt, dyt]);
    return names;
  });
  assert.ok(kernels.includes("MtlReluGrad") && !kernels.includes("Step"), kernels.join(" "));
});

test("native input layer: (bias + x·W) + bag bit-identical to the unfused ops, values and gradients, for every column tail; one MtlInputLayer kernel", async () => {
  await initBackend("wasm");
  const rng = new Rng(59);
  const R = 3, B = 37, Dn = 5, V = 23, nCat = 4;
  const flat = tf.tensor1d(Array.from({ length: B * nCat }, (_, j) => (j * 7 + (j % nCat) * 5) % V), "int32");
  for (const U of [16, 64 + 16 + 3, 2]) { // 4-vector blocks, 1-vector blocks and single columns
    const x = rand([B, Dn], rng) as tf.Tensor2D, w = rand([R, Dn, U], rng) as tf.Tensor3D, bias = rand([R, U], rng) as tf.Tensor2D, table = rand([R, V, U], rng) as tf.Tensor3D;
    const dy = rand([R, B, U], rng);
    const run = (set: string) => withKernels(set, () => {
      const f = (wv: tf.Tensor, bv: tf.Tensor, tv: tf.Tensor) => sharedInputLayer(x, wv as tf.Tensor3D, bv as tf.Tensor2D, tv as tf.Tensor3D, flat, nCat);
      const y = f(w, bias, table);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => f(a, b, c).mul(dy).sum())([w, bias, table]);
      const out = [y, ...grads].map((t) => bits(t.dataSync() as Float32Array));
      tf.dispose([y, ...grads]);
      return out;
    });
    assert.deepEqual(run("native"), run("sparse-sum-dw-mix"), `U = ${U}`);
    tf.dispose([x, w, bias, table, dy]);
  }
  const kernels = await withKernels("native", async () => {
    const x = tf.ones([B, Dn]) as tf.Tensor2D, w = tf.ones([R, Dn, 8]) as tf.Tensor3D, bias = tf.ones([R, 8]) as tf.Tensor2D, table = tf.ones([R, V, 8]) as tf.Tensor3D;
    const names = (await tf.profile(() => sharedInputLayer(x, w, bias, table, flat, nCat))).kernels.map((k) => k.name);
    tf.dispose([x, w, bias, table]);
    return names;
  });
  assert.ok(kernels.includes("MtlInputLayer") && !["Add", "BatchMatMul", "MtlEmbeddingBag"].some((k) => kernels.includes(k)), kernels.join(" "));
  flat.dispose();
});

test("a command asked for the native reference set without the addon stops with one line naming the reason and the fix, exit 2 (a setting it cannot use), no stack trace", () => {
  const cli = path.join(projectRoot(), "lib", "dist", "cli", "reproduce.js");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-native-"));
  try {
    const r = spawnSync(process.execPath, [cli, "demo", "--profile", "smoke", "--out", out], { encoding: "utf8", env: { ...process.env, MTL_NATIVE: "off", MTL_KERNELS: "native", MTL_WASM_KERNELS: "" } });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^error: MTL_KERNELS=native: the native addon is unavailable: MTL_NATIVE=off \(npm run build compiles it; or set MTL_KERNELS=auto\)\n$/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
