/**
 * DUPN and MetaHeac beyond the generic loops over every kind (models-core, models-replicas,
 * models-params, models-reference, which run them on inputs without a behaviour sequence):
 * DUPN with a sequence (attention against the PyTorch reference, masking, replicas, hand counts)
 * and MetaHeac's functional forward and inner step (fast weights per task and per replica).
 *
 * Faults this file (with models-reference.test.ts) was seen to catch, each injected into
 * lib/models and reverted:
 *  - dupn.ts: padded positions not masked in the attention softmax (attention, masking, reference);
 *  - dupn.ts: a padded position updates the LSTM state like a behaviour (attention, masking, reference);
 *  - dupn.ts: every replica reads replica 0's recurrent kernel (replica test, reference);
 *  - metaheac.ts: the critic gate reads the expert gate's columns (reference outputs and gates);
 *  - metaheac.ts: every replica mixes experts with replica 0's expert gate (replica, inner step, reference);
 *  - metaheac.ts: innerStep ascends the gradient (inner step: the support loss rises);
 *  - metaheac.ts: innerStep ignores which task's loss it steps on (inner step: other rows move);
 *  - metaheac.ts: the expert-gate ablation keeps its gate (hand counts, uniform gates, reference).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { type Batch, type DUPN, type InputSpec, type MetaHeac, type ModelConfig, type MtlModel, createModel, initBackend, projectRoot } from "mtl-lab";
import { fixedModel } from "./models-fixed-weights";
import { maxAbsDiff, mixedTasks } from "./models-util";

const SEQ_INPUT: InputSpec = { numeric: 2, categorical: [3, ...[6, 4, 6, 4, 6, 4, 6, 4]], sequence: { length: 4, fields: [6, 4] } };
const DUPN_CFG: ModelConfig = { kind: "dupn", embedding: 3, lstmUnits: 4, attentionUnits: 5, profileUnits: 2, towerUnits: [3] };

/** Rows of [query, (item, prop) × 4]; item 0 = padding. */
function seqBatch(rows: number[][], R?: number): Batch {
  const B = rows.length;
  const numeric = R === undefined
    ? tf.tensor2d(rows.map((_, b) => [0.3 * b - 0.2, 0.5 - 0.1 * b]))
    : tf.tensor3d(Array.from({ length: R }, (_, r) => rows.map((_, b) => [0.3 * b - 0.2 + 0.1 * r, 0.5 - 0.1 * b])));
  return { numeric, categorical: tf.tensor2d(rows, [B, 9], "int32") };
}
const ROWS = [
  [0, 1, 2, 3, 0, 5, 1, 2, 3],
  [1, 4, 1, 2, 2, 0, 0, 0, 0],
  [2, 5, 3, 0, 0, 3, 1, 0, 0], // padding inside
  [1, 0, 0, 0, 0, 0, 0, 0, 0], // no behaviours
];
const dispose = (b: Batch) => tf.dispose([b.numeric, b.categorical ?? []]);

interface RefCase { id: string; config: ModelConfig; input: InputSpec; direct: Record<string, number>; layout: string; batch: { numeric: number[][] | number[][][]; categorical?: number[][] }; attention?: number[][][] }
const FIXTURE = JSON.parse(fs.readFileSync(path.join(projectRoot(), "test", "fixtures", "models-reference.json"), "utf8")) as { masters: number[]; tasks: number; cases: RefCase[] };

test("DUPN attention weights equal the PyTorch reference (sequences with padding at the end and inside)", async () => {
  await initBackend();
  const cases = FIXTURE.cases.filter((c) => c.attention);
  assert.deepEqual(cases.map((c) => c.layout).sort(), ["per-replica", "shared"]);
  for (const c of cases) {
    const model = fixedModel(c.config, mixedTasks(FIXTURE.tasks), c.input, FIXTURE.masters, c.direct) as unknown as DUPN;
    const numeric = c.layout === "shared" ? tf.tensor2d(c.batch.numeric as number[][]) : tf.tensor3d(c.batch.numeric as number[][][]);
    const batch = { numeric, categorical: tf.tensor2d(c.batch.categorical!, undefined, "int32") };
    const a = model.attention(batch);
    const d = maxAbsDiff(a, tf.tensor3d(c.attention!));
    assert.ok(d < 1e-6, `${c.id}: attention differs by ${d}`);
    // the reference's rows 1 and 2 have padded positions: exactly zero weight there
    const rows = a.arraySync();
    rows.forEach((rep) => rep.forEach((row, b) => row.forEach((w, l) => { if (c.batch.categorical![b][c.input.categorical.length - c.input.sequence!.length * c.input.sequence!.fields.length + l * c.input.sequence!.fields.length] === 0) assert.equal(w, 0); })));
    tf.dispose([a, numeric, batch.categorical]);
    (model as unknown as MtlModel).dispose();
  }
});

test("DUPN masking: padded positions get zero attention, their contents change nothing, padding inside a sequence is skipped", async () => {
  await initBackend();
  const model = createModel(DUPN_CFG, mixedTasks(2), SEQ_INPUT, [5, 6]) as unknown as DUPN & MtlModel;
  const batch = seqBatch(ROWS);
  const a = model.attention(batch).arraySync();
  for (const rep of a) {
    assert.deepEqual(rep[1].slice(2), [0, 0]);
    assert.equal(rep[2][1], 0);
    assert.equal(rep[2][3], 0);
    assert.deepEqual(rep[3], [0, 0, 0, 0], "no behaviours: no attention");
    for (const b of [0, 1, 2]) assert.ok(Math.abs(rep[b].reduce((s, w) => s + w, 0) - 1) < 1e-6, "weights over real behaviours sum to 1");
  }
  // the properties stored at padded positions are ignored
  const noisy = seqBatch(ROWS.map((r, b) => r.map((v, j) => (j >= 1 && (j - 1) % 2 === 1 && r[j - 1] === 0 ? (v + b + 1) % 4 : v))));
  const [y0, y1] = tf.tidy(() => [model.apply(batch), model.apply(noisy)]);
  assert.ok(maxAbsDiff(y0, y1) === 0, "properties at padded positions change the output");
  // [a, pad, b, pad] is the same user as [a, b, pad, pad]: the state passes through padding
  const packed = { numeric: tf.tensor2d([[0.4, -0.3], [0.4, -0.3]]), categorical: tf.tensor2d([ROWS[2], [2, 5, 3, 3, 1, 0, 0, 0, 0]], undefined, "int32") };
  const y = tf.tidy(() => model.apply(packed));
  assert.ok(maxAbsDiff(y.slice([0, 0], [-1, 1]), y.slice([0, 1], [-1, 1])) < 1e-6, "padding inside the sequence changes the user");
  tf.dispose([y0, y1, y]);
  [batch, noisy, packed].forEach(dispose);
  model.dispose();
});

/** Replica r's loss only: a weighted sum of its outputs. */
function replicaLoss(model: MtlModel, batch: Batch, r: number): tf.Scalar {
  const y = model.apply(batch).slice([r], [1]);
  return y.mul(tf.linspace(0.5, 1.5, y.size).reshape(y.shape)).sum().add(y.square().sum().mul(0.25)) as tf.Scalar;
}

for (const [kind, cfg, input, rows] of [
  ["dupn", DUPN_CFG, SEQ_INPUT, ROWS],
  ["metaheac", { kind: "metaheac", experts: 3, expertUnits: [4, 3], critics: 2, towerUnits: [3], taskEmbedding: 2 }, { numeric: 2, categorical: [3] }, ROWS.map((r) => r.slice(0, 1))],
] as [string, ModelConfig, InputSpec, number[][]][]) {
  test(`${kind}: replica r of R = 3 equals the R = 1 model of its seed; replica r's loss has gradient only in slice r of every variable`, async () => {
    await initBackend();
    const tasks = mixedTasks(3);
    const mk = (batchRows: number[][], R?: number): Batch => {
      const b = seqBatch(ROWS, R);
      b.categorical!.dispose();
      return { numeric: b.numeric, categorical: tf.tensor2d(batchRows, undefined, "int32") };
    };
    const many = createModel(cfg, tasks, input, [101, 202, 303]);
    const one = createModel(cfg, tasks, input, [202]);
    for (const R of [undefined, 3]) {
      const batch = mk(rows, R);
      const mine = R === undefined ? batch : { numeric: batch.numeric.slice([1], [1]), categorical: batch.categorical };
      const [a, b] = tf.tidy(() => [many.apply(batch).slice([1], [1]), one.apply(mine)]);
      assert.ok(maxAbsDiff(a, b) < 1e-5, `${R ? "per-replica" : "shared"} data: replica 1 differs from its R = 1 model by ${maxAbsDiff(a, b)}`);
      tf.dispose([a, b]);
      if (mine !== batch) mine.numeric.dispose();
      dispose(batch);
    }
    const batch = mk(rows);
    const vars = many.variables as tf.Variable[];
    // biases start at zero in every replica: make every slice differ first
    vars.forEach((v, i) => tf.tidy(() => v.assign(v.add(tf.randomUniform(v.shape, -0.3, 0.3, "float32", 900 + i)))));
    for (let r = 0; r < 3; r++) {
      const { grads } = tf.variableGrads(() => replicaLoss(many, batch, r), vars);
      for (const v of vars) {
        const g = grads[v.name];
        const per = tf.tidy(() => g.abs().reshape([3, -1]).sum(1).arraySync() as number[]);
        per.forEach((s, q) => (q === r ? assert.ok(s > 0, `${v.name}: replica ${r} has no gradient`) : assert.equal(s, 0, `${v.name}: replica ${r}'s loss moves replica ${q}`)));
      }
      tf.dispose(Object.values(grads));
    }
    dispose(batch);
    [many, one].forEach((m) => m.dispose());
  });
}

test("parameter counts by hand: DUPN with a sequence, MetaHeac and its three ablations", async () => {
  await initBackend();
  const dupn = createModel(DUPN_CFG, mixedTasks(3), SEQ_INPUT, [1, 2]);
  // query width D = 2 numeric + 3 one-hot = 5; consumers profile 2 + attention query 5
  // embeddings 6·3 + 4·3; LSTM input F·d = 6: 6·16 + 4·16 + 16; attention key (4 + 1)·5, score 5
  // heads on [z (4); p (2)]: 3 · ((6 + 1)·3 + (3 + 1)·1)
  const dupnGroups = { profile: 6 * 2, attention: 6 * 5 + 5 * 5 + 5, embeddings: 18 + 12, lstm: 96 + 64 + 16, towers: 3 * (21 + 4) };
  assert.deepEqual(dupn.parameterCount().groups, dupnGroups);
  assert.equal(dupn.parameterCount().total, 2 * Object.values(dupnGroups).reduce((a, b) => a + b, 0));
  dupn.dispose();
  // MetaHeac on D = 5: experts 3 × [4, 3]: 3·(6·4 + 5·3); critics 2 × ([3], 1) on 3: 2·(4·3 + 4·1);
  // task embeddings 3 × 2; gates on d = 2: (2 + 1)·(3 + 2)
  const base = { experts: 3 * (24 + 15), critics: 2 * (12 + 4) };
  const cfg = { experts: 3, expertUnits: [4, 3], critics: 2, towerUnits: [3], taskEmbedding: 2 };
  const expect: Record<string, Record<string, number>> = {
    metaheac: { ...base, "task embedding": 6, gates: 3 * 5 },
    "metaheac-no-expert-gate": { ...base, "task embedding": 6, gates: 3 * 2 },
    "metaheac-no-critic-gate": { ...base, "task embedding": 6, gates: 3 * 3 },
    "metaheac-no-gates": base,
  };
  for (const [kind, groups] of Object.entries(expect)) {
    const m = createModel({ kind, ...cfg } as ModelConfig, mixedTasks(3), { numeric: 2, categorical: [3] }, [1]);
    assert.deepEqual(m.parameterCount().groups, groups, kind);
    m.dispose();
  }
});

const HEAC_INPUT: InputSpec = { numeric: 4, categorical: [] };
function heacBatch(R: number, B: number, seed: number): { batch: Batch; labels: tf.Tensor } {
  return tf.tidy(() => ({
    batch: { numeric: tf.randomNormal([R, B, 4], 0, 1, "float32", seed) },
    labels: tf.randomUniform([R, B, 3], 0, 1, "float32", seed + 1).round(),
  }));
}

test("MetaHeac: applyWith(params()) is apply; gates are uniform exactly where the ablation removes them", async () => {
  await initBackend();
  for (const kind of ["metaheac", "metaheac-no-expert-gate", "metaheac-no-critic-gate", "metaheac-no-gates"]) {
    const m = createModel({ kind, experts: 3, critics: 2 } as ModelConfig, mixedTasks(3), HEAC_INPUT, [3, 4]) as unknown as MetaHeac;
    const { batch, labels } = heacBatch(2, 5, 11);
    const [a, b] = tf.tidy(() => [m.apply(batch), m.applyWith(m.params(), batch)]);
    assert.equal(maxAbsDiff(a, b), 0);
    const g = m.gates(batch);
    const uniform = (w: tf.Tensor) => maxAbsDiff(w, tf.fill(w.shape, 1 / (w.shape[2] as number))) < 1e-7;
    const levels = (l: number) => g.filter((x) => x.level === l).map((x) => uniform(x.weights));
    assert.deepEqual(levels(0), new Array(3).fill(!m.expertGate), `${kind}: expert gates`);
    assert.deepEqual(levels(1), new Array(3).fill(!m.criticGate), `${kind}: critic gates`);
    assert.equal(m.expertGate, kind === "metaheac" || kind === "metaheac-no-critic-gate");
    tf.dispose([a, b, batch.numeric, labels, ...g.map((x) => x.weights)]);
    m.dispose();
  }
});

test("MetaHeac inner step: θ stays, the step lowers the support loss, task k's step moves task k's embedding only, replica r's labels move replica r only", async () => {
  await initBackend();
  const m = createModel({ kind: "metaheac", experts: 3, expertUnits: [4], critics: 2, towerUnits: [3], taskEmbedding: 2 }, mixedTasks(3), HEAC_INPUT, [3, 4]) as unknown as MetaHeac;
  const theta = m.params();
  const before = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, v.clone()]));
  const { batch, labels } = heacBatch(2, 16, 21);
  const fast0 = m.innerStep(theta, batch, labels, 0.1, [0]);
  const fast1 = m.innerStep(theta, batch, labels, 0.1, [1]);
  for (const [k, v] of Object.entries(theta)) assert.equal(maxAbsDiff(v, before[k]), 0, `${k}: θ moved`);
  const [l0, l0fast] = tf.tidy(() => [m.lossWith(theta, batch, labels, [0]), m.lossWith(fast0, batch, labels, [0])]);
  l0.arraySync().forEach((v, r) => assert.ok(l0fast.arraySync()[r] < v, `replica ${r}: support loss ${v} → ${l0fast.arraySync()[r]}`));
  const row = (p: Record<string, tf.Tensor>, k: number) => p["task/embedding"].slice([0, k, 0], [-1, 1, -1]);
  const rowDiff = (p: Record<string, tf.Tensor>, k: number) => tf.tidy(() => maxAbsDiff(row(p, k), row(before, k)));
  assert.ok(rowDiff(fast0, 0) > 0 && rowDiff(fast0, 1) === 0 && rowDiff(fast0, 2) === 0, "task 0's step moves row 0 only");
  assert.ok(rowDiff(fast1, 1) > 0 && rowDiff(fast1, 0) === 0 && rowDiff(fast1, 2) === 0, "task 1's step moves row 1 only");
  // change replica 1's support labels: replica 0's fast weights stay, replica 1's move
  const flipped = tf.tidy(() => tf.concat([labels.slice([0], [1]), tf.sub(1, labels.slice([1], [1]))], 0));
  const fastFlip = m.innerStep(theta, batch, flipped, 0.1, [0]);
  for (const k of Object.keys(theta)) {
    const [d0, d1] = tf.tidy(() => [0, 1].map((r) => maxAbsDiff(fastFlip[k].slice([r], [1]), fast0[k].slice([r], [1]))));
    assert.equal(d0, 0, `${k}: replica 0 moved with replica 1's labels`);
    assert.ok(d1 > 0, `${k}: replica 1 did not move`);
  }
  const count = tf.memory().numTensors;
  tf.dispose(Object.values(m.innerStep(theta, batch, labels, 0.1)));
  assert.equal(tf.memory().numTensors, count, "an inner step leaves no tensors behind but its result");
  tf.dispose([...Object.values(before), ...Object.values(fast0), ...Object.values(fast1), ...Object.values(fastFlip), l0, l0fast, batch.numeric, labels, flipped]);
  m.dispose();
});
