/** Claims: evidence, Holm, the three verdicts and what an inconclusive verdict reports. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { registered, registrationHash, registrationStatus, runsForPower, tTestPower, type ClaimsRegistration } from "mtl-lab";
import { bootstrapEvidence, claimsTable, directionClaim, equivalenceClaim, holmAdjust, judgeFamily, oneSampleEvidence, pairedBootstrapEvidence, pairedEvidence, pairedTTest, toMarkdown, verdictSentences, welchEvidence, welchTTest, type Evidence, type Part } from "mtl-lab";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
const claim = (id: string, evidence: Evidence | Part[], expect: "positive" | "negative" = "positive") =>
  directionClaim({ id, source: "test", quote: `the paper says ${id}`, statement: `claim ${id}`, effect: "a − b", finding: "", evidence, expect });

test("Holm's adjustment matches R's p.adjust(method = 'holm')", () => {
  // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
  const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
  [0.03, 0.06, 0.06, 0.02].forEach((v, i) => close(adj[i], v, 1e-12));
  assert.deepEqual(holmAdjust([0.9, 0.8]), [1, 1]); // capped at 1
  assert.deepEqual(holmAdjust([0.02, 0.5, 0.01]), [0.04, 0.5, 0.03]); // monotone: 0.02 · 2 = 0.04 after 0.01 · 3 = 0.03
});

test("paired and Welch evidence give the t-tests' two-sided p-values and t intervals", () => {
  const a = [1.2, 0.9, 1.4, 1.1, 1.0, 1.3];
  const b = [1.0, 0.95, 1.1, 1.0, 0.8, 1.1];
  const d = a.map((x, i) => x - b[i]);
  const pe = pairedEvidence(d);
  close(2 * Math.min(pe.pOneSided(0, "greater"), pe.pOneSided(0, "less")), pairedTTest(a, b).p, 1e-9);
  const we = welchEvidence(a, b);
  close(2 * Math.min(we.pOneSided(0, "greater"), we.pOneSided(0, "less")), welchTTest(a, b).p, 1e-9);
  // scipy: stats.ttest_1samp(d, 0) -> t = 3.3541, CI by t.interval(0.95, 5) around mean 0.1583
  const [lo, hi] = pe.interval(0.05);
  close((lo + hi) / 2, 0.158333333333, 1e-9);
  close(hi - lo, 2 * 2.570581835636 * pe.se, 1e-6);
});

test("a clear effect in the expected direction is supported, in the other contradicted, noise inconclusive", () => {
  const up = pairedEvidence([0.5, 0.6, 0.55, 0.45, 0.52, 0.58]);
  const down = pairedEvidence([-0.5, -0.6, -0.55, -0.45, -0.52, -0.58]);
  const noise = pairedEvidence([0.1, -0.12, 0.05, -0.03, 0.08, -0.07]);
  const [s, c, i] = judgeFamily([claim("up", up), claim("down", down), claim("noise", noise)]);
  assert.equal(s.verdict, "supported");
  assert.equal(c.verdict, "contradicted");
  assert.equal(i.verdict, "inconclusive");
  assert.equal(s.runsToResolve, null);
  assert.ok(i.runsToResolve! > 6, `runs to resolve ${i.runsToResolve}`);
  assert.ok(i.minimumDetectable! > Math.abs(noise.estimate));
  // the same data with the opposite expectation flips support and contradiction
  assert.equal(judgeFamily([claim("up", up, "negative")])[0].verdict, "contradicted");
});

test("Holm makes a family more demanding than one claim alone", () => {
  const borderline = pairedEvidence([0.3, 0.1, 0.25, -0.05, 0.2, 0.15]); // p ≈ 0.03 alone
  assert.equal(judgeFamily([claim("b", borderline)])[0].verdict, "supported");
  const family = [claim("b", borderline), ...[1, 2, 3, 4].map((k) => claim(`n${k}`, pairedEvidence([0.1, -0.1, 0.05, -0.04, 0.02, -0.03])))];
  assert.equal(judgeFamily(family)[0].verdict, "inconclusive");
});

test("equivalence: tight around 0 is supported, far outside the margin contradicted, wide inconclusive", () => {
  const eq = (id: string, d: number[], margin: number) => equivalenceClaim({ id, source: "t", quote: id, statement: id, effect: "d", finding: "", evidence: pairedEvidence(d), margin });
  const [tight, far, wide] = judgeFamily([
    eq("tight", [0.01, -0.01, 0.005, -0.004, 0.002, 0.0], 0.1),
    eq("far", [0.5, 0.6, 0.55, 0.45, 0.52, 0.58], 0.1),
    eq("wide", [0.3, -0.3, 0.2, -0.25, 0.1, -0.2], 0.1),
  ]);
  assert.equal(tight.verdict, "supported");
  assert.equal(far.verdict, "contradicted");
  assert.equal(wide.verdict, "inconclusive");
});

test("bootstrap evidence is seeded, keeps pairing through shared unit indices, and covers the estimate", () => {
  const a = [3, 5, 4, 6, 5, 7, 4, 5];
  const b = a.map((x) => x / 2 + 0.1);
  const stat = (u: readonly number[]) => u.reduce((s, i) => s + a[i] - b[i], 0) / u.length;
  const e1 = bootstrapEvidence({ n: a.length, statistic: stat, seed: 7, minUnits: 8 });
  const e2 = bootstrapEvidence({ n: a.length, statistic: stat, seed: 7, minUnits: 8 });
  assert.deepEqual(e1.interval(0.05), e2.interval(0.05));
  const [lo, hi] = e1.interval(0.05);
  assert.ok(lo < e1.estimate && e1.estimate < hi && lo > 0, `[${lo}, ${hi}] around ${e1.estimate}`);
  assert.ok(e1.pOneSided(0, "greater") < 0.01);
});

test("evidence refuses non-finite values and too few units, naming the problem", () => {
  assert.throws(() => pairedEvidence([1, NaN, 2]), /value 1 is NaN; leave diverged runs out/);
  assert.throws(() => pairedEvidence([1]), /at least 2 pairs/);
  assert.throws(() => judgeFamily([claim("x", pairedEvidence([1, 2])), claim("x", pairedEvidence([1, 2]))]), /share the id "x"/);
});

test("the claims table and sentences carry verdict, adjusted p, CI, the family statement and runs to resolve", () => {
  const judged = judgeFamily([claim("up", pairedEvidence([0.5, 0.6, 0.55, 0.45])), claim("noise", pairedEvidence([0.1, -0.12, 0.05, -0.01]))]);
  const md = toMarkdown(claimsTable(judged, "caption"));
  assert.match(md, /\| supported \|/);
  assert.match(md, /\| inconclusive \|/);
  assert.match(md, /2 claim\(s\) judged as one family \(one family\) at α = 0.05 with Holm's correction: 1 supported, 0 contradicted, 1 inconclusive/);
  assert.match(md, /\| claim \| family \| source \| the paper's words \| tested as \|/);
  assert.match(md, /\| up \| one family \| test \| the paper says up \| claim up \|/);
  assert.match(verdictSentences(judged), /runs would resolve it \(80 % power at the Holm level 0\.0500 it faces; noncentral t/);
});

test("noncentral t power matches R's pwr.t.test, and the runs to resolve are computed at the Holm level the claim faces", () => {
  // pwr.t.test(n = 10, d = 1, sig.level = 0.05, type = "one.sample")$power = 0.8030962
  close(tTestPower(10, 1, 0.05), 0.8030962, 5e-5);
  // pwr.t.test(d = 0.5, power = 0.8, type = "one.sample")$n = 33.36713 → 34 runs
  assert.equal(runsForPower(0.5, 0.05, 0.8), 34);
  // pwr.t.test(n = 3, d = 2, sig.level = 0.05 / 31, type = "one.sample")$power is tiny: the normal approximation would claim far more
  assert.ok(tTestPower(3, 2, 0.05 / 31) < 0.05);
  const noisy = pairedEvidence([0.1, -0.02, 0.05]);
  const family = judgeFamily([claim("clear", pairedEvidence([0.5, 0.6, 0.55])), claim("noisy", noisy), claim("flat", pairedEvidence([0.01, -0.01, 0.0]))]);
  const j = family[1];
  assert.equal(j.verdict, "inconclusive");
  const ranked = [...family].sort((a, b) => a.p - b.p).findIndex((x) => x.id === "noisy");
  close(j.holmLevel, 0.05 / (3 - ranked), 1e-15);
  const d = Math.abs(noisy.estimate) / (noisy.se * Math.sqrt(noisy.n));
  assert.equal(j.runsToResolve, runsForPower(d, j.holmLevel, 0.8, { from: 4 }));
  // the normal approximation's count is smaller: the noncentral t does not flatter small n
  const z = 1.959964 + 0.841621;
  assert.ok(j.runsToResolve! >= Math.ceil((z / d) ** 2), `${j.runsToResolve} vs normal ${Math.ceil((z / d) ** 2)}`);
});

test("a declaration registered before the runs shows no label; changed after them, every verdict says so", () => {
  const decl: ClaimsRegistration = { study: "s", families: { paper: { label: "the paper's sentences", reason: "r" } }, claims: { up: { family: "paper", source: "P §1", quote: "up it goes", margin: { value: 0.1, reason: "r" }, reason: "r" } } };
  const recorded = registrationHash(decl);
  assert.equal(registrationStatus(decl, [recorded]), "registered before the runs");
  assert.equal(registrationStatus(decl, [null]), "registered after the runs");
  const changed: ClaimsRegistration = { ...decl, claims: { up: { ...decl.claims.up, margin: { value: 0.2, reason: "r" } } } };
  assert.equal(registrationStatus(changed, [recorded]), "registered after the runs");
  const judged = judgeFamily([claim("up", pairedEvidence([0.5, 0.6, 0.55, 0.45]))], { registration: registrationStatus(changed, [recorded]), family: "the paper's sentences" });
  const md = toMarkdown(claimsTable(judged, "c"));
  assert.match(md, /\| supported \(registered after the runs\) \|/);
  assert.match(md, /every verdict is registered after the runs/);
  assert.match(verdictSentences(judged), /\*\*Supported \(registered after the runs\)\*\* `up`/);
  assert.throws(() => registered(decl, "down"), /s: claim "down" is not registered in its paper.ts declaration/);
  const before = judgeFamily([claim("up", pairedEvidence([0.5, 0.6, 0.55, 0.45]))], { registration: registrationStatus(decl, [recorded]) });
  assert.doesNotMatch(toMarkdown(claimsTable(before, "c")), /registered after/);
});

test("a claim about several cases: supported only if every case is, contradicted if any case is", () => {
  const up = (label: string, shift = 0) => ({ label, evidence: pairedEvidence([0.5, 0.6, 0.55, 0.45, 0.52, 0.58].map((x) => x + shift)) });
  const noisy = { label: "noisy", evidence: pairedEvidence([0.1, -0.12, 0.05, -0.03, 0.08, -0.07]) };
  const down = { label: "down", evidence: pairedEvidence([-0.5, -0.6, -0.55, -0.45, -0.52, -0.58]) };
  const [all, oneNoisy, oneDown] = judgeFamily([claim("all", [up("a"), up("b", 0.1)]), claim("one-noisy", [up("a"), noisy]), claim("one-down", [up("a"), down])]);
  assert.equal(all.verdict, "supported");
  assert.equal(all.parts.length, 2);
  assert.equal(all.decisive, "a"); // the weakest case decides support
  assert.equal(oneNoisy.verdict, "inconclusive");
  assert.equal(oneNoisy.decisive, "noisy");
  assert.equal(oneNoisy.evidence.estimate, noisy.evidence.estimate);
  assert.ok(oneNoisy.runsToResolve! > 6);
  assert.equal(oneDown.verdict, "contradicted");
  assert.equal(oneDown.decisive, "down");
  // the contradiction is Bonferroni-corrected over the cases: its p is twice the case's own
  const alone = judgeFamily([claim("down", down.evidence)])[0];
  close(oneDown.p, Math.min(1, 2 * alone.p), 1e-12);
  // a single case behaves as the claim with that evidence alone
  const single = judgeFamily([claim("s", [up("only")])])[0];
  close(single.p, judgeFamily([claim("s", up("only").evidence)])[0].p, 1e-15);
  assert.throws(() => judgeFamily([claim("empty", [])]), /claim empty: no evidence/);
  const md = toMarkdown(claimsTable([all, oneNoisy, oneDown], "c"));
  assert.match(md, /> 0 in each of 2 cases/);
  assert.match(md, /noisy: /);
  assert.match(md, /intersection–union/);
});

test("one-sample t from values or from their summary; Welch from summaries equals Welch from values", () => {
  const xs = [0.2, 0.5, 0.1, 0.4, 0.3, 0.6];
  const fromValues = oneSampleEvidence(xs);
  const fromSummary = oneSampleEvidence({ mean: 0.35, sd: Math.sqrt(0.035), n: 6 });
  close(fromValues.estimate, 0.35, 1e-12);
  close(fromValues.pOneSided(0.2, "greater"), fromSummary.pOneSided(0.2, "greater"), 1e-9);
  close(fromValues.pOneSided(0, "greater"), pairedEvidence(xs).pOneSided(0, "greater"), 1e-15);
  assert.match(fromValues.test, /^one-sample t, n = 6$/);
  const a = [1.2, 0.9, 1.4, 1.1];
  const b = [1.0, 0.95, 1.1, 1.0, 0.8];
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const sd = (v: number[]) => Math.sqrt(v.reduce((x, y) => x + (y - mean(v)) ** 2, 0) / (v.length - 1));
  const w = welchEvidence({ mean: mean(a), sd: sd(a), n: 4 }, { mean: mean(b), sd: sd(b), n: 5 });
  close(w.pOneSided(0, "greater"), welchEvidence(a, b).pOneSided(0, "greater"), 1e-12);
  assert.throws(() => oneSampleEvidence({ mean: 1, sd: 0.1, n: 1 }), /n ≥ 2/);
});

test("paired bootstrap resamples the same units in every sample", () => {
  const a = [3, 9, 1, 7, 4, 8, 2, 6, 5, 10];
  const b = a.map((x) => x + 1); // perfectly paired: b − a is 1 in every unit
  const meanDiff = ([x, y]: number[][]) => y.reduce((s, v, i) => s + v - x[i], 0) / x.length;
  const e = pairedBootstrapEvidence({ samples: [a, b], statistic: meanDiff, seed: 3 });
  assert.deepEqual(e.interval(0.05), [1, 1]); // unpaired resampling would spread it over ±3
  assert.match(e.test, /^paired bootstrap over 10 seeds, \d+ resamples$/);
  // a spread ratio: b2 is a scaled by 2, so log(sd(b2) / sd(a)) = log 2 in every resample with spread
  const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - v.reduce((p, q) => p + q, 0) / v.length) ** 2, 0) / (v.length - 1));
  const r = pairedBootstrapEvidence({ samples: [a, a.map((x) => 2 * x)], statistic: ([x, y]) => Math.log(sd(y) / sd(x)), seed: 4 });
  close(r.estimate, Math.log(2), 1e-12);
  assert.ok(r.pOneSided(0, "greater") < 0.001);
  assert.throws(() => pairedBootstrapEvidence({ samples: [a, [1, 2]], statistic: meanDiff, seed: 1 }), /sample 1 has 2 units, sample 0 has 10/);
});

test("a bootstrap over too few units keeps its estimate but decides nothing", () => {
  const few = [1, 2, 3, 4, 5];
  const e = bootstrapEvidence({ n: 5, statistic: (u) => u.reduce((s, i) => s + few[i], 0) / u.length, seed: 1 });
  assert.equal(e.estimate, 3);
  assert.equal(e.pOneSided(0, "greater"), 1);
  assert.deepEqual(e.interval(0.05), [-Infinity, Infinity]);
  assert.match(e.test, /too few to decide \(needs 10\)/);
  assert.equal(judgeFamily([claim("few", e)])[0].verdict, "inconclusive");
  const enough = bootstrapEvidence({ n: 5, statistic: (u) => u.reduce((s, i) => s + few[i], 0) / u.length, seed: 1, minUnits: 5 });
  assert.ok(enough.pOneSided(0, "greater") < 0.01);
});

// ---------------------------------------------------------------------------------------------
// one verdict per claim across the committed artefacts

const VERDICT = /\b(supported|contradicted|inconclusive)\b/i;

/** (claim id, verdict, where) from a Markdown text: claims-table rows (claim … verdict columns) and verdict lines naming one `id` and one **verdict**. */
function verdictsIn(text: string, where: string): { id: string; verdict: string; where: string }[] {
  const out: { id: string; verdict: string; where: string }[] = [];
  let header: string[] | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("| ")) {
      const cells = line.split("|").slice(1, -1).map((c) => c.trim());
      if (cells[0] === "claim" && cells.includes("verdict")) header = cells;
      else if (header && !/^-+:?$/.test(cells[0])) {
        const v = VERDICT.exec(cells[header.indexOf("verdict")] ?? "");
        if (v) out.push({ id: cells[0], verdict: v[1].toLowerCase(), where });
      }
      continue;
    }
    header = null;
    const ids = [...line.matchAll(/`([a-z0-9][\w.:/-]*)`/gi)].map((m) => m[1]).filter((x) => /[.:/]/.test(x));
    const bold = [...line.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => VERDICT.exec(m[1])?.[1]).filter((x): x is string => !!x);
    if (ids.length === 1 && bold.length === 1) out.push({ id: ids[0], verdict: bold[0].toLowerCase(), where });
  }
  return out;
}

/** Every Markdown text of the results' tables and the notebooks' outputs and cells. */
function artefactTexts(root: string): { text: string; where: string }[] {
  const texts: { text: string; where: string }[] = [];
  const results = path.join(root, "results");
  for (const exp of fs.existsSync(results) ? fs.readdirSync(results) : []) {
    for (const profile of fs.readdirSync(path.join(results, exp)).filter((p) => fs.existsSync(path.join(results, exp, p, "tables")))) {
      const dir = path.join(results, exp, profile, "tables");
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".md"))) texts.push({ text: fs.readFileSync(path.join(dir, f), "utf8"), where: path.join(exp, profile, "tables", f) });
    }
  }
  const notebooks = path.join(root, "notebooks");
  for (const f of fs.existsSync(notebooks) ? fs.readdirSync(notebooks).filter((x) => x.endsWith(".ipynb")) : []) {
    const nb = JSON.parse(fs.readFileSync(path.join(notebooks, f), "utf8")) as { cells: { outputs?: { data?: Record<string, string | string[]>; text?: string | string[] }[] }[] };
    nb.cells.forEach((c, i) =>
      (c.outputs ?? []).forEach((o) => {
        for (const t of [o.data?.["text/markdown"], o.text]) if (t) texts.push({ text: Array.isArray(t) ? t.join("") : t, where: `${f} cell ${i}` });
      }),
    );
  }
  return texts;
}

/** Claim ids given more than one verdict, with where each was read. */
function conflictingVerdicts(root: string): string[] {
  const seen = new Map<string, { verdict: string; where: string }[]>();
  for (const { text, where } of artefactTexts(root)) for (const v of verdictsIn(text, where)) seen.set(v.id, [...(seen.get(v.id) ?? []), v]);
  return [...seen].filter(([, vs]) => new Set(vs.map((v) => v.verdict)).size > 1).map(([id, vs]) => `${id}: ${vs.map((v) => `${v.verdict} in ${v.where}`).join("; ")}`);
}

test("each claim id has one verdict across the committed results tables and notebooks", () => {
  // MTL_ARTEFACTS_ROOT: check another tree (e.g. reports regenerated into a temporary root) the same way
  assert.deepEqual(conflictingVerdicts(process.env.MTL_ARTEFACTS_ROOT ?? path.join(__dirname, "..", "..")), []);
});

test("the artefact walk reads ids and verdicts from claims tables and verdict lines, and reports a claim given two verdicts", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-verdicts-"));
  const judged = judgeFamily([claim("g.up", pairedEvidence([0.5, 0.6, 0.55, 0.45])), claim("g.noise", pairedEvidence([0.1, -0.12, 0.05, -0.01]))]);
  const tables = path.join(root, "results", "exp", "quick", "tables");
  fs.mkdirSync(tables, { recursive: true });
  fs.writeFileSync(path.join(tables, "claims.md"), toMarkdown(claimsTable(judged, "c")));
  assert.deepEqual(verdictsIn(toMarkdown(claimsTable(judged, "c")), "t").map((v) => [v.id, v.verdict]), [["g.up", "supported"], ["g.noise", "inconclusive"]]);
  assert.deepEqual(verdictsIn(verdictSentences(judged), "s").map((v) => [v.id, v.verdict]), [["g.up", "supported"], ["g.noise", "inconclusive"]]);
  fs.mkdirSync(path.join(root, "notebooks"));
  const nb = (md: string) => JSON.stringify({ cells: [{ outputs: [{ data: { "text/markdown": md } }] }] });
  fs.writeFileSync(path.join(root, "notebooks", "01.ipynb"), nb(verdictSentences(judged)));
  assert.deepEqual(conflictingVerdicts(root), [], "the same verdicts in the table and the notebook");
  fs.writeFileSync(path.join(root, "notebooks", "02.ipynb"), nb("- **Contradicted** `g.noise` (test: “x”): …"));
  assert.deepEqual(conflictingVerdicts(root), ["g.noise: inconclusive in exp/quick/tables/claims.md; inconclusive in 01.ipynb cell 0; contradicted in 02.ipynb cell 0"]);
  fs.rmSync(root, { recursive: true, force: true });
});
