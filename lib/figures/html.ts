/** HTML for plotly figures: a self-contained page for disk, and the fragment notebooks display. */
import * as fs from "node:fs";
import { type Figure, figureSize, figureTitle, plotlyJsPath, scriptSafeJson, scriptSafeSource } from "./figure";

let plotlySource: string | undefined;

/** plotly.js from plotly.js-dist, made safe to inline in a <script> element. */
export function plotlyScript(): string {
  plotlySource ??= scriptSafeSource(fs.readFileSync(plotlyJsPath(), "utf8"));
  return `<script type="text/javascript">${plotlySource}</script>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A notebook output fragment: the static PNG (seen wherever scripts do not run: GitHub's viewer,
 * untrusted notebooks, plain nbconvert exports) which a script replaces by the live plot when
 * plotly.js is available: already on the page (our HTML export injects it once), or served from
 * node_modules by a Jupyter server started at the project root (JupyterLab, or the classic
 * notebook through its require.js).
 */
export function figureFragment(fig: Figure, elementId: string, pngBase64: string | null): string {
  const { width, height } = figureSize(fig);
  const title = escapeHtml(figureTitle(fig));
  const img = pngBase64
    ? `<img alt="${title}" width="${width}" height="${height}" src="data:image/png;base64,${pngBase64}">`
    : `<p><em>${title}</em>: static image not rendered (chromium missing); the live plot needs plotly.js.</p>`;
  const script = `(function () {
  var el = document.getElementById(${JSON.stringify(elementId)});
  if (!el) return;
  var fig = ${scriptSafeJson(fig)};
  function draw() { el.innerHTML = ""; window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || { responsive: true }); }
  if (window.Plotly) { draw(); return; }
  var cfg = document.getElementById("jupyter-config-data");
  var base = cfg ? JSON.parse(cfg.textContent || "{}").baseUrl : document.body.getAttribute("data-base-url");
  if (!base) return;
  var src = base.replace(/\\/?$/, "/") + "files/node_modules/plotly.js-dist/plotly.js";
  if (!window.__mtlLabPlotly) {
    window.__mtlLabPlotly = new Promise(function (ok, fail) {
      if (window.define && window.define.amd && window.require) {
        window.require([src], function (P) { window.Plotly = P; ok(); }, fail);
        return;
      }
      var s = document.createElement("script");
      s.src = src; s.onload = ok; s.onerror = fail;
      document.head.appendChild(s);
    });
  }
  window.__mtlLabPlotly.then(function () { if (window.Plotly) draw(); }, function () {});
})();`;
  return `<div class="mtl-lab-figure" id="${elementId}" style="width:${width}px;height:${height}px">${img}</div>\n<script type="text/javascript">${script}</script>`;
}

/** A standalone page with plotly.js inlined: opens offline in any browser. */
export function standaloneFigureHtml(fig: Figure): string {
  const title = escapeHtml(figureTitle(fig));
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
${plotlyScript()}
</head><body>
<div id="figure"></div>
<script type="text/javascript">var fig = ${scriptSafeJson(fig)}; Plotly.newPlot("figure", fig.data, fig.layout, fig.config || { responsive: true });</script>
</body></html>
`;
}

/**
 * Puts plotly.js once at the very top of an nbconvert HTML export, so every figure in it is live
 * offline. It goes first in <head> so that a require.js loaded later by the template cannot turn
 * plotly's UMD wrapper into an AMD module (which would leave window.Plotly undefined).
 */
export function injectPlotly(exportedHtml: string): string {
  if (exportedHtml.includes("data-mtl-lab-plotly")) return exportedHtml;
  const m = /<head[^>]*>/i.exec(exportedHtml);
  if (!m) throw new Error("exported notebook HTML has no <head>: cannot add plotly.js");
  const tag = plotlyScript().replace("<script ", '<script data-mtl-lab-plotly="1" ');
  const at = m.index + m[0].length;
  return `${exportedHtml.slice(0, at)}\n${tag}\n${exportedHtml.slice(at)}`;
}
