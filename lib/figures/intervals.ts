/**
 * Intervals that stay inside their metric's range. A Student-t interval of a mean of AUCs near 1,
 * or mean ± std of gate weights near 0 or 1, can reach past what the metric can take (an AUC of
 * 1.003, a negative share); drawn as is, it shows an impossible value. Figures here cut every
 * interval at the metric's bounds (the part cut off is impossible, so cutting loses nothing the
 * data could show) and declare the bounds on the trace, in `meta.range`, so that `assertFigure`
 * rejects any trace whose values or intervals leave them.
 */

/** A metric's bounds; null = unbounded on that side (JSON keeps null, not Infinity). */
export type MetricRange = readonly [number | null, number | null];

export const UNIT_RANGE: MetricRange = [0, 1]; // AUC, gate weights, shares
export const CORRELATION_RANGE: MetricRange = [-1, 1];
export const NON_NEGATIVE: MetricRange = [0, null]; // losses
export const UNBOUNDED: MetricRange = [null, null];
/** A difference of two values of a metric in [0, 1] (AUC gains, shifts). */
export const UNIT_DIFFERENCE_RANGE: MetricRange = [-1, 1];
/** A relative change in % of a non-negative metric cannot fall below −100 %. */
export const RELATIVE_CHANGE_RANGE: MetricRange = [-100, null];

/** The declared bounds of a trace's values, per axis (plotly passes `meta` through untouched). */
export interface RangeMeta {
  range: { x?: MetricRange; y?: MetricRange };
}

export function clamp(v: number, range: MetricRange): number {
  const [lo, hi] = range;
  return Math.min(hi ?? Infinity, Math.max(lo ?? -Infinity, v));
}

/** `[lo, hi]` cut at the range's bounds (null stays null: no interval). */
export function clipInterval(ci: readonly [number, number] | null | undefined, range: MetricRange): [number, number] | null {
  return ci ? [clamp(ci[0], range), clamp(ci[1], range)] : null;
}

/**
 * A plotly asymmetric error bar from centres and intervals, cut at `range`: the part of an
 * interval outside it is dropped (a centre without an interval gets none).
 */
export function errorBars(centres: readonly (number | null)[], intervals: readonly (readonly [number, number] | null | undefined)[], range: MetricRange, style: Record<string, unknown> = {}): Record<string, unknown> {
  const ends = intervals.map((ci) => clipInterval(ci, range));
  return {
    type: "data",
    symmetric: false,
    array: centres.map((c, i) => (c === null || !ends[i] ? 0 : Math.max(0, ends[i]![1] - c))),
    arrayminus: centres.map((c, i) => (c === null || !ends[i] ? 0 : Math.max(0, c - ends[i]![0]))),
    visible: true,
    ...style,
  };
}

/** A symmetric spread (± std) around each centre as a plotly error bar, each side cut at `range`. */
export function spreadBars(centres: readonly number[], halfWidths: readonly number[], range: MetricRange, style: Record<string, unknown> = {}): Record<string, unknown> {
  const [lo, hi] = range;
  return {
    type: "data",
    symmetric: false,
    array: centres.map((c, i) => Math.max(0, Math.min(halfWidths[i], (hi ?? Infinity) - c))),
    arrayminus: centres.map((c, i) => Math.max(0, Math.min(halfWidths[i], c - (lo ?? -Infinity)))),
    visible: true,
    ...style,
  };
}

/** `meta` for a trace whose values (and their intervals) lie in the given ranges, per axis. */
export function rangeMeta(range: { x?: MetricRange; y?: MetricRange }): RangeMeta {
  return { range };
}

/** A trace's values on one axis with the ends of their error bars: what must lie in the declared range. */
function extents(trace: Record<string, unknown>, axis: "x" | "y"): { value: number; lo: number; hi: number; index: number }[] {
  const values = trace[axis];
  if (!Array.isArray(values)) return [];
  const err = trace[`error_${axis}`] as { array?: unknown[]; arrayminus?: unknown[]; symmetric?: boolean; visible?: boolean; type?: string } | undefined;
  const drawn = err && err.visible !== false && (err.type === undefined || err.type === "data");
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return values.flatMap((v, index) => {
    if (typeof v !== "number" || !Number.isFinite(v)) return [];
    const plus = drawn ? num(err!.array?.[index]) : 0;
    const minus = drawn ? (err!.symmetric === false ? num(err!.arrayminus?.[index]) : plus) : 0;
    return [{ value: v, lo: v - minus, hi: v + plus, index }];
  });
}

/**
 * Every place where a trace that declares a range draws a value or an interval outside it, as
 * one line each (none: an empty list). Values within 1e-12 of a bound pass (floating-point sums).
 */
export function rangeViolations(data: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  data.forEach((trace, i) => {
    const range = (trace.meta as Partial<RangeMeta> | undefined)?.range;
    if (!range) return;
    for (const axis of ["x", "y"] as const) {
      const r = range[axis];
      if (!r) continue;
      const lo = r[0] ?? -Infinity;
      const hi = r[1] ?? Infinity;
      for (const e of extents(trace, axis)) {
        if (e.lo < lo - 1e-12 || e.hi > hi + 1e-12) {
          const name = typeof trace.name === "string" ? ` (${trace.name})` : "";
          out.push(`figure.data[${i}]${name}: ${axis} point ${e.index} draws [${e.lo}, ${e.hi}] outside its declared range [${r[0] ?? "−∞"}, ${r[1] ?? "∞"}]`);
        }
      }
    }
  });
  return out;
}
