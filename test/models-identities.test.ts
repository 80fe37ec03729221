// Sanity relations between models (SPEC §2) and the AdaTT NativeExpertLF facts.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { AdaTT, createModel, initBackend, type MtlModel } from "mtl-lab";
import { INPUT, disposeBatch, makeBatch, maxAbsDiff, mixedTasks } from "./models-util";

const named = (m: MtlModel) => (m as unknown as { named: Record<string, tf.Variable> }).named;

test("MMoE with one expert equals Shared-Bottom given the same weights", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const mmoe = createModel({ kind: "mmoe", experts: 1, expertUnits: [6, 4], towerUnits: [3] }, tasks, INPUT, [5, 6]);
  const sb = createModel({ kind: "shared-bottom", bottomUnits: [6, 4], towerUnits: [3] }, tasks, INPUT, [7, 8]);
  // Same construction order: deep expert layers, input layer, towers. The MMoE input layer has
  // the expert's 6 columns followed by T one-wide gate columns (softmax over one expert = 1).
  assert.equal(mmoe.variables.length, sb.variables.length);
  sb.variables.forEach((v, i) => {
    const src = mmoe.variables[i];
    v.assign(src.shape.every((d, a) => d === v.shape[a]) ? src : src.slice(src.shape.map(() => 0), v.shape));
  });
  const batch = makeBatch(INPUT, 7, 3);
  const [a, b] = tf.tidy(() => [mmoe.apply(batch), sb.apply(batch)]);
  assert.ok(maxAbsDiff(a, b) < 1e-6, `max diff ${maxAbsDiff(a, b)}`);
  tf.dispose([a, b]);
  disposeBatch(batch);
  [mmoe, sb].forEach((m) => m.dispose());
});

test("PLE with one level equals CGC", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const ple = createModel({ kind: "ple", taskExperts: 2, sharedExperts: 2, expertUnits: [[5, 4]], towerUnits: [3] }, tasks, INPUT, [1, 2]);
  const cgc = createModel({ kind: "cgc", taskExperts: 2, sharedExperts: 2, expertUnits: [5, 4], towerUnits: [3] }, tasks, INPUT, [1, 2]);
  assert.deepEqual(ple.parameterCount(), cgc.parameterCount());
  const batch = makeBatch(INPUT, 7, 4);
  const [a, b] = tf.tidy(() => [ple.apply(batch), cgc.apply(batch)]);
  assert.ok(maxAbsDiff(a, b) === 0);
  tf.dispose([a, b]);
  disposeBatch(batch);
  [ple, cgc].forEach((m) => m.dispose());
});

test("AdaTT with no shared experts equals AdaTT-sp", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const cfg = { taskExperts: 2, expertUnits: [[5], [4]], towerUnits: [3] };
  const general = createModel({ kind: "adatt", sharedExperts: 0, ...cfg }, tasks, INPUT, [9, 10]);
  const sp = createModel({ kind: "adatt-sp", ...cfg }, tasks, INPUT, [9, 10]);
  assert.deepEqual(general.parameterCount(), sp.parameterCount());
  const batch = makeBatch(INPUT, 7, 5);
  const [a, b] = tf.tidy(() => [general.apply(batch), sp.apply(batch)]);
  assert.ok(maxAbsDiff(a, b) === 0);
  tf.dispose([a, b]);
  disposeBatch(batch);
  [general, sp].forEach((m) => m.dispose());
});

test("AdaTT-sp with one expert per task: NativeExpertLF weight is exactly 1, not learned", async () => {
  await initBackend();
  const T = 3;
  const m = createModel({ kind: "adatt-sp", taskExperts: 1, expertUnits: [[5], [4]] }, mixedTasks(T), INPUT, [3, 4]) as AdaTT;
  assert.ok(!Object.keys(m.named).some((k) => k.includes("native")), "no native variable");
  for (const l of [0, 1]) {
    const v = m.nativeWeights(l); // [R, T, T]
    assert.deepEqual(Array.from(v.dataSync()), Array.from(tf.tidy(() => tf.eye(T).expandDims(0).tile([2, 1, 1])).dataSync()));
    v.dispose();
  }
  const batch = makeBatch(INPUT, 6, 6);
  const gates = m.gates(batch);
  for (const g of gates) {
    const sums = g.weights.sum(2); // AllExpertGF sums to 1, NativeExpertLF adds 1
    assert.ok(maxAbsDiff(sums, tf.onesLike(sums).mul(2)) < 1e-5);
    const own = g.weights.slice([0, 0, m.tasks.findIndex((t) => t.name === g.task)], [-1, -1, 1]);
    assert.ok(own.min().dataSync()[0] >= 1, "own expert weight = 1 + gate weight");
    tf.dispose([sums, own]);
  }
  tf.dispose(gates.map((g) => g.weights));
  disposeBatch(batch);
  m.dispose();
});

test("the NativeExpertLF ablation has no native term; AdaTT with several experts learns one", async () => {
  await initBackend();
  const cfg = { taskExperts: 2, expertUnits: [[5], [4]] };
  const ablation = createModel({ kind: "adatt-no-nlf", ...cfg }, mixedTasks(2), INPUT, [3]) as AdaTT;
  const full = createModel({ kind: "adatt-sp", ...cfg }, mixedTasks(2), INPUT, [3]) as AdaTT;
  assert.ok(!Object.keys(ablation.named).some((k) => k.includes("native")));
  assert.equal(Object.keys(full.named).filter((k) => k.includes("native")).length, 4); // 2 levels × 2 tasks
  assert.equal(full.parameterCount().groups.native, 4 * 2);
  const v = ablation.nativeWeights(0);
  assert.equal(v.abs().sum().dataSync()[0], 0);
  const batch = makeBatch(INPUT, 6, 7);
  const gates = ablation.gates(batch);
  for (const g of gates) assert.ok(maxAbsDiff(g.weights.sum(2), tf.ones([1, 6])) < 1e-5, "only the softmax gate fuses");
  tf.dispose([v, ...gates.map((g) => g.weights)]);
  disposeBatch(batch);
  [ablation, full].forEach((m) => m.dispose());
});
