import assert from "node:assert/strict";
import test from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Rng, deriveSeed, initBackend, seeds } from "mtl-lab";

test("deriveSeed is pure and never 0, including for master seed 0", () => {
  assert.equal(deriveSeed(7, "layer", 1), deriveSeed(7, "layer", 1));
  for (let master = 0; master < 200; master++) {
    for (const site of ["", "a", "expert/0/kernel"]) {
      const s = deriveSeed(master, site);
      assert.ok(Number.isInteger(s) && s >= 1 && s <= 0x7fffffff, `seed ${s} for ${master}/${site}`);
    }
  }
});

test("different call sites and different masters give different seeds", () => {
  const sites = ["expert/0/kernel", "expert/1/kernel", "expert/0/bias", "gate/0", "tower/0", "split", "batches"];
  const derived = new Set(sites.map((s) => deriveSeed(1, s)));
  assert.equal(derived.size, sites.length);
  assert.notEqual(deriveSeed(1, "x"), deriveSeed(2, "x"));
  // numbers and strings are namespaced apart: path ("1") is not path (1)
  assert.notEqual(deriveSeed(1, "1"), deriveSeed(1, 1));
  assert.notEqual(deriveSeed(1, "a", "b"), deriveSeed(1, "ab"));
});

test("Seeds.child composes paths", () => {
  const s = seeds(11);
  assert.equal(s.child("expert", 2).at("kernel"), s.at("expert", 2, "kernel"));
  assert.equal(s.child("a").child("b").at("c"), s.at("a", "b", "c"));
});

test("invalid master seeds are rejected with the value named", () => {
  assert.throws(() => deriveSeed(-1), /master seed must be an integer in \[0, 4294967295\], got -1/);
  assert.throws(() => deriveSeed(1.5), /got 1\.5/);
  assert.throws(() => seeds(Number.NaN), /got NaN/);
  assert.throws(() => new Rng(2 ** 32), /Rng seed/);
});

test("tfjs ops with derived seeds: same call site repeats, other sites differ", async () => {
  await initBackend();
  const s = seeds(0); // master 0 is fine: tfjs only ever sees derived, non-zero seeds
  const draw = (site: string) => tf.tidy(() => Array.from(tf.randomNormal([8], 0, 1, "float32", s.at(site)).dataSync()));
  assert.deepEqual(draw("w"), draw("w"));
  assert.notDeepEqual(draw("w"), draw("b"));
});

test("Rng: same seed same stream, different seed different stream", () => {
  const a = new Rng(5);
  const b = new Rng(5);
  const c = new Rng(6);
  const xs = Array.from({ length: 100 }, () => a.nextUint32());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.nextUint32()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.nextUint32()));
});

test("Rng.normal has mean 0 and variance 1; uniform stays in [0, 1)", () => {
  const r = new Rng(123);
  const n = 200_000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    sum += z;
    sq += z * z;
  }
  const mean = sum / n;
  const variance = sq / n - mean * mean;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`); // 4.5 standard errors
  assert.ok(Math.abs(variance - 1) < 0.015, `variance ${variance}`);
  for (let i = 0; i < 10_000; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
  }
});

test("Rng.permutation is a permutation and Rng.int is unbiased over a small range", () => {
  const r = new Rng(9);
  const p = Array.from(r.permutation(1000));
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual(p, Array.from({ length: 1000 }, (_, i) => i));
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) counts[r.int(3)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, `counts ${counts}`);
  assert.throws(() => r.int(0), /integer n in \[1, 2\^32\], got 0/);
});
