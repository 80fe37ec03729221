import assert from "node:assert/strict";
import test from "node:test";
import { checkProtocol } from "mtl-lab/dist/engine/plan/protocol-check";
import type { RunRecord } from "mtl-lab/dist/engine/store/run-record";

/** A run with just the fields the check reads. */
function run(arm: string, seed: number, o: { best?: number; order?: number; rates?: number[]; chosen?: number; selectionValue?: number; stopReason?: string } = {}): RunRecord {
  const rates = o.rates ?? [1e-3, 1e-2];
  const chosen = o.chosen ?? rates[0];
  return {
    arm,
    seed,
    status: "ok",
    bestStep: o.best ?? 200,
    curves: { steps: [100, 200, 300, 400] },
    derivedSeeds: { init: seed, batchOrder: o.order ?? 1000 + seed },
    learningRate: chosen,
    learningRateTrials: rates.map((lr) => ({ learningRate: lr, status: "ok", selectionValue: lr === chosen ? (o.selectionValue ?? 0.91) : 0.5, bestStep: 200 })),
    selection: { task: "income", metric: "auc" },
    metrics: { validation: { income: { auc: 0.91 } }, test: { income: { auc: 0.93 } } },
    ...(o.stopReason === undefined ? { stopReason: "patience" } : o.stopReason ? { stopReason: o.stopReason } : {}),
  } as unknown as RunRecord;
}

test("a protocol-following experiment passes every criterion", () => {
  const c = checkProtocol([run("a", 1), run("a", 2), run("b", 1), run("b", 2)]);
  assert.deepEqual(c.failures, []);
  assert.deepEqual(c.bestBeforeLast, { count: 4, of: 4 });
  assert.deepEqual(c.armsVaryingOrder, { count: 2, of: 2 });
  assert.deepEqual(c.selectedOnValidation, { count: 4, of: 4, onTest: 0 });
});

test("each lapse is named: stopped at the cap, one learning rate, one order for every seed, no stop reason", () => {
  const c = checkProtocol([run("a", 1, { best: 400, rates: [1e-3], order: 7, stopReason: "" }), run("a", 2, { best: 400, rates: [1e-3], order: 7, stopReason: "" })]);
  assert.deepEqual(c.failures, [
    "best checkpoint before the last evaluation in 0 of 2 runs (needs 80 %)",
    "an arm tried 1 learning rate",
    "1 of 1 arms saw one minibatch order for every seed",
    "2 of 2 runs do not record why they stopped",
  ]);
});

test("a learning rate chosen on the test metric is caught (planted: its selection value is the test AUC)", () => {
  const c = checkProtocol([run("a", 1), run("a", 2, { selectionValue: 0.93 })]);
  assert.deepEqual(c.selectedOnValidation, { count: 1, of: 2, onTest: 1 });
  assert.deepEqual(c.failures, ["1 run(s) selected on the test metric"]);
});

test("pilot runs: their grid is the arm's search, a pilot that chose on test is caught, and they are not counted as reported runs", () => {
  const pilot = (arm: string, o: Parameters<typeof run>[2] = {}) => ({ ...run(arm, 1_000_000, { rates: [1e-3, 3e-3, 1e-2], ...o }), pilot: true }) as RunRecord;
  const reported = [run("a", 1, { rates: [1e-3] }), run("a", 2, { rates: [1e-3] })];
  const c = checkProtocol([pilot("a"), ...reported]);
  assert.equal(c.runs, 2);
  assert.equal(c.fewestLearningRates, 3);
  assert.deepEqual(c.failures, []);
  assert.deepEqual(checkProtocol(reported).failures, ["an arm tried 1 learning rate"]);
  const onTest = checkProtocol([pilot("a", { selectionValue: 0.93 }), ...reported]);
  assert.deepEqual(onTest.failures, ["1 run(s) selected on the test metric"]);
});
