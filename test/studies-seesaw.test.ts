/**
 * The seesaw study (PLE Fig. 3, Table 1, Fig. 8): the declarations (models, task groups,
 * comparable parameter counts), the analysis on hand-made runs whose quadrants are known, the
 * bubble and expert-utilisation figure specs, and the smoke profile end to end through the CLI
 * (the census half skips, saying why, when the Census-Income files are not found).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { createModel, getStudy, initBackend, locateCensusFiles, registrationHash, resolveExperiment, resolveTargets, runExperiment, studies, toMarkdown, type ExperimentResult, type ExperimentSummary, type RunRecord } from "mtl-lab";

const {
  analyseSeesaw,
  BOTH_BETTER_FILL,
  bubbleFigure,
  contrastStatement,
  expertUtilisationFigure,
  fig8Seed,
  gateRows,
  groupSeesaw,
  judgeSeesaw,
  loadSeesaw,
  orderBySeesaw,
  quadrantClaims,
  quadrantOf,
  quadrantRows,
  quadrantStatement,
  SEESAW_CENSUS_INPUT_WIDTH,
  SEESAW_MODELS,
  SEESAW_WIDTHS,
  seesawModels,
  seesawResultsFrom,
  table1,
} = studies.seesaw;

// ---------------------------------------------------------------------------------------------
// hand-made runs

type Gate = { task: string; level: number; experts: string[]; mean: number[]; std: number[] };

/** A run record with only the fields the analyses read: test MSE of "r", test AUC of "b". */
function fakeRun(model: string, seed: number, mse: number, auc: number, opts: { params?: number; gates?: Gate[]; diverged?: boolean } = {}): RunRecord {
  const ok = !opts.diverged;
  return {
    model,
    arm: model,
    seed,
    status: ok ? "ok" : "diverged",
    config: { model: { kind: model }, train: {}, rows: {}, condition: undefined },
    metrics: ok ? { validation: {}, test: { r: { loss: mse, mse, pearson: 0.5 }, b: { loss: 0.3, auc, logloss: 0.3, ne: 0.8 } } } : null,
    curves: { steps: [], train: {}, validation: {} },
    gates: opts.gates ?? [],
    parameters: { perReplica: opts.params ?? 1000, groups: {} },
    data: { labelPearsonTrain: 0.26 },
    learningRate: 0.001,
    learningRateTrials: [],
  } as unknown as RunRecord;
}

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
/** Small seed-dependent wobble, the same for every model of a seed (paired designs cancel part of it). */
const wobble = (s: number, k: number) => Math.sin(s * 12.9898 + k * 78.233) * 0.5;

/**
 * Group A (known answer): Single-Task at MSE 1.0 / AUC 0.80 (± a wobble shared by the seed);
 * CGC and Cross-Stitch better on both, MMoE better on MSE and worse on AUC (a seesaw),
 * Hard sharing worse on both, PLE pure noise around Single-Task, Sluice better on MSE with a noisy
 * AUC (one axis decided only). Seed 8 of MMoE diverged.
 */
function groupA(): RunRecord[] {
  const runs: RunRecord[] = [];
  const gain = { cgc: [0.05, 0.01], "cross-stitch": [0.04, 0.008], mmoe: [0.05, -0.01], "shared-bottom": [-0.05, -0.01], ple: [0, 0], sluice: [0.05, 0] } as Record<string, [number, number]>;
  for (const s of SEEDS) {
    const mse = 1 + 0.05 * wobble(s, 1);
    const auc = 0.8 + 0.01 * wobble(s, 2);
    runs.push(fakeRun("single-task", s, mse, auc, { params: 1010 }));
    for (const [m, [gm, ga]] of Object.entries(gain)) {
      const noise = m === "ple" ? [0.02 * wobble(s, 3), 0.004 * wobble(s, 4)] : m === "sluice" ? [0.002 * wobble(s, 5), 0.004 * wobble(s, 4)] : [0.002 * wobble(s, 5), 0.0005 * wobble(s, 6)];
      runs.push(fakeRun(m, s, mse - gm + noise[0], auc + ga + noise[1], { params: m === "cgc" ? 1050 : 990, diverged: m === "mmoe" && s === 8 }));
    }
  }
  return runs;
}

/** Group B: every multi-task model better on both tasks (no seesaw). */
function groupB(): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const s of SEEDS) {
    runs.push(fakeRun("single-task", s, 1 + 0.05 * wobble(s, 1), 0.8 + 0.01 * wobble(s, 2)));
    for (const m of ["shared-bottom", "mmoe", "cgc", "ple", "cross-stitch"]) runs.push(fakeRun(m, s, 1 + 0.05 * wobble(s, 1) - 0.03 + 0.002 * wobble(s, 7), 0.8 + 0.01 * wobble(s, 2) + 0.01 + 0.0005 * wobble(s, 8)));
  }
  return runs;
}

const resultOf = (runs: RunRecord[]): ExperimentResult => ({ runs, summary: {} as ExperimentSummary, dir: "", reportDir: "", computed: 0 });

// ---------------------------------------------------------------------------------------------
// declarations

describe("declarations", () => {
  test("the study 'seesaw' runs both task groups with the eleven models, Single-Task first", () => {
    const study = getStudy("seesaw");
    assert.deepEqual(study.experiments.map((e) => e.id), ["seesaw-census", "seesaw-synthetic"]);
    assert.deepEqual(study.notebooks, ["04-seesaw"]);
    assert.deepEqual(resolveTargets(["seesaw"]).map((e) => e.id), ["seesaw-census", "seesaw-synthetic"]);
    assert.deepEqual([...SEESAW_MODELS], ["single-task", "shared-bottom", "asymmetric", "customized", "cross-stitch", "sluice", "mmoe", "ml-mmoe", "cgc", "ple", "adatt"]);
    for (const [e, group] of [[study.experiments[0], "census"], [study.experiments[1], "synthetic"]] as const) {
      assert.deepEqual(Object.keys(e.models), [...SEESAW_MODELS], e.id);
      assert.deepEqual(e.models, seesawModels(group), e.id);
      for (const profile of ["smoke", "quick", "paper"] as const) {
        const plan = resolveExperiment(e, { profile });
        assert.deepEqual(plan.train.selection, { task: "all", metric: "loss" }, `${e.id}/${profile}: checkpoints on the validation objective`);
        assert.match(plan.statement, new RegExp(`^${plan.runs} runs per model`), `${e.id}/${profile}`);
        assert.ok(plan.seeds.length >= 2, "paired evidence needs at least two seeds");
      }
    }
    // synthetic: every run trains all its steps; census: notebook 03's converged protocol
    assert.equal(resolveExperiment(study.experiments[1], { profile: "quick" }).train.patience, undefined);
    assert.deepEqual(resolveExperiment(study.experiments[1], { profile: "paper" }).train.learningRates, [1e-4, 1e-3, 1e-2]);
    for (const profile of ["quick", "paper"] as const) {
      const plan = resolveExperiment(study.experiments[0], { profile });
      assert.deepEqual(plan.train, { ...plan.train, ...studies.CENSUS_TRAIN, selection: { task: "all", metric: "loss" } }, `seesaw-census/${profile}: the census protocol`);
    }
    // in both groups Single-Task trains each task's network alone, each under its own one-task condition
    for (const [e, tasks] of [[study.experiments[0], ["weeks_worked", "income"]], [study.experiments[1], ["y1", "y2"]]] as const) {
      const arms = resolveExperiment(e, { profile: "quick" }).arms.map((a) => a.key);
      assert.deepEqual(arms.filter((k) => k.endsWith("/single-task")), tasks.map((t) => `${t}-only/single-task`), e.id);
      assert.equal(arms.filter((k) => k.startsWith("both-tasks/")).length, 10, e.id);
    }
    // census quick and paper use every row (no subsampling); gate statistics over the whole test split
    const census = study.experiments[0];
    for (const profile of ["quick", "paper"] as const) assert.deepEqual(resolveExperiment(census, { profile }).rows, {}, profile);
    assert.equal(resolveExperiment(census, { profile: "quick" }).train.gateRows, 49_881);
    assert.match(resolveExperiment(census, { profile: "quick" }).statement, /; all rows\. .*full training file \(199,523 rows\)/);
  });

  test("every model's parameter count lies within ±10 % of MMoE's, in both task groups (PLE Fig. 3 compares like with like)", async () => {
    await initBackend("wasm");
    const tasks = [{ name: "r", kind: "regression" as const }, { name: "b", kind: "binary" as const }];
    const inputs = { census: { numeric: 6, categorical: [SEESAW_CENSUS_INPUT_WIDTH - 6] }, synthetic: { numeric: 100, categorical: [] } };
    for (const group of ["census", "synthetic"] as const) {
      const counts = Object.fromEntries(Object.entries(seesawModels(group)).map(([m, cfg]) => {
        const model = createModel(cfg, tasks, inputs[group], [1]);
        const n = model.parameterCount().perReplica;
        model.dispose();
        return [m, n];
      }));
      const ref = counts.mmoe;
      for (const [m, n] of Object.entries(counts)) assert.ok(Math.abs(n / ref - 1) <= 0.1, `${group}/${m}: ${n} parameters vs MMoE's ${ref} (${(((n / ref) - 1) * 100).toFixed(1)} %)`);
      // the widths really are the knobs: halving one model's width leaves the tolerance
      const cfg = studies.seesaw.SEESAW_FAMILIES["shared-bottom"](Math.round(SEESAW_WIDTHS[group]["shared-bottom"] / 2));
      const small = createModel(cfg, tasks, inputs[group], [1]);
      assert.ok(small.parameterCount().perReplica / ref < 0.9, `${group}: a half-width Shared-Bottom is out of the tolerance`);
      small.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// analysis on hand-made runs

describe("analysis on hand-made runs with known quadrants", () => {
  const a = analyseSeesaw(groupA(), "census");
  const judged = judgeSeesaw([a]);
  const rows = quadrantRows(a, judged);
  const row = (m: string) => rows.find((r) => r.model === m)!;

  test("gains follow PLE Eq. 11 (MSE: Single-Task − model, AUC: model − Single-Task), paired by seed; a diverged run drops its pair", () => {
    assert.deepEqual(a.tasks, { regression: "r", binary: "b" });
    const cgc = a.models.find((m) => m.model === "cgc")!;
    assert.ok(Math.abs(cgc.regression!.summary.mean! - 0.05) < 0.002, `MSE gain ${cgc.regression!.summary.mean}`);
    assert.ok(Math.abs(cgc.binary!.summary.mean! - 0.01) < 0.0005, `AUC gain ${cgc.binary!.summary.mean}`);
    const mmoe = a.models.find((m) => m.model === "mmoe")!;
    assert.equal(mmoe.regression!.perSeed.size, 7);
    assert.equal(mmoe.diverged, 1);
    assert.equal(a.models[0].model, "single-task");
    assert.equal(a.models[0].regression, null);
    assert.equal(quadrantClaims(a).length, 2 * 6);
  });

  test("Single-Task trained apart: each task's metrics come from its own one-task run of the seed, the one-task records themselves are not models", () => {
    const metricsOf = (mse: number, auc: number) => ({ weeks_worked: { loss: mse, mse, pearson: 0.5 }, income: { loss: 0.3, auc, logloss: 0.3, ne: 0.8 } });
    const record = (condition: string, model: string, s: number, test: Record<string, unknown>) => ({ ...fakeRun(model, s, 0, 0), condition, arm: `${condition}/${model}`, metrics: { validation: test, test } }) as RunRecord;
    const runs = SEEDS.flatMap((s) => {
      const regression = metricsOf(1 + s / 100, 0.5); // its AUC must not be read
      const binary = metricsOf(9, 0.8 + s / 1000); // its MSE must not be read
      return [
        record("weeks_worked-only", "single-task", s, { weeks_worked: regression.weeks_worked }),
        record("income-only", "single-task", s, { income: binary.income }),
        record("both-tasks", "mmoe", s, metricsOf(1, 0.8)),
      ];
    });
    const a = analyseSeesaw(runs, "census");
    assert.deepEqual(a.models.map((m) => m.model), ["single-task", "mmoe"], "the one-task records are read as Single-Task, not as models of their own");
    const single = a.models[0];
    assert.equal(single.runs, SEEDS.length);
    assert.ok(Math.abs(single.mse.mean! - (1 + 4.5 / 100)) < 1e-12, "MSE from the regression task's own run");
    assert.ok(Math.abs(single.auc.mean! - (0.8 + 4.5 / 1000)) < 1e-12, "AUC from the binary task's own run");
    assert.equal(a.baselineApart, true);
    assert.match(table1(a).notes!.join(" "), /Single-Task's two networks trained apart/);
    assert.equal(analyseSeesaw(groupA(), "census").baselineApart, false);
    assert.match(table1(analyseSeesaw(groupA(), "census")).notes!.join(" "), /trained together, at one checkpoint for both/);
  });

  test("quadrants with support: both better, seesaw, both worse, undecided; agreement with PLE", () => {
    assert.equal(row("cgc").supportedQuadrant, "both better");
    assert.equal(row("cgc").agreesWithPaper, true);
    assert.equal(row("cross-stitch").supportedQuadrant, "both better");
    assert.equal(row("cross-stitch").agreesWithPaper, false, "PLE: Cross-Stitch does not improve both");
    assert.equal(row("mmoe").supportedQuadrant, "regression better, binary worse");
    assert.equal(row("mmoe").regression!.verdict, "supported");
    assert.equal(row("mmoe").binary!.verdict, "contradicted");
    assert.equal(row("mmoe").agreesWithPaper, true);
    assert.equal(row("shared-bottom").supportedQuadrant, "both worse");
    assert.equal(row("ple").supportedQuadrant, null);
    assert.equal(row("ple").agreesWithPaper, null);
    assert.equal(row("ple").regression!.verdict, "inconclusive");
    // one axis decided is not a quadrant with support
    assert.deepEqual([row("sluice").regression!.verdict, row("sluice").binary!.verdict], ["supported", "inconclusive"]);
    assert.equal(row("sluice").supportedQuadrant, null);
    assert.equal(row("sluice").agreesWithPaper, null);
    assert.equal(quadrantOf(0.1, -0.1), "regression better, binary worse");
    assert.equal(quadrantOf(0, 0.1), "binary better, regression worse", "a zero gain is not better");
    const s = quadrantStatement(rows);
    assert.match(s, /\*\*Both tasks better \(both axes supported\):\*\* Cross-Stitch and CGC\./);
    assert.match(s, /\*\*Seesaw, MSE better and AUC worse:\*\* MMoE;/);
    assert.match(s, /\*\*Both worse:\*\* Hard sharing\./);
    assert.match(s, /agrees for Hard sharing, MMoE and CGC; disagrees for Cross-Stitch; 2 model\(s\) undecided/);
  });

  test("the Table 1 style table marks losses and carries PLE's transcribed gains", () => {
    const md = toMarkdown(table1(a));
    const mmoeLine = md.split("\n").find((l) => l.startsWith("| MMoE "))!;
    assert.match(mmoeLine, /\| −0\.01\d\d \[[^\]]+\] ▼ \|/, mmoeLine);
    assert.match(md.split("\n").find((l) => l.startsWith("| CGC "))!, /\+0\.0001 \/ \+0\.0045/);
    assert.doesNotMatch(md.split("\n").find((l) => l.startsWith("| CGC "))!, /▼/);
  });

  test("the group with the seesaw comes first, and the contrast says why the other differs", () => {
    const b = analyseSeesaw(groupB(), "synthetic");
    const all = judgeSeesaw([a, b]);
    assert.equal(all.filter((j) => j.id.endsWith(".both-better")).length, 2, "PLE's sentence: one claim per group");
    assert.equal(all.length, 24, "per group: PLE's claim and the group's 11 axes");
    assert.deepEqual([...new Set(all.map((j) => j.family))], ["PLE's sentence, per task group: census", "our per-axis description, per task group: census", "PLE's sentence, per task group: synthetic", "our per-axis description, per task group: synthetic"]);
    const brief = (js: typeof all) => js.map((j) => [j.id, j.verdict, j.pAdjusted]);
    assert.deepEqual(brief(judgeSeesaw([a])), brief(all.filter((j) => j.id.startsWith(`${a.group}.`))), "a group's verdicts do not depend on the other group: the report and the notebook agree");
    const ga = { analysis: a, seesaw: groupSeesaw(quadrantRows(a, all)) };
    const gb = { analysis: b, seesaw: groupSeesaw(quadrantRows(b, all)) };
    assert.deepEqual(gb.seesaw.seesawPoint, []);
    assert.deepEqual(orderBySeesaw([gb, ga]).map((g) => g.analysis.group), ["census", "synthetic"]);
    const text = contrastStatement(ga, gb);
    // decided evidence is stated as such; a pattern read off the means is labelled a description of means
    assert.match(text, /With support \(both axes decided\): census 1 seesaw, 2 both better, 1 both worse \(9 of 12 axes decided\); synthetic 0 seesaw, 5 both better/);
    assert.match(text, /Description of means \(not a test\): in the synthetic group more models have both mean gains positive \(5\) than of opposite sign \(0\)\./);
    assert.doesNotMatch(text, /negative transfer|sharing helps/);
    assert.match(text, /1 of 6 multi-task models sit in a seesaw quadrant/);
    // the loader's assembly gives the same order
    const r = seesawResultsFrom([{ group: "synthetic", result: resultOf(groupB()) }, { group: "census", result: resultOf(groupA()) }]);
    assert.deepEqual(r.ordered.map((g) => g.group), ["census", "synthetic"]);
  });

  test("gate statistics: interchangeable experts (MMoE) are ranked per run, named experts (CGC) keep their roles", () => {
    const g = (mean: number[]): Gate[] => [{ task: "r", level: 0, experts: mean.map((_, i) => `expert/${i}`), mean, std: mean.map(() => 0.1) }];
    const c = (own: number): Gate[] => [{ task: "r", level: 0, experts: ["r/0", "shared/0"], mean: [own, 1 - own], std: [0.05, 0.05] }];
    const runs = [fakeRun("mmoe", 1, 1, 0.8, { gates: g([0.7, 0.2, 0.1]) }), fakeRun("mmoe", 2, 1, 0.8, { gates: g([0.1, 0.2, 0.7]) }), fakeRun("cgc", 1, 1, 0.8, { gates: c(0.6) }), fakeRun("cgc", 2, 1, 0.8, { gates: c(0.8) })];
    const rowsG = gateRows(runs, ["mmoe", "cgc"]);
    const top = rowsG.find((r) => r.model === "mmoe" && r.expert.startsWith("rank 1"))!;
    assert.ok(Math.abs(top.mean - 0.7) < 1e-12 && top.stdOverSeeds === 0, "ranked: the largest weight of each run, averaged");
    const own = rowsG.find((r) => r.model === "cgc" && r.expert === "r/0")!;
    assert.ok(Math.abs(own.mean - 0.7) < 1e-12 && Math.abs(own.stdOverSeeds! - Math.SQRT1_2 * 0.2) < 1e-12);
  });
});

// ---------------------------------------------------------------------------------------------
// figures

describe("figures", () => {
  const a = analyseSeesaw(groupA(), "census");

  test("bubble plot (PLE Fig. 3): gains on the axes, CI error bars, area ∝ parameters, zero lines, both-better quadrant shaded", () => {
    const fig = bubbleFigure(a, 8);
    const traces = fig.data as { name: string; x: number[]; y: number[]; error_x: { array: number[]; arrayminus: number[] }; error_y: { array: number[]; arrayminus: number[] }; marker: { size: number[]; sizemode: string; sizeref: number } }[];
    assert.equal(traces.length, 6, "one bubble per multi-task model, none for Single-Task");
    assert.ok(fig.data.every((x) => x.mode === "markers" && x.text === undefined), "models are named in the legend and on hover, never by text beside a bubble (nearby bubbles' labels overprint)");
    const cgc = a.models.find((m) => m.model === "cgc")!;
    const t = traces.find((x) => x.name.startsWith("CGC"))!;
    assert.deepEqual([t.x[0], t.y[0]], [cgc.regression!.summary.mean, cgc.binary!.summary.mean]);
    const [lo, hi] = cgc.regression!.summary.ci95!;
    assert.ok(Math.abs(t.error_x.array[0] - (hi - t.x[0])) < 1e-15 && Math.abs(t.error_x.arrayminus[0] - (t.x[0] - lo)) < 1e-15);
    const [blo, bhi] = cgc.binary!.summary.ci95!;
    assert.ok(Math.abs(t.error_y.array[0] - (bhi - t.y[0])) < 1e-15 && Math.abs(t.error_y.arrayminus[0] - (t.y[0] - blo)) < 1e-15);
    assert.deepEqual(t.marker.size, [1050]);
    assert.equal(t.marker.sizemode, "area");
    assert.equal(new Set(traces.map((x) => x.marker.sizeref)).size, 1, "one size scale for every bubble");
    const layout = fig.layout as { xaxis: { title: { text: string }; range: number[] }; yaxis: { title: { text: string }; range: number[] }; shapes: Record<string, unknown>[] };
    assert.match(layout.xaxis.title.text, /MTL gain on r \(MSE: Single-Task − model\)/);
    assert.match(layout.yaxis.title.text, /MTL gain on b \(AUC: model − Single-Task\)/);
    const rect = layout.shapes.find((s) => s.type === "rect")!;
    assert.deepEqual([rect.x0, rect.y0, rect.x1, rect.y1, rect.fillcolor], [0, 0, layout.xaxis.range[1], layout.yaxis.range[1], BOTH_BETTER_FILL]);
    const lines = layout.shapes.filter((s) => s.type === "line");
    assert.ok(lines.some((l) => l.x0 === 0 && l.x1 === 0) && lines.some((l) => l.y0 === 0 && l.y1 === 0), "quadrant lines at zero");
    for (const x of traces) assert.ok(layout.xaxis.range[0] <= x.x[0] - x.error_x.arrayminus[0] && x.x[0] + x.error_x.array[0] <= layout.xaxis.range[1], `${x.name}: error bar inside the x range`);
    assert.ok(layout.xaxis.range[0] < 0 && layout.yaxis.range[0] < 0, "the losing side of both axes is visible");
  });

  test("expert utilisation (PLE Fig. 8): one panel per model, bars = mean gate weight, error bars = std over rows, one common seed", () => {
    const gate = (task: string, experts: string[], mean: number[]): Gate => ({ task, level: 0, experts, mean, std: mean.map((m) => m / 10) });
    const runs = [2, 3].flatMap((s) => [
      fakeRun("mmoe", s, 1, 0.8, { gates: [gate("r", ["expert/0", "expert/1", "expert/2"], [0.5, 0.3, 0.2]), gate("b", ["expert/0", "expert/1", "expert/2"], [0.1, 0.1, 0.8])] }),
      fakeRun("cgc", s, 1, 0.8, { gates: [gate("r", ["r/0", "shared/0"], [0.6, 0.4]), gate("b", ["b/0", "shared/0"], [0.9, 0.1])] }),
    ]);
    assert.equal(fig8Seed([...runs, fakeRun("mmoe", 1, 1, 0.8, { gates: [gate("r", ["expert/0"], [1])] })], ["mmoe", "cgc"]), 2, "the lowest seed every model has");
    const fig = expertUtilisationFigure(runs, { regression: "r", binary: "b" }, "census", ["mmoe", "cgc"]);
    const bars = fig.data as { type: string; x: string[]; y: number[]; error_y: { array: number[] }; xaxis: string }[];
    assert.equal(bars.length, 4);
    assert.ok(bars.every((b) => b.type === "bar"));
    assert.deepEqual(bars[1].y, [0.1, 0.1, 0.8]);
    assert.deepEqual(bars[1].error_y.array, [0.01, 0.01, 0.08]);
    assert.deepEqual(bars[2].x, ["L1 r/0", "L1 shared/0"]);
    assert.deepEqual(bars.map((b) => b.xaxis), ["x", "x", "x2", "x2"]);
    assert.equal((fig.layout as { barmode: string }).barmode, "group");
  });
});

// ---------------------------------------------------------------------------------------------
// smoke profile end to end

function censusAvailable(): string | null {
  try {
    locateCensusFiles();
    return null;
  } catch (e) {
    return `Census-Income files not found (set CENSUS_INCOME_DIR to the folder with census-income.data and census-income.test): ${(e as Error).message.split("\n")[0]}`;
  }
}

describe("smoke profile end to end (CLI, --out in a temp dir)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-seesaw-"));
  const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
  const dir = (id: string) => path.join(out, id, "smoke");
  const stored = (id: string): RunRecord[] => fs.readFileSync(path.join(dir(id), "runs.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
  /** The reported runs (seesaw-census also stores one pilot run per arm). */
  const readRuns = (id: string): RunRecord[] => stored(id).filter((r) => !r.pilot);
  const noCensus = censusAvailable();

  before(() => {
    const r = spawnSync(process.execPath, [CLI, noCensus ? "seesaw-synthetic" : "seesaw", "--profile", "smoke", "--backend", "wasm", "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  for (const id of ["seesaw-synthetic", "seesaw-census"]) {
    test(`${id} writes its runs with gates, the tables and both figures`, { skip: id === "seesaw-census" && noCensus ? noCensus : false }, () => {
      const runs = readRuns(id);
      // Single-Task as two one-task runs per seed (each task's own checkpoint)
      assert.equal(runs.length, 24);
      assert.equal(stored(id).filter((r) => r.pilot).length, id === "seesaw-census" ? 12 : 0, "one pilot run per census arm");
      assert.ok(runs.every((r) => r.status === "ok"), "no smoke run diverged");
      const testRows = id === "seesaw-census" ? 2000 : 500;
      for (const m of ["mmoe", "ml-mmoe", "cgc", "ple", "adatt"]) {
        const r = runs.find((x) => x.model === m)!;
        assert.ok(r.gates.length > 0, `${m} records gate statistics`);
        assert.equal(r.config.train.gateRows! >= testRows, true, `${m}: gates over every test row`);
      }
      assert.ok(runs.filter((r) => ["single-task", "shared-bottom"].includes(r.model)).every((r) => r.gates.length === 0));
      for (const t of ["table1", "quadrants", "claims", "gates", "sizes", "summary"]) {
        for (const ext of ["md", "csv", "tex"]) assert.ok(fs.existsSync(path.join(dir(id), "tables", `${t}.${ext}`)), `${t}.${ext}`);
      }
      const manifest = JSON.parse(fs.readFileSync(path.join(dir(id), "manifest.json"), "utf8")) as { extra: { files: string[] } };
      for (const f of ["fig3-bubble", "fig8-expert-utilisation"]) assert.ok(manifest.extra.files.some((x) => x.startsWith(`figures/${f}.`)), `${f} listed in the manifest`);
      const claims = fs.readFileSync(path.join(dir(id), "tables", "claims.csv"), "utf8").trim().split("\r\n");
      assert.equal(claims.length, 1 + 21, "PLE's claim and two axis tests per multi-task model");
    });

    test(`${id}: trained runs record the claims declaration; a margin changed after them labels every verdict`, { skip: id === "seesaw-census" && noCensus ? noCensus : false }, async () => {
      const manifest = () => JSON.parse(fs.readFileSync(path.join(dir(id), "manifest.json"), "utf8")) as { extra: { claimsDeclaration?: { hash: string } } };
      const claimsMd = () => fs.readFileSync(path.join(dir(id), "tables", "claims.md"), "utf8");
      const declaration = studies.seesaw.SEESAW_REGISTRATION;
      assert.equal(manifest().extra.claimsDeclaration?.hash, registrationHash(declaration));
      assert.doesNotMatch(claimsMd(), /registered after the runs/);
      const experiment = id === "seesaw-census" ? studies.seesaw.seesawCensus : studies.seesaw.seesawSynthetic;
      const minimum = declaration.claims["both-better"].minimumEffect!;
      const kept = minimum.value;
      minimum.value = kept * 2;
      try {
        const again = await runExperiment(experiment, { profile: "smoke", out, backend: "wasm" });
        assert.equal(again.computed, 0, "nothing retrained");
        assert.match(claimsMd(), /\| supported \(registered after the runs\) \||\| inconclusive \(registered after the runs\) \||\| contradicted \(registered after the runs\) \|/);
        assert.ok(claimsMd().split("\n").filter((l) => l.startsWith(`| ${id.replace("seesaw-", "")}.`)).every((l) => l.includes("(registered after the runs)")), "beside every verdict");
        assert.equal(manifest().extra.claimsDeclaration?.hash, registrationHash({ ...declaration, claims: { ...declaration.claims, "both-better": { ...declaration.claims["both-better"], minimumEffect: { ...minimum, value: kept } } } }), "the manifest keeps the hash the runs trained under");
      } finally {
        minimum.value = kept;
      }
    });
  }

  test("census runs see the stated input width and the capped rows", { skip: noCensus ?? false }, () => {
    const r = readRuns("seesaw-census")[0];
    assert.equal((r.data as { inputWidth: number }).inputWidth, SEESAW_CENSUS_INPUT_WIDTH);
    assert.deepEqual(r.config.rows, { train: 4000, validation: 2000, test: 2000 });
    const pearson = (r.data as { labelPearsonTrain: number }).labelPearsonTrain;
    assert.ok(pearson > 0.2 && pearson < 0.3, `weeks worked and income correlate at ${pearson} on the full training file`);
  });

  test("the notebook loader loads both groups without training and orders them", { skip: noCensus ?? false }, async () => {
    const r = await loadSeesaw({ profile: "smoke", backend: "wasm", out, progress: false });
    assert.deepEqual(r.groups.map((g) => [g.group, g.result.computed]), [["census", 0], ["synthetic", 0]]);
    assert.equal(r.judged.length, 42, "per group: PLE's claim and 20 axis tests");
    assert.equal(new Set(r.ordered.map((g) => g.group)).size, 2);
  });
});
