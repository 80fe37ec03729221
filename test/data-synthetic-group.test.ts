/**
 * Synthetic task groups (lib/data/synthetic-group.ts): the weight vectors have the cosines asked
 * for, the labels carry the relations built in (related tasks correlate, unrelated ones do not),
 * binary tasks have the positive rate asked for, and bad input names what is wrong.
 */
import test from "node:test";
import assert from "node:assert/strict";
import { blockCosines, choleskyPsd, DataError, generateSyntheticGroup, type SyntheticGroupParams } from "mtl-lab";
import { cosine, pearson } from "./reference-stats";

const base = (over: Partial<SyntheticGroupParams> = {}): SyntheticGroupParams => ({
  d: 40, c: 1, m: 5, samples: 20_000, noiseStd: 0.1, alphaBetaStd: 1, seed: 17,
  cosines: blockCosines(5, [[0, 1], [2, 3]], 0.9),
  kinds: ["regression", "binary", "binary", "binary", "binary"],
  ...over,
});

test("blockCosines: within-block cosine, between-block cosine, unit diagonal", () => {
  assert.deepEqual(blockCosines(4, [[0, 2]], 0.8, 0.1), [
    [1, 0.1, 0.8, 0.1],
    [0.1, 1, 0.1, 0.1],
    [0.8, 0.1, 1, 0.1],
    [0.1, 0.1, 0.1, 1],
  ]);
  assert.throws(() => blockCosines(3, [[0, 1], [1, 2]], 0.5), /task 1 is in two blocks/);
});

test("choleskyPsd: L·Lᵀ = G, a repeated task gives a zero column, an impossible G is refused", () => {
  const g = blockCosines(5, [[0, 1], [2, 3]], 0.9, 0.2);
  const L = choleskyPsd(g);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
    const v = L[i].reduce((s, l, k) => s + l * L[j][k], 0);
    assert.ok(Math.abs(v - g[i][j]) < 1e-12, `[${i}][${j}]`);
  }
  const twins = choleskyPsd([[1, 1], [1, 1]]);
  assert.deepEqual(twins, [[1, 0], [1, 0]]);
  // three tasks each at cosine −0.9 to the others: no such vectors exist
  assert.throws(() => choleskyPsd([[1, -0.9, -0.9], [-0.9, 1, -0.9], [-0.9, -0.9, 1]]), /not positive semidefinite/);
});

test("weight vectors have the asked cosines and norm c", () => {
  const g = generateSyntheticGroup(base({ samples: 4, c: 2, cosines: blockCosines(5, [[0, 1], [2, 3]], 0.9, 0.2) }));
  for (let i = 0; i < 5; i++) {
    assert.ok(Math.abs(Math.hypot(...g.weights[i]) - 2) < 1e-9);
    for (let j = 0; j < 5; j++) assert.ok(Math.abs(cosine(g.weights[i], g.weights[j]) - g.params.cosines[i][j]) < 1e-9, `cos(w${i + 1}, w${j + 1})`);
  }
});

test("labels carry the relations: related pairs correlate strongly, unrelated tasks do not", () => {
  const g = generateSyntheticGroup(base());
  const r = (i: number, j: number) => pearson(g.labels[i], g.labels[j]);
  // pair 1 (regression y1, binary y2) and pair 2 (binary y3, y4) at cosine 0.9
  assert.ok(r(0, 1) > 0.5, `y1–y2 ${r(0, 1)}`);
  assert.ok(r(2, 3) > 0.5, `y3–y4 ${r(2, 3)}`);
  // unrelated: independent latents, so |Pearson| is sampling noise (sd ≈ 1/√20,000 = 0.007)
  for (const [i, j] of [[0, 2], [0, 4], [1, 3], [2, 4], [3, 4], [1, 4]]) assert.ok(Math.abs(r(i, j)) < 0.04, `y${i + 1}–y${j + 1} ${r(i, j)}`);
  assert.deepEqual(g.tasks.map((t) => t.kind), ["regression", "binary", "binary", "binary", "binary"]);
  assert.deepEqual(g.tasks.map((t) => t.name), ["y1", "y2", "y3", "y4", "y5"]);
});

test("binary tasks: 0/1 labels at the asked positive rate; the threshold does not depend on the sample count", () => {
  for (const rate of [0.5, 0.2]) {
    const g = generateSyntheticGroup(base({ positiveRate: rate }));
    for (let k = 1; k < 5; k++) {
      const y = g.labels[k];
      assert.ok(y.every((v) => v === 0 || v === 1));
      const share = y.reduce((s, v) => s + v, 0) / y.length;
      assert.ok(Math.abs(share - rate) < 0.02, `rate ${rate}, task ${k + 1}: ${share}`);
    }
    const small = generateSyntheticGroup(base({ positiveRate: rate, samples: 10 }));
    assert.equal(small.params.threshold, g.params.threshold);
  }
});

test("seeded: same seed → identical data, another seed → other data", () => {
  const a = generateSyntheticGroup(base({ samples: 300 }));
  const b = generateSyntheticGroup(base({ samples: 300 }));
  const c = generateSyntheticGroup(base({ samples: 300, seed: 18 }));
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.params, b.params);
  assert.notDeepEqual(a.x, c.x);
  assert.equal(a.x.length, 300 * 40);
});

test("bad input: a DataError that names the field", () => {
  const bad = (over: Partial<SyntheticGroupParams>, pattern: RegExp) =>
    assert.throws(() => generateSyntheticGroup(base({ samples: 4, ...over })), (e: unknown) => e instanceof DataError && pattern.test(e.message));
  bad({ kinds: ["binary", "binary"] }, /cosines must be 2 × 2/);
  bad({ cosines: [[1, 0.5, 0, 0, 0], [0.4, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]] }, /symmetric/);
  bad({ positiveRate: 1 }, /positiveRate must be in \(0, 1\)/);
  bad({ d: 3 }, /d must be an integer ≥ the number of tasks \(5\)/);
  bad({ kinds: ["regression", "binary", "binary", "binary", "count" as never] }, /kinds\[4\]/);
});
