/** Figures on disk: `<name>.html` (self-contained), `<name>.svg`, `<name>.png`. */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileIfChanged } from "../project";
import { plotlyVersion, type Figure } from "./figure";
import { standaloneFigureHtml } from "./html";
import { FigureRenderer } from "./render";

export interface SavedFigure {
  html: string;
  svg: string;
  png: string;
}

/**
 * Bumped when the way a spec becomes SVG/PNG changes (not the spec itself), so that every
 * figure is rendered again: 2 = plotly's random element ids replaced by a fixed sequence.
 */
const RENDERING = 2;

/**
 * What a figure's SVG and PNG are made from: its spec, the plotly.js version and the rendering
 * above. Equal keys mean equal images, so a load that finds the key it recorded renders nothing.
 */
export function figureInputKey(fig: Figure): string {
  return createHash("sha256").update(JSON.stringify({ fig, plotly: plotlyVersion(), rendering: RENDERING })).digest("hex").slice(0, 16);
}

export interface SaveFiguresResult {
  saved: Record<string, SavedFigure>;
  /** figureInputKey of every figure, by name: the caller records them for the next save. */
  keys: Record<string, string>;
  /** Files whose bytes changed (written), absolute paths. */
  changed: string[];
}

/**
 * Writes every figure in three forms, rendering (one browser for the batch) only the figures
 * whose input key differs from `previous` or whose SVG/PNG is missing; files whose bytes would
 * not change are not touched. Throws ChromiumMissingError (with the install command) before
 * writing anything if a figure needs rendering and chromium is absent.
 */
export async function saveFiguresIfChanged(figures: Record<string, Figure>, dir: string, previous: Record<string, string> = {}): Promise<SaveFiguresResult> {
  const result: SaveFiguresResult = { saved: {}, keys: {}, changed: [] };
  const todo: string[] = [];
  for (const [name, fig] of Object.entries(figures)) {
    const base = path.join(dir, name);
    const out = { html: `${base}.html`, svg: `${base}.svg`, png: `${base}.png` };
    result.saved[name] = out;
    result.keys[name] = figureInputKey(fig);
    if (previous[name] !== result.keys[name] || !fs.existsSync(out.svg) || !fs.existsSync(out.png)) todo.push(name);
  }
  const write = (file: string, content: string | Uint8Array) => {
    if (writeFileIfChanged(file, content)) result.changed.push(file);
  };
  if (todo.length) {
    const renderer = await FigureRenderer.open();
    try {
      for (const name of todo) {
        const [svg, png] = await renderer.renderEach(figures[name], [{ format: "svg" }, { format: "png", scale: 2 }]);
        write(result.saved[name].svg, svg);
        write(result.saved[name].png, png);
      }
    } finally {
      await renderer.close();
    }
  }
  for (const [name, fig] of Object.entries(figures)) write(result.saved[name].html, standaloneFigureHtml(fig));
  return result;
}

/**
 * Writes every figure in three forms with one browser for the whole batch. Throws
 * ChromiumMissingError (with the install command) before writing anything if chromium is absent.
 */
export async function saveFigures(figures: Record<string, Figure>, dir: string): Promise<Record<string, SavedFigure>> {
  return (await saveFiguresIfChanged(figures, dir)).saved;
}
