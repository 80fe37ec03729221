/** Figures on disk: `<name>.html` (self-contained), `<name>.svg`, `<name>.png`. */
import * as path from "node:path";
import { writeFileAtomic } from "../project";
import type { Figure } from "./figure";
import { standaloneFigureHtml } from "./html";
import { FigureRenderer } from "./render";

export interface SavedFigure {
  html: string;
  svg: string;
  png: string;
}

/**
 * Writes every figure in three forms with one browser for the whole batch. Throws
 * ChromiumMissingError (with the install command) before writing anything if chromium is absent.
 */
export async function saveFigures(figures: Record<string, Figure>, dir: string): Promise<Record<string, SavedFigure>> {
  const renderer = await FigureRenderer.open();
  const saved: Record<string, SavedFigure> = {};
  try {
    for (const [name, fig] of Object.entries(figures)) {
      const base = path.join(dir, name);
      const out = { html: `${base}.html`, svg: `${base}.svg`, png: `${base}.png` };
      const [svg, png] = await renderer.renderEach(fig, [{ format: "svg" }, { format: "png", scale: 2 }]);
      writeFileAtomic(out.svg, svg);
      writeFileAtomic(out.png, png);
      writeFileAtomic(out.html, standaloneFigureHtml(fig));
      saved[name] = out;
    }
  } finally {
    await renderer.close();
  }
  return saved;
}
