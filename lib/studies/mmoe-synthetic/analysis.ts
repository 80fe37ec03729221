/**
 * Analyses of the MMoE synthetic experiments (synthetic-correlation, trainability): the loss of
 * every run, the tables of final losses and their spread, and the paper's qualitative claims
 * (lib/papers.ts) checked against our numbers, each with a sentence whose numbers are computed.
 *
 * The loss of a run is the training objective, MSE(y1) + MSE(y2), on held-out data: the final
 * loss is the test loss of the run's checkpoint, a curve is the validation loss over steps.
 * Pure functions over run records, except the two loaders at the end (they run what is missing).
 */
import type { LabelPearsonPoint, LabelPearsonStudy } from "./data";
export type { LabelPearsonPoint, LabelPearsonStudy } from "./data";
import type { ExperimentResult } from "../../engine/experiment";
import type { RunRecord } from "../../engine/run-record";
import { pairedTTest, summarize, welchTTest, type Summary } from "../../engine/stats";
import type { PaperClaim } from "../../papers";
import { MMOE_SYNTHETIC_CLAIMS, MMOE_SYNTHETIC_SETUP } from "./paper";
import { tableFromRows, type Table } from "../../tables";

/** Display names, one place (STYLE §3.10). */
export const MMOE_SYNTHETIC_LABELS: Record<string, string> = {
  "shared-bottom": "Shared-Bottom (113)",
  omoe: "OMoE",
  mmoe: "MMoE",
  "shared-bottom-16": "Shared-Bottom (16)",
};
export const modelLabel = (model: string) => MMOE_SYNTHETIC_LABELS[model] ?? model;

/** The models of MMoE Figs. 4–5, in the order the paper lists them. */
export const FIG4_MODELS = ["shared-bottom", "omoe", "mmoe"] as const;
export const FIG3_MODEL = "shared-bottom-16";

const TASKS = ["y1", "y2"] as const;

/** The task correlation p a run was trained at (its condition). */
export function correlationOf(run: RunRecord): number {
  const p = (run.config.condition as { p?: unknown } | undefined)?.p;
  if (typeof p !== "number") throw new TypeError(`run ${run.arm}#${run.seed} has no numeric condition.p; it is not a run of an MMoE synthetic experiment`);
  return p;
}

/** Test MSE(y1) + MSE(y2) of the run's checkpoint; null for a diverged run. */
export function finalLoss(run: RunRecord): number | null {
  if (run.status !== "ok" || !run.metrics) return null;
  const parts = TASKS.map((t) => run.metrics!.test[t]?.mse);
  return parts.every((x) => typeof x === "number" && Number.isFinite(x)) ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
}

/** Validation MSE(y1) + MSE(y2) at each recorded step (null where the run had stopped). */
export function lossCurve(run: RunRecord): { steps: number[]; loss: (number | null)[] } {
  const v = run.curves.validation;
  const loss = run.curves.steps.map((_, i) => {
    const parts = TASKS.map((t) => v[t]?.[i]);
    return parts.every((x) => typeof x === "number") ? (parts as number[]).reduce((a, b) => a + b, 0) : null;
  });
  return { steps: [...run.curves.steps], loss };
}

/** model → p → seed → final loss (diverged runs left out; `divergedRuns` counts them). */
export type FinalLosses = Map<string, Map<number, Map<number, number>>>;

export function finalLossesOf(runs: readonly RunRecord[]): FinalLosses {
  const out: FinalLosses = new Map();
  for (const run of runs) {
    const loss = finalLoss(run);
    if (loss === null) continue;
    const byP = out.get(run.model) ?? new Map<number, Map<number, number>>();
    out.set(run.model, byP);
    const bySeed = byP.get(correlationOf(run)) ?? new Map<number, number>();
    byP.set(correlationOf(run), bySeed);
    bySeed.set(run.seed, loss);
  }
  return out;
}

export const divergedRuns = (runs: readonly RunRecord[]) => runs.filter((r) => finalLoss(r) === null).length;

function lossesAt(losses: FinalLosses, model: string, p: number): Map<number, number> {
  return losses.get(model)?.get(p) ?? new Map();
}

/** Quantile with linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(values: readonly number[], q: number): number | null {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const h = (xs.length - 1) * q;
  const lo = Math.floor(h);
  return xs[lo] + (h - lo) * ((xs[Math.min(lo + 1, xs.length - 1)] ?? xs[lo]) - xs[lo]);
}

export interface Spread extends Summary {
  q25: number | null;
  q75: number | null;
  iqr: number | null;
}

export function spreadOf(values: readonly number[]): Spread {
  const s = summarize(values);
  const q25 = quantile(values, 0.25);
  const q75 = quantile(values, 0.75);
  return { ...s, q25, q75, iqr: q25 === null || q75 === null ? null : q75 - q25 };
}

/** Mean of a − b over the seeds both hold, with its paired t-test (null with < 2 pairs). */
export function pairedDifference(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): { mean: number | null; ci95: [number, number] | null; p: number | null; n: number } {
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  const d = seeds.map((s) => a.get(s)! - b.get(s)!);
  const s = summarize(d);
  if (seeds.length < 2) return { mean: s.mean, ci95: null, p: null, n: seeds.length };
  const t = pairedTTest(seeds.map((x) => a.get(x)!), seeds.map((x) => b.get(x)!));
  return { mean: s.mean, ci95: s.ci95, p: t.p, n: seeds.length };
}

/**
 * Brown–Forsythe test of equal spread for two groups: Welch's t-test on the absolute deviations
 * from each group's median (robust to the skewed loss distributions; null with < 2 values).
 */
export function spreadTestP(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const dev = (xs: readonly number[]) => {
    const m = quantile(xs, 0.5)!;
    return xs.map((x) => Math.abs(x - m));
  };
  const t = welchTTest(dev(a), dev(b));
  return Number.isFinite(t.p) ? t.p : null;
}

// ---------------------------------------------------------------------------------------------
// formatting

const fmt = (x: number | null | undefined, digits = 4): string => (x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits));
const fmtP = (p: number | null) => (p === null ? "n/a" : p < 0.001 ? "< 0.001" : p.toFixed(3));
const pLabel = (p: number) => `p = ${p.toFixed(1)}`;

// ---------------------------------------------------------------------------------------------
// claims

export interface ClaimCheck {
  claim: PaperClaim;
  /** true / false from the point estimates; null when the data cannot decide (missing arms). */
  holds: boolean | null;
  /** What we find, with the computed numbers. */
  finding: string;
}

const verdictWord = (c: ClaimCheck) => (c.holds === null ? "undecided" : c.holds ? "holds" : "does not hold");

/** The table the notebooks show: the paper's statement beside ours. */
export function claimsTable(checks: readonly ClaimCheck[], caption: string, notes: string[] = []): Table {
  return tableFromRows(
    checks.map((c) => ({ source: c.claim.source, "the paper says": c.claim.statement, "we find": c.finding, verdict: verdictWord(c) })),
    { caption, notes },
  );
}

/** One sentence per check, for the verdict cell. */
export function verdictSentences(checks: readonly ClaimCheck[]): string {
  const held = checks.filter((c) => c.holds === true).length;
  const lines = checks.map((c) => `- **${c.claim.source}** — ${verdictWord(c)}: ${c.finding}`);
  return [`${held} of ${checks.length} claims hold on these results.`, ...lines].join("\n");
}

const undecided = (claim: PaperClaim, why: string): ClaimCheck => ({ claim, holds: null, finding: why });

/** MMoE Fig. 2: the linear curve equals p (up to the noise), the non-linear one rises with p. */
export function labelPearsonClaims(study: LabelPearsonStudy): ClaimCheck[] {
  // the label noise ε (variance σ²) attenuates the linear correlation to p·c²/(c² + σ²)
  const attenuation = (study.c * study.c) / (study.c * study.c + study.noiseStd * study.noiseStd);
  const dev = study.linear.map((pt) => Math.abs(pt.mean - pt.p));
  const worst = study.linear[dev.indexOf(Math.max(...dev))];
  const within = study.linear.every((pt) => Math.abs(pt.mean - attenuation * pt.p) <= 2 * pt.std + 1e-12);
  const rising = study.nonlinear.every((pt, i) => i === 0 || pt.mean > study.nonlinear[i - 1].mean);
  const nonDev = study.nonlinear.map((pt) => Math.abs(pt.mean - pt.p));
  const far = study.nonlinear[nonDev.indexOf(Math.max(...nonDev))];
  const at = (pts: LabelPearsonPoint[], p: number) => pts.find((pt) => Math.abs(pt.p - p) < 1e-9);
  return [
    {
      claim: MMOE_SYNTHETIC_CLAIMS.fig2Linear,
      holds: within,
      finding: `largest |mean − p| is ${fmt(Math.abs(worst.mean - worst.p))} (at p = ${worst.p}); the label noise (σ² = ${fmt(study.noiseStd ** 2, 2)}) scales the correlation by c²/(c² + σ²) = ${fmt(attenuation)}, and every point lies within 2 std of ${fmt(attenuation, 3)}·p: ${within ? "yes" : "no"}.`,
    },
    {
      claim: MMOE_SYNTHETIC_CLAIMS.fig2Nonlinear,
      holds: rising,
      finding: `the mean label correlation ${rising ? "rises strictly" : "does not rise strictly"} over the ${study.nonlinear.length} grid points; it reaches ${fmt(at(study.nonlinear, 1)?.mean ?? null, 3)} at p = 1 and ${fmt(at(study.nonlinear, -1)?.mean ?? null, 3)} at p = −1, and differs from p by up to ${fmt(Math.abs(far.mean - far.p), 3)} (at p = ${far.p}).`,
    },
  ];
}

const meanAt = (losses: FinalLosses, model: string, p: number) => summarize([...lossesAt(losses, model, p).values()]).mean;

/** Whether the mean final loss rises as p falls (monotone over the given correlations). */
function risesAsPFalls(losses: FinalLosses, model: string, ps: readonly number[]): { ok: boolean; means: (number | null)[] } {
  const sorted = [...ps].sort((a, b) => b - a); // 1.0, 0.9, 0.5
  const means = sorted.map((p) => meanAt(losses, model, p));
  const ok = means.every((m, i) => m !== null && (i === 0 || m > (means[i - 1] as number)));
  return { ok, means };
}

function meansText(model: string, ps: readonly number[], means: (number | null)[]): string {
  const sorted = [...ps].sort((a, b) => b - a);
  return `${modelLabel(model)} ${sorted.map((p, i) => `${fmt(means[i])} (p = ${p})`).join(" → ")}`;
}

/** MMoE Fig. 3: Shared-Bottom (16) loses more as p falls. */
export function sharedBottomClaims(losses: FinalLosses, ps: readonly number[]): ClaimCheck[] {
  if (!losses.has(FIG3_MODEL)) return [undecided(MMOE_SYNTHETIC_CLAIMS.fig3, `no runs of ${FIG3_MODEL}`)];
  const { ok, means } = risesAsPFalls(losses, FIG3_MODEL, ps);
  const hi = Math.max(...ps);
  const lo = Math.min(...ps);
  const d = pairedDifference(lossesAt(losses, FIG3_MODEL, lo), lossesAt(losses, FIG3_MODEL, hi));
  return [
    {
      claim: MMOE_SYNTHETIC_CLAIMS.fig3,
      holds: ok,
      finding: `mean final loss ${meansText(FIG3_MODEL, ps, means)}; the loss at p = ${lo} minus that at p = ${hi} is ${fmt(d.mean)} (paired over ${d.n} seeds, 95 % CI [${fmt(d.ci95?.[0])}, ${fmt(d.ci95?.[1])}], p = ${fmtP(d.p)}).`,
    },
  ];
}

/** MMoE Fig. 4: the four statements of §5.1 against the final losses. */
export function correlationClaims(losses: FinalLosses, ps: readonly number[]): ClaimCheck[] {
  const missing = FIG4_MODELS.filter((m) => !losses.has(m));
  const C = MMOE_SYNTHETIC_CLAIMS;
  if (missing.length) return [C.fig4Ordering, C.fig4MmoeStable, C.fig4OmoeDegrades, C.fig4MoeBeatsSharedBottom].map((c) => undecided(c, `no runs of ${missing.join(", ")}`));
  const hi = Math.max(...ps);
  const lo = Math.min(...ps);

  const ordering = FIG4_MODELS.map((m) => ({ m, ...risesAsPFalls(losses, m, ps) }));
  const orderingCheck: ClaimCheck = {
    claim: C.fig4Ordering,
    holds: ordering.every((o) => o.ok),
    finding: `${ordering.filter((o) => o.ok).length} of ${ordering.length} models lose more at every lower p: ${ordering.map((o) => meansText(o.m, ps, o.means)).join("; ")}.`,
  };

  // change of the loss from p = hi to p = lo, paired by seed (same x, u1, u2, α, β at every p)
  const change = Object.fromEntries(FIG4_MODELS.map((m) => [m, pairedDifference(lossesAt(losses, m, lo), lossesAt(losses, m, hi))]));
  const dm = change.mmoe.mean;
  const stable = dm !== null && FIG4_MODELS.every((m) => m === "mmoe" || (change[m].mean !== null && dm < change[m].mean!));
  const stableCheck: ClaimCheck = {
    claim: C.fig4MmoeStable,
    holds: stable,
    finding: `loss at p = ${lo} minus loss at p = ${hi} (paired by seed): ${FIG4_MODELS.map((m) => `${modelLabel(m)} ${fmt(change[m].mean)} [${fmt(change[m].ci95?.[0])}, ${fmt(change[m].ci95?.[1])}]`).join(", ")}; MMoE's change is ${stable ? "the smallest" : "not the smallest"}.`,
  };

  const gapAt = (p: number) => pairedDifference(lossesAt(losses, "omoe", p), lossesAt(losses, "mmoe", p));
  const gHi = gapAt(hi);
  const gLo = gapAt(lo);
  const omoeUp = change.omoe;
  const degrades = gHi.mean !== null && gLo.mean !== null && omoeUp.mean !== null && omoeUp.mean > 0 && gLo.mean > gHi.mean;
  const degradesCheck: ClaimCheck = {
    claim: C.fig4OmoeDegrades,
    holds: degrades,
    finding: `OMoE − MMoE is ${fmt(gHi.mean)} at p = ${hi} (paired p = ${fmtP(gHi.p)}) and ${fmt(gLo.mean)} at p = ${lo} (paired p = ${fmtP(gLo.p)}); OMoE's own loss changes by ${fmt(omoeUp.mean)} from p = ${hi} to ${lo} (paired p = ${fmtP(omoeUp.p)}).`,
  };

  const duels = ps.flatMap((p) => (["omoe", "mmoe"] as const).map((m) => ({ p, m, d: pairedDifference(lossesAt(losses, m, p), lossesAt(losses, "shared-bottom", p)) })));
  const wins = duels.filter((x) => x.d.mean !== null && x.d.mean < 0);
  const beatsCheck: ClaimCheck = {
    claim: C.fig4MoeBeatsSharedBottom,
    holds: wins.length === duels.length,
    finding: `a MoE model has the lower mean loss in ${wins.length} of ${duels.length} (model, p) pairs; MoE − Shared-Bottom: ${duels.map((x) => `${modelLabel(x.m)} ${fmt(x.d.mean)} at ${pLabel(x.p)} (p = ${fmtP(x.d.p)})`).join(", ")}.`,
  };
  return [orderingCheck, stableCheck, degradesCheck, beatsCheck];
}

/** MMoE Fig. 5: spread of the final loss over runs (std, IQR, minimum) against the three observations of §5.2. */
export function trainabilityClaims(losses: FinalLosses, ps: readonly number[]): ClaimCheck[] {
  const C = MMOE_SYNTHETIC_CLAIMS;
  const missing = FIG4_MODELS.filter((m) => !losses.has(m));
  if (missing.length) return [C.fig5Spread, C.fig5OmoeRobustness, C.fig5LowestComparable].map((c) => undecided(c, `no runs of ${missing.join(", ")}`));
  const values = (m: string, p: number) => [...lossesAt(losses, m, p).values()];
  const sp = (m: string, p: number) => spreadOf(values(m, p));

  const spreadRows = ps.flatMap((p) => (["omoe", "mmoe"] as const).map((m) => {
    const sb = sp("shared-bottom", p);
    const moe = sp(m, p);
    return { p, m, stdRatio: sb.std !== null && moe.std ? sb.std / moe.std : null, iqrRatio: sb.iqr !== null && moe.iqr ? sb.iqr / moe.iqr : null, test: spreadTestP(values("shared-bottom", p), values(m, p)) };
  }));
  const wider = spreadRows.filter((r) => r.stdRatio !== null && r.stdRatio > 1 && r.iqrRatio !== null && r.iqrRatio > 1);
  const spreadCheck: ClaimCheck = {
    claim: C.fig5Spread,
    holds: wider.length === spreadRows.length,
    finding: `Shared-Bottom's std and IQR are both larger in ${wider.length} of ${spreadRows.length} (MoE model, p) pairs; std ratio SB / MoE: ${spreadRows.map((r) => `${fmt(r.stdRatio, 2)} vs ${modelLabel(r.m)} at ${pLabel(r.p)} (Brown–Forsythe p = ${fmtP(r.test)})`).join(", ")}.`,
  };

  const hi = Math.max(...ps);
  const lo = Math.min(...ps);
  const ratio = (p: number) => {
    const o = sp("omoe", p).std;
    const m = sp("mmoe", p).std;
    return o !== null && m ? o / m : null;
  };
  const rHi = ratio(hi);
  const rLo = ratio(lo);
  const robustCheck: ClaimCheck = {
    claim: C.fig5OmoeRobustness,
    holds: rHi !== null && rLo !== null ? rLo > rHi && rLo > 1 : null,
    finding: `std of OMoE / std of MMoE is ${fmt(rHi, 2)} at p = ${hi} and ${fmt(rLo, 2)} at p = ${lo} (Brown–Forsythe p at ${lo}: ${fmtP(spreadTestP(values("omoe", lo), values("mmoe", lo)))}); OMoE std ${fmt(sp("omoe", hi).std)} → ${fmt(sp("omoe", lo).std)}, MMoE std ${fmt(sp("mmoe", hi).std)} → ${fmt(sp("mmoe", lo).std)}.`,
  };

  // "comparable": the minima differ less than the means do (Shared-Bottom can reach the MoE models; on average it does not)
  const lowest = ps.map((p) => {
    const mins = FIG4_MODELS.map((m) => sp(m, p).min!);
    const means = FIG4_MODELS.map((m) => sp(m, p).mean!);
    return { p, mins, minRange: Math.max(...mins) - Math.min(...mins), meanRange: Math.max(...means) - Math.min(...means) };
  });
  const comparable = lowest.filter((l) => l.minRange < l.meanRange);
  const lowestCheck: ClaimCheck = {
    claim: C.fig5LowestComparable,
    holds: comparable.length === lowest.length,
    finding: `the three minima differ less than the three means in ${comparable.length} of ${lowest.length} settings: ${lowest.map((l) => `${pLabel(l.p)}: minima ${l.mins.map((x) => fmt(x)).join(" / ")} (range ${fmt(l.minRange)}, range of means ${fmt(l.meanRange)})`).join("; ")} (order ${FIG4_MODELS.map(modelLabel).join(" / ")}).`,
  };
  return [spreadCheck, robustCheck, lowestCheck];
}

/** The claims our numbers contradict, as a short list (or a sentence saying there are none). */
export function disagreementSummary(checks: readonly ClaimCheck[]): string {
  const against = checks.filter((c) => c.holds === false);
  const open = checks.filter((c) => c.holds === null);
  const head = against.length === 0 ? `Our numbers agree with all ${checks.length - open.length} decided claims.` : `Our numbers disagree with the paper on ${against.length} of ${checks.length} claims:`;
  return [head, ...against.map((c) => `- ${c.claim.source}: "${c.claim.statement}" — ${c.finding}`), ...(open.length ? [`${open.length} claim(s) undecided: ${open.map((c) => c.claim.id).join(", ")}.`] : [])].join("\n");
}

// ---------------------------------------------------------------------------------------------
// tables

function learningRatesChosen(runs: readonly RunRecord[]): string {
  const counts = new Map<number, number>();
  for (const r of runs) if (r.learningRate !== null) counts.set(r.learningRate, (counts.get(r.learningRate) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([lr, n]) => `${lr}: ${n}`).join(", ") || "–";
}

/**
 * The learning rate a per-model choice would make (MMoE §5.1): the rate with the lowest mean
 * best-validation MSE(y1) over the runs, from every run's trials; next to the per-run choices
 * the engine made.
 */
export function perModelLearningRate(runs: readonly RunRecord[]): number | null {
  const byLr = new Map<number, number[]>();
  for (const r of runs) for (const t of r.learningRateTrials) if (t.status === "ok" && t.selectionValue !== null) byLr.set(t.learningRate, [...(byLr.get(t.learningRate) ?? []), t.selectionValue]);
  let best: number | null = null;
  let bestMean = Infinity;
  for (const [lr, xs] of byLr) {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    if (xs.length === runs.length && m < bestMean) [best, bestMean] = [lr, m];
  }
  return best;
}

function armsOf(runs: readonly RunRecord[]): { model: string; p: number; runs: RunRecord[] }[] {
  const keys = [...new Set(runs.map((r) => `${r.model}\u0000${correlationOf(r)}`))];
  return keys.map((k) => {
    const [model, p] = k.split("\u0000");
    return { model, p: Number(p), runs: runs.filter((r) => r.model === model && correlationOf(r) === Number(p)) };
  }).sort((a, b) => Object.keys(MMOE_SYNTHETIC_LABELS).indexOf(a.model) - Object.keys(MMOE_SYNTHETIC_LABELS).indexOf(b.model) || b.p - a.p);
}

/** Learning rates per model and p: how many runs chose each rate, and what a per-model choice picks. */
export function learningRateTable(result: Pick<ExperimentResult, "runs" | "summary">): Table {
  const rows = armsOf(result.runs).map(({ model, p, runs }) => ({
    model: modelLabel(model),
    p: String(p),
    grid: `{${result.summary.profileStatement.train.learningRates.join(", ")}}`,
    "chosen per run (runs)": learningRatesChosen(runs),
    "per-model choice": perModelLearningRate(runs),
  }));
  return tableFromRows(rows, {
    caption: `Learning rates chosen on validation MSE(y1) — ${result.summary.experiment}, profile ${result.summary.profile}`,
    notes: [`Paper: ${MMOE_SYNTHETIC_SETUP.fig4.source}, ${MMOE_SYNTHETIC_SETUP.fig4.optimizer} with the rate grid-searched from {${MMOE_SYNTHETIC_SETUP.fig4.learningRates.join(", ")}}.`],
  });
}

/** Final loss per model and p: mean ± std (n), 95 % CI, median, min, max, learning rates chosen. */
export function correlationFinalLossTable(result: Pick<ExperimentResult, "runs" | "summary">): Table {
  const rows = armsOf(result.runs).map(({ model, p, runs }) => {
    const s = summarize(runs.map(finalLoss).filter((x): x is number => x !== null));
    return {
      model: modelLabel(model),
      p: String(p),
      "final loss mean ± std (n)": `${fmt(s.mean)} ± ${fmt(s.std)} (${s.n})`,
      "95 % CI": s.ci95 ? `[${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}]` : "–",
      median: s.median,
      min: s.min,
      max: s.max,
      "learning rate chosen (runs)": learningRatesChosen(runs),
      "per-model choice": perModelLearningRate(runs),
      parameters: runs[0]?.parameters.perReplica ?? null,
      diverged: runs.length - s.n,
    };
  });
  return tableFromRows(rows, {
    caption: `Final loss, test MSE(y1) + MSE(y2) — profile ${result.summary.profile}, backend ${result.summary.backend}`,
    notes: [
      "Final loss: test MSE(y1) + MSE(y2) of each run's checkpoint (the evaluation with the best validation MSE(y1)). 95 % CI of the mean (Student t).",
      "learning rate chosen: each run's choice on validation MSE(y1) (the engine's per-run selection); per-model choice: the rate with the lowest mean validation MSE(y1) over the runs.",
      `Paper: ${MMOE_SYNTHETIC_SETUP.fig4.source} and ${MMOE_SYNTHETIC_SETUP.fig3.source} print curves only, no numbers; the comparison with the paper is the claims table.`,
      `Profile ${result.summary.profile}: ${result.summary.profileStatement.statement}`,
    ],
  });
}

/** Fig. 5's distributions: n, mean, std, IQR, minimum, median, maximum per model and p. */
export function trainabilityTable(result: Pick<ExperimentResult, "runs" | "summary">): Table {
  const rows = armsOf(result.runs).map(({ model, p, runs }) => {
    const s = spreadOf(runs.map(finalLoss).filter((x): x is number => x !== null));
    return { model: modelLabel(model), p: String(p), n: s.n, mean: s.mean, std: s.std, IQR: s.iqr, min: s.min, q25: s.q25, median: s.median, q75: s.q75, max: s.max, diverged: runs.length - s.n };
  });
  return tableFromRows(rows, {
    caption: `Spread of the final loss over runs (MMoE Fig. 5) — profile ${result.summary.profile}, backend ${result.summary.backend}`,
    notes: [
      "Final loss: test MSE(y1) + MSE(y2) of each run's checkpoint. std: sample standard deviation; IQR: q75 − q25 (linear interpolation).",
      `Paper: ${MMOE_SYNTHETIC_SETUP.fig5.source} shows histograms over ${MMOE_SYNTHETIC_SETUP.fig5.runs} runs, no numbers; the comparison with the paper is the claims table.`,
      `Profile ${result.summary.profile}: ${result.summary.profileStatement.statement}`,
    ],
  });
}

/** MMoE Fig. 2's numbers: mean and std of the label correlation per p, linear and non-linear. */
export function labelPearsonTable(study: LabelPearsonStudy): Table {
  const rows = study.linear.map((lin, i) => {
    const non = study.nonlinear[i];
    return { p: String(lin.p), "linear mean": lin.mean, "linear std": lin.std, "non-linear mean": non.mean, "non-linear std": non.std, "non-linear min": non.min, "non-linear max": non.max };
  });
  return tableFromRows(rows, {
    caption: `Label Pearson correlation against the weight cosine p (MMoE Fig. 2) — profile ${study.profile}`,
    notes: [
      `${study.dataSets} data sets × ${study.samples.toLocaleString("en-US")} samples per p; d = ${study.d}, c = ${study.c}, m = ${study.m} (linear: m = 0), noise variance ${fmt(study.noiseStd ** 2, 2)}; master seed ${study.seed}.`,
      `Paper: ${MMOE_SYNTHETIC_SETUP.fig2.source}, ${MMOE_SYNTHETIC_SETUP.fig2.dataSets} data sets × ${MMOE_SYNTHETIC_SETUP.fig2.samplesPerPoint.toLocaleString("en-US")} samples per point, ${MMOE_SYNTHETIC_SETUP.fig2.band}.`,
    ],
    digits: 4,
  });
}

/** Every knob of a study (generator, rows, training, runs), ours beside the paper's where it states one. */
export function knobsTable(result: Pick<ExperimentResult, "runs" | "summary">): Table {
  const run = result.runs[0];
  const data = (run?.data ?? {}) as { d?: number; c?: number; m?: number; noiseStd?: number; rows?: { train: number; validation: number; test: number } };
  const st = result.summary.profileStatement;
  const setup = MMOE_SYNTHETIC_SETUP.fig4;
  const moe = result.runs.find((r) => r.config.model.kind === "mmoe")?.config.model as { experts: number; expertUnits: number[]; towerUnits: number[] } | undefined;
  const bottoms = [...new Set(result.runs.filter((r) => r.config.model.kind === "shared-bottom").map((r) => `${(r.config.model as { bottomUnits: number[] }).bottomUnits.join("·")} (${r.model})`))].join("; ");
  const params = Object.fromEntries(armsOf(result.runs).map((a) => [a.model, a.runs[0]?.parameters.perReplica ?? null]));
  const rows: { knob: string; ours: string; paper: string }[] = [
    { knob: "input dimension d", ours: String(data.d ?? "–"), paper: "not stated" },
    { knob: "weight scale c", ours: String(data.c ?? "–"), paper: "not stated" },
    { knob: "sine terms m", ours: String(data.m ?? "–"), paper: "not stated" },
    { knob: "label noise variance", ours: data.noiseStd === undefined ? "–" : fmt(data.noiseStd ** 2, 2), paper: "0.01" },
    { knob: "rows per run (train / validation / test)", ours: data.rows ? `${data.rows.train} / ${data.rows.validation} / ${data.rows.test}` : "–", paper: "not stated" },
    { knob: "task correlations p", ours: [...new Set(result.runs.map(correlationOf))].sort().join(", "), paper: setup.correlations.join(", ") },
    { knob: "runs per model and p", ours: String(st.runs), paper: String(setup.runs) },
    { knob: "training steps", ours: String(st.train.steps), paper: "not stated" },
    { knob: "batch size", ours: String(st.train.batchSize), paper: "not stated" },
    { knob: "evaluated every (steps)", ours: String(st.train.evalEvery), paper: "–" },
    { knob: "early stopping", ours: st.train.patience === undefined ? "none (all steps; best validation MSE(y1) checkpoint)" : `patience ${st.train.patience}`, paper: "not stated" },
    { knob: "optimiser; learning rates", ours: `Adam; {${st.train.learningRates.join(", ")}} per run`, paper: `${setup.optimizer}; {${setup.learningRates.join(", ")}} per model` },
    { knob: "MoE experts × units; towers", ours: moe ? `${moe.experts} × ${moe.expertUnits.join("·")}; ${moe.towerUnits.join("·")}` : "–", paper: `${setup.experts} × ${setup.expertUnits}; ${setup.towerUnits}` },
    { knob: "Shared-Bottom bottom units", ours: bottoms || "–", paper: `${setup.sharedBottomUnits} (Fig. 4); ${MMOE_SYNTHETIC_SETUP.fig3.bottomUnits} (Fig. 3)` },
    { knob: "trainable parameters per run", ours: Object.entries(params).map(([m, n]) => `${modelLabel(m)} ${n}`).join("; "), paper: "≈ equal for Shared-Bottom (113) and the MoE models" },
  ];
  return tableFromRows(rows, { caption: `Every knob of ${result.summary.experiment} (profile ${result.summary.profile})`, notes: [`Profile ${result.summary.profile}: ${st.statement}`] });
}
