/**
 * Executes the notebooks headless in the smoke profile, as CI does, and checks what a reader
 * would see: no failing cell, figures with their static image, and live plots in exported HTML.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { CHROMIUM_ARGS, executeNotebook, findChromium, initBackend, projectRoot } from "mtl-lab";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Output[]; metadata: Record<string, unknown> }[];
  metadata: { language_info?: Record<string, unknown> };
}

const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : (t ?? ""));
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-nb-test-"));

function runNotebooksCli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const cli = path.join(projectRoot(), "lib", "dist", "cli", "notebooks.js");
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: projectRoot(), env: { ...process.env, ...env } });
}

const NOTEBOOKS = fs.readdirSync(path.join(projectRoot(), "notebooks")).filter((f) => f.endsWith(".ipynb") && !f.endsWith(".failed.ipynb")).sort();
const resultsDir = path.join(outDir, "results");

function readNotebook(name: string): { nb: Notebook; outputs: Output[]; stdout: string } {
  const nb = JSON.parse(fs.readFileSync(path.join(outDir, name), "utf8")) as Notebook;
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  const stdout = outputs.filter((o) => o.name === "stdout").map((o) => text(o.text)).join("");
  return { nb, outputs, stdout };
}

test("every committed notebook stays under 1 MB (no plotly.js inlined)", () => {
  const dir = path.join(projectRoot(), "notebooks");
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb"))) {
    assert.ok(fs.statSync(path.join(dir, name)).size < 1_000_000, `notebooks/${name} stays under 1 MB`);
  }
});

test("every notebook runs headless in the smoke profile; none writes an error; every figure has its static image", () => {
  // Experiments run by the notebooks write into a temporary results root, not the committed one.
  const r = runNotebooksCli(["--profile", "smoke", "--out", outDir, "--html"], { MTL_RESULTS_DIR: resultsDir });
  assert.equal(r.status, 0, `notebooks CLI failed:\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /Socket is closed|EBADF|UncaughtException/, "the kernels shut down quietly");
  for (const name of NOTEBOOKS) {
    // a path outside the folder the command ran in is printed absolute
    assert.ok(r.stdout.includes(`✔ ${path.join(outDir, name)} in `), `${name}: printed with its absolute path`);
    const { nb, outputs } = readNotebook(name);
    // what Jupyter writes on opening and saving, so that doing so leaves no diff
    assert.equal(nb.metadata.language_info?.file_extension, ".ts", `${name}: language_info as the kernel reports it`);
    for (const cell of nb.cells) {
      const outs = cell.outputs ?? [];
      outs.slice(1).forEach((o, i) => {
        const before = outs[i];
        assert.ok(!(o.output_type === "stream" && before.output_type === "stream" && o.name === before.name), `${name}: consecutive ${o.name} streams are merged`);
      });
    }
    assert.deepEqual(outputs.filter((o) => o.output_type === "error"), [], `${name}: error outputs`);
    // stderr is for errors: a notebook shows it in a red box, so progress and load lines go to stdout
    const stderr = outputs.filter((o) => o.name === "stderr").map((o) => text(o.text)).join("");
    assert.doesNotMatch(stderr, /Error|^\s+at /m, `${name} wrote an error to stderr`);
    assert.doesNotMatch(stderr, /runs present|done in|runs already in results/, `${name}: progress on stderr`);
    for (const cell of nb.cells.filter((c) => c.cell_type === "code")) assert.equal(cell.metadata.scrolled, false, `${name}: outputs are not folded into a scroll box`);
    const first = nb.cells.find((c) => c.cell_type === "code")!.outputs?.[0];
    assert.match(text(first?.text), new RegExp(`^${name.replace(".ipynb", "")}: profile smoke; results under `), `${name}: the first output names the results it shows`);
    for (const cell of nb.cells) assert.equal(cell.metadata.execution, undefined, `${name}: timing metadata is stripped`);
    const figures = outputs.filter((o) => o.data?.["application/vnd.plotly.v1+json"] !== undefined);
    for (const fig of figures) {
      const data = fig.data as Record<string, unknown>;
      assert.equal(typeof data["application/vnd.plotly.v1+json"], "object", `${name}: plotly JSON is stored as an object`);
      assert.equal(Buffer.from(String(data["image/png"]), "base64").subarray(1, 4).toString(), "PNG", `${name}: a static image is stored`);
      assert.ok(!String(data["text/html"]).includes("Plotly.register"), `${name}: plotly.js itself is not inlined`);
    }
    assert.ok(fs.statSync(path.join(outDir, name)).size < 1_000_000, `${name} stays under 1 MB`);
  }
});

test("00-environment shows the profile, the backend auto selection picks here, identical seeded draws, a figure and a table", async () => {
  const { outputs, stdout } = readNotebook("00-environment.ipynb");
  assert.match(stdout, /^00-environment: profile smoke; results under /m, "the first output says which results the notebook shows");
  const expected = (await initBackend()).name; // what auto selection gives on this machine (wasm here)
  assert.match(stdout, new RegExp(`^${expected} \\(tfjs`, "m"));
  const first = /^first : (.+)$/m.exec(stdout)?.[1];
  const again = /^again : (.+)$/m.exec(stdout)?.[1];
  assert.ok(first && first === again, "the same seeded call site gives identical numbers");
  const figures = outputs.filter((o) => o.data?.["application/vnd.plotly.v1+json"] !== undefined);
  assert.equal(figures.length, 1);
  assert.match(String(figures[0].data?.["text/html"]), /<img alt="Seeded normal draws/);
  assert.ok(outputs.some((o) => String(o.data?.["text/html"] ?? "").includes("mtl-lab-table")), "the table is shown");
});

test("the smoke-profile notebooks computed their experiments into the temporary results root", () => {
  for (const exp of ["synthetic-correlation", "trainability"]) {
    assert.ok(fs.existsSync(path.join(resultsDir, exp, "smoke", "summary.json")), `${exp} smoke results in ${resultsDir}`);
  }
});

test("the exported HTML shows the live plotly figure offline in headless chromium", async () => {
  const html = path.join(outDir, "00-environment.html");
  assert.ok(fs.existsSync(html), "the first test exported HTML");
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const requests: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith("file:") && !req.url().startsWith("data:")) requests.push(req.url());
    });
    await page.goto(`file://${html}`);
    // the static <img> is replaced by plotly's SVG once plotly.js runs
    await page.waitForSelector(".mtl-lab-figure .main-svg", { timeout: 20_000 });
    assert.equal(await page.locator(".mtl-lab-figure img").count(), 0);
    const shot = await page.locator(".mtl-lab-figure").first().screenshot({ path: path.join(outDir, "00-environment-figure.png") });
    assert.ok(shot.length > 10_000, "the screenshot shows a rendered plot");
    const notCdn = requests.filter((u) => /plot\.ly|plotly/i.test(u));
    assert.deepEqual(notCdn, [], "plotly.js comes from the page, not a CDN");
  } finally {
    await browser.close();
  }
});

test("a failing cell fails the run with its error text, and the destination is not written", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-nb-fail-"));
  const src = path.join(dir, "broken.ipynb");
  const nb = {
    cells: [
      { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["const x = 1;"] },
      { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ['throw new Error("deliberate failure 42");'] },
      { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ['console.log("never runs");'] },
    ],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(src, JSON.stringify(nb));
  const dest = path.join(dir, "out.ipynb");
  await assert.rejects(executeNotebook(src, dest), /cell 1 failed:[\s\S]*deliberate failure 42/);
  assert.equal(fs.existsSync(dest), false);
  assert.ok(fs.existsSync(path.join(dir, "out.failed.ipynb")), "the failed run is kept for inspection");
  fs.rmSync(dir, { recursive: true });
});

test("a notebook shows an overridden results folder: --set reaches the kernel, the first output says OVERRIDDEN, the last cell says how to cite", () => {
  const out = path.join(outDir, "overridden");
  const r = runNotebooksCli(["06", "--profile", "smoke", "--set", "train.steps=20", "--out", out]);
  assert.equal(r.status, 0, `notebooks CLI failed:\n${r.stdout}\n${r.stderr}`);
  const nb = JSON.parse(fs.readFileSync(path.join(out, "06-funnel.ipynb"), "utf8")) as Notebook;
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const first = text(code[0].outputs?.[0]?.text);
  const folders = fs.readdirSync(path.join(out, "results", "funnel-esmm")).filter((f) => f.startsWith("smoke+set-"));
  assert.equal(folders.length, 1, "the overridden runs were stored in their own folder");
  assert.match(first, /^06-funnel: profile smoke, --set train\.steps=20; results under /);
  assert.ok(first.includes(`funnel-esmm: ${path.join(out, "results", "funnel-esmm", folders[0])} — OVERRIDDEN (--set train.steps=20), not the profile's result.`), first);
  const summary = JSON.parse(fs.readFileSync(path.join(out, "results", "funnel-esmm", folders[0], "summary.json"), "utf8")) as { profileStatement: { train: { steps: number } } };
  assert.equal(summary.profileStatement.train.steps, 20, "the runs shown are the overridden ones");
  const cite = code.at(-1)!.outputs?.map((o) => String(o.data?.["text/markdown"] ?? o.data?.["text/plain"] ?? text(o.text))).join("") ?? "";
  assert.match(cite, /How to cite this table/);
  assert.match(cite, /npm run reproduce -- funnel-esmm funnel-aitm funnel-dcn --profile smoke --verify/);
  const wrong = runNotebooksCli(["06", "--profile", "smoke", "--set", "model.mmoe.experts=4", "--out", out]);
  assert.equal(wrong.status, 2, "an override the notebook's experiments do not have is refused before a kernel starts");
  assert.match(wrong.stderr, /06-funnel\.ipynb shows funnel-esmm: --set model\.mmoe\.experts=4: /);
});

test("unknown notebooks and profiles are usage errors (exit 2) naming the valid values", () => {
  const missing = runNotebooksCli(["99-nothing", "--out", outDir]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /notebook "99-nothing" not found; notebooks: .*00-environment\.ipynb/);
  const badProfile = runNotebooksCli(["--profile", "huge"]);
  assert.equal(badProfile.status, 2);
  assert.match(badProfile.stderr, /--profile must be one of smoke, quick, paper; got "huge"/);
  const unknown = runNotebooksCli(["--bogus"]); // the one parser of every command line (lib/cli/args.ts)
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^unknown option --bogus\nusage: npm run notebooks/);
});
