// The fast wasm BatchMatMul kernel (lib/kernels/wasm-matmul-kernel.ts): every shape case against
// a naive host product, gradients included, and no tensors left behind; and the copy kernels
// (lib/kernels/wasm-copy-kernels.ts) against tfjs' cpu kernels, bit for bit.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng, initBackend, installKernels, kernelsInstalled } from "mtl-lab";

function rand(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))) as Float32Array, shape);
}

/** Naive broadcast batched product on the host (the definition). */
function naive(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { shape: number[]; values: Float64Array } {
  const [shape, A, B] = tf.tidy(() => operands(a, b, ta, tb));
  const [M, K] = [shape[shape.length - 2], A.length / (shape.slice(0, -2).reduce((x, y) => x * y, 1) * shape[shape.length - 2])];
  const N = shape[shape.length - 1];
  const G = shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const out = new Float64Array(G * M * N);
  for (let g = 0; g < G; g++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += A[g * M * K + i * K + k] * B[g * K * N + k * N + j];
    out[g * M * N + i * N + j] = s;
  }
  return { shape, values: out };
}

/** Output shape and both operands broadcast to it and un-transposed, as host arrays. */
function operands(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): [number[], Float32Array, Float32Array] {
  const at = ta ? a.transpose([...Array(a.rank - 2).keys(), a.rank - 1, a.rank - 2]) : a;
  const bt = tb ? b.transpose([...Array(b.rank - 2).keys(), b.rank - 1, b.rank - 2]) : b;
  const [M, K] = at.shape.slice(-2), N = bt.shape[bt.rank - 1];
  const outDims = tf.broadcast_util.assertAndGetBroadcastShape(at.shape.slice(0, -2), bt.shape.slice(0, -2));
  const A = tf.broadcastTo(at, [...outDims, M, K]).dataSync() as Float32Array, B = tf.broadcastTo(bt, [...outDims, K, N]).dataSync() as Float32Array;
  return [[...outDims, M, N], A, B];
}

const CASES: [number[], number[], boolean, boolean][] = [
  [[3, 4, 5], [3, 5, 2], false, false], // a batch of products
  [[3, 5, 4], [3, 5, 2], true, false], // dW-style
  [[3, 4, 5], [3, 2, 5], false, true], // dx-style
  [[3, 5, 4], [3, 2, 5], true, true],
  [[1, 4, 5], [3, 5, 2], false, false], // broadcast left
  [[3, 4, 5], [1, 5, 2], false, false], // broadcast right: one product over all rows
  [[3, 4, 5], [5, 2], false, false], // rank-2 right operand
  [[2, 1, 4, 5], [1, 3, 5, 2], false, false], // broadcasting on two outer axes
  [[4, 5], [5, 2], false, false], // plain 2-D
  [[2, 3, 1, 7], [2, 3, 7, 1], false, false], // vectors
];

test("fast wasm BatchMatMul equals the naive product for every shape case", async () => {
  await initBackend("wasm");
  installKernels();
  assert.ok(kernelsInstalled());
  const before = tf.memory().numTensors;
  CASES.forEach(([sa, sb, ta, tb], i) => {
    const a = rand(sa, 10 + i), b = rand(sb, 100 + i);
    const y = tf.matMul(a, b, ta, tb);
    const want = naive(a, b, ta, tb);
    assert.deepEqual(y.shape, want.shape, `case ${i} shape`);
    const got = y.dataSync();
    for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k] - want.values[k]) < 1e-4, `case ${i} at ${k}: ${got[k]} vs ${want.values[k]}`);
    tf.dispose([a, b, y]);
  });
  assert.equal(tf.memory().numTensors, before);
});

test("fast wasm BatchMatMul: gradients equal the analytic ones (dA = dY·Bᵀ, dB = Aᵀ·dY)", async () => {
  await initBackend("wasm");
  installKernels();
  const a = rand([3, 4, 5], 1), b = rand([3, 5, 2], 2), dy = rand([3, 4, 2], 3);
  const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y).mul(dy).sum())([a, b]);
  const wantA = naive(dy, b, false, true), wantB = naive(a, dy, true, false);
  da.dataSync().forEach((v, k) => assert.ok(Math.abs(v - wantA.values[k]) < 1e-4));
  db.dataSync().forEach((v, k) => assert.ok(Math.abs(v - wantB.values[k]) < 1e-4));
  tf.dispose([a, b, dy, da, db]);
});

test("fast wasm BatchMatMul: repeated products on the same operands are bit-identical", async () => {
  await initBackend("wasm");
  installKernels();
  const a = rand([8, 16, 12], 4), b = rand([8, 12, 6], 5);
  const y1 = tf.matMul(a, b).dataSync(), y2 = tf.matMul(a, b).dataSync();
  assert.deepEqual(Array.from(y1), Array.from(y2));
  // replica r of the batch equals the same product alone (the replica-equivalence the models rely on)
  const r = 5;
  const alone = tf.matMul(a.slice([r, 0, 0], [1, -1, -1]), b.slice([r, 0, 0], [1, -1, -1])).dataSync();
  assert.deepEqual(Array.from(alone), Array.from(y1.subarray(r * 16 * 6, (r + 1) * 16 * 6)));
  tf.dispose([a, b]);
});

/** Runs `f` on wasm (with the replacements) and on tfjs' cpu backend; both results as arrays. */
async function onBoth(f: () => tf.Tensor): Promise<[number[], number[], number[], number[]]> {
  await initBackend("wasm");
  installKernels();
  const w = tf.tidy(f);
  const got = [Array.from(w.dataSync()), w.shape];
  w.dispose();
  await tf.setBackend("cpu");
  const c = tf.tidy(f);
  const want = [Array.from(c.dataSync()), c.shape];
  c.dispose();
  await tf.setBackend("wasm");
  return [got[0], got[1], want[0], want[1]] as [number[], number[], number[], number[]];
}

test("wasm Slice / Tile / Gather / Concat / Pack / Unpack / SplitV replacements equal tfjs' cpu kernels bit for bit", async () => {
  const x = (shape: number[], dtype: "float32" | "int32" | "bool" = "float32") => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = Array.from({ length: n }, (_, i) => (dtype === "bool" ? i % 3 === 0 : dtype === "int32" ? i * 7 - 50 : Math.sin(i) * 10));
    return tf.tensor(v as number[], shape, dtype);
  };
  const cases: [string, () => tf.Tensor][] = [
    ["slice contiguous rows", () => x([6, 4, 5]).slice([2, 0, 0], [3, -1, -1])],
    ["slice columns", () => x([6, 4, 5]).slice([0, 0, 1], [-1, -1, 3])],
    ["slice middle axis", () => x([6, 4, 5]).slice([1, 1, 0], [4, 2, -1])],
    ["slice rank 5", () => x([2, 3, 4, 2, 3]).slice([1, 0, 1, 1, 0], [1, 3, 2, 1, 2])],
    ["slice 1-D int32", () => x([9], "int32").slice([3], [4])],
    ["slice bool", () => x([4, 6], "bool").slice([1, 2], [2, 3])],
    ["tile leading", () => x([1, 3, 4]).tile([5, 1, 1])],
    ["tile middle", () => x([2, 1, 3, 4]).tile([1, 3, 1, 1])],
    ["tile last", () => x([2, 3]).tile([1, 4])],
    ["tile every axis", () => x([2, 3, 2]).tile([3, 2, 2])],
    ["broadcastTo bool mask", () => tf.broadcastTo(x([4, 1, 1], "bool"), [4, 3, 5])],
    ["broadcastTo float", () => tf.broadcastTo(x([3, 1]), [2, 3, 4])],
    ["gather rows", () => tf.gather(x([7, 5]), tf.tensor1d([6, 0, 3, 3, 1], "int32"))],
    ["gather 2-D indices", () => tf.gather(x([7, 5]), tf.tensor2d([6, 0, 3, 3, 1, 2], [2, 3], "int32"))],
    ["gather axis 1", () => tf.gather(x([3, 7, 2]), tf.tensor1d([6, 0, 3], "int32"), 1)],
    ["gather last axis int32", () => tf.gather(x([3, 7], "int32"), tf.tensor1d([2, 2, 5], "int32"), 1)],
    ["gather long rows", () => tf.gather(x([5, 70]), tf.tensor1d([4, 1], "int32"))],
    ["slice long runs", () => x([3, 4, 80]).slice([0, 1, 5], [-1, 2, 70])],
    ["concat last axis, short runs", () => tf.concat([x([4, 3, 2]), x([4, 3, 5]).neg()], 2)],
    ["concat axis 1, long runs", () => tf.concat([x([2, 1, 70]), x([2, 3, 70]).neg(), x([2, 2, 70]).abs()], 1)],
    ["concat axis 0 int32", () => tf.concat([x([2, 3], "int32"), x([1, 3], "int32")], 0)],
    ["concat with an empty input", () => tf.concat([x([2, 3]), tf.zeros([2, 0]), x([2, 1]).neg()], 1)],
    ["concat bool", () => tf.concat([x([2, 3], "bool"), x([2, 2], "bool")], 1)],
    ["stack axis 2 (the AdaTT gates)", () => tf.stack([x([2, 5, 6]), x([2, 5, 6]).neg(), x([2, 5, 6]).abs()], 2)],
    ["stack axis 0", () => tf.stack([x([3, 4]), x([3, 4]).neg()])],
    ["stack last axis", () => tf.stack([x([3, 4]), x([3, 4]).neg()], -1)],
    ["stack long runs", () => tf.stack([x([2, 80]), x([2, 80]).neg()], 1)],
    ["unstack axis 2, second", () => tf.unstack(x([2, 5, 3, 6]), 2)[1]],
    ["unstack axis 0, last", () => tf.unstack(x([3, 4, 2]))[2]],
    ["unstack last axis int32", () => tf.unstack(x([4, 3], "int32"), -1)[0]],
    ["unstack long runs", () => tf.unstack(x([2, 3, 90]), 1)[2]],
    ["split axis 1 by sizes, second (PLE: own and shared experts)", () => tf.split(x([2, 4, 3, 5]), [1, 3], 1)[1]],
    ["split last axis in equal parts, last", () => tf.split(x([3, 12]), 3, -1)[2]],
    ["split axis 0 int32", () => tf.split(x([4, 3], "int32"), [3, 1])[0]],
    ["split long runs, with -1", () => tf.split(x([2, 5, 70]), [2, -1], 1)[1]],
    ["concat's gradient is a split", () => tf.grad((a: tf.Tensor) => tf.concat([a, a.mul(2)], 1).mul(x([2, 6, 3])).sum())(x([2, 3, 3]))],
  ];
  await initBackend("wasm");
  installKernels();
  const before = tf.memory().numTensors;
  for (const [name, f] of cases) {
    const [got, gotShape, want, wantShape] = await onBoth(f);
    assert.deepEqual(gotShape, wantShape, name);
    assert.deepEqual(got, want, name);
  }
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], "int32")), /not in \[0, 2\]/);
});

test("a wasm clone shares its input's buffer, and a checkpoint clone keeps its values when the variable moves on", async () => {
  await initBackend("wasm");
  installKernels();
  const backend = tf.backend() as unknown as { refCount(dataId: object): number };
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([[1, -2, 3], [4, 5, -6]]);
  const c = tf.clone(x);
  assert.equal(backend.refCount(x.dataId), 2, "the clone is one more reference to the same buffer, not a copy");
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1, -2, 3, 4, 5, -6], "the clone outlives its input");
  c.dispose();
  // the trainer's checkpoint: tf.variable(v.clone()), then Adam's step assigns v new values
  const v = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -1.5, 2])));
  const best = tf.tidy(() => tf.variable(v.clone(), false));
  for (let i = 0; i < 3; i++) tf.tidy(() => v.assign(v.mul(2).add(1)));
  assert.deepEqual(Array.from(best.dataSync()), [0.5, -1.5, 2]);
  assert.deepEqual(Array.from(v.dataSync()), [11, -5, 23]);
  tf.dispose([v, best]);
  assert.equal(tf.memory().numTensors, before);
});
