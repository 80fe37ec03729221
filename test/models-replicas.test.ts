/**
 * Replica r with seed s equals an R = 1 model with seed s; seeds decide everything; no leaks.
 * With every variable made different per replica (biases start at zero and the cross-stitch and
 * sluice mixers at the same constants in every replica, so a replica reading replica 0's copy
 * is invisible at initialisation), replica r computes from, and trains only, its own slices.
 *
 * Faults this file is known to catch (injected locally, uncommitted, each failed here):
 *  - cross-stitch.ts: every replica uses replica 0's stitch matrix (replica 1's gradient is 0);
 *  - blocks.ts: every replica uses replica 0's GroupedDense bias;
 *  - input.ts: every replica uses replica 0's input-layer bias;
 *  - sluice.ts: every replica uses replica 0's β.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { MODEL_KINDS, createModel, initBackend, type ModelConfig, type MtlModel, type Batch, type InputSpec } from "mtl-lab";
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
    esmm: { steps: 2 }, "esmm-base": { steps: 2 }, aitm: { towerUnits: [6, 5] }, "aitm-no-transfer": { towerUnits: [6, 5] },
    "dcn-shared-bottom": { crossLayers: 2, bottomUnits: [6, 5] }, "dcn-mmoe": { crossLayers: 2, experts: 3, expertUnits: [6, 5] },
    "dcn-ple": { crossLayers: 1, taskExperts: 2, sharedExperts: 2, ...two },
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
  if (model.extraLoss) l = l.add(model.extraLoss(y).sum());
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

/** Adds to every variable a different seeded U(±0.3) per replica, so no two replicas share any value. */
function perturbPerReplica(model: MtlModel, seed: number): void {
  model.variables.forEach((v, i) => tf.tidy(() => v.assign(v.add(tf.randomUniform(v.shape, -0.3, 0.3, "float32", seed * 1000 + i)))));
}

/** Replica r's slice of every variable of `from`, copied into the R = 1 model `to` (same config, same variable order). */
function copyReplica(from: MtlModel, r: number, to: MtlModel): void {
  from.variables.forEach((v, i) => tf.tidy(() => to.variables[i].assign(v.slice([r], [1]))));
}

/** Replica r's loss only: a weighted sum of its outputs (and its penalty). */
function replicaLoss(model: MtlModel, batch: Batch, r: number): tf.Scalar {
  const y = model.apply(batch).slice([r], [1]); // [1, B, T]
  const w = tf.linspace(0.5, 1.5, y.size).reshape(y.shape);
  let loss = y.mul(w).sum().add(y.square().sum().mul(0.25)) as tf.Scalar;
  if (model.extraLoss) loss = loss.add(model.extraLoss(model.apply(batch)).slice([r], [1]).sum());
  return loss;
}

for (const kind of MODEL_KINDS) {
  test(`${kind}: every variable perturbed per replica: replica r's outputs and gradients come from its own slices only`, async () => {
    await initBackend();
    const R = 3, seeds = [101, 202, 303];
    const tasks = mixedTasks(3);
    const cases: [InputSpec, Batch][] = [[INPUT, makeBatch(INPUT, 5, 41)], [NUMERIC_ONLY, makeBatch(NUMERIC_ONLY, 5, 42, R)]];
    for (const [input, batch] of cases) {
      const layout = batch.numeric.rank === 2 ? "shared data" : "per-replica data";
      const many = createModel(small(kind), tasks, input, seeds);
      perturbPerReplica(many, 7);
      const vars = many.variables as tf.Variable[];
      for (let r = 0; r < R; r++) {
        const one = createModel(small(kind), tasks, input, [seeds[r]]);
        copyReplica(many, r, one);
        const mine: Batch = batch.numeric.rank === 2 ? batch : { numeric: batch.numeric.slice([r], [1]) };
        const [a, b] = tf.tidy(() => [replica(many.apply(batch), r), one.apply(mine)]);
        assert.ok(maxAbsDiff(a, b) < 1e-5, `${layout}, replica ${r}: outputs differ from its R = 1 twin by ${maxAbsDiff(a, b)}`);
        const gMany = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => replicaLoss(many, batch, r), vars);
          return vars.map((v) => grads[v.name].clone());
        });
        const gOne = tf.tidy(() => {
          const ov = one.variables as tf.Variable[];
          const { grads } = tf.variableGrads(() => replicaLoss(one, mine, 0), ov);
          return ov.map((v) => grads[v.name].clone());
        });
        const names = Object.keys((many as unknown as { named: Record<string, tf.Variable> }).named);
        vars.forEach((v, i) => {
          const own = tf.tidy(() => gMany[i].slice([r], [1]));
          const scale = Math.max(1e-3, tf.tidy(() => gOne[i].abs().max().dataSync()[0]));
          const d = maxAbsDiff(own, gOne[i]);
          assert.ok(d <= 1e-4 * scale, `${layout}, replica ${r}, ${names[i]}: gradient differs from the R = 1 twin's by ${d} (scale ${scale})`);
          const others = tf.tidy(() => tf.gather(gMany[i], seeds.map((_, q) => q).filter((q) => q !== r)).abs().max().dataSync()[0]);
          assert.equal(others, 0, `${layout}, ${names[i]}: replica ${r}'s loss reaches another replica's slice`);
          own.dispose();
        });
        tf.dispose([a, b, ...gMany, ...gOne]);
        if (mine !== batch) mine.numeric.dispose();
        one.dispose();
      }
      disposeBatch(batch);
      many.dispose();
    }
  });
}
