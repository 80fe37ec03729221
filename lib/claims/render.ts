/**
 * One rendering of judged claims for every study: the claims table (notebook, results, README,
 * LaTeX through lib/tables), one verdict sentence per claim, and the sentence that states the
 * family, its level and its correction.
 */
import { tableFromRows, type Table } from "../tables";
import type { Judged, Verdict } from "./claim";
import { AFTER_THE_RUNS } from "./registration";

const fmt = (x: number, digits = 4) => {
  if (!Number.isFinite(x)) return x > 0 ? "∞" : x < 0 ? "−∞" : "NaN";
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toFixed(digits);
};
const fmtP = (p: number) => (p < 1e-4 ? "< 0.0001" : p.toFixed(4));

/** The deciding effect with its 95 % CI, named by its case for a claim about several. */
export function formatEffect(j: Judged): string {
  return `${j.decisive ? `${j.decisive}: ` : ""}${fmt(j.evidence.estimate)} [${fmt(j.ci95[0])}, ${fmt(j.ci95[1])}]`;
}

export function ruleText(j: Judged): string {
  const rule =
    j.rule.kind === "direction"
      ? `${j.rule.expect === "positive" ? "> 0" : "< 0"}${j.rule.minimumEffect !== undefined ? ` (minimum effect of interest ${fmt(j.rule.minimumEffect)})` : ""}`
      : `within ±${fmt(j.rule.margin)}`;
  return j.parts.length > 1 ? `${rule} in each of ${j.parts.length} cases` : rule;
}

/** Every case of a claim about several: "label est [lo, hi]; …" ("" for a single effect). */
export function casesText(j: Judged): string {
  return j.parts.map((p) => `${p.label} ${fmt(p.evidence.estimate)} [${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}]`).join("; ");
}

/** "text" → "Text." ("" stays ""). */
const sentence = (text: string) => (text ? `${text[0].toUpperCase()}${text.slice(1)}${text.endsWith(".") ? "" : "."}` : "");

/** What would settle an inconclusive claim, or "" for a decided one. */
export function resolveText(j: Judged): string {
  if (j.verdict !== "inconclusive" || j.runsToResolve === null) return "";
  if (!Number.isFinite(j.runsToResolve)) return "no run count resolves it if the effect is as observed";
  return `≈ ${j.runsToResolve.toLocaleString("en-US")} runs would resolve it (80 % power at the Holm level ${fmtLevel(j.holmLevel)} it faces; noncentral t, observed effect and spread)`;
}

const fmtLevel = (x: number) => (x >= 0.001 ? x.toFixed(4) : x.toExponential(2));

/** The verdict with the registration label beside it when the declaration does not predate the runs. */
export function verdictText(j: Judged): string {
  return j.registration === AFTER_THE_RUNS ? `${j.verdict} (${AFTER_THE_RUNS})` : j.verdict;
}

export function claimsTable(judged: readonly Judged[], caption: string): Table {
  const rows = judged.map((j) => ({
    claim: j.id,
    family: j.family,
    source: j.source,
    "the paper's words": j.quote,
    "tested as": j.statement,
    "effect measured": j.effect,
    "claim holds if": ruleText(j),
    "estimate [95 % CI]": formatEffect(j),
    test: j.evidence.test,
    "p (Holm)": fmtP(j.pAdjusted),
    "we find": [j.finding, sentence(resolveText(j))].filter(Boolean).join(" "),
    verdict: verdictText(j),
  }));
  return tableFromRows(rows, { caption, notes: [familyStatement(judged)] });
}

/**
 * The claims table of one registered family of a study, with a note naming the family, whether it
 * holds the paper's sentences or checks of our own, where it was registered, and each claim's
 * registered size (smallest effect of interest or equivalence margin).
 */
export function familyClaimsTable(judged: readonly Judged[], caption: string, family: { title: string; kind: string }, registeredIn: string, sizes: readonly string[]): Table {
  const base = claimsTable(judged, caption);
  const kind = family.kind === "paper" ? "the paper's sentences" : "checks of our own, not counted with the papers' claims";
  return { ...base, notes: [...(base.notes ?? []), `Family: ${family.title}, ${kind}; ${registeredIn}. ${sizes.join("; ")}`.trim()] };
}

/**
 * "7 claim(s) judged as one family (…) at α = 0.05 with Holm's correction: …", one sentence per
 * family present (in order of first appearance), then the rules and the registration label.
 */
export function familyStatement(judged: readonly Judged[]): string {
  if (judged.length === 0) return "No claims were judged.";
  const families = [...new Set(judged.map((j) => j.family))];
  const perFamily = families.map((f) => {
    const mine = judged.filter((j) => j.family === f);
    const count = (v: Verdict) => mine.filter((j) => j.verdict === v).length;
    return `${mine.length} claim(s) judged as one family (${f}) at α = ${mine[0].alpha} with Holm's correction: ${count("supported")} supported, ${count("contradicted")} contradicted, ${count("inconclusive")} inconclusive.`;
  });
  const after = judged.some((j) => j.registration === AFTER_THE_RUNS);
  const registration = after
    ? ` The claims declaration (margins, minimum effects, families) does not predate these runs: every verdict is ${AFTER_THE_RUNS}.`
    : judged[0].registration
      ? ` The claims declaration was ${judged[0].registration}.`
      : "";
  return (
    `${perFamily.join(" ")} ` +
    `A direction claim is decided by the two-sided test of no effect, an equivalence claim by TOST against its margin; ` +
    (judged.some((j) => j.parts.length > 1)
      ? `a claim about several cases ("every", "all", "both") is supported only if every case is (intersection–union test) and contradicted if any case is (Bonferroni over its cases), and shows its deciding case; `
      : "") +
    `intervals are unadjusted 95 % CIs.${registration}`
  );
}

/** One Markdown line per claim, then the family statement. */
export function verdictSentences(judged: readonly Judged[]): string {
  const lines = judged.map((j) => {
    const resolve = resolveText(j);
    const deciding = j.parts.length > 1 ? ` (deciding case of ${j.parts.length})` : "";
    const v = verdictText(j);
    return `- **${v[0].toUpperCase()}${v.slice(1)}** \`${j.id}\` (${j.source}: “${j.quote}”): ${j.statement} — ${j.effect}${deciding}: ${formatEffect(j)}, ${j.evidence.test}, Holm-adjusted p = ${fmtP(j.pAdjusted)}.${resolve ? ` ${resolve[0].toUpperCase()}${resolve.slice(1)}.` : ""}`;
  });
  return [...lines, "", familyStatement(judged)].join("\n");
}
