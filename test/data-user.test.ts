// The generators with known truth for the user-representation and audience studies
// (lib/data/sessions.ts, lib/data/audiences.ts): determinism by seed, layout, that the labels
// depend on what the truth says (the relevant behaviours; the task's cluster), and bad options.
//
// Faults this file was seen to catch (each injected into lib/data and reverted):
//  - sessions.ts: r_u averaged over every behaviour instead of the relevant ones (truth test);
//  - sessions.ts: the relevance flag set for behaviours outside the query category (layout test);
//  - audiences.ts: new tasks drawn around another cluster's centre than the one they record (cluster test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { DataError, audiencesData, sessionsData, type SessionsData } from "mtl-lab";
import { pearson as pearson32 } from "./reference-stats";

const pearson = (a: ArrayLike<number>, b: ArrayLike<number>) => pearson32(Float32Array.from(a), Float32Array.from(b));

const ROWS = 3000;
const S = sessionsData({ rows: ROWS, seed: 7 });

test("sessions: the same seed gives the same draw; another seed another world; another user stream the same world with other users", () => {
  const again = sessionsData({ rows: ROWS, seed: 7 });
  assert.deepEqual(again.categorical, S.categorical);
  assert.deepEqual(again.labels, S.labels);
  assert.deepEqual(again.transfer.labels, S.transfer.labels);
  const other = sessionsData({ rows: ROWS, seed: 8 });
  assert.notDeepEqual(other.world.itemVectors, S.world.itemVectors);
  const fresh = sessionsData({ rows: ROWS, seed: 7, userStream: "test" });
  assert.deepEqual(fresh.world.itemVectors, S.world.itemVectors);
  assert.deepEqual(fresh.world.directions, S.world.directions);
  assert.notDeepEqual(fresh.categorical, S.categorical);
});

test("sessions: layout — input spec, vocabularies, padding after n_u behaviours, item properties from the world, relevance = query category", () => {
  const L = 12, F = 3, nCat = 1 + F * L;
  assert.deepEqual(S.input.sequence, { length: L, fields: [201, 8, 5] });
  assert.equal(S.input.categorical.length, nCat);
  assert.deepEqual(S.tasks.map((t) => `${t.name}:${t.kind}`), ["click:binary", "rank:binary", "price:regression"]);
  assert.equal(S.categorical.length, ROWS * nCat);
  assert.equal(S.numeric.length, ROWS);
  for (let u = 0; u < ROWS; u++) {
    const q = S.categorical[u * nCat], n = S.truth.lengths[u];
    assert.equal(q, S.truth.query[u]);
    assert.ok(Math.abs(S.numeric[u] - n / L) < 1e-7);
    let relevant = 0;
    for (let l = 0; l < L; l++) {
      const [item, cat, price] = [0, 1, 2].map((f) => S.categorical[u * nCat + 1 + l * F + f]);
      S.input.categorical.slice(1 + l * F, 1 + (l + 1) * F).forEach((v, f) => assert.ok([item, cat, price][f] < v));
      if (l >= n) {
        assert.deepEqual([item, cat, price, S.truth.relevant[u * L + l]], [0, 0, 0, 0], `row ${u} position ${l} is padding`);
        continue;
      }
      assert.ok(item >= 1);
      assert.equal(cat, S.world.itemCategory[item - 1]);
      assert.equal(price, S.world.itemPrice[item - 1]);
      assert.equal(S.truth.relevant[u * L + l], cat === q ? 1 : 0);
      relevant += S.truth.relevant[u * L + l];
    }
    assert.ok(relevant >= 1, `row ${u} has a relevant behaviour`);
  }
});

/** Per row: the mean latent vector and mean price band of the behaviours `pick` selects (NaN if none). */
function readBehaviours(s: SessionsData, pick: (relevant: number) => boolean): { r: number[][]; m: number[] } {
  const L = 12, nCat = 37, k = 4;
  const r: number[][] = [], m: number[] = [];
  for (let u = 0; u < s.rows; u++) {
    const sum = new Array<number>(k).fill(0);
    let price = 0, count = 0;
    for (let l = 0; l < s.truth.lengths[u]; l++) {
      if (!pick(s.truth.relevant[u * L + l])) continue;
      const item = s.categorical[u * nCat + 1 + l * 3] - 1;
      for (let j = 0; j < k; j++) sum[j] += s.world.itemVectors[item * k + j];
      price += s.world.itemPrice[item] / 4;
      count++;
    }
    r.push(sum.map((x) => (x * 2) / count)); // √k = 2
    m.push(2 * (price / count) - 1);
  }
  return { r, m };
}

test("sessions: the labels are what the relevant behaviours say — recomputed from them alone they match; the other behaviours carry no signal", () => {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const rel = readBehaviours(S, (x) => x === 1);
  const irr = readBehaviours(S, (x) => x === 0);
  const binary = [S.labels[0], S.labels[1], S.transfer.labels];
  const expected = [S.truth.expected[0], S.truth.expected[1], S.truth.expected[3]];
  S.world.directions.forEach((w, t) => {
    const score = (r: number[]) => 2 * r.reduce((s, x, j) => s + x * w[j], 0); // γ = 2
    const fromRelevant = rel.r.map((r) => sigmoid(score(r) + S.world.offsets[t]));
    fromRelevant.forEach((p, u) => assert.ok(Math.abs(p - expected[t][u]) < 1e-5, `task ${t} row ${u}: ${p} vs ${expected[t][u]}`));
    const rows = irr.r.map((r, u) => [score(r), binary[t][u]]).filter(([z]) => Number.isFinite(z));
    assert.ok(rows.length > ROWS * 0.9, "most rows have irrelevant behaviours");
    const cRel = pearson(rel.r.map(score), Array.from(binary[t]));
    const cIrr = pearson(rows.map((x) => x[0]), rows.map((x) => x[1]));
    assert.ok(cRel > 0.3, `task ${t}: label vs relevant behaviours r = ${cRel}`);
    assert.ok(Math.abs(cIrr) < 0.06, `task ${t}: label vs irrelevant behaviours r = ${cIrr}`);
  });
  rel.m.forEach((m, u) => assert.ok(Math.abs(m - S.truth.expected[2][u]) < 1e-5, `price row ${u}`));
  const price = Array.from(S.labels[2]);
  assert.ok(pearson(rel.m, price) > 0.9, `price vs relevant prices r = ${pearson(rel.m, price)}`);
  const pr = irr.m.map((m, u) => [m, price[u]]).filter(([m]) => Number.isFinite(m));
  assert.ok(Math.abs(pearson(pr.map((x) => x[0]), pr.map((x) => x[1]))) < 0.06, "price vs irrelevant prices");
  // rates as asked, within sampling error
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean(S.labels[0]) - 0.3) < 0.03 && Math.abs(mean(S.labels[1]) - 0.5) < 0.03 && Math.abs(mean(S.transfer.labels) - 0.4) < 0.03);
});

test("sessions: the held-out direction overlaps the training directions' sum by λ; λ = 1 puts it inside their span", () => {
  const cosSum = (d: number[][]) => {
    const sum = d[0].map((_, j) => d[0][j] + d[1][j]);
    const n = Math.hypot(...sum);
    return d[2].reduce((s, x, j) => s + (x * sum[j]) / n, 0);
  };
  assert.ok(Math.abs(cosSum(S.world.directions) - 0.8) < 1e-9);
  const inside = sessionsData({ rows: 10, seed: 7, transferOverlap: 1 });
  assert.ok(Math.abs(cosSum(inside.world.directions) - 1) < 1e-9);
  for (const w of S.world.directions) assert.ok(Math.abs(Math.hypot(...w) - 1) < 1e-9);
});

test("sessions and audiences: a bad option is a DataError naming the option and its value", () => {
  const bad: [() => unknown, RegExp][] = [
    [() => sessionsData({ rows: 0, seed: 1 }), /sessions: rows must be a positive integer, got 0/],
    [() => sessionsData({ rows: 5, seed: 1, minLength: 20 }), /minLength must be an integer in 1\.\.length \(12\), got 20/],
    [() => sessionsData({ rows: 5, seed: 1, relevantShare: 1 }), /relevantShare must lie in \(0, 1\), got 1/],
    [() => sessionsData({ rows: 5, seed: 1, items: 3 }), /items must be an integer ≥ categories \(8\), got 3/],
    [() => audiencesData({ seed: 1, shots: 0 }), /audiences: shots must be a positive integer, got 0/],
    [() => audiencesData({ seed: 1, spread: -1 }), /audiences: spread must be a non-negative number, got -1/],
  ];
  for (const [f, message] of bad) {
    assert.throws(f, (e: unknown) => e instanceof DataError && e.code === "invalid-option" && message.test(e.message));
  }
});

const A = audiencesData({ seed: 3 });

test("audiences: seeded; every task from its own stream (adding tasks moves no other); layout", () => {
  const again = audiencesData({ seed: 3 });
  assert.deepEqual(again.train[5].data, A.train[5].data);
  assert.deepEqual(again.fresh[2].support, A.fresh[2].support);
  const more = audiencesData({ seed: 3, tasks: 60, newTasks: 12 });
  assert.deepEqual(more.train[7], A.train[7]);
  assert.deepEqual(more.fresh[3], A.fresh[3]);
  assert.notDeepEqual(audiencesData({ seed: 4 }).train[0].data.x, A.train[0].data.x);
  assert.deepEqual(A.input, { numeric: 8, categorical: [] });
  assert.equal(A.train.length, 40);
  assert.equal(A.fresh.length, 10);
  for (const t of A.train) assert.deepEqual([t.data.rows, t.data.x.length, t.data.labels.length], [200, 1600, 200]);
  for (const t of A.fresh) assert.deepEqual([t.support.rows, t.support.x.length, t.query.rows, t.query.labels.length], [64, 512, 500, 500]);
});

test("audiences: labels follow p_j(x) = σ(γ w_jᵀx + b_j); tasks cluster around their cluster's direction (spread 0: identical)", () => {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  let labels = 0, probs = 0, n = 0;
  for (const t of A.train) {
    for (let i = 0; i < t.data.rows; i++) {
      const z = t.offset + 2 * t.direction.reduce((s, w, k) => s + w * t.data.x[i * 8 + k], 0);
      assert.ok(Math.abs(sigmoid(z) - t.data.probability[i]) < 1e-6);
      labels += t.data.labels[i];
      probs += t.data.probability[i];
      n++;
    }
  }
  assert.ok(Math.abs(labels - probs) / n < 0.01, `label rate ${labels / n} vs mean probability ${probs / n}`);
  const cos = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
  const all = [...A.train, ...A.fresh];
  // cluster directions are random, so two may lie close: most (not all) tasks are nearest their own
  const nearest = all.filter((t) => A.clusters.every((c, g) => g === t.cluster || cos(t.direction, A.clusters[t.cluster].direction) > cos(t.direction, c.direction)));
  assert.ok(nearest.length >= 0.9 * all.length, `${nearest.length} of ${all.length} tasks are nearest their own cluster's direction`);
  let same = 0, sameN = 0, diff = 0, diffN = 0;
  all.forEach((a, i) => all.forEach((b, j) => {
    if (j <= i) return;
    if (a.cluster === b.cluster) (same += cos(a.direction, b.direction)), sameN++;
    else (diff += cos(a.direction, b.direction)), diffN++;
  }));
  assert.ok(same / sameN > 0.6 && same / sameN > diff / diffN + 0.4, `mean cosine within clusters ${same / sameN}, across ${diff / diffN}`);
  assert.deepEqual(new Set(A.train.map((t) => t.cluster)), new Set([0, 1, 2, 3]));
  const tight = audiencesData({ seed: 3, spread: 0, tasks: 8 });
  for (const t of tight.train) assert.deepEqual(t.direction, tight.clusters[t.cluster].direction.map((x) => x / Math.hypot(...tight.clusters[t.cluster].direction)));
});
