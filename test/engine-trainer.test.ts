/** The replica trainer: Adam, determinism, replica independence, divergence isolation, no leaks. */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ALL_TASKS, constantPredictorLoss, createModel, initBackend, lossReference, MODEL_KINDS, ReplicaAdam, resolveTrainConfig, trainReplicas, type GroupData, type ModelConfig, type TrainConfig } from "mtl-lab";
import { toyData } from "./engine-helpers";

const TRAIN: TrainConfig = { steps: 60, batchSize: 32, evalEvery: 20, learningRates: [1e-2], selection: { task: "y", metric: "loss" } };
const MODEL: ModelConfig = { kind: "shared-bottom", bottomUnits: [8], towerUnits: [4] };

before(async () => {
  await initBackend("wasm");
});

function shared(seed = 11): GroupData {
  return { layout: "shared", datasets: [toyData(seed)], orderSeeds: [101] };
}

async function train(seeds: number[], lrs: number[], data = shared(), cfg: TrainConfig = TRAIN) {
  const d = data.datasets[0];
  const model = createModel(MODEL, d.tasks, d.input, seeds);
  try {
    return await trainReplicas(model, data, cfg, lrs);
  } finally {
    model.dispose();
  }
}

test("ReplicaAdam with R = 1 matches tf.train.adam", () => {
  const target = tf.tensor2d([[1, -2, 3]]);
  const ours = tf.variable(tf.tensor2d([[0.5, 0.5, 0.5]]));
  const ref = tf.variable(tf.tensor2d([[0.5, 0.5, 0.5]]));
  const adam = new ReplicaAdam([ours]);
  const opt = tf.train.adam(0.1);
  const lr = tf.tensor1d([0.1]);
  const active = tf.tensor1d([1], "bool");
  for (let i = 0; i < 5; i++) {
    const { grads } = tf.variableGrads(() => tf.sum(tf.squaredDifference(ours, target)) as tf.Scalar, [ours]);
    adam.apply([grads[ours.name]], lr, active);
    tf.dispose(grads);
    opt.minimize(() => tf.sum(tf.squaredDifference(ref, target)) as tf.Scalar, false, [ref]);
  }
  const a = ours.dataSync();
  const b = ref.dataSync();
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-5, `Adam differs from tf.train.adam at ${i}: ${x} vs ${b[i]}`));
  tf.dispose([target, ours, ref, lr, active]);
  adam.dispose();
  opt.dispose();
});

test("ReplicaAdam: 'every replica active' (null) updates exactly as an all-true mask; a false entry freezes that replica", () => {
  const start = [[0.5, -0.5], [1, 2], [3, -1]];
  const target = tf.tensor2d([[1, -2], [0, 1], [2, 2]]);
  const run = (active: tf.Tensor1D | null): Float32Array => {
    const x = tf.variable(tf.tensor2d(start));
    const adam = new ReplicaAdam([x]);
    const lr = tf.tensor1d([0.1, 0.01, 0.05]);
    for (let i = 0; i < 4; i++) {
      const { grads } = tf.variableGrads(() => tf.sum(tf.squaredDifference(x, target)) as tf.Scalar, [x]);
      adam.apply([grads[x.name]], lr, active);
      tf.dispose(grads);
    }
    const out = x.dataSync() as Float32Array;
    tf.dispose([x, lr]);
    adam.dispose();
    return out;
  };
  const allTrue = tf.tensor1d([1, 1, 1], "bool");
  const middleOff = tf.tensor1d([1, 0, 1], "bool");
  const unmasked = run(null);
  assert.deepEqual(Array.from(unmasked), Array.from(run(allTrue)));
  const frozen = run(middleOff);
  assert.deepEqual(Array.from(frozen.slice(2, 4)), [1, 2], "the inactive replica keeps its weights bit for bit");
  assert.deepEqual(Array.from(frozen.slice(0, 2)), Array.from(unmasked.slice(0, 2)));
  tf.dispose([target, allTrue, middleOff]);
});

test("training learns, records curves and best-checkpoint metrics, and leaks no tensors", async () => {
  const before = tf.memory().numTensors;
  const [r] = await train([1], [1e-2]);
  assert.equal(tf.memory().numTensors, before, "tensors leaked over training");
  assert.equal(r.status, "ok");
  assert.deepEqual(r.curves.steps, [20, 40, 60]);
  assert.equal(r.curves.train.y.length, 3);
  const y = r.curves.validation.y as number[];
  assert.ok(y[2] < y[0], `validation loss should fall: ${y.join(", ")}`);
  assert.ok(r.test!.c.metrics.auc > 0.6, `test AUC ${r.test!.c.metrics.auc}`);
  assert.equal(r.selectionValue, Math.min(...y));
  assert.equal(r.validation!.y.metrics.loss, r.selectionValue);
  assert.deepEqual(r.curves.selection, y, "the selection curve is the selection metric (here y's validation loss) at every evaluation");
});

test("same seeds give identical results; per-replica data works", async () => {
  const a = await train([1, 2], [1e-2, 1e-2]);
  const b = await train([1, 2], [1e-2, 1e-2]);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0].test, a[1].test);
  const perReplica: GroupData = { layout: "per-replica", datasets: [toyData(3), toyData(4)], datasetOf: [0, 1, 1], orderSeeds: [5, 6] };
  const p = await train([1, 2, 2], [1e-2, 1e-2, 1e-3], perReplica);
  assert.ok(p.every((r) => r.status === "ok"));
});

test("a diverging replica is marked with its reason and leaves the others bit-identical", async () => {
  const clean = await train([1, 2, 3], [1e-2, 1e-2, 1e-2]);
  const mixed = await train([1, 2, 3], [1e-2, 1e9, 1e-2]);
  assert.equal(mixed[1].status, "diverged");
  assert.match(mixed[1].reason!, /training loss (exploded|became)/);
  assert.deepEqual(mixed[0], clean[0]);
  assert.deepEqual(mixed[2], clean[2]);
});

/** Small but complete configurations: deep experts, several levels and experts per module. */
const SMALL: Record<string, object> = {
  omoe: { experts: 3, expertUnits: [6, 5] }, mmoe: { experts: 3, expertUnits: [6, 5] }, "ml-mmoe": { experts: 3, expertUnits: [[6, 5], [4]] },
  cgc: { taskExperts: 2, sharedExperts: 2, expertUnits: [6, 5] }, ple: { taskExperts: 2, sharedExperts: 2, expertUnits: [[6, 5], [4]] },
  "adatt-sp": { taskExperts: 2, expertUnits: [[6, 5], [4]] }, adatt: { taskExperts: 2, sharedExperts: 2, expertUnits: [[6, 5], [4], [4]] },
  "adatt-no-nlf": { taskExperts: 2, sharedExperts: 1, expertUnits: [[6, 5], [4]] }, sluice: { units: [6, 6], subspaces: 2 },
  "cross-stitch": { units: [6, 5] }, "tensor-factorization": { bottomUnits: [6, 5], rank: 4, taskRank: 2 },
  aitm: { towerUnits: [6, 5] }, "aitm-no-transfer": { towerUnits: [6, 5] },
  "dcn-shared-bottom": { crossLayers: 2 }, "dcn-mmoe": { crossLayers: 2, experts: 3 }, "dcn-ple": { crossLayers: 1, taskExperts: 2, sharedExperts: 2, expertUnits: [[6, 5], [4]] },
};

for (const kind of MODEL_KINDS) {
  test(`${kind}: a diverging replica leaves the others bit-identical (census-like input)`, async () => {
    // Replicas share no weights, so replica 1's exploding updates must not reach replicas 0 and 2;
    // a replica that read another replica's parameter (a bias, a stitch matrix) would.
    const data: GroupData = { layout: "shared", datasets: [toyData(21, { train: 128, validation: 64, test: 64 }, { categorical: true })], orderSeeds: [7] };
    const cfg: TrainConfig = { ...TRAIN, steps: 8, evalEvery: 1 }; // the first loss is recorded before replica 1 explodes
    const d = data.datasets[0];
    const run = async (lrs: number[]) => {
      const model = createModel({ kind, ...SMALL[kind] } as ModelConfig, d.tasks, d.input, [1, 2, 3]);
      try {
        return await trainReplicas(model, data, cfg, lrs);
      } finally {
        model.dispose();
      }
    };
    const clean = await run([1e-2, 1e-2, 1e-2]);
    const mixed = await run([1e-2, 1e9, 1e-2]);
    assert.equal(mixed[1].status, "diverged", `${kind}: replica 1 diverges (${mixed[1].reason ?? "no reason"})`);
    assert.deepEqual(mixed[0], clean[0]);
    assert.deepEqual(mixed[2], clean[2]);
  });
}

test("a run that blows up inside its first evaluation window is diverged: judged against the loss before training, not its first record", async () => {
  const clean = await train([1, 2], [1e-2, 1e-2]);
  const [blown, ok] = await train([1, 2], [1e3, 1e-2]);
  assert.equal(blown.status, "diverged", `lr 1000 recorded as ${blown.status}: ${blown.reason}`);
  assert.equal(blown.divergence?.cause, "exploded");
  assert.equal(blown.divergence?.step, TRAIN.evalEvery, "caught at the first evaluation");
  assert.ok(blown.divergence!.reference! < 10, `reference ${blown.divergence!.reference} comes from before the first update`);
  assert.match(blown.reason!, /training loss exploded to .* by step 20 \(reference before training [\d.]+; limit ×10000\)/);
  assert.equal(blown.test, null, "no test metrics from an exploded run");
  assert.deepEqual(ok, clean[1], "the other replica of the group is untouched");
  const [nan] = await train([1], [1e9]);
  assert.ok(nan.divergence && ["nan", "infinite", "exploded"].includes(nan.divergence.cause), JSON.stringify(nan.divergence));
});

test("explosion reference: the larger of the initial loss and a constant predictor's (label variance, label entropy)", () => {
  const d = toyData(11);
  const y = Array.from({ length: d.train.rows }, (_, i) => d.train.labels[i * 2]);
  const c = Array.from({ length: d.train.rows }, (_, i) => d.train.labels[i * 2 + 1]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = mean(y.map((v) => (v - mean(y)) ** 2));
  const p = mean(c);
  const entropy = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
  assert.ok(Math.abs(constantPredictorLoss(d, d.tasks) - (variance + entropy)) < 1e-9);
  assert.equal(lossReference(3, 2), 3);
  assert.equal(lossReference(1e-9, 2), 2, "a model initialised near a perfect fit is judged against the constant predictor");
});

test("early stopping freezes a replica and keeps its best checkpoint", async () => {
  const cfg: TrainConfig = { ...TRAIN, steps: 400, evalEvery: 10, patience: 2 };
  const [r] = await train([1], [5e-2], shared(), cfg);
  assert.equal(r.status, "ok");
  assert.match(r.reason ?? "", /early stop/);
  assert.ok(r.stepsTrained < 400);
  const bestIndex = r.curves.steps.indexOf(r.bestStep!);
  assert.equal(r.curves.validation.y[bestIndex], r.selectionValue);
  assert.equal(r.curves.selection![bestIndex], r.selectionValue);
  assert.equal(r.curves.selection!.length, r.curves.steps.length);
});

test("gate statistics cover the requested test rows in evaluation-sized chunks and equal one pass over them", async () => {
  const data = shared(13);
  const d = data.datasets[0];
  const model = createModel({ kind: "mmoe", experts: 3, expertUnits: [6], towerUnits: [4] }, d.tasks, d.input, [3, 4]);
  try {
    // 100 of the 128 test rows, read in chunks of 30, 30, 30 and 10
    const outcomes = await trainReplicas(model, data, { ...TRAIN, evalBatchSize: 30, gateRows: 100 }, [1e-2, 1e-2]);
    // the model now holds each replica's checkpoint: one pass over the same 100 rows, directly
    const rows = 100;
    const batch = { numeric: tf.tensor2d(d.test.numeric.subarray(0, rows * d.input.numeric), [rows, d.input.numeric]) };
    const direct = model.gates!(batch);
    direct.forEach((g, k) => {
      const { mean, variance } = tf.moments(g.weights, 1);
      const m = mean.arraySync() as number[][];
      const s = (tf.sqrt(variance).arraySync() as number[][]);
      outcomes.forEach((o, r) => {
        assert.equal(o.gates[k].task, g.task);
        o.gates[k].mean.forEach((x, e) => assert.ok(Math.abs(x - m[r][e]) < 1e-6, `replica ${r} gate ${g.task} expert ${e}: mean ${x} vs ${m[r][e]}`));
        o.gates[k].std.forEach((x, e) => assert.ok(Math.abs(x - s[r][e]) < 1e-5, `replica ${r} gate ${g.task} expert ${e}: std ${x} vs ${s[r][e]}`));
      });
      tf.dispose([mean, variance, g.weights]);
    });
    assert.ok(outcomes[0].gates[0].std.some((x) => x > 1e-4), "the gates vary over rows (a test of the std, not of zeros)");
    batch.numeric.dispose();
  } finally {
    model.dispose();
  }
});

test("selection on the whole objective: the checkpoint is the evaluation with the lowest weighted sum of validation losses", async () => {
  const weights = [1, 3];
  const cfg: TrainConfig = { ...TRAIN, steps: 200, evalEvery: 10, learningRates: [3e-2], taskWeights: weights, selection: { task: ALL_TASKS, metric: "loss" } };
  // 64 training rows: the two tasks overfit at different steps, so the three criteria disagree
  const small: GroupData = { layout: "shared", datasets: [toyData(17, { train: 64, validation: 128, test: 128 })], orderSeeds: [101] };
  const [o] = await train([5], [3e-2], small, cfg);
  const v = o.curves.validation;
  const objective = o.curves.steps.map((_, i) => weights[0] * v.y[i]! + weights[1] * v.c[i]!);
  const best = objective.indexOf(Math.min(...objective));
  assert.equal(o.bestStep, o.curves.steps[best]);
  assert.ok(Math.abs(o.selectionValue! - objective[best]) < 1e-9, `${o.selectionValue} vs ${objective[best]}`);
  // neither task's own criterion would have chosen this step (else the test could not tell them apart)
  const argmin = (xs: (number | null)[]) => xs.indexOf(Math.min(...(xs as number[])));
  assert.ok(argmin(v.y) !== best && argmin(v.c) !== best, `objective's step ${best} vs the tasks' ${argmin(v.y)} and ${argmin(v.c)}`);
  const tasks = shared().datasets[0].tasks;
  assert.throws(() => resolveTrainConfig({ ...cfg, selection: { task: ALL_TASKS, metric: "auc" } }, tasks), /does not apply to task "all" \(the weighted sum of the task losses\); use "loss"/);
  assert.throws(() => resolveTrainConfig({ ...cfg, selection: { task: "nope", metric: "loss" } }, tasks), /"nope" is not a task; valid: y, c, or "all"/);
});
