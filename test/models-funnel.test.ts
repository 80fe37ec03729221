/**
 * The funnel models (ESMM, its BASE, AITM) and the DCN cross network: their identities and the
 * training hooks they declare (lossMask, extraLoss on the outputs). Fixed-weight outputs against
 * the PyTorch reference are in models-reference.test.ts; replicas, shapes and gradients in the
 * MODEL_KINDS loops of models-core / models-replicas / models-params.
 *
 * Faults injected on 2026-12-04 (in a copy of the tree, never committed), failures among
 * models-funnel + models-reference + data-funnel (67 tests) unless said:
 *  - esmm.ts: p_t = σ(a_t) instead of the cumulative product: 8 (2 here, 6 reference cases);
 *  - esmm.ts: BASE trains CVR on every row (mask 1, not the click label): 2 (here);
 *  - aitm.ts: the transfer reads the step's own tower instead of z_{t−1}: 3 (1 here, 2 reference);
 *  - aitm.ts: calibrator reversed (earlier above later): 5 (1 here, 4 reference penalty cases);
 *  - cross-network.ts: the affine form drops c_lᵀw_l: 5 (1 here, 4 reference);
 *  - input.ts: Batch.affine's shift ignored: 7 (1 here, 6 reference);
 *  - losses.ts: masked mean over all rows instead of the unmasked ones: 1 of 100 (here; with engine-trainer);
 *  - evaluate.ts: violations counted below instead of above: 1 (data-funnel);
 *  - funnel.ts: selection bias ignored: 1 (data-funnel);
 *  - aitm.ts: every replica outputs replica 0's: 9 of 115 (with models-replicas: 4 there).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CrossNetwork, ParamStore, createModel, initBackend, inputWidth, oneHotInput, taskLosses, type MtlModel, type TaskSpec } from "mtl-lab";
import { fixedDense, fixedModel } from "./models-fixed-weights";
import { INPUT, NUMERIC_ONLY, disposeBatch, makeBatch, maxAbsDiff, mixedTasks } from "./models-util";

const MASTERS = [31, 32];
const binary = (names: string[]): TaskSpec[] => names.map((name) => ({ name, kind: "binary" }));
const named = (m: MtlModel) => (m as unknown as { named: Record<string, tf.Variable> }).named;
const mlpOut = (name: string, x: tf.Tensor2D, units: number[], m: number) => units.reduce((h, u, j) => tf.relu(fixedDense(`${name}/layer/${j}`, h, u, m)), x);

test("AITM with the transfer switched off is independent towers: each step's output written out from its own tower only", async () => {
  await initBackend();
  const tasks = binary(["s1", "s2", "s3", "s4"]);
  const cfg = { bottomUnits: [5], towerUnits: [4, 3], calibrator: 0 };
  const off = fixedModel({ kind: "aitm-no-transfer", ...cfg }, tasks, INPUT, MASTERS);
  const on = fixedModel({ kind: "aitm", ...cfg }, tasks, INPUT, MASTERS);
  const batch = makeBatch(INPUT, 6, 3);
  const x = tf.tidy(() => oneHotInput(batch, INPUT) as tf.Tensor2D);
  const ref = tf.tidy(() =>
    tf.stack(MASTERS.map((m) => {
      const f = mlpOut("bottom", x, cfg.bottomUnits, m);
      return tf.concat(tasks.map((_, t) => fixedDense(`output/${t}/layer/0`, mlpOut(`tower/${t}`, f, cfg.towerUnits, m), 1, m)), 1);
    })),
  );
  const [yOff, yOn] = tf.tidy(() => [off.apply(batch), on.apply(batch)]);
  assert.ok(maxAbsDiff(yOff, ref) < 1e-5, `no transfer vs independent towers written out: ${maxAbsDiff(yOff, ref)}`);
  const first = (y: tf.Tensor) => y.slice([0, 0, 0], [-1, -1, 1]);
  const later = (y: tf.Tensor) => y.slice([0, 0, 1], [-1, -1, 3]);
  assert.ok(tf.tidy(() => maxAbsDiff(first(yOn), first(ref))) < 1e-5, "step 1 has nothing to receive: the same with and without transfer");
  assert.ok(tf.tidy(() => maxAbsDiff(later(yOn), later(ref))) > 1e-3, "later steps receive the previous step's information");
  assert.equal(Object.keys(named(off)).filter((k) => /^(info|ait)\//.test(k)).length, 0, "no transfer weights without transfer");
  // independence: changing step 1's tower moves step 2 only with the transfer on
  for (const [model, moves] of [[off, false], [on, true]] as const) {
    const before = tf.tidy(() => model.apply(batch).slice([0, 0, 1], [-1, -1, 1]));
    const v = named(model)["towers/layer/0/kernel"]; // [R, G = 4 steps, I, U]: perturb group 0 only
    const old = v.clone();
    tf.tidy(() => v.assign(tf.concat([v.slice([0, 0], [-1, 1]).mul(3), v.slice([0, 1], [-1, -1])], 1)));
    const after = tf.tidy(() => model.apply(batch).slice([0, 0, 1], [-1, -1, 1]));
    assert.equal(maxAbsDiff(before, after) > 1e-4, moves, `${model.kind}: step 2 ${moves ? "reads" : "does not read"} step 1's tower`);
    v.assign(old);
    tf.dispose([before, after, old]);
  }
  tf.dispose([x, ref, yOff, yOn]);
  disposeBatch(batch);
  [off, on].forEach((m) => m.dispose());
});

test("AITM calibrator: α · Σ_t mean max(p_t − p_{t−1}, 0) of the outputs; 0 on a monotone funnel and at α = 0", async () => {
  await initBackend();
  const tasks = binary(["s1", "s2", "s3"]);
  const m = createModel({ kind: "aitm", calibrator: 0.5 }, tasks, NUMERIC_ONLY, [1, 2]);
  const zero = createModel({ kind: "aitm", calibrator: 0 }, tasks, NUMERIC_ONLY, [1, 2]);
  const logit = (p: number) => Math.log(p / (1 - p));
  // replica 0 monotone; replica 1: row 0 step 2 above step 1 by 0.2, row 1 step 3 above step 2 by 0.3
  const out = tf.tensor3d([[[logit(0.9), logit(0.5), logit(0.1)], [logit(0.4), logit(0.4), logit(0.2)]], [[logit(0.3), logit(0.5), logit(0.1)], [logit(0.6), logit(0.3), logit(0.6)]]]);
  const got = m.extraLoss!(out).arraySync() as number[];
  assert.ok(Math.abs(got[0]) < 1e-7, `monotone: ${got[0]}`);
  assert.ok(Math.abs(got[1] - 0.5 * (0.2 / 2 + 0.3 / 2)) < 1e-6, `violations: ${got[1]}`);
  assert.deepEqual(zero.extraLoss!(out).arraySync(), [0, 0]);
  assert.throws(() => m.extraLoss!(), /needs this step's outputs/);
  out.dispose();
  [m, zero].forEach((x) => x.dispose());
});

test("ESMM: pCTCVR = pCTR × pCVR on every row; ESMM and its BASE compute the same outputs and differ only in what the loss counts", async () => {
  await initBackend();
  const tasks = binary(["ctr", "ctcvr", "cvr"]);
  const esmm = createModel({ kind: "esmm", steps: 2 }, tasks, INPUT, [5, 6]);
  const base = createModel({ kind: "esmm-base", steps: 2 }, tasks, INPUT, [5, 6]);
  const batch = makeBatch(INPUT, 9, 4);
  const [y, yb] = tf.tidy(() => [esmm.apply(batch), base.apply(batch)]);
  assert.equal(maxAbsDiff(y, yb), 0, "same seeds, same network");
  const p = tf.tidy(() => tf.sigmoid(y));
  const product = tf.tidy(() => p.slice([0, 0, 0], [-1, -1, 1]).mul(p.slice([0, 0, 2], [-1, -1, 1])));
  const ctcvr = tf.tidy(() => p.slice([0, 0, 1], [-1, -1, 1]));
  assert.ok(maxAbsDiff(product, ctcvr) < 1e-6, `σ(ctcvr) vs σ(ctr)·σ(cvr): ${maxAbsDiff(product, ctcvr)}`);
  // labels [B, T]: (click, click∧conversion, conversion if clicked)
  const labels = tf.tensor2d([[1, 1, 1], [1, 0, 0], [0, 0, 1], [0, 0, 0]]);
  assert.deepEqual((tf.broadcastTo(esmm.lossMask!(labels), [1, 4, 3]).arraySync() as number[][][])[0], [[1, 1, 0], [1, 1, 0], [1, 1, 0], [1, 1, 0]], "ESMM: CTR and CTCVR on every impression, CVR never");
  assert.deepEqual((tf.broadcastTo(base.lossMask!(labels), [1, 4, 3]).arraySync() as number[][][])[0], [[1, 0, 1], [1, 0, 1], [1, 0, 0], [1, 0, 0]], "BASE: CTR everywhere, CVR on clicked rows only");
  tf.dispose([y, yb, p, product, ctcvr, labels]);
  disposeBatch(batch);
  [esmm, base].forEach((m) => m.dispose());
});

test("ESMM over S steps: logit p_t with p_t = Π_{j≤t} σ(a_j), no NaN where p_t rounds to 1", async () => {
  await initBackend();
  const m = createModel({ kind: "esmm", towerUnits: [] }, binary(["a", "b", "c", "d"]), NUMERIC_ONLY, [3]);
  const batch = makeBatch(NUMERIC_ONLY, 5, 9);
  const a = tf.tidy(() => (m as unknown as { conditionalLogits(b: unknown): tf.Tensor3D }).conditionalLogits(batch));
  const y = tf.tidy(() => m.apply(batch));
  const expected = tf.tidy(() => tf.cumprod(tf.sigmoid(a), 2));
  assert.ok(tf.tidy(() => maxAbsDiff(tf.sigmoid(y), expected)) < 1e-6);
  // saturated towers: every a_j huge → p_t = 1 in float32; the logit stays finite
  const bias = named(m)["towers/layer/0/bias"];
  tf.tidy(() => bias.assign(tf.fill(bias.shape, 60)));
  const sat = tf.tidy(() => m.apply(batch));
  assert.ok(tf.tidy(() => tf.isNaN(sat).any().dataSync()[0]) === 0 && tf.tidy(() => tf.isInf(sat).any().dataSync()[0]) === 0, "finite logits");
  tf.dispose([a, y, expected, sat]);
  disposeBatch(batch);
  m.dispose();
});

test("lossMask in the training loss: ESMM never reads the CVR labels, BASE reads them on clicked rows only", async () => {
  await initBackend();
  const tasks = binary(["ctr", "ctcvr", "cvr"]);
  const batch = makeBatch(INPUT, 8, 7);
  const clicks = [1, 0, 1, 0, 0, 1, 0, 0];
  const labelsWith = (cvr: number[]) => tf.tensor2d(clicks.map((c, i) => [c, c * cvr[i], cvr[i]]));
  const a = [1, 1, 0, 0, 1, 1, 0, 1], b = [1, 1, 0, 1, 0, 1, 1, 0]; // differ on unclicked rows 3, 4, 6, 7 and on clicked... row 0, 2, 5: equal
  const c = [0, 1, 0, 1, 0, 1, 1, 0]; // differs from a on clicked row 0
  for (const kind of ["esmm", "esmm-base"] as const) {
    const m = createModel({ kind, steps: 2 }, tasks, INPUT, [1, 2]);
    const lossWith = (cvr: number[]) => tf.tidy(() => {
      const labels = labelsWith(cvr);
      return taskLosses(m.apply(batch), labels, tasks, m.lossMask!(labels)).arraySync() as number[][];
    });
    const [la, lb, lc] = [lossWith(a), lossWith(b), lossWith(c)];
    assert.deepEqual(la.map((r) => r.slice(0, 2)), lb.map((r) => r.slice(0, 2)), `${kind}: CTR and CTCVR losses only see click∧conversion`);
    if (kind === "esmm") {
      assert.deepEqual([la, lb, lc].map((l) => l.map((r) => r[2])), [[0, 0], [0, 0], [0, 0]], "ESMM: no CVR loss");
    } else {
      assert.deepEqual(la.map((r) => r[2]), lb.map((r) => r[2]), "BASE: unclicked rows' CVR labels unread");
      assert.notDeepEqual(la.map((r) => r[2]), lc.map((r) => r[2]), "BASE: clicked rows' CVR labels read");
      assert.deepEqual(la.map((r) => r[1]), [0, 0], "BASE: no CTCVR loss");
      // the masked mean is over the 3 clicked rows: recompute replica 0 by hand
      const y = tf.tidy(() => m.apply(batch).arraySync() as number[][][]);
      const bce = (z: number, t: number) => Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
      const rows = [0, 2, 5];
      const hand = rows.reduce((s, i) => s + bce(y[0][i][2], a[i]), 0) / rows.length;
      assert.ok(Math.abs(la[0][2] - hand) < 1e-5, `BASE CVR loss ${la[0][2]} vs mean over clicked rows ${hand}`);
    }
    m.dispose();
  }
  disposeBatch(batch);
});

test("DCN: zero cross layers is its input, and the wrapped Shared-Bottom / MMoE / PLE are the plain models", async () => {
  await initBackend();
  const p = new ParamStore([1, 2]);
  const batch = makeBatch(INPUT, 6, 8);
  const x0 = tf.tidy(() => oneHotInput(batch, INPUT));
  assert.deepEqual(x0.shape, [6, inputWidth(INPUT)]);
  const none = new CrossNetwork(p, INPUT, 0);
  const same = tf.tidy(() => none.apply(x0));
  assert.equal(maxAbsDiff(same, x0), 0, "x_0 itself");
  const tasks = mixedTasks(3);
  const pairs: [object, object][] = [
    [{ kind: "dcn-shared-bottom", crossLayers: 0, bottomUnits: [5, 4], towerUnits: [3] }, { kind: "shared-bottom", bottomUnits: [5, 4], towerUnits: [3] }],
    [{ kind: "dcn-mmoe", crossLayers: 0, experts: 3, expertUnits: [4], towerUnits: [3] }, { kind: "mmoe", experts: 3, expertUnits: [4], towerUnits: [3] }],
    [{ kind: "dcn-ple", crossLayers: 0, taskExperts: 1, sharedExperts: 2, expertUnits: [[4], [3]], towerUnits: [3] }, { kind: "ple", taskExperts: 1, sharedExperts: 2, expertUnits: [[4], [3]], towerUnits: [3] }],
  ];
  for (const [dcnCfg, plainCfg] of pairs) {
    const dcn = fixedModel(dcnCfg as never, tasks, INPUT, MASTERS);
    const plain = fixedModel(plainCfg as never, tasks, INPUT, MASTERS);
    const [a, b] = tf.tidy(() => [dcn.apply(batch), plain.apply(batch)]);
    assert.ok(maxAbsDiff(a, b) < 1e-5, `${dcn.kind} (L = 0) vs ${plain.kind}: ${maxAbsDiff(a, b)}`);
    assert.equal(dcn.parameterCount().perReplica, plain.parameterCount().perReplica, "no cross parameters at L = 0");
    if (plain.gates) {
      const [ga, gb] = [dcn.gates!(batch), plain.gates(batch)];
      ga.forEach((g, i) => assert.ok(maxAbsDiff(g.weights, gb[i].weights) < 1e-5, "gates agree"));
      tf.dispose([...ga, ...gb].map((g) => g.weights));
    }
    tf.dispose([a, b]);
    [dcn, plain].forEach((m) => m.dispose());
  }
  // L layers add 2·d·L parameters per replica, in the group "cross"
  const three = createModel({ kind: "dcn-mmoe", crossLayers: 3 }, tasks, INPUT, [1]);
  const plain = createModel({ kind: "mmoe" }, tasks, INPUT, [1]);
  assert.equal(three.parameterCount().perReplica - plain.parameterCount().perReplica, 2 * inputWidth(INPUT) * 3);
  assert.equal(three.parameterCount().groups.cross, 2 * inputWidth(INPUT) * 3);
  tf.dispose([x0, same]);
  disposeBatch(batch);
  [three, plain].forEach((m) => m.dispose());
  p.dispose();
});

test("DCN cross layer written out: x_1 = x_0 (x_0ᵀ w_0) + b_0 + x_0; x_2 has the degree-3 crosses", async () => {
  await initBackend();
  const p = new ParamStore([1]);
  const net = new CrossNetwork(p, { numeric: 4, categorical: [] }, 2);
  const w = [p.named["cross/layer/0/kernel"], p.named["cross/layer/1/kernel"]];
  const b = [p.named["cross/bias/0"], p.named["cross/bias/1"]];
  tf.tidy(() => {
    w[0].assign(tf.tensor2d([[0.5, -1, 2, 0.25]]));
    w[1].assign(tf.tensor2d([[1, 0.5, -0.5, 2]]));
    b[0].assign(tf.tensor2d([[0.1, 0.2, -0.3, 0.4]]));
    b[1].assign(tf.tensor2d([[0, -0.1, 0.2, 0.3]]));
  });
  const x0 = [0.3, -1.2, 0.7, 2.0];
  const dot = (u: number[], v: number[]) => u.reduce((s, ui, i) => s + ui * v[i], 0);
  const layer = (x: number[], wl: number[], bl: number[]) => x.map((xi, i) => x0[i] * dot(x, wl) + bl[i] + xi);
  const x1 = layer(x0, [0.5, -1, 2, 0.25], [0.1, 0.2, -0.3, 0.4]);
  const x2 = layer(x1, [1, 0.5, -0.5, 2], [0, -0.1, 0.2, 0.3]);
  const got = tf.tidy(() => (net.apply(tf.tensor2d([x0])).arraySync() as number[][][])[0][0]);
  got.forEach((g, i) => assert.ok(Math.abs(g - x2[i]) < 1e-5, `x_2[${i}] = ${g}, written out ${x2[i]}`));
  // with zero biases, x_L is a polynomial of degree L + 1 in x_0 with no constant: x_2(2·x) ≠ 2·x_2(x)
  tf.tidy(() => b.forEach((v) => v.assign(tf.zerosLike(v))));
  const [one, two] = tf.tidy(() => [net.apply(tf.tensor2d([x0])), net.apply(tf.tensor2d([x0.map((v) => 2 * v)]))].map((t) => t.arraySync() as number[][][]));
  const c1 = dot(x0, [0.5, -1, 2, 0.25]);
  const y1 = x0.map((v) => v * (1 + c1)); // x_1 = x_0 (1 + x_0ᵀw_0)
  const y2 = y1.map((v, i) => x0[i] * dot(y1, [1, 0.5, -0.5, 2]) + v);
  one[0][0].forEach((g, i) => assert.ok(Math.abs(g - y2[i]) < 1e-5));
  assert.ok(Math.abs(two[0][0][0] - 2 * one[0][0][0]) > 1e-3, "not linear in x_0");
  p.dispose();
});

test("DCN: the wrapped model reading x_L = a_L x_0 + c_L (Batch.affine) equals the plain model on the cross network's x_L formed layer by layer", async () => {
  await initBackend();
  const tasks = mixedTasks(2);
  const cfg = { experts: 3, expertUnits: [4], towerUnits: [3] };
  const dcn = fixedModel({ kind: "dcn-mmoe", crossLayers: 3, ...cfg }, tasks, INPUT, MASTERS, { "^cross/bias/": 0.5 });
  const D = inputWidth(INPUT);
  const plain = fixedModel({ kind: "mmoe", ...cfg }, tasks, { numeric: D, categorical: [] }, MASTERS);
  const batch = makeBatch(INPUT, 6, 10);
  const cross = (dcn as unknown as { cross: CrossNetwork }).cross;
  const [a, b] = tf.tidy(() => [dcn.apply(batch), plain.apply({ numeric: cross.apply(oneHotInput(batch, INPUT)) })]);
  assert.ok(maxAbsDiff(a, b) < 1e-4 * Math.max(1, tf.tidy(() => b.abs().max().dataSync()[0])), `affine vs layer by layer: ${maxAbsDiff(a, b)}`);
  assert.ok(tf.tidy(() => maxAbsDiff(a, plain.apply({ numeric: oneHotInput(batch, INPUT).expandDims(0).tile([2, 1, 1]) }))) > 1e-3, "the cross layers change the outputs");
  tf.dispose([a, b]);
  disposeBatch(batch);
  [dcn, plain].forEach((m) => m.dispose());
});
