import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import {
  CHROMIUM_ARGS,
  ChromiumMissingError,
  FigureRenderer,
  type Figure,
  PALETTE,
  assertFigure,
  colorAt,
  withAlpha,
  closeSharedRenderer,
  figureFragment,
  figureId,
  findChromium,
  injectPlotly,
  plotlyJsPath,
  saveFigures,
  scriptSafeJson,
  showFigure,
} from "mtl-lab";

const fig: Figure = {
  data: [{ type: "scatter", mode: "lines", x: [0, 1, 2], y: [1, 3, 2], name: "</script><b>" }],
  layout: { title: { text: "Loss" }, width: 400, height: 300 },
};

test("figure specs are validated", () => {
  assert.throws(() => assertFigure({ layout: {} } as unknown as Figure), /figure\.data must be an array/);
  assert.throws(() => assertFigure({ data: [], layout: null } as unknown as Figure), /figure\.layout must be an object/);
  assert.throws(() => assertFigure({ data: [3], layout: {} } as unknown as Figure), /figure\.data\[0\] must be a plotly trace/);
});

test("figure ids are stable and content-addressed", () => {
  assert.equal(figureId(fig), figureId(JSON.parse(JSON.stringify(fig)) as Figure));
  assert.notEqual(figureId(fig), figureId({ ...fig, layout: { ...fig.layout, width: 401 } }));
});

test("the notebook fragment shows the static PNG and replaces it by the live plot; data cannot break out of the script", () => {
  const html = figureFragment(fig, "fig-1", "iVBORw0KGgo=");
  assert.match(html, /<div class="mtl-lab-figure" id="fig-1" style="width:400px;height:300px"><img alt="Loss" width="400" height="300" src="data:image\/png;base64,iVBORw0KGgo=">/);
  assert.match(html, /P\.newPlot\(el, fig\.data/);
  assert.match(html, /files\/node_modules\/plotly\.js-dist\/plotly\.js/);
  assert.ok(!html.includes("</script><b>"), "trace names must be escaped inside the script");
  assert.equal(JSON.parse(scriptSafeJson("</script>")), "</script>");
  assert.match(figureFragment(fig, "fig-2", null), /static image not rendered \(chromium missing\)/);
});

/**
 * What older code stored in notebooks (until the loader fix): under require.js it assigned the
 * module require.js returned, undefined since plotly.js-dist never calls define(), to
 * window.Plotly, and left a resolved promise that later figures waited on.
 */
const STALE_OUTPUT = `<div class="mtl-lab-figure" id="stale-fig"><img alt="stale"></div>
<script>(function () {
  var src = document.body.getAttribute("data-base-url") + "files/node_modules/plotly.js-dist/plotly.js";
  if (!window.__mtlLabPlotly) {
    window.__mtlLabPlotly = new Promise(function (ok, fail) {
      if (window.define && window.define.amd && window.require) {
        window.require([src], function (P) { window.Plotly = P; ok(); }, fail);
        return;
      }
      var s = document.createElement("script"); s.src = src; s.onload = ok; s.onerror = fail; document.head.appendChild(s);
    });
  }
})();</script>`;

// Debian's require.js (installed with jupyter-notebook), else a stand-in with its behaviour for a
// script that defines no module: the callback gets undefined.
const REQUIRE_JS = "/usr/share/javascript/requirejs/require.js";
const REQUIRE_STANDIN = `window.define = function () {}; window.define.amd = {};
window.require = function (deps, ok) { var s = document.createElement("script"); s.src = deps[0]; s.onload = function () { ok(undefined); }; document.head.appendChild(s); };`;

test("in a classic-notebook-like page (require.js, a stale output that clobbered window.Plotly) a fresh figure still draws live", async () => {
  const plotly = fs.readFileSync(plotlyJsPath());
  const requireJs = fs.existsSync(REQUIRE_JS) ? fs.readFileSync(REQUIRE_JS) : Buffer.from(REQUIRE_STANDIN);
  const page = `<!doctype html><html><head><meta charset="utf-8"><script src="/require.js"></script></head>
<body data-base-url="/">${STALE_OUTPUT}<div id="outputs"></div></body></html>`;
  const server = http.createServer((req, res) => {
    const body = req.url === "/" ? page : req.url === "/require.js" ? requireJs : req.url === "/files/node_modules/plotly.js-dist/plotly.js" ? plotly : null;
    res.writeHead(body === null ? 404 : 200, { "content-type": req.url === "/" ? "text/html" : "application/javascript" });
    res.end(body ?? "not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as import("node:net").AddressInfo;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("console", (m) => m.type() === "error" && !m.location().url.endsWith("/favicon.ico") && errors.push(`${m.text()} ${m.location().url}`));
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${port}/`);
    // the stale output's load has finished and left the page without plotly
    const stale = await tab.evaluate(async () => {
      const w = window as unknown as { __mtlLabPlotly: Promise<void>; Plotly: unknown; define?: { amd?: unknown } };
      await w.__mtlLabPlotly;
      return { plotly: typeof w.Plotly, amd: Boolean(w.define?.amd) };
    });
    assert.deepEqual(stale, { plotly: "undefined", amd: true });
    // a fresh output, inserted as front ends do (its script run after the HTML is in place)
    const insert = (html: string) =>
      tab.evaluate((h) => {
        const holder = document.createElement("div");
        holder.innerHTML = h;
        document.getElementById("outputs")!.appendChild(holder);
        holder.querySelectorAll("script").forEach((old) => {
          const s = document.createElement("script");
          s.text = old.text;
          old.replaceWith(s);
        });
      }, html);
    await insert(figureFragment(fig, "fresh-fig", "iVBORw0KGgo="));
    await tab.waitForSelector("#fresh-fig[data-mtl-lab-live] .main-svg", { timeout: 20_000 });
    assert.equal(await tab.locator("#fresh-fig img").count(), 0, "the static image is replaced");
    // a second figure on the same page reuses the loaded plotly.js, even if window.Plotly is clobbered again
    await tab.evaluate(() => ((window as unknown as { Plotly: unknown }).Plotly = undefined));
    await insert(figureFragment(fig, "stale-fig", null));
    await tab.waitForFunction(() => Array.from(document.querySelectorAll("[id=stale-fig][data-mtl-lab-live]")).filter((e) => e.querySelector(".main-svg")).length === 2, undefined, { timeout: 20_000 });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

test("injectPlotly puts plotly.js once, first in <head>", () => {
  const page = "<!DOCTYPE html><html><head><script src=require.js></script></head><body></body></html>";
  const once = injectPlotly(page);
  assert.equal(injectPlotly(once), once);
  const head = once.indexOf("<head>");
  const plotly = once.indexOf("data-mtl-lab-plotly");
  assert.ok(head < plotly && plotly < once.indexOf("require.js"));
  assert.equal(once.split("data-mtl-lab-plotly").length, 2);
  assert.ok(!/<\/script/i.test(once.slice(plotly, once.indexOf("</script>", plotly))), "plotly source must not contain a raw </script");
  assert.throws(() => injectPlotly("<html><body></body></html>"), /has no <head>/);
});

test("chromium renders SVG and PNG; one browser for a batch", async () => {
  const renderer = await FigureRenderer.open();
  try {
    const svg = (await renderer.render(fig, { format: "svg" })).toString("utf8");
    assert.match(svg, /^<svg[\s\S]*<\/svg>$/);
    assert.match(svg, /width="400"/);
    const png = await renderer.render(fig, { format: "png" });
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 400); // IHDR width at scale 1
    assert.equal(png.readUInt32BE(20), 300);
  } finally {
    await renderer.close();
  }
});

test("saveFigures writes self-contained HTML, SVG and PNG", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-fig-"));
  const saved = await saveFigures({ loss: fig }, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["loss.html", "loss.png", "loss.svg"]);
  const html = fs.readFileSync(saved.loss.html, "utf8");
  assert.ok(html.length > 1_000_000, "plotly.js is inlined");
  assert.ok(!/<script[^>]+src=/i.test(html), "no external script");
  fs.rmSync(dir, { recursive: true });
});

test("a missing chromium is one clear error with the install command", async () => {
  const prior = process.env.MTL_CHROMIUM;
  process.env.MTL_CHROMIUM = "/nonexistent/chromium";
  try {
    await assert.rejects(FigureRenderer.open(), (e: Error) => e instanceof ChromiumMissingError && /apt-get install -y chromium/.test(e.message));
  } finally {
    if (prior === undefined) delete process.env.MTL_CHROMIUM;
    else process.env.MTL_CHROMIUM = prior;
  }
});

test("outside a kernel showFigure prints a text line and starts no browser", async () => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await showFigure(fig);
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(lines, ["<Plotly figure: Loss> (use saveFigures to write HTML/SVG/PNG)\n"]);
});

test("in a tslab kernel showFigure sends one output with plotly JSON (an object), HTML, PNG and text", async () => {
  const sent: { data: Record<string, unknown> }[] = [];
  const fake = path.join(os.tmpdir(), "fake", "tslab", "dist", "jupyter.js");
  require.cache[fake] = { exports: { lastWriteDisplayData: (msg: { data: Record<string, unknown> }) => sent.push(msg) } } as unknown as NodeJS.Module;
  try {
    await showFigure(fig);
  } finally {
    delete require.cache[fake];
    await closeSharedRenderer();
  }
  assert.equal(sent.length, 1);
  const bundle = sent[0].data;
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "image/png", "text/html", "text/plain"]);
  assert.equal(typeof bundle["application/vnd.plotly.v1+json"], "object");
  assert.deepEqual((bundle["application/vnd.plotly.v1+json"] as Figure).data, fig.data);
  const png = Buffer.from(bundle["image/png"] as string, "base64");
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  // the HTML's static image is the same figure as WebP (a fraction of the PNG's bytes), not a second PNG
  const webp = /src="data:image\/webp;base64,([^"]+)"/.exec(bundle["text/html"] as string)?.[1];
  assert.ok(webp, "the HTML carries a WebP static image");
  const riff = Buffer.from(webp, "base64");
  assert.equal(riff.subarray(0, 4).toString() + riff.subarray(8, 12).toString(), "RIFFWEBP");
  assert.ok(riff.length < png.length, `WebP ${riff.length} B smaller than PNG ${png.length} B`);
  assert.ok(!(bundle["text/html"] as string).includes(bundle["image/png"] as string), "the PNG is not stored twice");
  assert.equal(bundle["text/plain"], "<Plotly figure: Loss>");
});

test("palette: colours cycle and bands get the line's colour with alpha", () => {
  assert.equal(colorAt(0), PALETTE[0]);
  assert.equal(colorAt(PALETTE.length + 2), PALETTE[2]);
  assert.equal(withAlpha("#1f77b4", 0.2), "rgba(31,119,180,0.2)");
  assert.throws(() => withAlpha("blue", 0.2), /needs a #rrggbb colour, got "blue"/);
});
