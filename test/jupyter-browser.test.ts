/**
 * The committed 00-environment notebook in a real Jupyter front end, as a newcomer opens it:
 * Debian's classic Notebook server (started the way `npm run lab` starts it, on 127.0.0.1 with a
 * random port and token) and headless chromium driven by playwright-core.
 *
 * - Untrusted (fresh from git): the stored figure shows its static image, markdown outputs render,
 *   and saving it unchanged writes the committed bytes (language_info and streams as Jupyter
 *   stores them).
 * - Trusted through the UI: the stored figure becomes a live plotly graph; running the cells up to
 *   the figure through the UI draws a fresh live graph; no console errors.
 *
 * The server is installed by ensure-tools (`npm test`, as root); where it is missing the test is
 * skipped with the install command. Server, kernel and browser are stopped at the end.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { CHROMIUM_ARGS, findChromium, jupyterEnv, notebookFiles, notebookServerProblem, projectRoot, registerKernel, serverCommand, trustNotebooks } from "mtl-lab";

const NOTEBOOK = "00-environment.ipynb";
const serverProblem = notebookServerProblem();
const chromium = findChromium();
const skip = serverProblem
  ? `classic Jupyter Notebook server missing (as root, \`npm test\` installs it through ensure-tools): ${serverProblem.split("\n").join(" ")}`
  : chromium
    ? false
    : "chromium missing: apt-get install -y chromium";

const root = projectRoot();
const token = randomBytes(16).toString("hex");
let port = 0;
let server: ChildProcess | undefined;
let serverLog = "";
let browser: Browser | undefined;
let workDir = "";
let jupyterHome = "";
/** URL path of the copy under the server root (the server's root is the project root). */
let nbUrlPath = "";
let env: NodeJS.ProcessEnv = {};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const api = (p: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}${p}`, { ...init, headers: { Authorization: `token ${token}`, ...(init.headers ?? {}) } });

async function waitForServer(timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`notebook server exited (${server.exitCode}):\n${serverLog}`);
    try {
      if ((await api("/api/status")).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`notebook server not ready after ${timeoutMs} ms:\n${serverLog}`);
}

before(async () => {
  if (skip) return;
  registerKernel();
  // a copy under the server root (the committed file is never opened, so autosave cannot touch it)
  fs.mkdirSync(path.join(root, "build"), { recursive: true });
  workDir = fs.mkdtempSync(path.join(root, "build", "jupyter-browser-"));
  for (const file of notebookFiles(root)) fs.copyFileSync(file, path.join(workDir, path.basename(file)));
  nbUrlPath = path.relative(root, path.join(workDir, NOTEBOOK)).split(path.sep).join("/");
  // Jupyter's own state (trust database, runtime files, config) in a temporary home
  jupyterHome = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-jupyter-home-"));
  env = jupyterEnv({
    JUPYTER_CONFIG_DIR: path.join(jupyterHome, "config"),
    JUPYTER_DATA_DIR: path.join(jupyterHome, "data"),
    JUPYTER_RUNTIME_DIR: path.join(jupyterHome, "runtime"),
  });
  port = await freePort();
  const [cmd, ...args] = serverCommand("classic", { root, port, token });
  server = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (serverLog += d.toString()));
  await waitForServer(60_000);
  const { chromium: pw } = await import("playwright-core");
  browser = await pw.launch({ executablePath: chromium as string, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  if (skip) return;
  await browser?.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    // kernels run in their own session: shut them down through the API before the server
    try {
      const kernels = (await (await api("/api/kernels")).json()) as { id: string }[];
      await Promise.all(kernels.map((k) => api(`/api/kernels/${k.id}`, { method: "DELETE" })));
    } catch {
      // the server is going anyway
    }
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    const timer = setTimeout(() => server?.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  if (jupyterHome) fs.rmSync(jupyterHome, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  errors: string[];
}

/** Opens a copy in the classic UI and waits until it is loaded and (unless told not to) its kernel is ready. */
async function openNotebook(name = NOTEBOOK, waitForKernel = true): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/notebooks/${path.posix.join(path.posix.dirname(nbUrlPath), name)}?token=${token}`);
  await page.waitForFunction((kernel) => {
    const J = (window as unknown as { Jupyter?: { notebook?: { _fully_loaded?: boolean; kernel?: { info_reply?: unknown } } } }).Jupyter;
    return Boolean(J?.notebook?._fully_loaded) && (!kernel || Boolean(J?.notebook?.kernel?.info_reply));
  }, waitForKernel, { timeout: 60_000 });
  return { page, errors };
}

/** The output area of the code cell whose source contains `marker`. */
function outputOf(page: Page, marker: string) {
  return page.locator(".cell.code_cell", { has: page.locator(".input", { hasText: marker }) }).locator(".output_area");
}

/**
 * Console errors that are not ours: the classic notebook asks for optional customisation files,
 * and MathJax probes web fonts through about:blank, which chromium refuses.
 */
const ours = (errors: string[]) => errors.filter((e) => !/\/custom\/custom\.(js|css)|favicon|font at 'about:blank'|\(about:blank\)$/.test(e));

test("untrusted: the static image shows, markdown renders, and opening then saving writes the committed bytes", { skip, timeout: 120_000 }, async () => {
  const { page, errors } = await openNotebook();
  try {
    assert.equal(await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { trusted: boolean } } }).Jupyter.notebook.trusted), false);
    const figure = outputOf(page, "showFigure");
    // the HTML output's static image is WebP (the PNG is the image/png alternative): the sanitiser keeps it
    await figure.locator('img[src^="data:image/webp;base64,"]').first().waitFor({ state: "visible", timeout: 10_000 });
    const img = await figure.locator("img").first().evaluate((e) => ({ w: (e as HTMLImageElement).naturalWidth, h: (e as HTMLImageElement).naturalHeight }));
    assert.ok(img.w >= 700 && img.h >= 400, `the static image decodes (${img.w}×${img.h})`);
    assert.equal(await figure.locator(".main-svg").count(), 0, "no live plot in an untrusted notebook");
    // markdown sent by showMarkdown reads as markdown, not as raw ** text
    const md = outputOf(page, "runsFrame");
    assert.ok((await md.locator("strong", { hasText: /runs × \d+ columns/ }).count()) === 1, "markdown output is rendered untrusted");
    // save through the UI once the kernel has reported its language_info: the file must keep the
    // committed bytes (it did not when the runner stored less language_info than the kernel reports)
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { save_notebook: () => Promise<unknown> } } }).Jupyter.notebook.save_notebook());
    const saved = fs.readFileSync(path.join(workDir, NOTEBOOK), "utf8");
    assert.equal(saved, fs.readFileSync(path.join(root, "notebooks", NOTEBOOK), "utf8"), "open + save leaves no diff");
    assert.deepEqual(ours(errors), []);
  } finally {
    await page.close();
  }
});

test("trusted through the UI: the stored figure and a figure run through the UI are live plotly graphs, without console errors", { skip, timeout: 120_000 }, async () => {
  const { page, errors } = await openNotebook();
  try {
    // File → Trust Notebook → confirm; the classic notebook reloads the page once trusted
    await page.click("#filelink");
    await page.click("#trust_notebook");
    // The classic menu opens the same dialog twice, one above the other, in either order: a
    // click event on the dialog's button (not a pointer click, which the other overlay intercepts).
    const trust = page.locator(".modal-footer button.btn-danger", { hasText: "Trust" }).first();
    await trust.waitFor({ state: "visible", timeout: 10_000 });
    await trust.dispatchEvent("click");
    await page.waitForFunction(() => (window as unknown as { Jupyter?: { notebook?: { trusted?: boolean } } }).Jupyter?.notebook?.trusted === true, undefined, { timeout: 30_000 });
    const figure = outputOf(page, "showFigure");
    // the committed output's own script loads plotly.js through the server and draws
    await figure.locator(".mtl-lab-figure .main-svg").first().waitFor({ timeout: 30_000 });
    // run the figure cell through the UI: select it, run everything above, then the cell itself
    const cell = page.locator(".cell.code_cell", { has: page.locator(".input", { hasText: "showFigure" }) });
    await cell.locator(".input_prompt").click();
    await page.click("#celllink");
    await page.click("#run_all_cells_above");
    await cell.locator(".input_prompt").click();
    await page.keyboard.press("Shift+Enter");
    // the fresh output: a new element id (the kernel's figure counter), drawn live
    await page.waitForFunction(
      (sel) => {
        const cells = Array.from(document.querySelectorAll(".cell.code_cell"));
        const c = cells.find((e) => (e.querySelector(".input")?.textContent ?? "").includes(sel));
        const prompt = c?.querySelector(".input_prompt")?.textContent ?? "";
        return /\[\d+\]/.test(prompt) && Boolean(c?.querySelector(".mtl-lab-figure[data-mtl-lab-live] .main-svg"));
      },
      "showFigure",
      { timeout: 90_000 },
    );
    const live = figure.locator(".mtl-lab-figure");
    assert.equal(await live.count(), 1, "one figure in the re-run cell");
    assert.equal(await live.locator("img").count(), 0, "the static image was replaced");
    assert.ok((await live.locator(".main-svg .trace").count()) >= 2, "both traces (bars and density) are drawn");
    assert.ok((await live.locator(".modebar").count()) === 1, "plotly's interactive modebar is there");
    assert.deepEqual(ours(errors), [], "no console errors");
    if (process.env.MTL_SCREENSHOTS) await live.screenshot({ path: path.join(process.env.MTL_SCREENSHOTS, "classic-notebook-live-figure.png") });
  } finally {
    await page.close();
  }
});

test("every committed notebook, once trusted (`jupyter trust`, as `npm run lab` does), shows all its stored figures live", { skip, timeout: 120_000 }, async () => {
  const names = notebookFiles(root).map((f) => path.basename(f)).filter((n) => n !== NOTEBOOK);
  trustNotebooks(names.map((n) => path.join(workDir, n)), env);
  for (const name of names) {
    const { page, errors } = await openNotebook(name, false); // stored outputs need no kernel
    try {
      assert.equal(await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { trusted: boolean } } }).Jupyter.notebook.trusted), true, `${name} is trusted`);
      const figures = page.locator(".mtl-lab-figure");
      const n = await figures.count();
      await page.waitForFunction(
        (count) => Array.from(document.querySelectorAll(".mtl-lab-figure")).filter((e) => e.hasAttribute("data-mtl-lab-live") && e.querySelector(".main-svg")).length === count,
        n,
        { timeout: 30_000 },
      );
      assert.equal(await figures.locator("img").count(), 0, `${name}: no static image left`);
      assert.deepEqual(ours(errors), [], `${name}: no console errors`);
    } finally {
      await page.close();
    }
  }
});

/**
 * Every output area of a notebook as the classic Notebook lays it out: its height, and whether
 * it was folded into a scroll box ("auto" scrolling crops a long output to 24em) or overflows
 * its box vertically. Measured after every image has decoded, with live figures drawn.
 */
async function croppedOutputs(page: Page): Promise<{ cell: number; height: number; why: string }[]> {
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete), undefined, { timeout: 30_000 });
  return page.evaluate(() => {
    const cells = Array.from(document.querySelectorAll(".cell.code_cell"));
    return cells.flatMap((c, i) => {
      const out = c.querySelector(".output") as HTMLElement | null;
      if (!out || out.children.length === 0) return [];
      const height = out.getBoundingClientRect().height;
      const why = out.classList.contains("output_scroll")
        ? "folded into a scroll box (output_scroll)"
        : out.scrollHeight > out.clientHeight + 2
          ? `overflows its box (${out.scrollHeight} > ${out.clientHeight} px)`
          : "";
      return why ? [{ cell: i + 1, height, why }] : [];
    });
  });
}

test("no output of notebooks 03–06 is cropped into a scroll box, untrusted (static images) or trusted (live figures)", { skip, timeout: 240_000 }, async () => {
  const names = notebookFiles(root).map((f) => path.basename(f)).filter((n) => /^0[3-6]-/.test(n));
  assert.equal(names.length, 4);
  for (const trusted of [false, true]) {
    if (trusted) trustNotebooks(names.map((n) => path.join(workDir, n)), env);
    for (const name of names) {
      const { page } = await openNotebook(name, false);
      try {
        if (trusted) await page.waitForFunction(() => Array.from(document.querySelectorAll(".mtl-lab-figure")).every((e) => e.hasAttribute("data-mtl-lab-live") && e.querySelector(".main-svg")), undefined, { timeout: 30_000 });
        const outputs = await page.locator(".cell.code_cell .output_area").count();
        assert.ok(outputs > 3, `${name}: has outputs to measure (${outputs})`);
        assert.deepEqual(await croppedOutputs(page), [], `${name} (${trusted ? "trusted" : "untrusted"}): cropped outputs`);
      } finally {
        await page.close();
      }
    }
  }
});
