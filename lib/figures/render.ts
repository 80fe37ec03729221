/**
 * Static SVG/PNG of plotly figures. plotly.js measures text with the DOM, so it needs a real
 * browser: Debian's chromium driven by playwright-core (never a browser download). One browser
 * serves a batch of figures; `sharedRenderer()` keeps one per process (a notebook kernel).
 */
import * as fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { type Figure, assertFigure, figureSize, plotlyJsPath } from "./figure";

/** Flags for a sandboxed, offline machine: without the networking ones chromium retries
 *  Google hosts on start-up and floods a closed network with refused connections. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** The chromium executable: `MTL_CHROMIUM`, else the first of the usual Debian paths, else null. */
export function findChromium(): string | null {
  const fromEnv = process.env.MTL_CHROMIUM;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export class ChromiumMissingError extends Error {
  constructor() {
    super(
      "Static figures (SVG/PNG) need Debian's chromium, which is not installed. " +
        "Install it with `apt-get install -y chromium` (as root), or point MTL_CHROMIUM at a chromium binary.",
    );
    this.name = "ChromiumMissingError";
  }
}

/** webp: the lossy static image inside notebook HTML outputs, a fraction of the PNG's bytes. */
export type ImageFormat = "svg" | "png" | "webp";

export interface RenderOptions {
  format: ImageFormat;
  /** Pixel ratio for PNG; 1 keeps notebooks small. */
  scale?: number;
}

export class FigureRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async open(): Promise<FigureRenderer> {
    const executablePath = findChromium();
    if (!executablePath) throw new ChromiumMissingError();
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><div id="g"></div></body></html>');
      await page.addScriptTag({ path: plotlyJsPath() });
      return new FigureRenderer(browser, page);
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  /** SVG text, or PNG / WebP bytes. */
  async render(fig: Figure, opts: RenderOptions): Promise<Buffer> {
    return (await this.renderEach(fig, [opts]))[0];
  }

  /** One image per options entry, from a single plot of the figure (a notebook output wants two). */
  async renderEach(fig: Figure, each: readonly RenderOptions[]): Promise<Buffer[]> {
    assertFigure(fig);
    const { width, height } = figureSize(fig);
    const dataUrls = await this.page.evaluate(
      async ({ fig, width, height, each }) => {
        const P = (window as unknown as { Plotly: any }).Plotly; // eslint-disable-line @typescript-eslint/no-explicit-any
        const gd = document.getElementById("g") as HTMLElement;
        // plotly names its clip paths and defs with Math.random ids: a fixed sequence per figure
        // makes the same figure render to the same SVG bytes (committed files do not churn)
        const random = Math.random;
        let state = 0x9e3779b9;
        Math.random = () => {
          state = (state + 0x6d2b79f5) | 0;
          let t = Math.imul(state ^ (state >>> 15), 1 | state);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        try {
          await P.newPlot(gd, fig.data, { ...fig.layout, width, height }, { staticPlot: true });
          const urls: string[] = [];
          for (const { format, scale } of each) urls.push(await P.toImage(gd, { format, width, height, scale }));
          P.purge(gd);
          return urls;
        } finally {
          Math.random = random;
        }
      },
      { fig, width, height, each: each.map((o) => ({ format: o.format, scale: o.scale ?? 1 })) },
    );
    return dataUrls.map(decodeDataUrl);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(",");
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
}

let shared: Promise<FigureRenderer> | undefined;

/** One renderer per process, opened on first use (a notebook kernel keeps it for its lifetime). */
export function sharedRenderer(): Promise<FigureRenderer> {
  if (!shared) {
    shared = FigureRenderer.open();
    shared.catch(() => (shared = undefined)); // a failed start (no chromium) may be retried after an install
  }
  return shared;
}

export async function closeSharedRenderer(): Promise<void> {
  const r = shared;
  shared = undefined;
  if (r) await (await r).close();
}
