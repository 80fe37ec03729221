/**
 * The AdaTT ablation study (notebook 05): declarations (every table row, the uniform scale-down),
 * the analysis on hand-made runs whose verdicts are known, the Fig. 3 heatmap spec, the synthetic
 * group's built-in relations, and the smoke profile end to end through the CLI.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { assertFigure, getStudy, pearson, resolveExperiment, resolveTargets, studies, toCsv, type ExperimentSummary, type GateSummary, type RunRecord } from "mtl-lab";

const {
  ADATT_ABLATION,
  ADATT_ABLATION_SETUP,
  ADATT_SCALE_DOWN,
  adattAblation,
  COMPARISONS,
  expertWeightHeatmapFigure,
  expertWeightsOf,
  judgeAdattAblation,
  relationContrast,
  relativeChanges,
  relativeChangeTable,
  expertWeightsTable,
  relatedTasks,
  SYNTHETIC_CONDITION,
  syntheticGroupDataSet,
  verdictLines,
} = studies.adattAblation;

// ---------------------------------------------------------------------------------------------
// hand-made runs

const CENSUS_TASKS = ["income", "marital", "education"];
const SYN_TASKS = ["y1", "y2", "y3", "y4"];

/** Test metrics of one run: NE (binary) or MSE (regression) and AUC, from a loss level per task. */
function metricsFor(group: string, losses: number[]): Record<string, Record<string, number>> {
  const tasks = group === "census" ? CENSUS_TASKS : SYN_TASKS;
  return Object.fromEntries(
    tasks.map((t, k): [string, Record<string, number>] => [t, group === "synthetic" && k === 0 ? { loss: losses[k], mse: losses[k], pearson: 0.9 } : { loss: losses[k], auc: 1 - losses[k] / 2, logloss: losses[k], ne: losses[k] }]),
  );
}

/** Fusion weights of a 2-level model with one expert per task: `w(level, t, e)`. */
function gatesFor(tasks: string[], w: (level: number, t: number, e: number) => number): GateSummary[] {
  const experts = tasks.map((t) => `${t}/0`);
  return [0, 1].flatMap((level) => tasks.map((task, t) => ({ task, level, experts, mean: experts.map((_, e) => w(level, t, e)), std: experts.map(() => 0.01) })));
}

function fakeRun(group: string, model: string, seed: number, losses: number[], gates: GateSummary[] = []): RunRecord {
  return {
    model,
    arm: `${group}/${model}`,
    condition: group,
    seed,
    status: "ok",
    config: { condition: group === "census" ? { group: "census", taskGroup: "adatt" } : SYNTHETIC_CONDITION, model: { kind: "adatt-sp" }, train: {}, rows: {} },
    metrics: { validation: {}, test: metricsFor(group, losses) },
    gates,
    parameters: { perReplica: 1, groups: {} },
  } as unknown as RunRecord;
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Seed-level noise shared by every model of a seed (what pairing removes) and a small own noise. */
const seedLevel = (s: number) => 0.3 + 0.02 * s;
const jitter = (s: number, k: number, model: string) => 1e-4 * Math.sin(7 * s + 3 * k + model.length);

/**
 * Known effects (relative change of every task, in %): removing NativeExpertLF +2 % (paper's
 * direction: supported), 2 experts −2 % (supported), 3 experts +2 % (contradicted), 4 experts
 * 0 (inconclusive), levels 3, 4, 5: −1 %, −2 %, −3 % (supported).
 */
const EFFECT: Record<string, number> = { "e1-l2": 0, "e2-l2": -2, "e3-l2": 2, "e4-l2": 0, "e1-l3": -1, "e1-l4": -2, "e1-l5": -3 };

function handMadeRuns(): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const group of ["census", "synthetic"]) {
    const T = group === "census" ? 3 : 4;
    for (const s of SEEDS) {
      const base = Array.from({ length: T }, (_, k) => seedLevel(s) + 0.01 * k);
      for (const [model, pct] of Object.entries(EFFECT)) {
        const losses = base.map((b, k) => b * (1 + pct / 100) + (pct === 0 && model !== "e1-l2" ? 0.003 * b * Math.sin(11 * s + k) : jitter(s, k, model)));
        const gates =
          model === "e1-l2" && group === "synthetic"
            ? // level 1: related tasks' experts get 0.3 more than unrelated ones (with seed noise); level 2: no relation at all
              gatesFor(SYN_TASKS, (l, t, e) => (t === e ? 1.2 : l === 0 && relatedTasks(SYNTHETIC_CONDITION, t).includes(e) ? 0.5 + 0.01 * Math.sin(s) : 0.2 + (l === 1 ? 0.05 * Math.sin(3 * s + e + t) : 0)))
            : [];
        runs.push(fakeRun(group, model, s, losses, gates));
      }
      // the ablation: +2 % against e3-l2
      runs.push(fakeRun(group, "e3-l2-no-nlf", s, base.map((b, k) => b * 1.02 * 1.02 + jitter(s, k, "no-nlf"))));
    }
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// declarations

describe("declarations", () => {
  test("the study is registered and `reproduce -- adatt-ablation` runs its one experiment", () => {
    const study = getStudy("adatt-ablation");
    assert.deepEqual(study.notebooks, ["05-adatt-ablation"]);
    assert.deepEqual(resolveTargets(["adatt-ablation"]).map((e) => e.id), ["adatt-ablation"]);
    assert.equal(study.experiments[0], adattAblation);
  });

  test("every row of Tables 6–8 is a comparison of two declared models, with the paper's four values", () => {
    const models = Object.keys(adattAblation.models);
    assert.equal(models[0], "e1-l2", "the baseline of Tables 7 and 8 comes first (the engine's comparisons)");
    const rows = COMPARISONS.map((c) => `${c.table}:${c.variant}-vs-${c.baseline}`);
    assert.deepEqual(rows, [
      "6:e3-l2-no-nlf-vs-e3-l2",
      "7:e2-l2-vs-e1-l2", "7:e3-l2-vs-e1-l2", "7:e4-l2-vs-e1-l2",
      "8:e1-l3-vs-e1-l2", "8:e1-l4-vs-e1-l2", "8:e1-l5-vs-e1-l2",
    ]);
    for (const c of COMPARISONS) {
      assert.ok(models.includes(c.variant) && models.includes(c.baseline), c.id);
      assert.equal(c.paper.length, 4, `${c.id}: the paper reports four tasks`);
    }
    assert.deepEqual(COMPARISONS[0].paper, [0.158, 0.107, 0.107, 0.222]);
    assert.deepEqual(COMPARISONS.find((c) => c.id === "table8.levels-5")!.paper, [-0.664, -0.587, -0.655, -0.766]);
    assert.deepEqual(COMPARISONS.find((c) => c.id === "table7.experts-4")!.paper, [-0.26, -0.23, -0.273, -0.398]);
    assert.ok(COMPARISONS.every((c) => (c.table === 6 ? c.expect === "positive" : c.expect === "negative")));
  });

  test("one scale-down factor applied to every width: the paper's dims ÷ 8, towers 64 ÷ 8", () => {
    const k = ADATT_SCALE_DOWN;
    assert.equal(k, 8);
    const paperLevels = ADATT_ABLATION.fusionLevels.expertUnits as Record<number, readonly number[]>;
    for (const [name, cfg] of Object.entries(adattAblation.models)) {
      const c = cfg as { kind: string; taskExperts: number; sharedExperts?: number; expertUnits: number[][]; towerUnits: number[] };
      const levels = c.expertUnits.length;
      assert.deepEqual(c.expertUnits.map((u) => u.length), c.expertUnits.map(() => 1), `${name}: single-layer experts`);
      assert.deepEqual(c.expertUnits.map((u) => u[0] * k), [...paperLevels[levels]], `${name}: widths × ${k} are the paper's`);
      assert.deepEqual(c.towerUnits.map((u) => u * k), [...ADATT_ABLATION_SETUP.towerUnits], `${name}: tower`);
      const m = /^e(\d)-l(\d)/.exec(name)!;
      assert.equal(c.taskExperts, Number(m[1]), name);
      assert.equal(levels, Number(m[2]), name);
      assert.equal(c.kind, name.endsWith("no-nlf") ? "adatt-no-nlf" : "adatt-sp", name);
      if (c.kind === "adatt-no-nlf") assert.equal(c.sharedExperts, 0, "Table 6: no shared experts");
    }
  });

  test("profiles: trained to convergence on the validation objective, with a learning-rate grid, per-seed orders, fusion weights over the whole test split", () => {
    for (const profile of ["smoke", "quick", "paper"] as const) {
      const plan = resolveExperiment(adattAblation, { profile });
      assert.ok(plan.train.evalEvery < plan.train.steps, `${profile}: evaluated during training, so early stopping can act`);
      assert.ok(plan.train.learningRates.length >= 2, `${profile}: a learning-rate grid, chosen on validation`);
      assert.deepEqual(plan.train.selection, { task: "all", metric: "loss" }, `${profile}: no task is the main one`);
      assert.ok(plan.train.gateRows! >= 49_881, `${profile}: gates over the whole census test split`);
      assert.equal(plan.arms.length, 16, `${profile}: 8 models × 2 groups`);
      assert.match(plan.statement, new RegExp(`^${plan.runs} runs per model and group`));
    }
    for (const profile of ["quick", "paper"] as const) {
      const plan = resolveExperiment(adattAblation, { profile });
      assert.deepEqual(plan.train, { ...plan.train, ...studies.CENSUS_TRAIN, selection: { task: "all", metric: "loss" } }, `${profile}: the census training rules`);
      assert.deepEqual(plan.rows, {}, `${profile}: every row of every split`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// analysis on hand-made runs

describe("analysis on hand-made runs with known verdicts", () => {
  const runs = handMadeRuns();
  const changes = relativeChanges(runs);
  const judged = judgeAdattAblation(runs);
  const verdict = (id: string) => judged.find((j) => j.id === id)?.verdict;

  test("relative changes are paired by seed: the built-in effects come out exactly, AUC beside NE", () => {
    const ch = changes.find((c) => c.group === "census" && c.comparison.id === "table8.levels-5" && c.task === "income" && c.metric === "NE")!;
    assert.equal(ch.n, 10);
    assert.ok(Math.abs(ch.mean! - -3) < 0.01, `mean ${ch.mean}`);
    // the seed level varies 0.32 → 0.50 but cancels in the paired ratio: the CI is narrow
    assert.ok(ch.ci95![1] - ch.ci95![0] < 0.05, `CI ${ch.ci95}`);
    const y1 = changes.filter((c) => c.group === "synthetic" && c.task === "y1");
    assert.ok(y1.every((c) => c.metric === "MSE"), "the regression task is judged on MSE and has no AUC");
    assert.ok(changes.some((c) => c.group === "synthetic" && c.task === "y2" && c.metric === "AUC"));
    // 7 comparisons × (3 census NE + 3 AUC + 1 synthetic MSE + 3 NE + 3 AUC)
    assert.equal(changes.length, 7 * (6 + 7));
  });

  test("verdicts: one claim per table row and group over every task (intersection–union), supported, contradicted and inconclusive where the effects say so", () => {
    for (const g of ["census", "synthetic"]) {
      const tasks = g === "census" ? CENSUS_TASKS : SYN_TASKS;
      assert.equal(verdict(`${g}/table6.no-nlf`), "supported", `${g} table 6`);
      assert.equal(verdict(`${g}/table7.experts-2`), "supported");
      assert.equal(verdict(`${g}/table7.experts-3`), "contradicted");
      assert.equal(verdict(`${g}/table7.experts-4`), "inconclusive");
      for (const l of [3, 4, 5]) assert.equal(verdict(`${g}/table8.levels-${l}`), "supported");
      const j = judged.find((x) => x.id === `${g}/table6.no-nlf`)!;
      assert.deepEqual(j.parts.map((p) => p.label.split(" ")[0]), tasks, "one case per task");
      assert.match(j.quote, /^removing NativeExpertLF … the loss increases on all tasks/, "the registered words (with their not-yet-checked mark)");
      assert.equal(j.rule.kind === "direction" ? j.rule.minimumEffect : null, 0.107, "the registered minimum effect: Table 6's smallest change");
    }
    assert.equal(judged.length, 7 * 2 + 2, "one claim per table row and group, plus one per fusion level");
    assert.equal(verdict("synthetic/fig3.relations/level-1"), "supported");
    assert.equal(verdict("synthetic/fig3.relations/level-2"), "inconclusive");
    for (const j of judged) assert.ok(j.minimumDetectable! > 0 && j.familySize === judged.length, j.id);
  });

  test("the tables carry every task row with the paper's values and its claim's one verdict", () => {
    const t7 = relativeChangeTable(changes, judged, 7, "quick");
    assert.equal(t7.rows.length, 3 * 7);
    const csv = toCsv(t7);
    assert.match(csv, /−0\.171 \/ −0\.150 \/ −0\.159 \/ −0\.075/);
    const col = (name: string) => t7.columns.indexOf(name);
    const rows = t7.rows.filter((r) => String(r[col("variant")]).startsWith("3 experts") && r[col("task group")] === "Census-Income");
    assert.deepEqual([...new Set(rows.map((r) => r[col("claim (every task of the group)")]))], ["census/table7.experts-3: contradicted"], "the same verdict on every task row of the claim");
    assert.match(String(rows.find((r) => r[col("task")] === "marital")![col("Δ % [95 % CI]")]), /^\+2\.0\d\d \[/);
    assert.equal(rows[0][col("this task's p (unadjusted, one-sided ×2)")], "< 0.0001");
    assert.equal(relativeChangeTable(changes, judged, 6).rows.length, 7);
  });

  test("verdict lines: one per claim of the table, its deciding task, the minimum detectable effect, the whole family named", () => {
    const lines = verdictLines(judged, 7).split("\n").filter((l) => l.startsWith("- "));
    assert.equal(lines.length, 3 * 2);
    assert.equal(lines.filter((l) => l.startsWith("- **contradicted** `")).length, 2, "3 experts per task, both groups");
    assert.ok(lines.every((l) => /every task\): deciding task \S+ \((NE|MSE)\):/.test(l)), lines[0]);
    assert.ok(lines.every((l) => /minimum detectable \|effect\| [0-9.e+-]+ %\.$/.test(l)), lines[0]);
    assert.match(verdictLines(judged, 7), new RegExp(`one family of ${judged.length} \\(Holm`));
    assert.equal(verdictLines(judged, "fig3").split("\n").filter((l) => l.startsWith("- ")).length, 2);
  });

  test("Fig. 3 weights: mean over seeds per level; the relation contrast sees related tasks", () => {
    const w = expertWeightsOf(runs, "synthetic")!;
    assert.deepEqual(w.tasks, SYN_TASKS);
    assert.equal(w.mean.length, 2);
    assert.ok(Math.abs(w.mean[0][0][1] - (0.5 + (0.01 * SEEDS.reduce((a, s) => a + Math.sin(s), 0)) / 10)) < 1e-12, "y1 → y2 at level 1");
    assert.ok(Math.abs(w.mean[0][0][2] - 0.2) < 1e-12);
    assert.ok(Math.abs(relationContrast(w.mean[0], w.tasks, w.experts, SYNTHETIC_CONDITION) - 0.3) < 0.01);
    assert.equal(expertWeightsOf(runs, "census"), null, "no census run recorded weights");
    const table = expertWeightsTable(runs, "synthetic");
    assert.equal(table.rows.length, 2 * 4);
  });
});

// ---------------------------------------------------------------------------------------------
// figures

describe("Fig. 3 heatmap spec", () => {
  const runs = handMadeRuns();

  test("one heatmap per fusion level: tasks × experts, the mean weights, a shared colour range and the numbers written in", () => {
    const fig = expertWeightHeatmapFigure(runs, "synthetic");
    assertFigure(fig);
    const maps = fig.data.filter((d) => d.type === "heatmap") as { z: number[][]; x: string[]; y: string[]; xaxis: string; zmin: number; zmax: number }[];
    assert.equal(maps.length, 2);
    assert.deepEqual(maps.map((m) => m.xaxis), ["x", "x2"]);
    const w = expertWeightsOf(runs, "synthetic")!;
    maps.forEach((m, l) => {
      assert.deepEqual(m.x, SYN_TASKS);
      assert.deepEqual(m.y, SYN_TASKS);
      assert.deepEqual(m.z, w.mean[l]);
      assert.equal(m.zmin, 0);
      assert.equal(m.zmax, Math.max(...w.mean.flat(2)));
    });
    assert.equal((fig.layout.annotations as unknown[]).length, 2 * 16);
    assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed", "the first task on top, as a matrix reads");
    assert.match(JSON.stringify(fig.layout.title), /Fig\. 3/);
  });

  test("a group without recorded weights gives a figure that says so", () => {
    const fig = expertWeightHeatmapFigure(runs, "census");
    assertFigure(fig);
    assert.equal(fig.data.length, 0);
    assert.match(JSON.stringify(fig.layout.annotations), /no runs with fusion weights/);
  });
});

// ---------------------------------------------------------------------------------------------
// the synthetic group

test("the synthetic group builds in two related pairs, {y1, y2} and {y3, y4}, with the paper's task kinds", () => {
  const ds = syntheticGroupDataSet(SYNTHETIC_CONDITION, 3, { train: 20_000, validation: 10, test: 10 });
  assert.deepEqual(ds.tasks.map((t) => `${t.name}:${t.kind}`), ["y1:regression", "y2:binary", "y3:binary", "y4:binary"]);
  assert.equal(ds.train.rows, 20_000);
  const T = 4;
  const col = (k: number) => Float32Array.from({ length: ds.train.rows }, (_, i) => ds.train.labels[i * T + k]);
  const r = (a: number, b: number) => pearson(col(a), col(b));
  assert.ok(r(0, 1) > 0.3 && r(2, 3) > 0.3, `related pairs: ${r(0, 1)}, ${r(2, 3)}`);
  for (const [a, b] of [[0, 2], [0, 3], [1, 2], [1, 3]]) assert.ok(Math.abs(r(a, b)) < 0.05, `y${a + 1}–y${b + 1}: ${r(a, b)}`);
  assert.deepEqual([0, 1, 2, 3].map((t) => relatedTasks(SYNTHETIC_CONDITION, t)), [[1], [0], [3], [2]]);
  // run seeds draw different data sets; the same seed the same one
  const again = syntheticGroupDataSet(SYNTHETIC_CONDITION, 3, { train: 50, validation: 10, test: 10 });
  const other = syntheticGroupDataSet(SYNTHETIC_CONDITION, 4, { train: 50, validation: 10, test: 10 });
  assert.deepEqual(again.train.numeric, ds.train.numeric.subarray(0, 50 * 100));
  assert.notDeepEqual(other.train.numeric, again.train.numeric);
});

// ---------------------------------------------------------------------------------------------
// smoke profile end to end

const censusDir = process.env.CENSUS_INCOME_DIR;
describe("smoke profile end to end (CLI, --out in a temp dir)", { skip: censusDir ? false : "CENSUS_INCOME_DIR is not set: the AdaTT ablation trains on Census-Income; point it at the data (README, Data) to run this test" }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-adatt-ablation-"));
  const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
  const dir = path.join(out, "adatt-ablation", "smoke");
  let runs: RunRecord[] = [];
  let pilots: RunRecord[] = [];

  before(() => {
    const r = spawnSync(process.execPath, [CLI, "adatt-ablation", "--profile", "smoke", "--backend", "wasm", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const stored = fs.readFileSync(path.join(dir, "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
    runs = stored.filter((r) => !r.pilot);
    pilots = stored.filter((r) => r.pilot);
  });

  test("32 runs, both groups, every model; the test metrics the tables need", () => {
    const summary = JSON.parse(fs.readFileSync(path.join(dir, "summary.json"), "utf8")) as ExperimentSummary;
    assert.equal(summary.complete, true);
    assert.equal(runs.length, 32);
    assert.equal(pilots.length, 16, "one pilot run per arm chose its learning rate");
    assert.deepEqual([...new Set(runs.map((r) => r.condition))], ["census", "synthetic"]);
    for (const r of runs) {
      const tasks = r.condition === "census" ? CENSUS_TASKS : SYN_TASKS;
      assert.deepEqual(Object.keys(r.metrics!.test), tasks, r.arm);
      assert.ok(tasks.every((t, k) => Number.isFinite(r.metrics!.test[t][r.condition === "synthetic" && k === 0 ? "mse" : "ne"])), r.arm);
    }
  });

  test("Fig. 3's model records its fusion weights over the test split; each row sums to 2 (native 1 + softmax 1)", () => {
    const base = runs.filter((r) => r.model === "e1-l2");
    assert.equal(base.length, 4);
    for (const r of base) {
      assert.equal(r.gates.length, 2 * (r.condition === "census" ? 3 : 4), r.arm);
      for (const g of r.gates) assert.ok(Math.abs(g.mean.reduce((a, b) => a + b, 0) - 2) < 1e-4, `${r.arm} ${g.task} level ${g.level}`);
    }
  });

  test("the tables, the claims and the figures are written", () => {
    for (const t of ["table6-native-expert-lf", "table7-experts-per-task", "table8-fusion-levels", "fig3-expert-weights-census", "fig3-expert-weights-synthetic", "claims", "models", "setup", "synthetic-relations", "summary"]) {
      assert.ok(fs.existsSync(path.join(dir, "tables", `${t}.md`)), `${t}.md`);
    }
    const claims = fs.readFileSync(path.join(dir, "tables", "claims.csv"), "utf8").trim().split("\r\n");
    // header + one claim per table row (Table 6: 1, Table 7: 3, Table 8: 3) and group (2) + Fig. 3 per fusion level (2)
    assert.equal(claims.length, 1 + 7 * 2 + 2);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { extra: { files: string[] } };
    for (const f of ["table6-7-8-relative-changes", "fig3-expert-weights-census", "fig3-expert-weights-synthetic"]) {
      assert.ok(manifest.extra.files.some((x) => x.startsWith(`figures/${f}.`)), `${f} listed in the manifest`);
    }
  });
});
