/**
 * Sequential verdicts: the t-mixture e-value against a direct numerical integration of the
 * Bayes factor it stands for, the closed-form confidence sequence against the e-value, Ville's
 * bound under repeated looks, the family's verdict rules, and the two simulation figures the
 * design is judged by (family-wise error under the null; runs against a fixed-n design of the
 * same power with a planted effect).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { projectRoot, Rng } from "mtl-lab";
import { confidenceSequence, criticalT, moments, tMixtureEValue } from "mtl-lab/dist/stats/confidence-sequence";
import { judgeSequentialFamily, type SequentialClaim } from "mtl-lab/dist/stats/sequential-family";
import { simulateSequential, type SimulationDesign } from "mtl-lab/dist/stats/sequential-simulation";
import { BASE_DESIGN, DOC, simulationTable } from "mtl-lab/dist/cli/simulate-sequential";

/** The Bayes factor by brute force: Gaussian likelihood, right-Haar prior 1/σ, δ = μ/σ ~ N(0, g). */
function bayesFactorByQuadrature(xs: number[], g: number): number {
  const logLik = (mu: number, sigma: number) => xs.reduce((a, x) => a - 0.5 * ((x - mu) / sigma) ** 2 - Math.log(sigma), 0);
  let num = 0;
  let den = 0;
  for (let i = 0; i < 1200; i++) {
    const logSigma = -6 + (i + 0.5) * (10 / 1200); // dσ/σ = d log σ: the right-Haar prior
    const sigma = Math.exp(logSigma);
    den += Math.exp(logLik(0, sigma));
    for (let j = 0; j < 1200; j++) {
      const delta = -8 + (j + 0.5) * (16 / 1200);
      num += Math.exp(logLik(delta * sigma, sigma) - (delta * delta) / (2 * g)) / Math.sqrt(2 * Math.PI * g) * (16 / 1200);
    }
  }
  return num / den;
}

test("the closed-form e-value is the Bayes factor it stands for (two-dimensional quadrature)", () => {
  const xs = [0.9, 1.7, 0.2, 1.1, 1.4];
  for (const g of [0.5, 1, 4]) {
    const closed = tMixtureEValue(moments(xs), 0, g);
    const brute = bayesFactorByQuadrature(xs, g);
    assert.ok(Math.abs(closed / brute - 1) < 2e-3, `g = ${g}: closed form ${closed} vs quadrature ${brute}`);
  }
  assert.ok(Math.abs(tMixtureEValue(moments([1, -1, 1, -1]), 0, 1) - 1 / Math.sqrt(5)) < 1e-15, "t = 0: (1 + n·g)^(−1/2)");
});

test("the confidence sequence's ends are where the e-value crosses 1/α", () => {
  const m = moments([0.3, -0.1, 0.8, 0.4, 0.2, 0.6, -0.2, 0.5, 0.1, 0.4]);
  for (const alpha of [0.05, 0.005]) {
    const [lo, hi] = confidenceSequence(m, alpha);
    for (const end of [lo, hi]) assert.ok(Math.abs(tMixtureEValue(m, end) * alpha - 1) < 1e-9, `E at ${end} is ${tMixtureEValue(m, end)}, not ${1 / alpha}`);
    assert.ok(tMixtureEValue(m, (lo + hi) / 2) < 1 / alpha);
  }
  assert.equal(criticalT(2, 0.05), Infinity, "two values cannot exclude anything at 5 %");
  assert.deepEqual(confidenceSequence(moments([1, 2]), 0.05), [-Infinity, Infinity]);
  assert.ok(criticalT(40, 0.05) > 2.02, "wider than the fixed-n t interval (t 0.975, 39 df = 2.02): the price of looking every time");
});

test("looking after every run: under the null the e-value crosses 1/α in at most α of the streams (Ville)", () => {
  const rng = new Rng(7);
  const alpha = 0.1;
  let crossed = 0;
  const streams = 2000;
  for (let s = 0; s < streams; s++) {
    const xs: number[] = [];
    for (let n = 1; n <= 100; n++) {
      xs.push(rng.normal() * 3);
      if (n >= 2 && tMixtureEValue(moments(xs)) >= 1 / alpha) {
        crossed++;
        break;
      }
    }
  }
  const rate = crossed / streams;
  assert.ok(rate <= alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / streams), `crossed in ${rate} of the streams`);
  assert.ok(rate > 0.005, `crossed in ${rate}: a bound this loose would let a broken e-value pass`);
});

const direction = (id: string, parts: number[][], minEffect = 0.1): SequentialClaim => ({
  id,
  rule: { kind: "direction", expect: "positive" },
  minEffect,
  parts: parts.map((differences, i) => ({ label: parts.length > 1 ? `case ${i}` : "", differences })),
});
const around = (centre: number, n: number, spread = 0.05) => Array.from({ length: n }, (_, i) => centre + spread * Math.sin(1 + 2.3 * i));

test("verdicts: every case must support (intersection–union), one case may contradict; equivalence within its margin", () => {
  const [allUp, oneFlat, oneDown, equal, apart] = judgeSequentialFamily([
    direction("all-up", [around(1, 12), around(0.8, 12)]),
    direction("one-flat", [around(1, 12), around(0, 12)]),
    direction("one-down", [around(1, 12), around(-1, 12)]),
    { id: "equal", rule: { kind: "equivalence", margin: 0.5 }, minEffect: 0.5, parts: [{ label: "", differences: around(0, 12) }] },
    { id: "apart", rule: { kind: "equivalence", margin: 0.5 }, minEffect: 0.5, parts: [{ label: "", differences: around(2, 12) }] },
  ]);
  assert.equal(allUp.verdict, "supported");
  assert.equal(oneFlat.verdict, "inconclusive");
  assert.equal(oneDown.verdict, "contradicted");
  assert.equal(equal.verdict, "supported");
  assert.equal(apart.verdict, "contradicted");
  assert.equal(allUp.supportLevel, 0.01, "Bonferroni over the family of five");
  assert.equal(oneDown.contradictionLevel, 0.005, "and over the claim's two cases for contradiction");
});

test("futility: a budget that cannot resolve the minimum effect, an effect shown to be below it, a spent budget", () => {
  const noisy = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1) * 2 + 0.1);
  const [budget] = judgeSequentialFamily([direction("noisy", [noisy], 0.1)], { maxRuns: 20 });
  assert.equal(budget.state, "futile");
  assert.match(budget.why, /^20 runs resolve ±\d/);
  const [small] = judgeSequentialFamily([direction("small", [around(0, 40, 0.01)], 0.5)], { maxRuns: 100 });
  assert.equal(small.state, "futile");
  assert.match(small.why, /below the minimum that matters/);
  const [spent] = judgeSequentialFamily([direction("spent", [around(0.02, 20)], 0.01)], { maxRuns: 20 });
  assert.match(spent.why, /budget of 20 runs per case is spent/);
  const [open] = judgeSequentialFamily([direction("early", [around(0.02, 4)], 0.01)], { maxRuns: 20 });
  assert.equal(open.state, "open", "four runs are too few to call anything futile");
});

// the docs' design, on streams of its own seed
const DESIGN: Omit<SimulationDesign, "trueEffect"> = { ...BASE_DESIGN, seed: 11 };

test("simulation, null: over 2,000 families of 8 dependent claims with a look after every round, the family-wise error stays ≤ α", () => {
  for (const d of [
    { ...DESIGN, trueEffect: 0 },
    { ...DESIGN, rule: { kind: "equivalence", margin: 0.5 } as const, trueEffect: 0.5 },
  ]) {
    const r = simulateSequential(d);
    assert.ok(r.familyWiseErrorRate <= d.alpha + 3 * r.monteCarloSe, `${d.rule.kind}: ${r.familyWiseErrorRate} ± ${r.monteCarloSe}`);
  }
});

test("simulation, planted effect at the registered minimum: the sequential design spends fewer runs than a fixed-n design of the same power", () => {
  const r = simulateSequential({ ...DESIGN, families: 1000, trueEffect: 0.8 });
  assert.ok(r.power > 0.9, `power ${r.power}`);
  assert.ok(r.fixedRunsForSamePower !== null && r.meanRuns < r.fixedRunsForSamePower, `sequential ${r.meanRuns} runs per claim vs fixed ${r.fixedRunsForSamePower}`);
});

test("the simulation table in docs/sequential-verdicts.md is what `npm run simulate-sequential -- --write` computes", () => {
  const doc = fs.readFileSync(path.join(projectRoot(), DOC), "utf8");
  assert.ok(doc.includes(simulationTable()), `${DOC} is stale: run \`npm run simulate-sequential -- --write\``);
});
