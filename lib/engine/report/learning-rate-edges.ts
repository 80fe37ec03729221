/**
 * A learning rate chosen at an edge of its grid is not bracketed: a rate beyond it might have been
 * better. Every table of a report says which arms chose so, so a reader sees an unbracketed search
 * where it matters instead of in a log.
 */
import { applyArmLearningRates, type RunRecord } from "../store/run-record";
import { rateText } from "../plan/profile-statement";

export interface RateEdge {
  arm: string;
  rate: number;
  edge: "lowest" | "highest";
  grid: readonly number[];
}

/** Where one run's chosen rate sits in its grid (sorted): at its lowest or highest value, or null (bracketed, a one-rate grid, or no rate). */
export function rateEdge(r: Pick<RunRecord, "learningRate" | "config">): { edge: RateEdge["edge"]; rate: number; grid: number[] } | null {
  const grid = [...r.config.train.learningRates].sort((a, b) => a - b);
  if (r.learningRate === null || grid.length < 2) return null;
  const edge = r.learningRate === grid[0] ? "lowest" : r.learningRate === grid[grid.length - 1] ? "highest" : null;
  return edge ? { edge, rate: r.learningRate, grid } : null;
}

/** Arms (with a grid of two or more rates) whose chosen rate is the grid's lowest or highest; an arm whose runs chose differently is read run by run. */
export function learningRateEdges(runs: readonly RunRecord[]): RateEdge[] {
  const out = new Map<string, RateEdge>();
  for (const r of applyArmLearningRates(runs)) {
    const e = r.status === "ok" ? rateEdge(r) : null;
    const key = `${r.arm} ${r.learningRate}`;
    if (e && !out.has(key)) out.set(key, { arm: r.arm, ...e });
  }
  return [...out.values()];
}

/** The note tables carry: which arms' learning rates sit at an edge of the grid (none: no note). */
export function learningRateEdgeNotes(runs: readonly RunRecord[]): string[] {
  const edges = learningRateEdges(runs);
  if (edges.length === 0) return [];
  const searched = new Set(runs.filter((r) => r.config.train.learningRates.length > 1).map((r) => r.arm)).size;
  const grids = [...new Set(edges.map((e) => `{${e.grid.map(rateText).join(", ")}}`))].join(", ");
  const list = edges.map((e) => `${e.arm} ${rateText(e.rate)} (${e.edge})`).join(", ");
  return [`Learning rate at an edge of its grid ${grids}, so not bracketed (a rate beyond it was not tried), in ${new Set(edges.map((e) => e.arm)).size} of ${searched} arms: ${list}.`];
}
