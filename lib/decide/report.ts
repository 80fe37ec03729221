/**
 * What a decide run shows: the decide table (each claim's verdict, the runs it took, why an
 * undecided one is open or futile, and the method with its reference in the test column), and a
 * figure of every claim's confidence sequences over the rounds. Written into the decide folder
 * after every look (decide.md/.csv/.tex, decide-sequences.html, decide.json), and rebuilt by the
 * notebooks from rounds.jsonl.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Experiment, ResolvedExperiment } from "../engine/plan/experiment";
import { declarationHash } from "../engine/store/config-hash";
import { writeJsonAtomic } from "../engine/store/results-store";
import { colorAt, standaloneFigureHtml, type Figure } from "../figures";
import { writeFileIfChanged } from "../project";
import { saveTable, tableFromRows, type Table } from "../tables";
import type { DecideBudget } from "./budget";
import type { ClaimStatus } from "./judge";
import { lastLook, RoundsLog, type RoundEvent, type RoundLook } from "./rounds";
import type { DecideSource } from "./source";

export const DECIDE_FILE = "decide.json";

/** The method of every verdict, with its reference: the test column of the decide table. */
export const METHOD =
  "t-mixture confidence sequence (anytime-valid; Pérez-Ortiz, Lardy, de Heide & Grünwald, Ann. Statist. 2024), Bonferroni over the family, intersection–union over a claim's cases";

/** decide.json: the state a notebook reads without re-judging. */
export interface DecideSummary {
  experiment: string;
  profile: string;
  budget: { label: string; ms: number | null; maxRuns: number | null };
  /** Why the rounds stopped ("" while they run or after an interruption). */
  stopped: string;
  elapsedMs: number;
  rounds: number;
  storedRuns: number;
  alpha: number;
  method: string;
  /** Whether every look judged under the declaration the experiment has now. */
  registration: "registered before the runs" | "registered after the runs";
  counts: { decided: number; futile: number; open: number; excluded: number; claims: number };
  /** Family key → the label the claims table shows. */
  families: Record<string, string>;
  claims: ClaimStatus[];
}

export interface ReportContext {
  experiment: Experiment;
  source: DecideSource;
  plan: ResolvedExperiment;
  budget: DecideBudget;
  events: readonly RoundEvent[];
  stopped: string;
  elapsedMs: number;
  alpha: number;
}

const fmt = (x: number | null, digits = 4) => (x === null || !Number.isFinite(x) ? "–" : x.toFixed(digits));
const interval = (lo: number | null, hi: number | null) => `${lo === null ? "(−∞" : `[${fmt(lo)}`}, ${hi === null ? "∞)" : `${fmt(hi)}]`}`;

/** Why a claim is where it is, in the table's words: decided at round r, futile and why, or open and what stopped the rounds. */
function whyText(c: ClaimStatus, stopped: string): string {
  if (c.state === "decided") return `decided at round ${c.round}`;
  if (c.state !== "open") return c.why;
  return stopped ? `open: ${stopped}` : "open: the rounds are still running, or were interrupted (the same command resumes them)";
}

/** The case that holds the claim back: the sequence reaching furthest to the wrong side. */
function weakestCase(c: ClaimStatus): ClaimStatus["parts"][number] | null {
  if (c.parts.length === 0) return null;
  const negative = c.rule.endsWith("negative");
  const reach = (p: ClaimStatus["parts"][number]) => (negative ? (p.hi ?? Infinity) : -(p.lo ?? -Infinity));
  return c.parts.reduce((a, b) => (reach(b) > reach(a) ? b : a));
}

export function decideSummary(ctx: ReportContext): DecideSummary {
  const look = lastLook(ctx.events);
  const claims = look?.claims ?? [];
  const hash = ctx.experiment.claimsDeclaration === undefined ? null : declarationHash(ctx.experiment.claimsDeclaration as object);
  const looks = ctx.events.filter((e): e is RoundLook => e.kind === "look");
  const count = (s: string) => claims.filter((c) => c.state === s).length;
  return {
    experiment: ctx.experiment.id,
    profile: ctx.plan.profile,
    budget: { label: ctx.budget.label, ms: Number.isFinite(ctx.budget.ms) ? ctx.budget.ms : null, maxRuns: Number.isFinite(ctx.budget.maxRuns) ? ctx.budget.maxRuns : null },
    stopped: ctx.stopped,
    elapsedMs: ctx.elapsedMs,
    rounds: look?.round ?? 0,
    storedRuns: look?.storedRuns ?? 0,
    alpha: ctx.alpha,
    method: METHOD,
    registration: hash !== null && looks.length > 0 && looks.every((l) => l.declarationHash === hash) ? "registered before the runs" : "registered after the runs",
    counts: { decided: count("decided"), futile: count("futile"), open: count("open"), excluded: count("excluded"), claims: claims.length },
    families: { ...ctx.source.families },
    claims,
  };
}

/** The decide table: one row per claim. */
export function decideTable(summary: DecideSummary): Table {
  const familyLabels = summary.families ?? {};
  const rows = summary.claims.map((c) => {
    const weakest = weakestCase(c);
    return {
      family: familyLabels[c.family] ?? c.family,
      claim: c.id,
      verdict: c.verdict,
      state: c.state,
      "runs per arm": c.runs,
      round: c.round,
      why: whyText(c, summary.stopped),
      "minimum effect": c.minEffect || "none registered",
      "sequence (weakest case)": weakest ? `${weakest.label ? `${weakest.label}: ` : ""}${fmt(weakest.mean)} ${interval(weakest.lo, weakest.hi)} (n = ${weakest.n})` : "–",
      test: `${METHOD}; level ${c.level.toPrecision(3)} = ${summary.alpha}/${c.familySize}; ${c.rule}`,
      registration: summary.registration,
    };
  });
  const c = summary.counts;
  return tableFromRows(rows, {
    caption: `${summary.experiment}: claims decided in rounds (--decide, budget ${summary.budget.label}): ${c.decided} of ${c.claims} decided, ${c.futile} futile, ${c.open} open${c.excluded ? `, ${c.excluded} excluded` : ""}`,
    notes: [
      `Profile ${summary.profile}'s training settings; ${summary.storedRuns} runs stored over ${summary.rounds} round(s) in ${(summary.elapsedMs / 60_000).toFixed(1)} min of training${summary.stopped ? `; stopped: ${summary.stopped}` : " (still running, or interrupted: the same command resumes)"}.`,
      "A claim is supported when every case's sequence lies on the claimed side of 0 (or inside ±margin), contradicted when one case's lies on the other side (or outside), at any round: the error stays at α per family however often the rounds looked. Futile: the registered minimum effect cannot be resolved within the budget, or the sequence already lies within it; futility decides nothing.",
      "These verdicts come from adaptively collected runs: the fixed-n claims table of the profile folder is not computed on them.",
    ],
  });
}

/** One panel per claim: each case's mean with its confidence sequence at every look, over runs per arm. */
export function sequencesFigure(events: readonly RoundEvent[], title: string): Figure {
  const looks = events.filter((e): e is RoundLook => e.kind === "look");
  const ids = [...new Set(looks.flatMap((l) => l.claims.map((c) => c.id)))];
  const columns = Math.min(3, Math.max(1, ids.length));
  const rows = Math.max(1, Math.ceil(ids.length / columns));
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title },
    grid: { rows, columns, pattern: "independent" },
    width: 320 * columns + 80,
    height: 260 * rows + 80,
    showlegend: false,
    annotations: [] as unknown[],
    shapes: [] as unknown[],
  };
  ids.forEach((id, k) => {
    const axis = k === 0 ? "" : String(k + 1);
    const labels = [...new Set(looks.flatMap((l) => l.claims.find((c) => c.id === id)?.parts.map((p) => p.label) ?? []))];
    labels.forEach((label, j) => {
      const points = looks.flatMap((l) => {
        const p = l.claims.find((c) => c.id === id)?.parts.find((q) => q.label === label);
        return p && p.lo !== null && p.hi !== null ? [{ n: p.n, mean: p.mean, lo: p.lo, hi: p.hi }] : [];
      });
      // a claim closed at an earlier look repeats its status: one point per run count
      const unique = [...new Map(points.map((p) => [p.n, p])).values()];
      data.push({
        type: "scatter", mode: "lines+markers", name: `${id} ${label}`.trim(), xaxis: `x${axis}`, yaxis: `y${axis}`, marker: { color: colorAt(j) },
        x: unique.map((p) => p.n), y: unique.map((p) => p.mean),
        error_y: { type: "data", symmetric: false, array: unique.map((p) => p.hi - p.mean), arrayminus: unique.map((p) => p.mean - p.lo) },
      });
    });
    const last = looks[looks.length - 1]?.claims.find((c) => c.id === id);
    (layout.annotations as unknown[]).push({ text: `${id}: ${last ? (last.state === "decided" ? last.verdict : last.state) : ""}`, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0, y: 1.12, showarrow: false, font: { size: 10 }, xanchor: "left" });
    (layout.shapes as unknown[]).push({ type: "line", xref: `x${axis} domain`, yref: `y${axis}`, x0: 0, x1: 1, y0: 0, y1: 0, line: { color: "#888", dash: "dot", width: 1 } });
    if (last && last.minEffect > 0) {
      for (const y of last.rule.startsWith("equivalence") ? [-last.minEffect, last.minEffect] : [last.rule.endsWith("negative") ? -last.minEffect : last.minEffect]) {
        (layout.shapes as unknown[]).push({ type: "line", xref: `x${axis} domain`, yref: `y${axis}`, x0: 0, x1: 1, y0: y, y1: y, line: { color: "#c44", dash: "dash", width: 1 } });
      }
    }
    layout[`xaxis${axis}`] = { title: { text: "runs per arm", font: { size: 10 } } };
  });
  return { data, layout };
}

/** Writes decide.json, the decide table (md, csv, tex) and the figure (html) into the decide folder. */
export function writeDecideReport(dir: string, ctx: ReportContext): DecideSummary {
  const summary = decideSummary(ctx);
  writeJsonAtomic(path.join(dir, DECIDE_FILE), summary);
  saveTable(decideTable(summary), dir, "decide");
  writeFileIfChanged(path.join(dir, "decide-sequences.html"), standaloneFigureHtml(sequencesFigure(ctx.events, `${ctx.experiment.id}: confidence sequences over the rounds (dotted: 0; dashed: registered minimum effect)`)));
  return summary;
}

/** A decide folder as the notebooks read it: its summary and rounds, or null when it holds none. */
export function loadDecide(dir: string): { dir: string; summary: DecideSummary; events: RoundEvent[] } | null {
  const file = path.join(dir, DECIDE_FILE);
  if (!fs.existsSync(file)) return null;
  return { dir, summary: JSON.parse(fs.readFileSync(file, "utf8")) as DecideSummary, events: new RoundsLog(dir).read() };
}

/** Every decide-* folder of an experiment under a results root, newest name last. */
export function decideFolders(root: string, experiment: string): string[] {
  const dir = path.join(root, experiment);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((n) => n.startsWith("decide-") && fs.existsSync(path.join(dir, n, DECIDE_FILE))).sort().map((n) => path.join(dir, n));
}
