/** Metric and statistics values worked out by hand (reference values from scipy where noted). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import test from "node:test";
import {
  auc,
  compareBySeed,
  evaluateTask,
  logLoss,
  logLossFromLogits,
  mse,
  mtlGain,
  normalisedEntropy,
  pairedTTest,
  pearson,
  projectRoot,
  relativeChange,
  studentTCdf,
  studentTQuantile,
  summarize,
  welchTTest,
} from "mtl-lab";

const close = (actual: number, expected: number, tol = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

const logit = (p: number) => Math.log(p / (1 - p));

test("AUC: 3 of 4 positive–negative pairs ordered", () => {
  close(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
});

test("AUC counts a tied positive–negative pair as half", () => {
  // pairs (pos .5, neg .5) = ½, the other three = 1 → 3.5 / 4
  close(auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 0.875);
  close(auc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3]), 0.5);
});

test("AUC with weights counts pair weights w_i·w_j; integer weights equal repeated rows", () => {
  // pos .2 (w1) below neg .3 (w2): 0; pos .9 (w3) above neg .3 (w2): 6 → 6 / (4 · 2)
  close(auc([0, 1, 1], [0.3, 0.2, 0.9], [2, 1, 3]), 0.75);
  close(auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9], [2, 1, 1, 1]), auc([0, 0, 1, 0, 1], [0.5, 0.5, 0.5, 0.2, 0.9]));
});

test("AUC with one class only is an error naming the reason, never 0.5", () => {
  assert.throws(() => auc([1, 1, 1], [0.2, 0.5, 0.9]), /AUC is undefined: every one of the 3 labels is 1/);
  assert.throws(() => auc([0, 0], [0.2, 0.5]), /one class only/);
  const ev = evaluateTask("binary", [1, 1], [0.3, 2]);
  assert.equal(ev.metrics.auc, undefined);
  assert.match(ev.undefined!.auc, /one class only/);
  assert.match(ev.undefined!.ne, /entropy is 0/);
  assert.ok(Number.isFinite(ev.metrics.logloss));
});

test("AUC with a NaN score is an error naming it, wherever the NaN sorts (it used to loop forever)", () => {
  // A synchronous endless loop blocks the test runner's own timeout: probe in a child first.
  const probe = spawnSync(process.execPath, ["-e", 'try { require("mtl-lab").auc([0, 1], [NaN, 0.5]) } catch (e) { console.log(e.message) }'], {
    cwd: projectRoot(), encoding: "utf8", timeout: 20_000,
  });
  assert.equal(probe.signal, null, "auc() did not return within 20 s");
  assert.match(probe.stdout, /AUC is undefined: score 0 is NaN/);
  assert.throws(() => auc([0, 1, 0, 1], [0.3, NaN, 0.2, 0.9]), /AUC is undefined: score 1 is NaN/);
  assert.throws(() => auc([0, 1], [NaN, NaN]), /score 0 is NaN/);
  const ev = evaluateTask("binary", [0, 1, 1], [0.1, NaN, 2]);
  assert.equal(ev.metrics.auc, undefined);
  assert.match(ev.undefined!.auc, /NaN/);
});

test("log loss and NE by hand", () => {
  const ll = -(Math.log(0.8) + Math.log(0.6)) / 2;
  close(logLoss([1, 0], [0.8, 0.4]), ll);
  close(logLossFromLogits([1, 0], [logit(0.8), logit(0.4)]), ll, 1e-12);
  close(normalisedEntropy([1, 0], [logit(0.8), logit(0.4)]), ll / Math.LN2, 1e-12);
  // weighted (scipy/numpy): labels [1,0,0], p [.7,.2,.4], w [1,2,1]
  const logits = [0.7, 0.2, 0.4].map(logit);
  close(logLossFromLogits([1, 0, 0], logits, [1, 2, 1]), 0.32844691758328565, 1e-12);
  close(normalisedEntropy([1, 0, 0], logits, [1, 2, 1]), 0.5840768102906513, 1e-12);
  close(logLossFromLogits([1, 0], [800, -800]), 0); // stable at extreme logits
});

test("MSE and Pearson by hand, with weights", () => {
  close(mse([1, 2, 3], [1, 3, 5]), 5 / 3);
  close(mse([1, 2, 3], [1, 3, 5], [1, 1, 2]), (0 + 1 + 8) / 4);
  close(pearson([1, 2, 3], [2, 4, 7]), 0.9933992677987828, 1e-12);
  close(pearson([1, 2, 3, 3], [2, 4, 7, 7]), pearson([1, 2, 3], [2, 4, 7], [1, 1, 2]), 1e-12);
  assert.throws(() => pearson([1, 1, 1], [1, 2, 3]), /Pearson is undefined: the first series is constant/);
  const ev = evaluateTask("regression", [1, 2, 3], [1, 3, 5]);
  close(ev.metrics.mse, 5 / 3);
  close(ev.metrics.loss, 5 / 3);
});

test("Student t quantiles and CDF against tables (scipy)", () => {
  const table: [number, number][] = [[1, 12.70620474], [2, 4.30265273], [5, 2.57058184], [10, 2.22813885], [30, 2.04227246]];
  for (const [df, q] of table) close(studentTQuantile(0.975, df), q, 1e-7);
  close(studentTCdf(2, 5), 0.9490302605850708, 1e-12);
  close(studentTCdf(-1.3, 3.7), 0.13433336208631375, 1e-12);
  close(studentTQuantile(0.025, 7), -studentTQuantile(0.975, 7), 1e-10);
});

test("summary across runs: n, mean, std, median, 95 % CI", () => {
  const s = summarize([1, 2, 3, 4, 5, NaN]);
  assert.equal(s.n, 5);
  close(s.mean!, 3);
  close(s.std!, Math.sqrt(2.5));
  close(s.median!, 3);
  assert.deepEqual([s.min, s.max], [1, 5]);
  close(s.ci95![0], 1.0367568385224428, 1e-9);
  close(s.ci95![1], 4.963243161477557, 1e-9);
  const one = summarize([0.9]);
  assert.deepEqual([one.n, one.mean, one.std, one.ci95], [1, 0.9, null, null]);
});

test("paired and Welch t-tests match scipy", () => {
  const paired = pairedTTest([1, 2, 3, 4], [1.5, 2.1, 3.9, 4.2]);
  close(paired.t, -2.365068368376859, 1e-12);
  close(paired.p, 0.09894459695402409, 1e-10);
  const welch = welchTTest([0.91, 0.93, 0.92, 0.95, 0.94], [0.9, 0.91, 0.89, 0.93]);
  close(welch.t, 2.0294442756076356, 1e-10);
  close(welch.df, 6.302353651176813, 1e-10);
  close(welch.p, 0.08646401344732717, 1e-9);
  const bySeed = compareBySeed(new Map([[1, 1], [2, 2], [3, 3], [4, 4]]), new Map([[1, 1.5], [2, 2.1], [3, 3.9], [4, 4.2]]));
  assert.equal(bySeed.test, "paired-t");
  assert.equal(compareBySeed(new Map([[1, 1], [2, 2], [3, 3]]), new Map([[1, 1.5], [5, 2.1], [6, 3.9]])).test, "welch-t");
});

test("MTL gain follows PLE Eq. 11 and relative change is in %", () => {
  close(mtlGain("auc", 0.95, 0.94), 0.01, 1e-12);
  close(mtlGain("mse", 0.9, 1.0), 0.1, 1e-12); // lower MSE with MTL is a positive gain
  close(relativeChange(0.99, 1.0), -1, 1e-12);
});
