/**
 * Showing figures, tables and text in a tslab notebook.
 *
 * tslab's public display API sends one MIME type per output, and sends JSON types as strings,
 * which plotly's JupyterLab renderer cannot read. A figure needs one output with several
 * representations, so we call the writer tslab itself uses (`lastWriteDisplayData` in
 * tslab/dist/jupyter.js: private API, verified with tslab 1.0.22). Outside a kernel (plain Node,
 * tests) these functions print a text form instead.
 */
import { type Figure, assertFigure, figureId, figureTitle } from "../figures/figure";
import { figureFragment } from "../figures/html";
import { ChromiumMissingError, sharedRenderer } from "../figures/render";
import { type Table, toHtml, toMarkdown } from "../tables/table";
import { markdownToHtml } from "./markdown";

export type MimeBundle = Record<string, unknown>;
type DisplayWriter = (msg: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/** The kernel's display writer, or null when not running inside tslab. */
function tslabWriter(): DisplayWriter | null {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const w = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof w === "function") return w as DisplayWriter;
  }
  return null;
}

export function inNotebook(): boolean {
  return tslabWriter() !== null;
}

/** Sends one display_data output with every representation in `bundle`. */
export function displayBundle(bundle: MimeBundle): void {
  const write = tslabWriter();
  if (!write) {
    process.stdout.write(`${String(bundle["text/plain"] ?? "")}\n`);
    return;
  }
  write({ data: bundle, metadata: {}, transient: {} }, false);
}

let shownFigures = 0;

/**
 * The plotly figure as one output with:
 * - application/vnd.plotly.v1+json: rendered by JupyterLab's plotly extension and VS Code;
 * - text/html: the static image (WebP), replaced by the live plot where scripts run and plotly.js is
 *   available (exported HTML, or JupyterLab started at the project root);
 * - image/png: the static image for viewers that show images but not HTML;
 * - text/plain: for terminals and diffs.
 * Without chromium the static image is left out and a warning says how to install it.
 */
/** The most pixels a notebook's static copy of a figure gets: small multiples of many panels are drawn smaller, so a notebook stays under 1 MB. */
const STATIC_PIXELS = 450_000;

/** Scale of the static images in a notebook: 1, or less for a figure larger than STATIC_PIXELS (the interactive figure keeps its size). */
export function staticScale(fig: Figure): number {
  const w = Number((fig.layout as { width?: number } | undefined)?.width ?? 0);
  const h = Number((fig.layout as { height?: number } | undefined)?.height ?? 0);
  return w > 0 && h > 0 && w * h > STATIC_PIXELS ? Math.sqrt(STATIC_PIXELS / (w * h)) : 1;
}

export async function showFigure(fig: Figure): Promise<void> {
  assertFigure(fig);
  if (!inNotebook()) {
    // Plain Node: nothing can show a plot, and a browser would keep the process alive.
    process.stdout.write(`<Plotly figure: ${figureTitle(fig)}> (use saveFigures to write HTML/SVG/PNG)\n`);
    return;
  }
  let png: string | null = null;
  // The HTML output carries its own copy of the static image; as WebP it costs a fraction of the
  // PNG's bytes, which keeps a notebook of a dozen figures under 1 MB.
  let webp: string | null = null;
  try {
    const scale = staticScale(fig);
    const [pngBytes, webpBytes] = await (await sharedRenderer()).renderEach(fig, [{ format: "png", scale }, { format: "webp", scale }]);
    png = pngBytes.toString("base64");
    webp = webpBytes.toString("base64");
  } catch (e) {
    if (!(e instanceof ChromiumMissingError)) throw e;
    process.stderr.write(`${e.message}\n`);
  }
  const id = `mtl-lab-fig-${figureId(fig)}-${++shownFigures}`;
  const bundle: MimeBundle = {
    "application/vnd.plotly.v1+json": { data: fig.data, layout: fig.layout, config: fig.config ?? {} },
    "text/html": figureFragment(fig, id, webp, "image/webp"),
    "text/plain": `<Plotly figure: ${figureTitle(fig)}>`,
  };
  if (png) bundle["image/png"] = png;
  displayBundle(bundle);
}

export function showTable(t: Table): void {
  displayBundle({ "text/html": toHtml(t), "text/markdown": toMarkdown(t), "text/plain": toMarkdown(t) });
}

/** Markdown, with an HTML rendering so that it reads well in untrusted notebooks too (see markdown.ts). */
export function showMarkdown(md: string): void {
  displayBundle({ "text/html": markdownToHtml(md), "text/markdown": md, "text/plain": md });
}

/** A JSON value (provenance records, summaries) as a collapsible-friendly pretty print. */
export function showJson(value: unknown): void {
  const text = JSON.stringify(value, null, 2);
  displayBundle({ "application/json": value as object, "text/plain": text });
}
