/**
 * Sanity relations between models (docs/protocol.md) and the AdaTT NativeExpertLF facts. Each identity
 * builds its two sides through different code paths: two model classes given the same weights,
 * or a model against its definition written out here from the paper's equations (weights from
 * the fixed formula of models-fixed-weights.ts, so both sides read them by block name).
 *
 * Faults this file is known to catch (injected locally, uncommitted, each failed here):
 *  - levels.ts: shared module at level ≥ 1 reads task 0's fused output (none here: the CGC
 *    identity has one level; models-reference.test.ts catches it);
 *  - ple.ts: task gate over [shared, own] instead of [own, shared] (the CGC identity);
 *  - adatt.ts: NativeExpertLF weight 1 dropped / added to the wrong task (the AdaTT-sp identity);
 *  - cross-stitch.ts: stitch matrix transposed (α_ts h_t instead of α_ts h_s) — no: with α = I
 *    that cannot show; the Sluice identity (non-symmetric-free init) is what catches mixing faults.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { AdaTT, createModel, initBackend, type Batch, type InputSpec, type MtlModel } from "mtl-lab";
import { fixedDense, fixedModel, symValues } from "./models-fixed-weights";
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

/** x as the one-hot view [B, D]: numeric columns, then each categorical column's one-hot block. */
function oneHotView(batch: Batch, input: InputSpec): tf.Tensor2D {
  return tf.tidy(() => {
    const cols = input.categorical.map((v, c) => tf.oneHot(batch.categorical!.slice([0, c], [-1, 1]).squeeze([1]) as tf.Tensor1D, v).toFloat());
    return tf.concat([batch.numeric, ...cols], 1) as tf.Tensor2D;
  });
}

const mlpOut = (name: string, x: tf.Tensor2D, units: number[], m: number) => units.reduce((h, u, j) => tf.relu(fixedDense(`${name}/layer/${j}`, h, u, m)), x);
const towerOut = (t: number, x: tf.Tensor2D, units: number[], m: number) => fixedDense(`tower/${t}/layer/${units.length}`, mlpOut(`tower/${t}`, x, units, m), 1, m); // [B, 1]
const mixOut = (w: tf.Tensor2D, experts: tf.Tensor2D[]) => tf.addN(experts.map((e, i) => w.slice([0, i], [-1, 1]).mul(e))) as tf.Tensor2D;

/** CGC (PLE §4.2, Eq. 1–3) written out for one replica: g_k = softmax(W_k x) · [E_k,1..m_t, E_s,1..m_s]. */
function cgcWrittenOut(x: tf.Tensor2D, T: number, mt: number, ms: number, units: number[], tower: number[], m: number): tf.Tensor2D {
  const shared = Array.from({ length: ms }, (_, i) => mlpOut(`level/0/shared/expert/${i}`, x, units, m));
  const ys = Array.from({ length: T }, (_, k) => {
    const own = Array.from({ length: mt }, (_, i) => mlpOut(`level/0/task/${k}/expert/${i}`, x, units, m));
    const g = tf.softmax(fixedDense(`level/0/task/${k}/gate`, x, mt + ms, m)) as tf.Tensor2D;
    return towerOut(k, mixOut(g, [...own, ...shared]), tower, m);
  });
  return tf.concat(ys, 1) as tf.Tensor2D; // [B, T]
}

/**
 * AdaTT-sp (AdaTT Eq. 3–11) written out for one replica: per level and task t,
 * f_t = softmax(W_t f_t^{l−1}) · [all experts] + v_t · [task t's experts], f^0 = x.
 */
function adattSpWrittenOut(x: tf.Tensor2D, T: number, mExp: number, levels: number[][], tower: number[], m: number): tf.Tensor2D {
  let f = Array.from({ length: T }, () => x);
  levels.forEach((units, l) => {
    const experts = f.flatMap((ft, t) => Array.from({ length: mExp }, (_, i) => mlpOut(`level/${l}/task/${t}/expert/${i}`, ft, units, m)));
    f = f.map((ft, t) => {
      const g = tf.softmax(fixedDense(`level/${l}/task/${t}/gate`, ft, T * mExp, m)) as tf.Tensor2D;
      const v = mExp > 1 ? Array.from(symValues(`level/${l}/task/${t}/native`, m, mExp, 1)) : [1];
      const native = tf.addN(v.map((vi, i) => experts[t * mExp + i].mul(vi)));
      return mixOut(g, experts).add(native) as tf.Tensor2D;
    });
  });
  return tf.concat(f.map((ft, t) => towerOut(t, ft, tower, m)), 1) as tf.Tensor2D;
}

const MASTERS = [31, 32];

test("PLE with one level (PLE class, and the cgc builder) equals CGC written out from its equations", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const ple = fixedModel({ kind: "ple", taskExperts: 2, sharedExperts: 2, expertUnits: [[5, 4]], towerUnits: [3] }, tasks, INPUT, MASTERS);
  const cgc = fixedModel({ kind: "cgc", taskExperts: 2, sharedExperts: 2, expertUnits: [5, 4], towerUnits: [3] }, tasks, INPUT, MASTERS);
  assert.deepEqual(ple.parameterCount(), cgc.parameterCount());
  const batch = makeBatch(INPUT, 7, 4);
  const x = oneHotView(batch, INPUT);
  const ref = tf.tidy(() => tf.stack(MASTERS.map((m) => cgcWrittenOut(x, 3, 2, 2, [5, 4], [3], m))));
  const [a, b] = tf.tidy(() => [ple.apply(batch), cgc.apply(batch)]);
  assert.ok(maxAbsDiff(a, ref) < 1e-5, `PLE (one level) vs CGC written out: ${maxAbsDiff(a, ref)}`);
  assert.ok(maxAbsDiff(b, ref) < 1e-5, `cgc vs CGC written out: ${maxAbsDiff(b, ref)}`);
  assert.ok(maxAbsDiff(a, b) === 0, "one class, one construction: bit-identical");
  tf.dispose([a, b, x, ref]);
  disposeBatch(batch);
  [ple, cgc].forEach((m) => m.dispose());
});

test("AdaTT with no shared experts (and the adatt-sp kind) equals AdaTT-sp written out from its equations", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const cfg = { taskExperts: 2, expertUnits: [[5], [4, 3]], towerUnits: [3] };
  const native = { "/native$": 1 };
  const general = fixedModel({ kind: "adatt", sharedExperts: 0, ...cfg }, tasks, INPUT, MASTERS, native);
  const sp = fixedModel({ kind: "adatt-sp", ...cfg }, tasks, INPUT, MASTERS, native);
  assert.deepEqual(general.parameterCount(), sp.parameterCount());
  const batch = makeBatch(INPUT, 7, 5);
  const x = oneHotView(batch, INPUT);
  const ref = tf.tidy(() => tf.stack(MASTERS.map((m) => adattSpWrittenOut(x, 3, 2, cfg.expertUnits, cfg.towerUnits, m))));
  const [a, b] = tf.tidy(() => [general.apply(batch), sp.apply(batch)]);
  assert.ok(maxAbsDiff(a, ref) < 1e-5, `adatt (m_s = 0) vs AdaTT-sp written out: ${maxAbsDiff(a, ref)}`);
  assert.ok(maxAbsDiff(b, ref) < 1e-5, `adatt-sp vs AdaTT-sp written out: ${maxAbsDiff(b, ref)}`);
  assert.ok(maxAbsDiff(a, b) === 0, "one class, one construction: bit-identical");
  tf.dispose([a, b, x, ref]);
  disposeBatch(batch);
  [general, sp].forEach((m) => m.dispose());
});

/** Outputs (and gates where both report them) of two models on one batch agree. */
function assertSameFunction(a: MtlModel, b: MtlModel, batch: Batch, what: string, tol = 1e-5): void {
  const [ya, yb] = tf.tidy(() => [a.apply(batch), b.apply(batch)]);
  assert.ok(maxAbsDiff(ya, yb) < tol, `${what}: outputs differ by ${maxAbsDiff(ya, yb)}`);
  tf.dispose([ya, yb]);
}

test("ML-MMoE with one level (MLMMoE class) equals MMoE (MMoE class) given the same weights", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const ml = fixedModel({ kind: "ml-mmoe", experts: 3, expertUnits: [[5, 4]], towerUnits: [3] }, tasks, INPUT, MASTERS, {}, (n) => n.replace(/^level\/0\//, ""));
  const mmoe = fixedModel({ kind: "mmoe", experts: 3, expertUnits: [5, 4], towerUnits: [3] }, tasks, INPUT, MASTERS, {});
  assert.equal(ml.parameterCount().perReplica, mmoe.parameterCount().perReplica);
  const batch = makeBatch(INPUT, 7, 9);
  assertSameFunction(ml, mmoe, batch, "ML-MMoE (1 level) vs MMoE");
  const [ga, gb] = [ml.gates!(batch), mmoe.gates!(batch)];
  ga.forEach((g, i) => assert.ok(maxAbsDiff(g.weights, gb[i].weights) < 1e-6, `gate ${g.task}`));
  tf.dispose([...ga, ...gb].map((g) => g.weights));
  disposeBatch(batch);
  [ml, mmoe].forEach((m) => m.dispose());
});

test("MMoE whose gates all have gate 0's weights equals OMoE (one gate, tiled)", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const cfg = { experts: 4, expertUnits: [5], towerUnits: [3] };
  const mmoe = fixedModel({ kind: "mmoe", ...cfg }, tasks, INPUT, MASTERS, {}, (n) => n.replace(/^gate\/\d+$/, "gate/0"));
  const omoe = fixedModel({ kind: "omoe", ...cfg }, tasks, INPUT, MASTERS, {});
  const batch = makeBatch(INPUT, 7, 10);
  assertSameFunction(mmoe, omoe, batch, "MMoE (equal gates) vs OMoE");
  disposeBatch(batch);
  [mmoe, omoe].forEach((m) => m.dispose());
});

test("Cross-Stitch with identity stitch matrices equals Single-Task (SingleTask class) given the same weights", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const cs = fixedModel({ kind: "cross-stitch", units: [5, 4], towerUnits: [3] }, tasks, INPUT, MASTERS, undefined, (n) => n.replace(/^task\//, "bottom/"));
  for (const [name, v] of Object.entries(named(cs))) if (name.startsWith("stitch/")) tf.tidy(() => v.assign(tf.eye(3).expandDims(0).tile([2, 1, 1])));
  const st = fixedModel({ kind: "single-task", bottomUnits: [5, 4], towerUnits: [3] }, tasks, INPUT, MASTERS, {});
  const batch = makeBatch(INPUT, 7, 11);
  assertSameFunction(cs, st, batch, "Cross-Stitch (α = I) vs Single-Task");
  disposeBatch(batch);
  [cs, st].forEach((m) => m.dispose());
});

test("Sluice at its initial mixers (α = cross-stitch init ⊗ I, β on the last layer) equals Cross-Stitch at its initial mixers", async () => {
  await initBackend();
  const tasks = mixedTasks(3);
  const sl = fixedModel({ kind: "sluice", units: [4, 4, 4], subspaces: 2, towerUnits: [3] }, tasks, INPUT, MASTERS);
  const cs = fixedModel({ kind: "cross-stitch", units: [4, 4, 4], towerUnits: [3] }, tasks, INPUT, MASTERS);
  const batch = makeBatch(INPUT, 7, 12);
  assertSameFunction(sl, cs, batch, "Sluice (initial mixers) vs Cross-Stitch (initial mixers)");
  disposeBatch(batch);
  [sl, cs].forEach((m) => m.dispose());
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
