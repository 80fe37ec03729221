/**
 * A figure is a plain plotly.js spec (JSON): figures are built by pure functions from results
 * and rendered elsewhere (live in a notebook, to HTML/SVG/PNG on disk).
 */
import { createHash } from "node:crypto";
import { rangeViolations } from "./intervals";

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export const DEFAULT_WIDTH = 720;
export const DEFAULT_HEIGHT = 450;

export function figureSize(fig: Figure): { width: number; height: number } {
  const w = fig.layout.width;
  const h = fig.layout.height;
  return { width: typeof w === "number" ? w : DEFAULT_WIDTH, height: typeof h === "number" ? h : DEFAULT_HEIGHT };
}

export function figureTitle(fig: Figure): string {
  const t = fig.layout.title;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return "untitled";
}

/** Checks the parts of a spec that plotly would otherwise reject silently with a blank plot, and that no trace draws past its declared range. */
export function assertFigure(fig: Figure): void {
  if (!fig || !Array.isArray(fig.data)) throw new TypeError("figure.data must be an array of plotly traces");
  if (!fig.layout || typeof fig.layout !== "object") throw new TypeError("figure.layout must be an object");
  fig.data.forEach((trace, i) => {
    if (!trace || typeof trace !== "object") throw new TypeError(`figure.data[${i}] must be a plotly trace object`);
  });
  // an interval past its metric's bounds (an AUC above 1, a negative share) is a bug in the figure's code
  const outside = rangeViolations(fig.data);
  if (outside.length) throw new RangeError(`${figureTitle(fig)}: ${outside.length} interval(s) outside the metric's range, first: ${outside[0]}`);
}

/** A short stable id: the same figure gets the same element id, so re-executed notebooks diff cleanly. */
export function figureId(fig: Figure): string {
  return createHash("sha256").update(JSON.stringify(fig)).digest("hex").slice(0, 12);
}

/** The plotly.js bundle from the installed plotly.js-dist package (never a CDN). */
export function plotlyJsPath(): string {
  return require.resolve("plotly.js-dist/plotly.js");
}

/** The installed plotly.js-dist version (part of what a rendered image depends on). */
export function plotlyVersion(): string {
  return (require("plotly.js-dist/package.json") as { version: string }).version;
}

/** JSON that is safe inside an HTML <script> element. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

/** Source text that is safe inside an HTML <script> element (a literal "</script" would end it). */
export function scriptSafeSource(source: string): string {
  return source.replace(/<\/script/gi, "<\\/script");
}
