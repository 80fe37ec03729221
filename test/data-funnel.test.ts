// The synthetic funnel (lib/data/funnel.ts): rates, selection bias, labels, determinism; and the
// funnel violations metric the engine adds for models that declare funnelSteps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateReplica, funnelData, funnelDirections, Rng, studies, type TaskSpec } from "mtl-lab";
import { capRows } from "mtl-lab/dist/engine/train/run-group";
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

test("evaluation against the truth: bias, mean absolute error and ECE (10 equal-count bins) of σ(output) against the true probabilities, over rows with a known truth", () => {
  const tasks: TaskSpec[] = [{ name: "a", kind: "binary" }, { name: "b", kind: "binary" }, { name: "c", kind: "binary" }];
  const T = tasks.length;
  const logit = (p: number) => Math.log(p / (1 - p));
  const rows = 20;
  // task a: every prediction 0.2 against a truth of 0.1 → bias = mae = ece = 0.1
  // task b: the ten lowest predictions 0.1 below their truth, the ten highest 0.1 above → bias 0, mae 0.1,
  //         and the equal-count bins (2 rows each) keep the two halves apart → ece 0.1
  // task c: the errors alternate +0.1, −0.1 in the order of the prediction, so every bin cancels → ece 0, mae 0.1
  const truth = new Float32Array(rows * T), pred = new Float32Array(rows * T), labels = new Float32Array(rows * T);
  for (let i = 0; i < rows; i++) {
    const q = 0.2 + 0.02 * i;
    truth[i * T] = 0.1;
    pred[i * T] = logit(0.2);
    pred[i * T + 1] = logit(q);
    truth[i * T + 1] = i < 10 ? q + 0.1 : q - 0.1;
    pred[i * T + 2] = logit(q);
    truth[i * T + 2] = i % 2 === 0 ? q + 0.1 : q - 0.1;
    for (let t = 0; t < T; t++) labels[i * T + t] = i % 2;
  }
  const split = { rows, numeric: new Float32Array(rows), labels, truth };
  const out = evaluateReplica(pred, split, 0, tasks);
  const near = (x: number | undefined, want: number, what: string) => assert.ok(x !== undefined && Math.abs(x - want) < 1e-6, `${what}: ${x} (want ${want})`);
  near(out.a.metrics.biasVsTruth, 0.1, "a bias");
  near(out.a.metrics.maeVsTruth, 0.1, "a mae");
  near(out.a.metrics.eceVsTruth, 0.1, "a ece");
  near(out.b.metrics.biasVsTruth, 0, "b bias");
  near(out.b.metrics.maeVsTruth, 0.1, "b mae");
  near(out.b.metrics.eceVsTruth, 0.1, "b ece");
  near(out.c.metrics.biasVsTruth, 0, "c bias");
  near(out.c.metrics.maeVsTruth, 0.1, "c mae");
  near(out.c.metrics.eceVsTruth, 0, "c ece");
  // rows whose truth is unknown (NaN) are left out; a split without truth gets none of the metrics
  const partial = Float32Array.from(truth);
  for (let i = 0; i < 10; i++) partial[i * T] = NaN;
  for (let i = 10; i < rows; i++) pred[i * T] = logit(0.4);
  near(evaluateReplica(pred, { ...split, truth: partial }, 0, tasks).a.metrics.biasVsTruth, 0.3, "a bias over the known rows only");
  assert.equal(evaluateReplica(pred, { rows, numeric: new Float32Array(rows), labels }, 0, tasks).a.metrics.biasVsTruth, undefined);
});

test("funnel data sets carry each label's true probability: ctr σ(z₁), ctcvr σ(z₁)σ(z₂), cvr σ(z₂); AITM's steps the running product; the labels were drawn from them", () => {
  const e = studies.funnel.esmmDataSet(4, 0.6, { train: 3000, validation: 1000, test: 20_000 });
  const t = e.test.truth!;
  assert.equal(t.length, e.test.rows * 3);
  let meanCvrTruth = 0, meanCvrLabel = 0;
  for (let i = 0; i < e.test.rows; i++) {
    const [ctr, ctcvr, cvr] = [0, 1, 2].map((k) => t[i * 3 + k]);
    assert.ok(ctr > 0 && ctr < 1 && cvr > 0 && cvr < 1);
    assert.ok(Math.abs(ctcvr - ctr * cvr) < 1e-7, `row ${i}: ctcvr truth ${ctcvr} vs ${ctr * cvr}`);
    meanCvrTruth += cvr / e.test.rows;
    meanCvrLabel += e.test.labels[i * 3 + 2] / e.test.rows;
  }
  assert.ok(Math.abs(meanCvrTruth - meanCvrLabel) < 0.01, `conversion labels ${meanCvrLabel} drawn from σ(z₂) ${meanCvrTruth}`);
  const a = studies.funnel.aitmDataSet(4, 0.6, { train: 1000, validation: 1000, test: 1000 });
  for (let i = 0; i < a.test.rows; i++) for (let s = 1; s < 4; s++) assert.ok(a.test.truth![i * 4 + s] <= a.test.truth![i * 4 + s - 1], "cumulative truth falls step by step");
  // the smoke profile's row caps keep the truth aligned with the rows
  assert.equal(capRows(e, { test: 500 }).test.truth!.length, 500 * 3);
});
