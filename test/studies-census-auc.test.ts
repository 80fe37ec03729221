/**
 * The census study's claims on hand-made runs: one claim per paper sentence (AdaTT above ML-MMoE
 * and PLE on all tasks, per expert count; intersection–union over its cases), and our one-hot
 * hypothesis tested as stated — the shift moves each run's AUC to AdaTT Table 5's — in a family of
 * its own.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { studies, type RunRecord } from "mtl-lab";

const { ADATT_COLUMN_TASKS, ADATT_ROWS, EXPERT_COUNTS, ONE_HOT_VARIANT_MODELS, adattPaperAuc, adattRowCandidates, judgeCensus, CENSUS_REGISTRATION, sharedBottomCases, MMOE_CENSUS_GROUP1, MMOE_CENSUS_GROUP2 } = studies.censusAuc;

const SEEDS = [1, 2, 3, 4, 5, 6];

function run(condition: string, model: string, seed: number, auc: (task: string) => number): RunRecord {
  const metrics = Object.fromEntries(ADATT_COLUMN_TASKS.map((t) => [t, { auc: auc(t) }]));
  return { condition, model, seed, status: "ok", metrics: { validation: metrics, test: metrics } } as unknown as RunRecord;
}

const noise = (seed: number, k: number) => 0.0004 * Math.sin(3 * seed + k);

/** Every AdaTT-table candidate by name: AdaTT 0.01 above the rest on every task; the variant models shifted by `shift(task, paper)`. */
function adattRuns(shifted: (byName: number, paper: number) => number): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const n of EXPERT_COUNTS) {
    for (const row of ADATT_ROWS) {
      for (const c of adattRowCandidates(n, row)) {
        for (const s of SEEDS) runs.push(run("by-name", c.name, s, (t) => 0.9 + (row === "adatt" || row === "adatt-sp" ? 0.01 : 0) + noise(s, t.length)));
      }
    }
  }
  const paperRow = { "ml-mmoe-6": "ml-mmoe", "ple-6-s3": "ple", "adatt-sp-6": "adatt" } as const;
  for (const m of ONE_HOT_VARIANT_MODELS) {
    for (const s of SEEDS) {
      const byName = runs.find((r) => r.condition === "by-name" && r.model === m && r.seed === s)!;
      runs.push(run("positional-per-file", m, s, (t) => shifted(byName.metrics!.test[t].auc, adattPaperAuc(6, paperRow[m], t as never)!) + noise(s, 7 + t.length)));
    }
  }
  return runs.filter((r, i, all) => all.findIndex((x) => x.condition === r.condition && x.model === r.model && x.seed === r.seed) === i);
}

test("AdaTT's sentence is one claim per expert count over both baselines and all three tasks; our hypothesis is its own family", () => {
  const judged = judgeCensus({ adatt: adattRuns((_, paper) => paper) });
  assert.deepEqual(judged.map((j) => j.id), ["adatt-table5:6:adatt-best", "adatt-table5:9:adatt-best", "one-hot:moves-to-paper"]);
  const [six, , hypothesis] = judged;
  assert.equal(six.parts.length, 2 * 3, "ML-MMoE and PLE × three tasks");
  assert.equal(six.verdict, "supported");
  assert.equal(six.quote, CENSUS_REGISTRATION.claims["adatt-table5:6:adatt-best"].quote);
  assert.equal(six.rule.kind === "direction" ? six.rule.minimumEffect : null, 0.0024, "the smallest gap Table 5 prints at 6 experts");
  assert.equal(six.family, "the papers' sentences on Census-Income");
  assert.equal(six.familySize, 2);
  assert.equal(hypothesis.family, "our own checks");
  assert.equal(hypothesis.familySize, 1);
  assert.deepEqual(hypothesis.parts.map((p) => p.label), ["education", "income", "never married"]);
  assert.equal(hypothesis.verdict, "supported", "the shift put every run on the paper's value");
});

test("the one-hot hypothesis is contradicted when the shift moves the AUCs away from the paper's, though it lowers them", () => {
  const judged = judgeCensus({ adatt: adattRuns((byName, paper) => byName - 0.02 * Math.sign(paper - byName)) });
  const h = judged.find((j) => j.id === "one-hot:moves-to-paper")!;
  assert.equal(h.verdict, "contradicted");
});

test("'Shared-Bottom nearly always the worst' holds Shared-Bottom only to the models the paper's own tables place above it", () => {
  assert.deepEqual(sharedBottomCases(MMOE_CENSUS_GROUP1), ["single-task", "l2-constrained", "cross-stitch", "omoe", "mmoe"]);
  assert.deepEqual(sharedBottomCases(MMOE_CENSUS_GROUP2), ["l2-constrained", "cross-stitch", "mmoe"], "Single-Task (.8792) and OMoE (.8813) are the paper's own exceptions");
  assert.equal(CENSUS_REGISTRATION.claims["mmoe-g2:mmoe-best"].minimumEffect!.value, 0.0002, "Table 2's smallest printed lead of MMoE (marital: .9924 vs .9922)");
});

// ---------------------------------------------------------------------------------------------
// the search and the training record, read on validation only

/** A run of `model` whose validation and test AUC of income are given, with a selection curve. */
function searched(model: string, seed: number, validation: number, testAuc: number, o: { lr?: number; curve?: number[]; best?: number; stop?: "patience" | "step cap" } = {}): RunRecord {
  const curve = o.curve ?? [0.9, validation];
  return {
    condition: "mmoe-g1",
    model,
    seed,
    status: "ok",
    learningRate: o.lr ?? 3e-3,
    stopReason: o.stop ?? "patience",
    selection: { task: "income", metric: "auc" },
    config: { train: { steps: 2925, batchSize: 1024, evalEvery: 65, patience: 6, learningRates: [1e-3, 3e-3, 1e-2], learningRateChoice: "per-arm", batchOrder: "per-seed" } },
    data: { rows: { train: 199_523 } },
    bestStep: o.best ?? 65 * curve.length,
    curves: { steps: curve.map((_, i) => 65 * (i + 1)), selection: curve },
    metrics: { validation: { income: { auc: validation }, marital: { auc: 0.99 } }, test: { income: { auc: testAuc }, marital: { auc: 0.99 } } },
  } as unknown as RunRecord;
}

test("a row's candidate is chosen on validation AUC: a candidate best on test but worse on validation is not chosen (planted)", () => {
  const { mmoeChoices } = studies.censusAuc;
  const runs = [1, 2, 3].flatMap((s) => [searched("mmoe-8x16", s, 0.946, 0.940), searched("mmoe-8x32", s, 0.944, 0.960)]);
  const c = mmoeChoices(runs, "mmoe-g1").mmoe;
  assert.equal(c.model, "mmoe-8x16");
  assert.ok(c.runs.every((r) => r.model === "mmoe-8x16"));
});

test("search flags: a setting not searched at this profile, a choice at the searched grid's edge, a learning rate at its grid's edge", () => {
  const { mmoeChoices, searchFlags } = studies.censusAuc;
  const one = mmoeChoices([1, 2].map((s) => searched("mmoe-8x16", s, 0.946, 0.94)), "mmoe-g1").mmoe;
  assert.deepEqual(searchFlags(one), ["units not searched at this profile (128; the full grid: 64, 128, 256)"]);
  const edge = mmoeChoices([1, 2].flatMap((s) => [searched("l2-constrained-64-a1e-2", s, 0.947, 0.94, { lr: 1e-2 }), searched("l2-constrained-64", s, 0.945, 0.94, { lr: 1e-2 })]), "mmoe-g1")["l2-constrained"];
  assert.deepEqual(searchFlags(edge), [
    "units not searched at this profile (128; the full grid: 64, 128, 256)",
    "alpha 0.01 at the edge of the grid searched (0.001, 0.01)",
    "learning rate 1e-2 at the edge of its grid (1e-3, 3e-3, 1e-2)",
  ]);
});

test("how far a validation curve had flattened: the gain over the two epochs before the best checkpoint", () => {
  const { gainBeforeBest, stoppedEarly, trainingNote } = studies.censusAuc;
  // 194 whole batches per epoch, an evaluation every 65: two epochs before step 650 is step 262, the last evaluation by then step 260 (0.93)
  const r = searched("mmoe-8x16", 1, 0.95, 0.94, { curve: [0.9, 0.92, 0.925, 0.93, 0.94, 0.945, 0.948, 0.949, 0.95, 0.95] , best: 650 });
  assert.ok(Math.abs(gainBeforeBest(r)! - (0.95 - 0.93)) < 1e-12);
  assert.equal(stoppedEarly([r, searched("mmoe-8x16", 2, 0.95, 0.94, { stop: "step cap" })]), "1 of 2");
  assert.match(trainingNote([r]), /batches of 1024, at most 15\.08 epochs, validation every 0\.34 epochs; early stopping after 6 evaluations \(2\.01 epochs\).*per arm.*each seed its own minibatch order.*ended 1 of 1 runs/);
  const piloted = { ...r, config: { ...r.config, train: { ...r.config.train, learningRateChoice: "pilot", pilotSeeds: [1_000_000] } } } as RunRecord;
  assert.match(trainingNote([piloted]), /a learning rate from \{1e-3, 3e-3, 1e-2\} per arm, on the validation AUC of income of a pilot run \(seed 1000000\) kept apart from the reported runs, which train at that rate alone;/);
});
