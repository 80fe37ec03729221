// Parameter counts (incl. the MMoE paper's 13,056), distinct experts, gate weights.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  MODEL_KINDS, createModel, initBackend, inputWidth, mmoePaperWeightCount, sharedBottomWidthForBudget,
  type ModelConfig, type MtlModel,
} from "mtl-lab";
import { INPUT, disposeBatch, makeBatch, maxAbsDiff, mixedTasks } from "./models-util";

const named = (m: MtlModel) => (m as unknown as { named: Record<string, tf.Variable> }).named;

test("MMoE synthetic configuration: 13,056 expert + tower weights; matching Shared-Bottom width 113", async () => {
  await initBackend();
  // MMoE §5.1: d = 100 inputs, 8 experts × 16 hidden units, towers of 8 units, two tasks.
  // The paper counts kernels of the expert layer and of the tower hidden layer only (no biases,
  // no gates, no tower output layer):
  //   experts 8 · (100 · 16) = 12,800;   towers 2 · (16 · 8) = 256;   total 13,056.
  // A Shared-Bottom of width w has w · 100 + 2 · (w · 8) = 116 w such weights:
  //   13,056 / 116 = 112.55 → 113 (the paper's bottom width).
  assert.equal(mmoePaperWeightCount(100, 8, 16, 2, 8), 13056);
  assert.equal(sharedBottomWidthForBudget(13056, 100, 2, 8), 113);
  const input = { numeric: 100, categorical: [] };
  const tasks = [{ name: "y1", kind: "regression" as const }, { name: "y2", kind: "regression" as const }];
  const mmoe = createModel({ kind: "mmoe", experts: 8, expertUnits: [16], towerUnits: [8] }, tasks, input, [1]);
  const v = named(mmoe);
  const expertKernels = 100 * 8 * 16; // the first 128 columns of the fused input kernel are the experts'
  assert.deepEqual(v["input/numeric"].shape, [1, 100, 8 * 16 + 2 * 8]);
  assert.equal(expertKernels + v["towers/layer/0/kernel"].size, 13056);
  // Everything, as our parameterCount reports it (biases, gates, outputs included):
  const c = mmoe.parameterCount();
  assert.equal(c.groups.experts, 101 * 128);
  assert.equal(c.groups.gates, 2 * 101 * 8);
  assert.equal(c.groups.towers, 2 * (17 * 8 + 9));
  const sb = createModel({ kind: "shared-bottom", bottomUnits: [113], towerUnits: [8] }, tasks, input, [1]);
  assert.equal(named(sb)["input/numeric"].size + named(sb)["towers/layer/0/kernel"].size, 113 * 116);
  [mmoe, sb].forEach((m) => m.dispose());
});

test("parameter counts: groups add up, totals scale with R", async () => {
  await initBackend();
  for (const kind of MODEL_KINDS) {
    const m1 = createModel({ kind } as ModelConfig, mixedTasks(3), INPUT, [1]);
    const m4 = createModel({ kind } as ModelConfig, mixedTasks(3), INPUT, [1, 2, 3, 4]);
    const c1 = m1.parameterCount(), c4 = m4.parameterCount();
    assert.equal(c4.perReplica, c1.perReplica, kind);
    assert.equal(c4.total, 4 * c1.perReplica, kind);
    const sum = Object.values(c1.groups).reduce((a, n) => a + n, 0);
    assert.equal(sum, c1.perReplica, `${kind}: groups ${JSON.stringify(c1.groups)} sum to ${c1.perReplica}`);
    [m1, m4].forEach((m) => m.dispose());
  }
  // One hand count: MMoE, D = 5 + 9 one-hot, 8 experts × 16, 3 gates, towers [8].
  const m = createModel({ kind: "mmoe" }, mixedTasks(3), INPUT, [1]);
  const D = inputWidth(INPUT);
  assert.equal(m.parameterCount().perReplica, (D + 1) * (8 * 16 + 3 * 8) + 3 * (17 * 8 + 9));
  m.dispose();
});

test("no two experts (no two units) of one model start identical", async () => {
  await initBackend();
  const cfgs: ModelConfig[] = [
    { kind: "mmoe", experts: 4, expertUnits: [3, 3] },
    { kind: "ple", taskExperts: 2, sharedExperts: 2, expertUnits: [[3, 3], [3]] },
    { kind: "adatt", taskExperts: 2, sharedExperts: 1, expertUnits: [[3], [3, 3]] },
    { kind: "ml-mmoe", experts: 3, expertUnits: [[3], [3, 3]] },
    { kind: "single-task" },
    { kind: "cross-stitch", units: [4, 4] },
  ];
  for (const cfg of cfgs) {
    const m = createModel(cfg, mixedTasks(3), INPUT, [77]);
    for (const [name, v] of Object.entries(named(m))) {
      if (!/kernel|input\/numeric|input\/categorical/.test(name)) continue;
      // Every output unit is a column; groups ([R, G, I, U]) are folded into the columns.
      const cols = tf.tidy(() => {
        const w = v.slice([0], [1]);
        const U = w.shape[w.rank - 1] as number, I = w.shape[w.rank - 2] as number;
        return (w.rank === 4 ? w.reshape([w.shape[1] as number, I, U]).transpose([1, 0, 2]).reshape([I, -1]) : w.reshape([I, U])).transpose().arraySync() as number[][];
      });
      const seen = new Set(cols.map((c) => c.join()));
      assert.equal(seen.size, cols.length, `${cfg.kind} ${name}: a column repeats`);
    }
    m.dispose();
  }
});

test("gate weights are probability vectors per task and level; AdaTT adds its native weights", async () => {
  await initBackend();
  const cfgs: [ModelConfig, number][] = [
    [{ kind: "mmoe", experts: 4 }, 1], [{ kind: "omoe", experts: 4 }, 1], [{ kind: "ml-mmoe", experts: 3 }, 1 /* lower levels: one gate per next-level expert */],
    [{ kind: "cgc", taskExperts: 2, sharedExperts: 1 }, 1], [{ kind: "ple", taskExperts: 2, sharedExperts: 1 }, 2],
    [{ kind: "adatt-no-nlf", taskExperts: 2, sharedExperts: 1 }, 2], [{ kind: "adatt", taskExperts: 2, sharedExperts: 1 }, 2],
  ];
  const batch = makeBatch(INPUT, 9, 8);
  for (const [cfg, levels] of cfgs) {
    const T = 3, R = 2;
    const m = createModel(cfg, mixedTasks(T), INPUT, [4, 5]);
    const gates = m.gates!(batch);
    const perTask = gates.filter((g) => g.task.startsWith("task"));
    assert.equal(perTask.length, T * levels, `${cfg.kind}: one entry per task and level`);
    for (const g of gates) {
      assert.deepEqual(g.weights.shape, [R, 9, g.experts.length]);
      const sums = g.weights.sum(2);
      if (cfg.kind === "adatt") {
        // NativeExpertLF + AllExpertGF: the gate part sums to 1, the native part to Σ v_t.
        const a = m as unknown as { nativeWeights(l: number): tf.Tensor3D };
        const k = Number(g.task.replace("task", ""));
        const nat = a.nativeWeights(g.level).slice([0, k, 0], [-1, 1, -1]).sum(2); // [R, 1]
        assert.ok(maxAbsDiff(sums, nat.add(1).tile([1, 9])) < 1e-5);
        nat.dispose();
      } else {
        assert.ok(g.weights.min().dataSync()[0] >= 0, `${cfg.kind}: non-negative`);
        assert.ok(maxAbsDiff(sums, tf.onesLike(sums)) < 1e-5, `${cfg.kind}: sums to 1`);
      }
      sums.dispose();
    }
    tf.dispose(gates.map((g) => g.weights));
    m.dispose();
  }
  disposeBatch(batch);
});

test("the synthetic study's Shared-Bottom width is computed from the budget and equals the paper's printed 113", async () => {
  const { mmoeSynthetic } = await import("mtl-lab/dist/studies");
  assert.equal(mmoeSynthetic.MATCHED_BOTTOM_UNITS, mmoeSynthetic.MMOE_SYNTHETIC_SETUP.fig4.sharedBottomUnits);
  for (const e of [mmoeSynthetic.syntheticCorrelation, mmoeSynthetic.trainability, mmoeSynthetic.demo]) {
    assert.deepEqual((e.models["shared-bottom"] as { bottomUnits: number[] }).bottomUnits, [mmoeSynthetic.MATCHED_BOTTOM_UNITS], e.id);
  }
});
