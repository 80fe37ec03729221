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
 * Global under which the fragment keeps its one plotly.js load per page. Versioned: outputs
 * stored by older code left a promise under `__mtlLabPlotly` that resolves with no plotly
 * (they assigned require.js's undefined module to window.Plotly), so it is never reused.
 */
export const PLOTLY_LOADER_KEY = "__mtlLabPlotlyLoader2";

/**
 * A notebook output fragment: the static image, PNG or WebP (seen wherever scripts do not run: GitHub's viewer,
 * untrusted notebooks, plain nbconvert exports) which a script replaces by the live plot when
 * plotly.js is available: already on the page (our HTML export injects it once), or served from
 * node_modules by a Jupyter server started at the project root (JupyterLab, or the classic
 * notebook).
 *
 * plotly.js is loaded with a plain <script> element even where require.js is on the page (the
 * classic notebook): plotly.js-dist never calls define(), it sets window.Plotly, so asking
 * require.js for it yields undefined. The loaded Plotly is kept with the loader's promise, so an
 * older output that clobbers window.Plotly cannot stop later figures from drawing; the figure is
 * drawn into every not-yet-live element of its id (a stale output of the same figure included).
 */
export function figureFragment(fig: Figure, elementId: string, imageBase64: string | null, imageMime: "image/png" | "image/webp" = "image/png"): string {
  const { width, height } = figureSize(fig);
  const title = escapeHtml(figureTitle(fig));
  const img = imageBase64
    ? `<img alt="${title}" width="${width}" height="${height}" src="data:${imageMime};base64,${imageBase64}">`
    : `<p><em>${title}</em>: static image not rendered (chromium missing); the live plot needs plotly.js.</p>`;
  const script = `(function () {
  var id = ${JSON.stringify(elementId)}, key = ${JSON.stringify(PLOTLY_LOADER_KEY)};
  var fig = ${scriptSafeJson(fig)};
  function usable(P) { return P && typeof P.newPlot === "function" ? P : null; }
  function targets() {
    return Array.prototype.filter.call(document.querySelectorAll("div.mtl-lab-figure"), function (e) {
      return e.id === id && !e.hasAttribute("data-mtl-lab-live");
    });
  }
  function draw(P, tries) {
    var els = targets();
    // an output can be added to the page just after its script ran: look again briefly
    if (els.length === 0) { if (tries < 20) setTimeout(function () { draw(P, tries + 1); }, 50); return; }
    els.forEach(function (el) {
      el.setAttribute("data-mtl-lab-live", "1");
      el.innerHTML = "";
      P.newPlot(el, fig.data, fig.layout, fig.config || { responsive: true });
    });
  }
  var now = usable(window.Plotly);
  if (now) { draw(now, 0); return; }
  var cfg = document.getElementById("jupyter-config-data");
  var base = cfg ? JSON.parse(cfg.textContent || "{}").baseUrl : document.body.getAttribute("data-base-url");
  if (!base) return;
  var src = base.replace(/\\/?$/, "/") + "files/node_modules/plotly.js-dist/plotly.js";
  if (!window[key]) {
    window[key] = new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { var P = usable(window.Plotly); if (P) ok(P); else fail(new Error("no Plotly after loading " + src)); };
      s.onerror = function () { fail(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }
  window[key].then(function (P) {
    if (!usable(window.Plotly)) window.Plotly = P;
    draw(P, 0);
  }, function (e) {
    window[key] = null; // a later figure tries again (e.g. after the server is restarted at the project root)
    console.warn("mtl-lab: live figure unavailable, showing the static image: " + e.message + " (start Jupyter in the project root)");
  });
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
