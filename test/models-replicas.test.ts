// Replica r with seed s equals an R = 1 model with seed s; seeds decide everything; no leaks.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { MODEL_KINDS, createModel, initBackend, type ModelConfig, type MtlModel, type Batch } from "mtl-lab";
import { INPUT, NUMERIC_ONLY, disposeBatch, makeBatch, maxAbsDiff, mixedTasks } from "./models-util";

const small = (kind: string): ModelConfig => parseSmall(kind);
function parseSmall(kind: string): ModelConfig {
  // Small but non-trivial: two-layer experts, two levels, several experts per module.
  const two = { expertUnits: [[6, 5], [4]], towerUnits: [3] };
  const byKind: Record<string, object> = {
    omoe: { experts: 3, expertUnits: [6, 5] }, mmoe: { experts: 3, expertUnits: [6, 5] }, "ml-mmoe": { experts: 3, ...two },
    cgc: { taskExperts: 2, sharedExperts: 2, expertUnits: [6, 5] }, ple: { taskExperts: 2, sharedExperts: 2, ...two },
    "adatt-sp": { taskExperts: 2, ...two }, adatt: { taskExperts: 2, sharedExperts: 2, ...two }, "adatt-no-nlf": { taskExperts: 2, sharedExperts: 1, ...two },
    sluice: { units: [6, 6], subspaces: 2 }, "cross-stitch": { units: [6, 5] }, "tensor-factorization": { bottomUnits: [6, 5], rank: 4, taskRank: 2 },
  };
  return { kind, ...(byKind[kind] ?? {}) } as ModelConfig;
}

const replica = (y: tf.Tensor, r: number) => y.slice([r], [1]);

for (const kind of MODEL_KINDS) {
  test(`${kind}: replica r of R = 3 equals the R = 1 model of its seed (shared and per-replica data)`, async () => {
    await initBackend();
    const tasks = mixedTasks(3);
    const many = createModel(small(kind), tasks, INPUT, [101, 202, 303]);
    const one = createModel(small(kind), tasks, INPUT, [202]);
    const shared = makeBatch(INPUT, 6, 21);
    const [a, b] = tf.tidy(() => [replica(many.apply(shared), 1), one.apply(shared)]);
    assert.ok(maxAbsDiff(a, b) < 1e-5, `shared data: max diff ${maxAbsDiff(a, b)}`);
    if (many.gates && one.gates) {
      const ga = many.gates(shared), gb = one.gates(shared);
      assert.equal(ga.length, gb.length);
      ga.forEach((g, i) => assert.ok(maxAbsDiff(replica(g.weights, 1), gb[i].weights) < 1e-5, "gates agree"));
      tf.dispose([...ga, ...gb].map((g) => g.weights));
    }
    const manyN = createModel(small(kind), tasks, NUMERIC_ONLY, [101, 202, 303]);
    const oneN = createModel(small(kind), tasks, NUMERIC_ONLY, [202]);
    const per = makeBatch(NUMERIC_ONLY, 6, 22, 3);
    const mine: Batch = { numeric: per.numeric.slice([1], [1]) };
    const [c, d, e] = tf.tidy(() => [replica(manyN.apply(per), 1), oneN.apply(mine), oneN.apply({ numeric: mine.numeric.squeeze([0]) })]);
    assert.ok(maxAbsDiff(c, d) < 1e-5, `per-replica data: max diff ${maxAbsDiff(c, d)}`);
    assert.ok(maxAbsDiff(d, e) < 1e-5, "R = 1: per-replica and shared layouts agree");
    tf.dispose([a, b, c, d, e, mine.numeric]);
    [shared, per].forEach(disposeBatch);
    [many, one, manyN, oneN].forEach((m) => m.dispose());
  });
}

test("seeded determinism; different replica seeds give different weights", async () => {
  await initBackend();
  for (const kind of MODEL_KINDS) {
    const a = createModel(small(kind), mixedTasks(2), INPUT, [5, 6]);
    const b = createModel(small(kind), mixedTasks(2), INPUT, [5, 6]);
    a.variables.forEach((v, i) => assert.equal(maxAbsDiff(v, b.variables[i]), 0, `${kind}: same seeds, same weights`));
    // Random-initialised variables (not biases, nor the constant cross-stitch / sluice mixers).
    const named = (a as unknown as { named: Record<string, tf.Variable> }).named;
    const random = Object.entries(named).filter(([k]) => !/bias|stitch|alpha|beta/.test(k));
    assert.ok(random.length > 0);
    for (const [k, v] of random) assert.ok(maxAbsDiff(v.slice([0], [1]), v.slice([1], [1])) > 0, `${kind}: ${k} differs between replicas`);
    [a, b].forEach((m) => m.dispose());
  }
});

function loss(model: MtlModel, batch: Batch, targets: tf.Tensor): tf.Scalar {
  const y = model.apply(batch); // [R, B, T]
  const T = model.tasks.length;
  const parts = model.tasks.map((t, k) => {
    const yk = y.slice([0, 0, k], [-1, -1, 1]), tk = targets.slice([0, 0, k], [-1, -1, 1]).broadcastTo(yk.shape);
    return t.kind === "binary" ? tf.losses.sigmoidCrossEntropy(tk, yk) : tf.losses.meanSquaredError(tk, yk);
  });
  let l = tf.addN(parts).mul(1 / T) as tf.Scalar;
  if (model.extraLoss) l = l.add(model.extraLoss().sum());
  return l;
}

test("no tensor leak over 200 Adam steps (MMoE, census-like input); a few steps for every kind", async () => {
  await initBackend();
  for (const kind of ["mmoe", ...MODEL_KINDS]) {
    const steps = kind === "mmoe" ? 200 : 5;
    const model = createModel(small(kind), mixedTasks(3), INPUT, [1, 2]);
    const batch = makeBatch(INPUT, 16, 33);
    const targets = tf.tidy(() => tf.randomUniform([1, 16, 3], 0, 1, "float32", 4).round());
    const opt = tf.train.adam(1e-2);
    const step = () => opt.minimize(() => loss(model, batch, targets), true, model.variables as tf.Variable[]);
    const first = step()!;
    const start = first.dataSync()[0];
    first.dispose();
    step()!.dispose(); // Adam creates its slots on the first steps
    const before = tf.memory().numTensors;
    let last = NaN;
    for (let i = 0; i < steps; i++) {
      const c = step()!;
      if (i === steps - 1) last = c.dataSync()[0];
      c.dispose();
    }
    assert.equal(tf.memory().numTensors, before, `${kind}: tensor count flat`);
    if (kind === "mmoe") assert.ok(last < start, `mmoe trains: ${start} → ${last}`);
    opt.dispose();
    targets.dispose();
    disposeBatch(batch);
    model.dispose();
  }
});
