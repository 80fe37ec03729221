// The model contract on the first models: shapes, the lookup path, replicas, gradients, configs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { MODEL_KINDS, createModel, initBackend, inputWidth, parseModelConfig, type ModelConfig, type MtlModel } from "mtl-lab";
import { INPUT, NUMERIC_ONLY, disposeBatch, gradientNorms, makeBatch, maxAbsDiff, mixedTasks } from "./models-util";

const named = (m: MtlModel) => (m as unknown as { named: Record<string, tf.Variable> }).named;

test("the categorical lookup equals a one-hot matmul, values and gradients", async () => {
  await initBackend();
  const m = createModel({ kind: "shared-bottom", bottomUnits: [4], towerUnits: [] }, mixedTasks(1), INPUT, [7, 8]);
  const batch = makeBatch(INPUT, 6, 1);
  const D = inputWidth(INPUT);
  const [wNum, wCat, bias] = ["input/numeric", "input/categorical", "input/bias"].map((k) => named(m)[k]);
  const oneHot = tf.tidy(() => {
    const cols = INPUT.categorical.map((v, c) => tf.oneHot(batch.categorical!.slice([0, c], [-1, 1]).squeeze([1]) as tf.Tensor1D, v));
    return tf.concat([batch.numeric, ...cols.map((t) => t.toFloat())], 1); // [B, D]
  });
  assert.equal(oneHot.shape[1], D);
  const viaModel = (w: tf.Tensor, wc: tf.Tensor) => tf.tidy(() => {
    const W = tf.concat([w, wc], 1); // [R, D, U]
    return tf.relu(tf.matMul(oneHot.expandDims(0).tile([2, 1, 1]), W).add(bias.expandDims(1))); // [R, B, U]
  });
  const grads = tf.tidy(() => tf.variableGrads(() => viaModel(wNum, wCat).square().sum() as tf.Scalar, [wCat]).grads[wCat.name].clone());
  const gModel = tf.tidy(() => {
    const r = tf.variableGrads(() => {
      // the model's own first layer: apply with a linear tower of width 1 would mix; read the bottom directly
      const h = (m as unknown as { encoder: { apply(b: unknown): tf.Tensor } }).encoder.apply(batch);
      return tf.relu(h).square().sum() as tf.Scalar;
    }, [wCat]);
    return r.grads[wCat.name].clone();
  });
  assert.ok(maxAbsDiff(grads, gModel) < 1e-5, "lookup gradient equals one-hot gradient");
  const a = tf.tidy(() => tf.relu((m as unknown as { encoder: { apply(b: unknown): tf.Tensor } }).encoder.apply(batch)));
  const b = viaModel(wNum, wCat);
  assert.ok(maxAbsDiff(a, b) < 1e-5, "lookup value equals one-hot value");
  tf.dispose([oneHot, grads, gModel, a, b]);
  disposeBatch(batch);
  m.dispose();
});

for (const kind of MODEL_KINDS) {
  for (const T of [2, 3, 5]) {
    test(`${kind}: shapes and gradients, T = ${T}, shared and per-replica data`, async () => {
      await initBackend();
      const R = 3;
      const m = createModel({ kind } as ModelConfig, mixedTasks(T), INPUT, [1, 2, 3]);
      const shared = makeBatch(INPUT, 5, 11);
      const y = tf.tidy(() => m.apply(shared));
      assert.deepEqual(y.shape, [R, 5, T]);
      for (const g of gradientNorms(m, shared)) assert.ok(g > 0, "every variable gets a gradient");
      const m2 = createModel({ kind } as ModelConfig, mixedTasks(T), NUMERIC_ONLY, [4, 5, 6]);
      const per = makeBatch(NUMERIC_ONLY, 4, 12, R);
      const y2 = tf.tidy(() => m2.apply(per));
      assert.deepEqual(y2.shape, [R, 4, T]);
      tf.dispose([y, y2]);
      [shared, per].forEach(disposeBatch);
      m.dispose();
      m2.dispose();
    });
  }
}

test("invalid configs are rejected with messages naming the field", () => {
  assert.throws(() => parseModelConfig({ kind: "mmoe", experts: 0 }), /mmoe\.experts must be a positive integer, got 0/);
  assert.throws(() => parseModelConfig({ kind: "mmoe", expertz: 3 }), /mmoe\.expertz is not a field/);
  assert.throws(() => parseModelConfig({ kind: "nope" }), /model\.kind must be one of/);
  assert.throws(() => parseModelConfig({ kind: "shared-bottom", bottomUnits: [] }), /shared-bottom\.bottomUnits must be a non-empty array/);
  assert.throws(() => parseModelConfig({ kind: "mmoe", towerUnits: [8, 1.5] }), /mmoe\.towerUnits/);
  assert.deepEqual(parseModelConfig({ kind: "mmoe" }), { kind: "mmoe", experts: 8, expertUnits: [16], towerUnits: [8] });
  assert.ok(MODEL_KINDS.includes("mmoe"));
});
