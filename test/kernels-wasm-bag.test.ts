// The wasm SIMD kernels of lib/kernels/wasm-bag-kernel.ts, one lever at a time: the sparse
// embedding bag against a float64 host definition (any index order, duplicates, row widths with
// SIMD tails) and bit for bit against the multi-hot product (the census case: each row's indices
// ascend), bad indices, the in-place axis Sum, the few-rows product and the fused gated mix.
// Whole models trained with each set: test/kernels-bit-identity.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng, embeddingBagSum, initBackend, mix, smallRowsCalls } from "mtl-lab";
import { withKernels } from "./models-util";

/** Random int32 indices [B·nCat]; `ascending`: column c hits only its own block of rows (as census offsets do). */
function indices(rng: Rng, B: number, vocab: number[], ascending: boolean): Int32Array {
  const V = vocab.reduce((a, v) => a + v, 0);
  const offsets = vocab.map((_, c) => vocab.slice(0, c).reduce((a, v) => a + v, 0));
  const out = new Int32Array(B * vocab.length);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < vocab.length; c++) {
      out[b * vocab.length + c] = ascending ? offsets[c] + Math.floor(rng.uniform() * vocab[c]) : Math.floor(rng.uniform() * V);
    }
  }
  return out;
}

/** Σ_c table[r, idx[b, c], :] and its gradient Σ dy into dTable, in float64 on the host. */
function hostBag(table: Float32Array, idx: Int32Array, dy: Float32Array, R: number, V: number, U: number, nCat: number) {
  const B = idx.length / nCat;
  const out = new Float64Array(R * B * U), grad = new Float64Array(R * V * U);
  for (let r = 0; r < R; r++) {
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < nCat; c++) {
        const v = idx[b * nCat + c];
        for (let u = 0; u < U; u++) {
          out[(r * B + b) * U + u] += table[(r * V + v) * U + u];
          grad[(r * V + v) * U + u] += dy[(r * B + b) * U + u];
        }
      }
    }
  }
  return { out, grad };
}

/** embeddingBagSum's value and its gradient for cotangent dy, with the current kernel set. */
function bagAndGrad(table: tf.Tensor3D, idx: tf.Tensor1D, dy: tf.Tensor3D, nCat: number): [Float32Array, Float32Array] {
  const B = idx.shape[0] / nCat;
  return tf.tidy(() => {
    const value = embeddingBagSum(table, idx, B, nCat);
    const g = tf.grad((t: tf.Tensor) => embeddingBagSum(t as tf.Tensor3D, idx, B, nCat).mul(dy).sum())(table);
    return [value.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

function firstBitDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  const A = bits(a), B = bits(b);
  for (let i = 0; i < A.length; i++) if (A[i] !== B[i]) return i;
  return -1;
}

test("sparse bag equals the float64 definition: any index order, duplicates, widths with SIMD tails", async () => {
  await initBackend("wasm");
  const rng = new Rng(7);
  for (const [R, B, vocab, U, ascending] of [
    [3, 5, [4, 6, 3], 37, false], // duplicates and unsorted rows; 37 = 2·16 + 4 + 1
    [2, 9, [5, 5, 5, 5], 16, true],
    [1, 4, [10], 3, false], // scalar tail only
    [4, 7, [3, 8], 70, false],
  ] as [number, number, number[], number, boolean][]) {
    const V = vocab.reduce((a, v) => a + v, 0), nCat = vocab.length;
    const t = rng.fillNormal(new Float32Array(R * V * U)) as Float32Array, d = rng.fillNormal(new Float32Array(R * B * U)) as Float32Array;
    const ix = indices(rng, B, vocab, ascending);
    const table = tf.tensor3d(t, [R, V, U]), idx = tf.tensor1d(ix, "int32"), dy = tf.tensor3d(d, [R, B, U]);
    const before = tf.memory().numTensors;
    const [value, grad] = withKernels("sparse", () => bagAndGrad(table, idx, dy, nCat));
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    const want = hostBag(t, ix, d, R, V, U, nCat);
    for (let i = 0; i < value.length; i++) assert.ok(Math.abs(value[i] - want.out[i]) < 1e-5, `value ${i}: ${value[i]} vs ${want.out[i]}`);
    for (let i = 0; i < grad.length; i++) assert.ok(Math.abs(grad[i] - want.grad[i]) < 1e-5, `grad ${i}: ${grad[i]} vs ${want.grad[i]}`);
    tf.dispose([table, idx, dy]);
  }
});

test("sparse bag is bit-identical to the default multi-hot product when each row's indices ascend (the census case)", async () => {
  await initBackend("wasm");
  const rng = new Rng(11);
  const R = 3, B = 64, vocab = [9, 17, 2, 51, 3, 8, 40], U = 45;
  const V = vocab.reduce((a, v) => a + v, 0), nCat = vocab.length;
  const table = tf.tensor3d(rng.fillNormal(new Float32Array(R * V * U)) as Float32Array, [R, V, U]);
  const dy = tf.tensor3d(rng.fillNormal(new Float32Array(R * B * U)) as Float32Array, [R, B, U]);
  const idx = tf.tensor1d(indices(rng, B, vocab, true), "int32");
  const [v0, g0] = withKernels("xnnpack", () => bagAndGrad(table, idx, dy, nCat));
  const [v1, g1] = withKernels("sparse", () => bagAndGrad(table, idx, dy, nCat));
  const ran = await withKernels("sparse", () => tf.profile(() => { bagAndGrad(table, idx, dy, nCat); }));
  assert.deepEqual(["MtlEmbeddingBag", "MtlEmbeddingBagGrad"].filter((k) => ran.kernelNames.includes(k)), ["MtlEmbeddingBag", "MtlEmbeddingBagGrad"], "the sparse set ran the bag kernels");
  assert.ok(!ran.kernelNames.includes("ScatterNd"), "and not the multi-hot product");
  assert.equal(firstBitDifference(v0, v1), -1, "forward");
  assert.equal(firstBitDifference(g0, g1), -1, "gradient");
  tf.dispose([table, dy, idx]);
});

test("sparse bag refuses an index outside the table", async () => {
  await initBackend("wasm");
  const table = tf.zeros([2, 5, 3]) as tf.Tensor3D, idx = tf.tensor1d([0, 4, 5, 1], "int32");
  withKernels("sparse", () => assert.throws(() => tf.tidy(() => { embeddingBagSum(table, idx, 2, 2); }), /index 5 is not in \[0, 4\]/));
  tf.dispose([table, idx]);
});

test("sparse-sum: Sum over contiguous non-innermost axes is bit-identical to tfjs' Sum, without its transpose", async () => {
  await initBackend("wasm");
  const rng = new Rng(13);
  const cases: [number[], number | number[], boolean][] = [
    [[4, 3, 6, 20, 37], 2, false], // the gated mix: Σ over experts
    [[5, 64, 45], 1, false], // a bias gradient: Σ over the batch
    [[5, 64, 45], 0, true],
    [[3, 4, 5, 6], [1, 2], true], // two contiguous axes, kept
    [[7, 300, 3], -2, false],
    [[6, 5], 1, false], // innermost: tfjs' own kernel
    [[3, 4, 5], [0, 2], false], // not contiguous: tfjs' own kernel
  ];
  for (const [shape, axis, keepDims] of cases) {
    const x = tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))) as Float32Array, shape);
    const want = withKernels("xnnpack", () => tf.tidy(() => tf.sum(x, axis, keepDims)));
    const before = tf.memory().numTensors;
    const got = withKernels("sparse-sum", () => tf.tidy(() => tf.sum(x, axis, keepDims)));
    assert.equal(tf.memory().numTensors, before + 1, "only the result is left");
    assert.deepEqual(got.shape, want.shape, `${shape} axis ${axis}`);
    assert.equal(firstBitDifference(got.dataSync() as Float32Array, want.dataSync() as Float32Array), -1, `${shape} axis ${axis}`);
    tf.dispose([x, want, got]);
  }
  const x = tf.ones([2, 6, 8, 16]);
  const ran = await withKernels("sparse-sum", () => tf.profile(() => { tf.tidy(() => { tf.sum(x, 1).dataSync(); }); }));
  assert.ok(!ran.kernelNames.includes("Transpose"), `kernels: ${ran.kernelNames}`);
  x.dispose();
});

test("sparse-sum-dw: products with ≤ 8 left rows equal XNNPACK's bit for bit (every column tail), and skip it", async () => {
  await initBackend("wasm");
  const rng = new Rng(17);
  for (const [M, K, N, G] of [[7, 512, 1000, 1], [7, 37, 70, 1], [1, 5, 64, 1], [8, 100, 133, 1], [3, 1, 67, 1], [2, 20, 90, 3]]) {
    const a = tf.tensor(rng.fillNormal(new Float32Array(G * M * K)) as Float32Array, G === 1 ? [M, K] : [G, M, K]);
    const b = tf.tensor(rng.fillNormal(new Float32Array(K * N)) as Float32Array, [K, N]);
    const want = withKernels("xnnpack", () => tf.matMul(a, b));
    const got = withKernels("sparse-sum-dw", () => tf.matMul(a, b));
    assert.equal(firstBitDifference(got.dataSync() as Float32Array, want.dataSync() as Float32Array), -1, `[${a.shape}] @ [${K}, ${N}]`);
    const naive = new Float64Array(G * M * N), A = a.dataSync(), Bv = b.dataSync(); // and the definition
    for (let i = 0; i < G * M; i++) for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) naive[i * N + j] += A[i * K + k] * Bv[k * N + j];
    const g = got.dataSync();
    for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] - naive[i]) < 1e-3, `[${a.shape}] @ [${K}, ${N}] at ${i}: ${g[i]} vs ${naive[i]}`);
    tf.dispose([a, b, want, got]);
  }
  const a = tf.ones([7, 512]), b = tf.ones([512, 100]);
  const before = smallRowsCalls();
  withKernels("xnnpack", () => tf.tidy(() => { tf.matMul(a, b).dataSync(); }));
  assert.equal(smallRowsCalls(), before, "the default set keeps XNNPACK");
  withKernels("sparse-sum-dw", () => tf.tidy(() => { tf.matMul(a, b).dataSync(); }));
  assert.equal(smallRowsCalls(), before + 1, "sparse-sum-dw ran the small-rows product");
  tf.dispose([a, b]);
});

test("sparse-sum-dw-mix: the fused gated mix and both gradients are bit-identical to mul + Sum, and run fused", async () => {
  await initBackend("wasm");
  const rng = new Rng(19);
  for (const [R, B, K, n, H] of [[3, 5, 2, 4, 13], [2, 7, 3, 6, 37], [1, 4, 1, 8, 16], [2, 3, 4, 1, 3]]) {
    const w = tf.tensor4d(rng.fillNormal(new Float32Array(R * B * K * n)) as Float32Array, [R, B, K, n]);
    const e = tf.tensor4d(rng.fillNormal(new Float32Array(R * n * B * H)) as Float32Array, [R, n, B, H]);
    const dy = tf.tensor4d(rng.fillNormal(new Float32Array(R * K * B * H)) as Float32Array, [R, K, B, H]);
    const run = () => tf.tidy(() => {
      const f = mix(w, e).dataSync() as Float32Array;
      const [dw, de] = tf.grads((a: tf.Tensor, b: tf.Tensor) => mix(a as tf.Tensor4D, b as tf.Tensor4D).mul(dy).sum())([w, e]);
      return [f, dw.dataSync() as Float32Array, de.dataSync() as Float32Array];
    });
    const want = withKernels("sparse-sum-dw", run);
    const before = tf.memory().numTensors;
    const got = withKernels("sparse-sum-dw-mix", run);
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    ["value", "dW", "dE"].forEach((what, q) => assert.equal(firstBitDifference(got[q], want[q]), -1, `[${R}, ${B}, ${K}, ${n}, ${H}] ${what}`));
    const ran = await withKernels("sparse-sum-dw-mix", () => tf.profile(() => { run(); }));
    assert.deepEqual(["MtlMix", "MtlMixGradW", "MtlMixGradE"].filter((k) => ran.kernelNames.includes(k)), ["MtlMix", "MtlMixGradW", "MtlMixGradE"]);
    tf.dispose([w, e, dy]);
  }
});
