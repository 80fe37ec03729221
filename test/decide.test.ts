/**
 * `--decide`: rounds of runs until the claims are decided. On a synthetic experiment whose runs a
 * double "trains" (planted effects, a clock that advances per run): seeds go only to arms of open
 * claims, a claim with no effect stops as futile, the time and run budgets stop the rounds, an
 * interrupted round is finished on resume without training a stored run twice. End to end with
 * real training at toy size: the profile's runs are reused, the files are written, a second call
 * trains nothing. The studies' sources read the arms they declare (committed quick runs). Bad
 * --budget values: one line, exit 2, no folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { directionClaim, getExperiment, pairedEvidence, projectRoot, resolveExperiment, Rng, runExperiment, RunsFile, type RunRecord } from "mtl-lab";
import { armsOfProfile, decideBudget, decideExperiment, decideSection, parseDuration, RoundsLog, type DecideSource, type RoundStart, type RoundLook, type RoundTrainer } from "mtl-lab/dist/decide";
import { decideSourceOf } from "mtl-lab/dist/studies";
import { fakeRunRecord, toyExperiment } from "./engine-helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "mtl-decide-"));
const MODELS = ["a", "b", "c", "d"] as const;
const four = toyExperiment({ id: "decide-four", models: Object.fromEntries(MODELS.map((m, i) => [m, { kind: "shared-bottom", bottomUnits: [4 + i], towerUnits: [2] }])) });

/** Test MSE of a run: a is 2.0 above b (sd 0.3 each); c and d differ by nothing (sd 1 each). */
function planted(model: string, seed: number): number {
  const rng = new Rng(seed * 31 + model.charCodeAt(0));
  return model === "a" ? 2 + 0.3 * rng.normal() : model === "b" ? 0.3 * rng.normal() : rng.normal();
}

const mse = (runs: readonly RunRecord[], model: string) => new Map(runs.filter((r) => r.model === model).map((r) => [r.seed, r.metrics!.test.y.mse as number]));
function diffs(runs: readonly RunRecord[], x: string, y: string): number[] {
  const b = mse(runs, y);
  return [...mse(runs, x)].filter(([s]) => b.has(s)).sort((p, q) => p[0] - q[0]).map(([s, v]) => v - b.get(s)!);
}

const SOURCE: DecideSource = {
  experiment: "decide-four",
  families: { mine: "two claims" },
  claims: [
    { id: "strong", family: "mine", arms: ["a", "b"] },
    { id: "none", family: "mine", arms: ["c", "d"] },
  ],
  build: (runs) =>
    (
      [
        ["strong", "a", "b"],
        ["none", "c", "d"],
      ] as const
    ).flatMap(([id, x, y]) => {
      const d = diffs(runs, x, y);
      return d.length < 2 ? [] : [directionClaim({ id, source: "test", quote: "test", statement: "", effect: "", finding: "", evidence: pairedEvidence(d), expect: "positive", minimumEffect: 0.1 })];
    }),
};

/** A trainer double: appends a record per missing (arm, seed), never one already stored; the clock moves 1 s per run. */
function doubleTrainer(clock: { t: number }, trainedKeys: string[], opts: { failAfter?: number } = {}): RoundTrainer {
  return async (plan, store) => {
    const stored = new Set(store.read().map((r) => `${r.arm}#${r.seed}`));
    for (const arm of plan.arms) {
      for (const seed of plan.seeds) {
        const key = `${arm.key}#${seed}`;
        if (stored.has(key)) continue;
        if (opts.failAfter !== undefined && trainedKeys.length >= opts.failAfter) throw new Error("interrupted");
        clock.t += 1000;
        const r = fakeRunRecord(seed);
        store.append([{ ...r, experiment: plan.experiment.id, arm: arm.key, model: arm.model, condition: arm.conditionName, configHash: arm.configHash, metrics: { validation: { y: { mse: 0 } }, test: { y: { mse: planted(arm.model, seed) } } }, finishedAt: new Date(clock.t).toISOString() }]);
        trainedKeys.push(key);
      }
    }
  };
}

const events = (dir: string) => new RoundsLog(dir).read();
const starts = (dir: string) => events(dir).filter((e): e is RoundStart => e.kind === "start");

test("rounds give seeds only to arms of open claims; a claim with no effect stops as futile; the run budget bounds every arm", async () => {
  const out = tmp();
  const clock = { t: Date.parse("2026-01-01T00:00:00Z") };
  const trained: string[] = [];
  const r = await decideExperiment(four, SOURCE, { budget: decideBudget({ maxRuns: 40 }), profile: "smoke", out, train: doubleTrainer(clock, trained), now: () => clock.t, note: () => {} });
  const strong = r.claims.find((c) => c.id === "strong")!;
  const none = r.claims.find((c) => c.id === "none")!;
  assert.equal(strong.state, "decided");
  assert.equal(strong.verdict, "supported");
  assert.equal(none.state, "futile", none.why);
  assert.match(none.why, /40 runs resolve ±.* at most, not 0\.10/);
  assert.match(r.stopped, /no claim is open/);
  assert.equal(path.basename(r.dir), "decide-runs-40-smoke");
  // every round trains the arms of the claims open at its start, and only those
  const all = events(r.dir);
  for (const [i, s] of all.entries()) {
    if (s.kind !== "start") continue;
    const before = all.slice(0, i).reverse().find((e): e is RoundLook => e.kind === "look")!;
    const open = before.claims.filter((c) => c.state === "open").map((c) => c.id);
    assert.deepEqual(s.open, open);
    const allowed = new Set(SOURCE.claims.filter((c) => open.includes(c.id)).flatMap((c) => c.arms));
    for (const arm of Object.keys(s.seeds)) assert.ok(allowed.has(arm), `round ${s.round} gave seeds to ${arm}, which feeds no open claim (${open.join(", ")})`);
  }
  const perArm = (arm: string) => trained.filter((k) => k.startsWith(`${arm}#`)).length;
  assert.equal(perArm("a"), strong.runs, "a stopped when its claim was decided");
  assert.ok(perArm("c") > perArm("a"), `c (${perArm("c")}) kept training after a (${perArm("a")}) stopped`);
  assert.ok(perArm("c") >= 8 && perArm("c") <= 40);
  assert.equal(new Set(trained).size, trained.length, "no run trained twice");
  // the report says the same as the result
  const summary = JSON.parse(fs.readFileSync(path.join(r.dir, "decide.json"), "utf8"));
  assert.deepEqual(summary.counts, { decided: 1, futile: 1, open: 0, excluded: 0, claims: 2 });
  const md = fs.readFileSync(path.join(r.dir, "decide.md"), "utf8");
  assert.match(md, /\| strong \| supported \| decided \| \d+ \| \d+ \| decided at round \d+ \|/);
  assert.match(md, /Pérez-Ortiz.*level 0\.0250 = 0\.05\/2/);
  assert.ok(fs.readFileSync(path.join(r.dir, "decide-sequences.html"), "utf8").includes("runs per arm"));

  // the run budget: a budget too small to find futility leaves the claim open, bounded at 6 runs
  const capped = await decideExperiment(four, SOURCE, { budget: decideBudget({ maxRuns: 6 }), profile: "smoke", out: tmp(), train: doubleTrainer({ t: 0 }, []), now: () => 0, note: () => {} });
  assert.match(capped.stopped, /run budget spent: 6 runs per arm/);
  for (const c of capped.claims) assert.ok(c.runs <= 6);
});

test("the time budget: the rounds stop when the next one would not fit, and open claims say so", async () => {
  const clock = { t: Date.parse("2026-01-01T00:00:00Z") };
  const r = await decideExperiment(four, SOURCE, { budget: decideBudget({ budget: "18s" }), profile: "smoke", out: tmp(), train: doubleTrainer(clock, []), now: () => clock.t, note: () => {} });
  assert.match(r.stopped, /^time budget spent: the next round \(\d+ runs, about .* min\) does not fit in the .* min left$/);
  const none = r.claims.find((c) => c.id === "none")!;
  assert.equal(none.state, "open");
  assert.match(fs.readFileSync(path.join(r.dir, "decide.md"), "utf8"), /\| none \| inconclusive \| open \| 4 \| \d+ \| open: time budget spent/);
});

test("an interrupted round is finished on resume: stored runs are reused, none is trained twice, its time is charged", async () => {
  const out = tmp();
  const clock = { t: Date.parse("2026-01-01T00:00:00Z") };
  const trained: string[] = [];
  const budget = decideBudget({ maxRuns: 40 });
  await assert.rejects(decideExperiment(four, SOURCE, { budget, profile: "smoke", out, train: doubleTrainer(clock, trained, { failAfter: 19 }), now: () => clock.t, note: () => {} }), /interrupted/);
  const dir = path.join(out, "decide-four", "decide-runs-40-smoke");
  const cut = events(dir);
  assert.equal(cut[cut.length - 1].kind, "start", "the round that was cut has a start and no look");
  const storedBefore = new RunsFile(dir).read().length;
  assert.equal(storedBefore, 19);
  const resumedKeys: string[] = [];
  const resumed = await decideExperiment(four, SOURCE, { budget, profile: "smoke", out, train: doubleTrainer(clock, resumedKeys), now: () => clock.t, note: () => {} });
  for (const k of resumedKeys) assert.ok(!trained.includes(k), `${k} was stored before the interruption and trained again`);
  const after = events(dir);
  const firstLook = after.slice(cut.length).find((e): e is RoundLook => e.kind === "look")!;
  assert.equal(firstLook.round, cut[cut.length - 1].round, "the resumed command first looks at the interrupted round");
  assert.ok(firstLook.ms >= 3000, `the interrupted round's stored runs took 3 s of the double's clock; charged ${firstLook.ms} ms`);
  // the first round after the resume only catches up the arms left behind
  const catchUp = after.slice(cut.length).find((e): e is RoundStart => e.kind === "start");
  const cutSeeds = new Set(Object.values((cut[cut.length - 1] as RoundStart).seeds).flat());
  assert.ok(catchUp);
  for (const [arm, seeds] of Object.entries(catchUp.seeds)) assert.ok(seeds.every((s) => cutSeeds.has(s)), `${arm} moved on to seeds ${seeds.join(", ")} before the cut round was finished`);
  // same verdicts as a run never interrupted
  const whole = await decideExperiment(four, SOURCE, { budget, profile: "smoke", out: tmp(), train: doubleTrainer({ t: 0 }, []), now: () => 0, note: () => {} });
  assert.deepEqual(resumed.claims.map((c) => [c.id, c.state, c.verdict, c.runs]), whole.claims.map((c) => [c.id, c.state, c.verdict, c.runs]));
  // and the same command once more trains nothing and adds no record
  const n = after.length;
  const again = await decideExperiment(four, SOURCE, { budget, profile: "smoke", out, train: doubleTrainer(clock, []), now: () => clock.t, note: () => {} });
  assert.equal(again.trained, 0);
  assert.equal(events(dir).length, n);
});

test("end to end at toy size: the profile's runs are reused, rounds train the rest on the engine, a second call trains nothing", async () => {
  const out = tmp();
  const exp = toyExperiment({ id: "decide-toy", models: { mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4] }, "shared-bottom": { kind: "shared-bottom", bottomUnits: [4], towerUnits: [4] } } });
  await runExperiment(exp, { profile: "smoke", out, report: false, backend: "wasm" });
  const source: DecideSource = {
    experiment: "decide-toy",
    families: { f: "toy" },
    claims: [{ id: "toy", family: "f", arms: ["mmoe", "shared-bottom"] }],
    build: (runs) => {
      const d = diffs(runs, "mmoe", "shared-bottom");
      return d.length < 2 ? [] : [directionClaim({ id: "toy", source: "", quote: "", statement: "", effect: "", finding: "", evidence: pairedEvidence(d), expect: "negative" })];
    },
  };
  const r = await decideExperiment(exp, source, { budget: decideBudget({ maxRuns: 4 }), profile: "smoke", out, backend: "wasm", note: () => {} });
  assert.equal(r.trained, 4, "seeds 3 and 4 of both arms; seeds 1 and 2 came from the profile's folder");
  const log = events(r.dir);
  assert.deepEqual(log.map((e) => e.kind), ["look", "start", "look"]);
  assert.equal((log[0] as RoundLook).imported, 4);
  assert.deepEqual(Object.values((log[1] as RoundStart).seeds), [[3, 4], [3, 4]]);
  assert.equal(new RunsFile(r.dir).read().length, 8);
  for (const f of ["decide.json", "decide.md", "decide.csv", "decide.tex", "decide-sequences.html", "rounds.jsonl"]) assert.ok(fs.existsSync(path.join(r.dir, f)), f);
  const again = await decideExperiment(exp, source, { budget: decideBudget({ maxRuns: 4 }), profile: "smoke", out, backend: "wasm", note: () => {} });
  assert.equal(again.trained, 0);
  assert.equal(events(r.dir).length, 3);
  // what a notebook shows: the decide count beside the fixed-n one, the table and the figure; or the command when there is none
  const shown = decideSection(["decide-toy"], { root: out, command: "npm run reproduce -- toy --decide --max-runs 4", fixed: [{ id: "toy", verdict: "inconclusive" }] });
  assert.match(shown.markdown, /^- \*\*decide-toy\*\*, `decide-runs-4-smoke` \(8 runs, 1 round\(s\), .*\*\*\d of 1 claims decided\*\*.*; the fixed-n profile decides 0 of these 1\.$/);
  assert.equal(shown.tables.length, 1);
  assert.equal(shown.figures.length, 1);
  const none = decideSection(["decide-toy"], { root: tmp(), command: "npm run reproduce -- toy --decide --max-runs 4" });
  assert.match(none.markdown, /^No `decide-\*` results for decide-toy .*Produce them with `npm run reproduce -- toy --decide --max-runs 4`/);
  assert.deepEqual([none.tables, none.figures], [[], []]);
});

test("each study's source: every claim its code builds is declared, and it reads only the arms declared for it (committed quick runs)", () => {
  for (const id of ["census-mmoe", "census-adatt", "seesaw-census", "seesaw-synthetic", "adatt-ablation"]) {
    const plan = resolveExperiment(getExperiment(id), { profile: "quick" });
    // the claims the quick profile's arms can build (a claim needing a row the profile cuts is left out)
    const source = armsOfProfile(decideSourceOf(id)!, plan.arms.map((a) => a.key));
    const runs = new RunsFile(path.join(projectRoot(), "results", id, "quick")).read();
    assert.deepEqual(source.build([]), [], `${id}: before any run there is no claim to build (and no error)`);
    const built = source.build(runs);
    assert.deepEqual(built.map((c) => c.id).sort(), source.claims.map((c) => c.id).sort(), `${id}: built vs declared claims`);
    for (const c of source.claims) {
      const hashes = new Set(plan.arms.filter((a) => c.arms.includes(a.key)).map((a) => a.configHash));
      const only = source.build(runs.filter((r) => hashes.has(r.configHash))).find((x) => x.id === c.id);
      const full = built.find((x) => x.id === c.id)!;
      const cases = (x: typeof full) => (Array.isArray(x.evidence) ? x.evidence : [{ label: "", evidence: x.evidence }]).map((p) => [p.label, p.evidence.differences]);
      assert.ok(only, `${id}: ${c.id} cannot be built from its declared arms ${c.arms.join(", ")}`);
      assert.deepEqual(cases(only), cases(full), `${id}: ${c.id} reads arms beyond ${c.arms.join(", ")}`);
    }
  }
});

test("a claim whose needed row the profile does not train is left out, not run for ever: census-adatt quick trains no 9-expert ML-MMoE or PLE and no one-hot shift", () => {
  const declared = decideSourceOf("census-adatt")!;
  const keys = (profile: "quick" | "paper") => resolveExperiment(getExperiment("census-adatt"), { profile }).arms.map((a) => a.key);
  assert.deepEqual(armsOfProfile(declared, keys("quick")).claims.map((c) => c.id), ["adatt-table5:6:adatt-best"]);
  assert.deepEqual(armsOfProfile(declared, keys("paper")).claims.map((c) => c.id), declared.claims.map((c) => c.id));
});

test("bad --budget values: one line naming the forms, exit 2, no folder made", () => {
  const out = tmp();
  assert.deepEqual(parseDuration("1h30m"), { ms: 5_400_000, label: "1h30m" });
  assert.equal(decideBudget({ budget: "45m", maxRuns: 40 }).label, "45m-runs-40");
  for (const [args, message] of [
    [["--budget", "45x"], /^error: --budget must be a duration such as 45m, 2h, 1h30m or 90s .*got "45x"$/],
    [["--budget", "0m"], /^error: --budget must be a duration .*got "0m"$/],
    [["--budget", "9999h"], /at most 720h\), got "9999h"$/],
    [["--budget", "-5m"], /^error: --budget must be a duration .*got "-5m"$/],
    [[], /^error: --decide needs a budget: --budget DURATION \(e\.g\. 45m, 2h\), --max-runs N, or both$/],
  ] as const) {
    const r = spawnSync(process.execPath, [path.join(projectRoot(), "lib", "dist", "cli", "reproduce.js"), "census-adatt", "--decide", ...args, "--out", out], { encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], message);
    assert.deepEqual(fs.readdirSync(out), []);
  }
});

test("--decide judges reported runs only: a profile's pilot runs are imported (they fix the new seeds' rate) but never judged", async () => {
  const { decideRuns } = await import("mtl-lab/dist/decide/decide");
  const plan = { arms: [{ configHash: "abc" }] } as unknown as Parameters<typeof decideRuns>[0];
  const pilot = { ...fakeRunRecord(1_000_000), pilot: true } as RunRecord;
  const records = [fakeRunRecord(1), pilot, fakeRunRecord(2), { ...fakeRunRecord(3), configHash: "other" }];
  assert.deepEqual(decideRuns(plan, records).map((r) => r.seed), [1, 2]);
  assert.deepEqual(decideRuns(plan, records, true).map((r) => r.seed), [1, 1_000_000, 2]);
});
