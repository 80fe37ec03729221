/**
 * The MMoE synthetic study's claims (paper.ts) as lib/claims judges them: each statement of the
 * paper becomes a direction or equivalence claim with evidence from our runs, and each notebook's
 * claims are judged as one family (Holm). This file only builds evidence; the verdicts, tables
 * and sentences come from lib/claims.
 *
 * Scales. Losses differ by an order of magnitude between seeds (each seed draws its own α, β, so
 * some task pairs are much harder), and every model of a seed shares its data and batch order.
 * Loss comparisons are therefore paired by seed on log loss: an effect is a mean log ratio
 * (exp(effect) = the typical ratio of two losses). Spreads are compared scale-free, as the std of
 * log loss, with a paired bootstrap over seeds; "lowest losses" as a low quantile (q10) ratio.
 * Margins, quotes and families come from the registration in paper.ts.
 */
import { directionClaim, equivalenceClaim, judgeFamily, oneSampleEvidence, pairedBootstrapEvidence, pairedEvidence, registered, registeredMargin, welchEvidence, type Claim, type Evidence, type FamilyOptions, type Judged, type Part } from "../../claims";
import type { PaperClaim } from "../../papers";
import { deriveSeed } from "../../seeds";
import { FIG3_MODEL, FIG4_MODELS, LOW_QUANTILE, logSpread, lossesAt, modelLabel, quantile, type FinalLosses } from "./analysis";
import type { LabelPearsonPoint, LabelPearsonStudy } from "./data";
import { MMOE_SYNTHETIC_CLAIMS as PAPER_CLAIMS, MMOE_SYNTHETIC_REGISTRATION as REG } from "./paper";

/** "Hardly differ / little affected / comparable": the registered log-ratio margin, as a ratio. */
export const COMPARABLE_RATIO = Math.exp(registeredMargin(REG, "fig4.mmoe-little-affected"));
const MARGIN = registeredMargin(REG, "fig4.mmoe-little-affected");
/** Fig. 2 linear: "equals p" within the registered margin. */
export const FIG2_LINEAR_MARGIN = registeredMargin(REG, "fig2.linear");

/** Each claim's words: our operational statement with the registered source and quote. */
const C = Object.fromEntries(
  Object.entries(PAPER_CLAIMS).map(([k, c]) => {
    const r = registered(REG, c.id);
    return [k, { id: c.id, statement: c.statement, source: r.source, quote: r.quote }];
  }),
) as Record<keyof typeof PAPER_CLAIMS, Pick<PaperClaim, "id" | "statement" | "source"> & { quote: string }>;
/** Fig. 2 non-linear: "rises with p" between grid points this far apart. */
export const FIG2_RISE_STEP = 0.5;
/** Master seed of every bootstrap of this study (each claim and case derives its own). */
export const BOOTSTRAP_SEED = 20180819;
const RESAMPLES = 4000;

const f = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
const ratio = (e: Evidence) => {
  const [lo, hi] = e.interval(0.05);
  return `${f(Math.exp(e.estimate), 2)}× [${f(Math.exp(lo), 2)}, ${f(Math.exp(hi), 2)}]`;
};
const pText = (p: number) => `p = ${p}`;
const sortedDesc = (ps: readonly number[]) => [...ps].sort((a, b) => b - a);

// ---------------------------------------------------------------------------------------------
// evidence builders

/** Seeds present in every one of the given cells, ascending. */
function commonSeeds(cells: readonly Map<number, number>[]): number[] {
  if (cells.length === 0) return [];
  return [...cells[0].keys()].filter((s) => cells.every((c) => c.has(s))).sort((a, b) => a - b);
}

function aligned(losses: FinalLosses, cells: readonly [string, number][], what: string): number[][] {
  const maps = cells.map(([m, p]) => lossesAt(losses, m, p));
  const seeds = commonSeeds(maps);
  if (seeds.length < 2) throw new RangeError(`${what}: needs at least 2 seeds present in ${cells.map(([m, p]) => `${m} at p = ${p}`).join(", ")}; found ${seeds.length}`);
  return maps.map((m) => seeds.map((s) => m.get(s)!));
}

/** Paired t on log(loss of a) − log(loss of b) over the seeds both hold. */
export function logRatioEvidence(losses: FinalLosses, a: [string, number], b: [string, number]): Evidence {
  const [xa, xb] = aligned(losses, [a, b], "logRatioEvidence");
  return pairedEvidence(xa.map((x, i) => Math.log(x) - Math.log(xb[i])));
}

/** Paired t on the difference of two models' log changes from p = hi to p = lo: (a(lo) − a(hi)) − (b(lo) − b(hi)). */
export function changeInteractionEvidence(losses: FinalLosses, a: string, b: string, lo: number, hi: number): Evidence {
  const [alo, ahi, blo, bhi] = aligned(losses, [[a, lo], [a, hi], [b, lo], [b, hi]], "changeInteractionEvidence").map((xs) => xs.map(Math.log));
  return pairedEvidence(alo.map((_, i) => alo[i] - ahi[i] - (blo[i] - bhi[i])));
}

/** Paired bootstrap of a statistic of the aligned cells' losses. */
function bootstrap(losses: FinalLosses, cells: readonly [string, number][], statistic: (xs: number[][]) => number, seedPath: string): Evidence {
  return pairedBootstrapEvidence({ samples: aligned(losses, cells, seedPath), statistic, seed: deriveSeed(BOOTSTRAP_SEED, seedPath), resamples: RESAMPLES });
}

const logSdRatio = (a: number[], b: number[]) => Math.log(logSpread(a)! / logSpread(b)!);

/** log(std of log loss of a / that of b): > 0 when a spreads more, scale-free. */
export function spreadRatioEvidence(losses: FinalLosses, a: [string, number], b: [string, number]): Evidence {
  return bootstrap(losses, [a, b], ([x, y]) => logSdRatio(x, y), `spread ${a.join("@")} / ${b.join("@")}`);
}

/** How much more a's spread grows than b's from p = hi to p = lo: log(sd_a(lo) / sd_b(lo)) − log(sd_a(hi) / sd_b(hi)). */
export function spreadInteractionEvidence(losses: FinalLosses, a: string, b: string, lo: number, hi: number): Evidence {
  return bootstrap(losses, [[a, lo], [b, lo], [a, hi], [b, hi]], ([alo, blo, ahi, bhi]) => logSdRatio(alo, blo) - logSdRatio(ahi, bhi), `spread interaction ${a} − ${b}, ${lo} vs ${hi}`);
}

/** log(q10 of a / q10 of b): how the low tails of two loss distributions compare. */
export function lowQuantileRatioEvidence(losses: FinalLosses, a: [string, number], b: [string, number], q = LOW_QUANTILE): Evidence {
  return bootstrap(losses, [a, b], ([x, y]) => Math.log(quantile(x, q)! / quantile(y, q)!), `q${q} ${a.join("@")} / ${b.join("@")}`);
}

// ---------------------------------------------------------------------------------------------
// MMoE Fig. 2 (label correlation against p)

/** The grid points nearest to −1, −1 + step, …, 1 (distinct). */
function coarsePoints(points: readonly LabelPearsonPoint[], step: number): LabelPearsonPoint[] {
  const targets = Array.from({ length: Math.round(2 / step) + 1 }, (_, i) => -1 + i * step);
  const picked = targets.map((t) => points.reduce((a, b) => (Math.abs(b.p - t) < Math.abs(a.p - t) ? b : a)));
  return picked.filter((pt, i) => picked.indexOf(pt) === i);
}

const summaryOf = (pt: LabelPearsonPoint, shift = 0) => ({ mean: pt.mean - shift, sd: pt.std, n: pt.dataSets });

export function labelPearsonClaims(study: LabelPearsonStudy): Claim[] {
  const attenuation = (study.c * study.c) / (study.c * study.c + study.noiseStd * study.noiseStd);
  const dev = study.linear.map((pt) => Math.abs(pt.mean - pt.p));
  const worst = study.linear[dev.indexOf(Math.max(...dev))];
  const coarse = coarsePoints(study.nonlinear, FIG2_RISE_STEP);
  const fineRises = study.nonlinear.filter((pt, i) => i > 0 && pt.mean > study.nonlinear[i - 1].mean).length;
  const at = (p: number) => study.nonlinear.find((pt) => Math.abs(pt.p - p) < 1e-9);
  return [
    equivalenceClaim({
      ...C.fig2Linear,
      effect: `label Pearson correlation minus p (linear tasks), at each of the ${study.linear.length} grid points; one-sample t over ${study.dataSets} data sets`,
      finding: `largest |r − p| is ${f(Math.abs(worst.mean - worst.p), 4)} (at p = ${worst.p}): the label noise (σ² = ${f(study.noiseStd ** 2, 2)}) scales the correlation by c²/(c² + σ²) = ${f(attenuation, 4)}, which is all of it at |p| = 1.`,
      evidence: study.linear.map((pt) => ({ label: pText(pt.p), evidence: oneSampleEvidence(summaryOf(pt, pt.p)) })),
      margin: FIG2_LINEAR_MARGIN,
    }),
    directionClaim({
      ...C.fig2Nonlinear,
      effect: `rise of the mean label correlation between p = ${coarse.map((pt) => pt.p).join(", ")} (non-linear tasks, m = ${study.m}); Welch t over ${study.dataSets} data sets per point`,
      finding: `the mean rises at ${fineRises} of ${study.nonlinear.length - 1} steps of the full grid; it is ${f(at(-1)?.mean ?? NaN)} at p = −1 and ${f(at(1)?.mean ?? NaN)} at p = 1 (not equal to p). Steps of ${FIG2_RISE_STEP} are tested because neighbouring grid points differ by less than ${study.dataSets} data sets resolve.`,
      evidence: coarse.slice(1).map((pt, i) => ({ label: `p = ${coarse[i].p} → ${pt.p}`, evidence: welchEvidence(summaryOf(pt), summaryOf(coarse[i])) })),
      expect: "positive",
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// MMoE Figs. 3–4 (loss against p)

const has = (losses: FinalLosses, models: readonly string[], ps: readonly number[]) => models.every((m) => ps.every((p) => lossesAt(losses, m, p).size >= 2));

/** The loss rises at every step down in p, for each of `models`: one case per (model, step). */
function risesAsPFalls(losses: FinalLosses, models: readonly string[], ps: readonly number[]): Part[] {
  const desc = sortedDesc(ps);
  return models.flatMap((m) => desc.slice(1).map((lo, i) => ({ label: `${modelLabel(m)} p = ${desc[i]} → ${lo}`, evidence: logRatioEvidence(losses, [m, lo], [m, desc[i]]) })));
}

const partsText = (parts: readonly Part[]) => parts.map((x) => `${x.label} ${ratio(x.evidence)}`).join("; ");

/** MMoE Fig. 3: Shared-Bottom (16) loses more at every lower p. */
export function sharedBottomClaims(losses: FinalLosses, ps: readonly number[]): Claim[] {
  if (!has(losses, [FIG3_MODEL], ps)) return [];
  const parts = risesAsPFalls(losses, [FIG3_MODEL], ps);
  return [
    directionClaim({
      ...C.fig3,
      effect: "log loss at the lower p minus log loss at the higher p, paired by seed, for each step down in p",
      finding: `loss ratio (lower p / higher p): ${partsText(parts)}.`,
      evidence: parts,
      expect: "positive",
    }),
  ];
}

/** MMoE Fig. 4: the statements of §5.1 on Shared-Bottom (113), OMoE and MMoE. */
export function correlationClaims(losses: FinalLosses, ps: readonly number[]): Claim[] {
  if (!has(losses, FIG4_MODELS, ps)) return [];
  const hi = Math.max(...ps);
  const lo = Math.min(...ps);
  const ordering = risesAsPFalls(losses, FIG4_MODELS, ps);
  const change = (m: string) => logRatioEvidence(losses, [m, lo], [m, hi]);
  const least = (["omoe", "shared-bottom"] as const).map((m) => ({ label: `${modelLabel(m)} − MMoE`, evidence: changeInteractionEvidence(losses, m, "mmoe", lo, hi) }));
  const similar = logRatioEvidence(losses, ["omoe", hi], ["mmoe", hi]);
  const beats = sortedDesc(ps).flatMap((p) => (["omoe", "mmoe"] as const).map((m) => ({ label: `${modelLabel(m)} at p = ${p}`, evidence: logRatioEvidence(losses, [m, p], ["shared-bottom", p]) })));
  const changes = FIG4_MODELS.map((m) => `${modelLabel(m)} ${ratio(change(m))}`).join(", ");
  return [
    directionClaim({
      ...C.fig4Ordering,
      effect: "log loss at the lower p minus log loss at the higher p, paired by seed, for each model and step down in p",
      finding: `loss ratio (lower p / higher p): ${partsText(ordering)}.`,
      evidence: ordering,
      expect: "positive",
    }),
    directionClaim({
      ...C.fig4MmoeStable,
      effect: `change of log loss from p = ${hi} to p = ${lo} of the other model minus MMoE's, paired by seed`,
      finding: `loss ratio p = ${lo} / p = ${hi}: ${changes}.`,
      evidence: least,
      expect: "positive",
    }),
    equivalenceClaim({
      ...C.fig4OmoeMmoeSimilar,
      effect: `log loss of OMoE minus log loss of MMoE at p = ${hi}, paired by seed (margin ±log ${COMPARABLE_RATIO})`,
      finding: `OMoE / MMoE loss ratio at p = ${hi}: ${ratio(similar)}.`,
      evidence: similar,
      margin: MARGIN,
    }),
    directionClaim({
      ...C.fig4OmoeDegrades,
      effect: `OMoE's log loss at p = ${lo} minus at p = ${hi}, paired by seed`,
      finding: `OMoE's loss ratio p = ${lo} / p = ${hi}: ${ratio(change("omoe"))}.`,
      evidence: change("omoe"),
      expect: "positive",
    }),
    equivalenceClaim({
      ...C.fig4MmoeLittleAffected,
      effect: `MMoE's log loss at p = ${lo} minus at p = ${hi}, paired by seed (margin ±log ${COMPARABLE_RATIO})`,
      finding: `MMoE's loss ratio p = ${lo} / p = ${hi}: ${ratio(change("mmoe"))}.`,
      evidence: change("mmoe"),
      margin: MARGIN,
    }),
    directionClaim({
      ...C.fig4MoeBeatsSharedBottom,
      effect: "log loss of the MoE model minus log loss of Shared-Bottom (113), paired by seed, at each p",
      finding: `loss ratio MoE / Shared-Bottom: ${partsText(beats)}.`,
      evidence: beats,
      expect: "negative",
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// MMoE Fig. 5 (spread over runs)

export function trainabilityClaims(losses: FinalLosses, ps: readonly number[]): Claim[] {
  if (!has(losses, FIG4_MODELS, ps)) return [];
  const hi = Math.max(...ps);
  const lo = Math.min(...ps);
  const desc = sortedDesc(ps);
  const moe = ["omoe", "mmoe"] as const;
  const spread = desc.flatMap((p) => moe.map((m) => ({ label: `vs ${modelLabel(m)} at p = ${p}`, evidence: spreadRatioEvidence(losses, ["shared-bottom", p], [m, p]) })));
  const interaction = spreadInteractionEvidence(losses, "omoe", "mmoe", lo, hi);
  const mmoeKept = bootstrap(losses, [["mmoe", lo], ["mmoe", hi]], ([a, b]) => logSdRatio(a, b), `spread mmoe ${lo} / ${hi}`);
  const lowest = desc.flatMap((p) => moe.map((m) => ({ label: `vs ${modelLabel(m)} at p = ${p}`, evidence: lowQuantileRatioEvidence(losses, ["shared-bottom", p], [m, p]) })));
  const sd = (m: string, p: number) => f(logSpread([...lossesAt(losses, m, p).values()]) ?? NaN);
  return [
    directionClaim({
      ...C.fig5Spread,
      effect: "log of Shared-Bottom's std of log loss over its MoE counterpart's, paired bootstrap over seeds, at each p and MoE model",
      finding: `spread ratio Shared-Bottom / MoE (std of log loss): ${partsText(spread)}.`,
      evidence: spread,
      expect: "positive",
    }),
    directionClaim({
      ...C.fig5OmoeRobustness,
      effect: `log(OMoE / MMoE spread) at p = ${lo} minus at p = ${hi} (std of log loss), paired bootstrap over seeds`,
      finding: `std of log loss, OMoE ${sd("omoe", hi)} → ${sd("omoe", lo)}, MMoE ${sd("mmoe", hi)} → ${sd("mmoe", lo)} (p = ${hi} → ${lo}); OMoE's spread grows ${ratio(interaction)} as much as MMoE's.`,
      evidence: interaction,
      expect: "positive",
    }),
    equivalenceClaim({
      ...C.fig5MmoeRobust,
      effect: `log of MMoE's std of log loss at p = ${lo} over p = ${hi}, paired bootstrap over seeds (margin ±log ${COMPARABLE_RATIO})`,
      finding: `MMoE's spread ratio p = ${lo} / p = ${hi}: ${ratio(mmoeKept)}.`,
      evidence: mmoeKept,
      margin: MARGIN,
    }),
    equivalenceClaim({
      ...C.fig5LowestComparable,
      effect: `log of Shared-Bottom's ${Math.round(LOW_QUANTILE * 100)}th-percentile loss over the MoE model's, paired bootstrap over seeds, at each p (margin ±log ${COMPARABLE_RATIO})`,
      finding: `q${Math.round(LOW_QUANTILE * 100)} ratio Shared-Bottom / MoE: ${partsText(lowest)}.`,
      evidence: lowest,
      margin: MARGIN,
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// the two families

const familyOf = (name: "paper" | "checks", opts?: FamilyOptions): FamilyOptions => ({ ...opts, family: REG.families[name].label });

/**
 * Notebook 01: the paper's family — Fig. 3 (Shared-Bottom (16)) and Fig. 4's sentences — and,
 * judged apart, our checks of the generator (Fig. 2). Paper claims first.
 */
export function syntheticCorrelationFamily(labelPearson: LabelPearsonStudy, losses: FinalLosses, ps: readonly number[], opts?: FamilyOptions): Judged[] {
  return [...judgeFamily([...sharedBottomClaims(losses, ps), ...correlationClaims(losses, ps)], familyOf("paper", opts)), ...judgeFamily(labelPearsonClaims(labelPearson), familyOf("checks", opts))];
}

/** Notebook 02's family: Fig. 5's sentences and Fig. 4's re-checked on the trainability runs (ids prefixed "trainability:"), judged together. */
export function trainabilityFamily(losses: FinalLosses, ps: readonly number[], opts?: FamilyOptions): Judged[] {
  const crossCheck = correlationClaims(losses, ps).map((c) => ({ ...c, id: `trainability:${c.id}`, source: `${c.source} (on the trainability runs)` }));
  return judgeFamily([...trainabilityClaims(losses, ps), ...crossCheck], familyOf("paper", opts));
}
