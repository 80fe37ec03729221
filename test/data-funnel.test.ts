// The synthetic funnel (lib/data/funnel.ts): rates, selection bias, labels, determinism; and the
// funnel violations metric the engine adds for models that declare funnelSteps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateReplica, funnelData, funnelDirections, Rng, type TaskSpec } from "mtl-lab";
import { pearson as pearsonReference } from "./reference-stats";

test("funnel: the solved offsets give the asked rates (CTR over impressions, CVR among clicked), labels are cumulative, draws are seeded", () => {
  const f = funnelData({ steps: 3, bias: 0.5, rates: [0.2, 0.3, 0.4], rows: 30_000, seed: 5 });
  // the offsets match the mean PROBABILITY among rows reaching the step before; the realised rates are within sampling error
  assert.ok(Math.abs(f.observed.passRate[0] - 0.2) < 0.01, `CTR ${f.observed.passRate[0]}`);
  assert.ok(Math.abs(f.observed.passRate[1] - 0.3) < 0.025, `CVR of clicked ${f.observed.passRate[1]}`);
  assert.ok(Math.abs(f.observed.passRate[2] - 0.4) < 0.05, `step 3 ${f.observed.passRate[2]}`);
  for (let i = 0; i < f.rows; i++) {
    assert.equal(f.reached[0][i], f.potential[0][i]);
    assert.equal(f.reached[1][i], f.reached[0][i] * f.potential[1][i]);
    assert.equal(f.reached[2][i], f.reached[1][i] * f.potential[2][i]);
  }
  const again = funnelData({ steps: 3, bias: 0.5, rates: [0.2, 0.3, 0.4], rows: 30_000, seed: 5 });
  assert.deepEqual(again.potential[1], f.potential[1]);
  assert.notDeepEqual(funnelData({ steps: 3, bias: 0.5, rates: [0.2, 0.3, 0.4], rows: 1000, seed: 6 }).x, f.x.subarray(0, 1000 * 16));
  assert.throws(() => funnelData({ steps: 2, bias: 1, rates: [0.1, 0.1], rows: 10, seed: 1 }), /bias must be in \[0, 1\)/);
});

test("funnel: selection bias β is the correlation of consecutive propensity scores; at β = 0 clicks say nothing about conversion", () => {
  const dirs = funnelDirections(4, 16, 0.7, new Rng(3));
  for (let t = 1; t < 4; t++) {
    const dot = dirs[t].reduce((s, v, i) => s + v * dirs[t - 1][i], 0);
    assert.ok(Math.abs(dot - 0.7) < 1e-9, `u_${t + 1}ᵀu_${t} = ${dot}`);
    assert.ok(Math.abs(Math.hypot(...dirs[t]) - 1) < 1e-9);
  }
  const corr = (bias: number) => {
    const f = funnelData({ steps: 2, bias, rates: [0.2, 0.2], rows: 20_000, seed: 9 });
    return pearsonReference(f.probability[0], f.probability[1]);
  };
  const [c0, c9] = [corr(0), corr(0.9)];
  assert.ok(Math.abs(c0) < 0.05, `β = 0: corr(pCTR, pCVR) = ${c0}`);
  assert.ok(c9 > 0.6, `β = 0.9: corr(pCTR, pCVR) = ${c9}`);
  // with bias, clicked impressions convert more often than impressions at large
  const f = funnelData({ steps: 2, bias: 0.9, rates: [0.2, 0.2], rows: 20_000, seed: 9 });
  const all = f.potential[1].reduce((s, v) => s + v, 0) / f.rows;
  assert.ok(f.observed.passRate[1] > all + 0.03, `CVR among clicked ${f.observed.passRate[1]} vs over impressions ${all}`);
});

test("evaluation: funnel violations = the fraction of rows whose step is predicted above the step before (only for funnelSteps)", () => {
  const tasks: TaskSpec[] = [{ name: "a", kind: "binary" }, { name: "b", kind: "binary" }, { name: "c", kind: "binary" }];
  // 4 rows × 3 tasks, replica 0; labels with both classes per task
  const split = { rows: 4, numeric: new Float32Array(4), labels: Float32Array.from([1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1]) };
  const pred = Float32Array.from([0, 1, -1, 0, -1, -2, 0, -1, 5, 2, 1, 0]); // row: b > a in rows 0; c > b in rows 2
  const out = evaluateReplica(pred, split, 0, tasks, 3);
  assert.equal(out.a.metrics.violations, undefined);
  assert.equal(out.b.metrics.violations, 1 / 4);
  assert.equal(out.c.metrics.violations, 1 / 4);
  const plain = evaluateReplica(pred, split, 0, tasks);
  assert.equal(plain.b.metrics.violations, undefined, "no funnel declared: no metric");
});
