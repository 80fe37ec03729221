import test from "node:test";
import assert from "node:assert/strict";
import {
  DataError, generateSeesawSynthetic, generateSynthetic, labelPearson, seesawSyntheticParams, syntheticChunks,
  syntheticParams, syntheticReplicas, taskWeights,
} from "mtl-lab";
import { cosine, pearson } from "./reference-stats";

test("weight vectors: cos(w1, w2) = p to 1e-6 and ‖w‖ = c, for the paper's two tasks", () => {
  for (const p of [-1, -0.7, 0, 0.3, 0.9, 1]) {
    const data = generateSynthetic(syntheticParams("mmoe", { p, c: 2.5, seed: 11, samples: 4 }));
    assert.ok(Math.abs(cosine(data.weights[0], data.weights[1]) - p) < 1e-6, `p = ${p}`);
    for (const w of data.weights) assert.ok(Math.abs(Math.hypot(...w) - 2.5) < 1e-9);
  }
});

test("more than two tasks: each task at cosine p_k to task 1, tasks ≥ 2 at p_k·p_j to each other", () => {
  const data = generateSynthetic(syntheticParams("mmoe", { tasks: 4, p: [0.8, 0.5, -0.3], seed: 3, samples: 4 }));
  const w = data.weights;
  assert.ok(Math.abs(cosine(w[0], w[1]) - 0.8) < 1e-6);
  assert.ok(Math.abs(cosine(w[0], w[2]) - 0.5) < 1e-6);
  assert.ok(Math.abs(cosine(w[0], w[3]) + 0.3) < 1e-6);
  assert.ok(Math.abs(cosine(w[1], w[2]) - 0.4) < 1e-6);
  assert.equal(data.labels.length, 4);
  assert.deepEqual(data.tasks.map((t) => t.name), ["y1", "y2", "y3", "y4"]);
  assert.match(data.params.extension, /cosine p_k to task 1/);
});

test("m = 0: the label Pearson equals p within sampling error", () => {
  const n = 20_000;
  for (const p of [-0.8, 0, 0.5, 0.9]) {
    const data = generateSynthetic(syntheticParams("mmoe", { p, m: 0, samples: n, seed: 5 }));
    const r = pearson(data.labels[0], data.labels[1]);
    // Noise variance 0.01 shrinks the correlation by 1/1.01; sampling sd ≈ (1 − p²)/√n.
    const tol = 4 * (1 - p * p) / Math.sqrt(n) + 0.011 * Math.abs(p) + 1e-3;
    assert.ok(Math.abs(r - p) < tol, `p = ${p}: Pearson ${r}, tolerance ${tol}`);
  }
});

test("same seed → identical data; different seed → different data", () => {
  const a = generateSynthetic(syntheticParams("mmoe", { p: 0.5, seed: 42, samples: 500 }));
  const b = generateSynthetic(syntheticParams("mmoe", { p: 0.5, seed: 42, samples: 500 }));
  const c = generateSynthetic(syntheticParams("mmoe", { p: 0.5, seed: 43, samples: 500 }));
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.x, c.x);
  assert.notDeepEqual(a.labels[0], c.labels[0]);
  assert.notDeepEqual(a.params.alpha, c.params.alpha);
  assert.equal(a.x.length, 500 * 100);
  assert.deepEqual(a.input, { numeric: 100, categorical: [] });
});

test("chunked generation gives the same rows whatever the chunk size", () => {
  const q = syntheticParams("ple", { p: 0.3, seed: 9, samples: 50, d: 16 });
  const whole = generateSynthetic(q);
  const chunks = [...syntheticChunks(q, 7)];
  assert.equal(chunks.length, 8);
  assert.ok(chunks.every((ch) => ch.rows <= 7 && ch.x.length === ch.rows * 16));
  const x = new Float32Array(50 * 16);
  for (const ch of chunks) x.set(ch.x, ch.offset * 16);
  assert.deepEqual(x, whole.x);
  assert.deepEqual(Float32Array.from(chunks.flatMap((ch) => [...ch.labels[1]])), whole.labels[1]);
});

test("a second sample stream draws other x of the same tasks (fresh training rows)", () => {
  const q = syntheticParams("mmoe", { p: 0.6, seed: 4, samples: 20, d: 8, m: 0, noiseStd: 0 });
  const [a] = [...syntheticChunks(q, 20)];
  const [b] = [...syntheticChunks(q, 20, "fresh-train")];
  assert.notDeepEqual(a.x, b.x);
  // linear, noiseless: y_k = w_kᵀx exactly, with the same w_k in both streams
  const w = taskWeights(q);
  for (const ch of [a, b]) {
    for (let i = 0; i < 20; i++) {
      const z = w[1].reduce((s, wj, j) => s + wj * ch.x[i * 8 + j], 0);
      assert.ok(Math.abs(ch.labels[1][i] - z) < 1e-5, `row ${i}: ${ch.labels[1][i]} vs ${z}`);
    }
  }
});

test("per-replica data: replica r is the data set of seed r, laid out [R, n, d]", () => {
  const { seed: _s, ...base } = syntheticParams("mmoe", { p: 0.9, seed: 0, samples: 30, d: 8 });
  const reps = syntheticReplicas(base, [101, 202, 303]);
  assert.equal(reps.x.length, 3 * 30 * 8);
  for (const [r, seed] of [101, 202, 303].entries()) {
    const one = generateSynthetic({ ...base, seed });
    assert.deepEqual(reps.x.subarray(r * 240, (r + 1) * 240), one.x);
    assert.deepEqual(reps.labels[1].subarray(r * 30, (r + 1) * 30), one.labels[1]);
    assert.equal(reps.params[r].seed, seed);
  }
});

test("labelPearson: the projected shortcut agrees with the full construction", () => {
  const opts = { p: 0.5, samples: 2_000, dataSets: 30, seed: 7 };
  const fast = labelPearson(opts);
  const full = labelPearson({ ...opts, method: "full" });
  assert.equal(fast.values.length, 30);
  const se = Math.sqrt((fast.std ** 2 + full.std ** 2) / 30);
  assert.ok(Math.abs(fast.mean - full.mean) < 4 * se + 1e-3, `projected ${fast.mean} vs full ${full.mean} (se ${se})`);
  const linear = labelPearson({ p: -0.6, params: { m: 0 }, samples: 5_000, dataSets: 20, seed: 1 });
  assert.ok(Math.abs(linear.mean - -0.6 / 1.01) < 0.01, `m = 0: ${linear.mean}`);
});

test("invalid knobs are rejected with the field name", () => {
  assert.throws(() => syntheticParams("mmoe", { p: 1.5, seed: 1 }), (e: unknown) => e instanceof DataError && /p\[0\].*\[-1, 1\].*1\.5/.test(e.message));
  assert.throws(() => syntheticParams("mmoe", { seed: 1, tasks: 3, p: [0.1] }), /p has 1 values, expected tasks − 1 = 2/);
  assert.throws(() => syntheticParams("mmoe", { p: 0.5, seed: 1, m: 2, alpha: [1] }), /alpha has 1 values, m is 2/);
});

test("seesaw synthetic: the task relation flips sign with the sample's side of u3", () => {
  const data = generateSeesawSynthetic(seesawSyntheticParams({ seed: 4, samples: 20_000, pPositive: 0.9, pNegative: -0.9, m: 0 }));
  const [y1, y2] = data.labels;
  assert.deepEqual(data.tasks.map((t) => t.kind), ["regression", "binary"]);
  assert.ok(y2.every((v) => v === 0 || v === 1));
  const pos = [...data.sampleP.keys()].filter((i) => data.sampleP[i] > 0);
  const neg = [...data.sampleP.keys()].filter((i) => data.sampleP[i] < 0);
  assert.ok(Math.abs(pos.length / 20_000 - 0.5) < 0.02);
  const pick = (y: Float32Array, idx: number[]): Float32Array => Float32Array.from(idx, (i) => y[i]);
  assert.ok(pearson(pick(y1, pos), pick(y2, pos)) > 0.5);
  assert.ok(pearson(pick(y1, neg), pick(y2, neg)) < -0.5);
});
