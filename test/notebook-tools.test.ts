/**
 * The pieces around the notebooks that need no kernel: markdown that renders untrusted, the runs
 * as a data frame, the server command, user-facing paths, results routing for --out and the
 * kernel's quiet shutdown.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import test from "node:test";
import { type RunRecord, executeNotebook, markdownToHtml, runsFrame, runsRows, serverCommand, showMarkdown, tableFromDataFrame } from "mtl-lab";
import { displayPath, resolveUserPath } from "mtl-lab/dist/cli/user-paths";
import { outResultsRoot } from "mtl-lab/dist/cli/notebooks";

test("markdown from the library renders as HTML (for untrusted notebooks), with all text escaped", () => {
  const md = "3 of 4 claims hold on these results.\n- **MMoE §3.2, Fig. 2** — holds: p < 0.05 & `x<y`\n- *OMoE* degrades\n\nSee [the paper](https://doi.org/10.1145/3219819.3220007).";
  assert.equal(
    markdownToHtml(md),
    '<div class="mtl-lab-markdown"><p>3 of 4 claims hold on these results.</p>\n' +
      "<ul><li><strong>MMoE §3.2, Fig. 2</strong> — holds: p &lt; 0.05 &amp; <code>x&lt;y</code></li><li><em>OMoE</em> degrades</li></ul>\n" +
      '<p>See <a href="https://doi.org/10.1145/3219819.3220007">the paper</a>.</p></div>',
  );
  assert.equal(markdownToHtml("<script>alert(1)</script> [x](javascript:alert(1))"), '<div class="mtl-lab-markdown"><p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p></div>');
  assert.equal(markdownToHtml("## Title\n1. one\n2. two"), '<div class="mtl-lab-markdown"><h2>Title</h2>\n<ol><li>one</li><li>two</li></ol></div>');
});

test("showMarkdown sends an HTML rendering beside the markdown (untrusted notebooks show only the HTML rendered)", () => {
  const sent: { data: Record<string, unknown> }[] = [];
  const fake = path.join(os.tmpdir(), "fake-md", "tslab", "dist", "jupyter.js");
  require.cache[fake] = { exports: { lastWriteDisplayData: (msg: { data: Record<string, unknown> }) => sent.push(msg) } } as unknown as NodeJS.Module;
  try {
    showMarkdown("**2 of 3** claims hold");
  } finally {
    delete require.cache[fake];
  }
  assert.equal(sent.length, 1);
  assert.deepEqual(Object.keys(sent[0].data).sort(), ["text/html", "text/markdown", "text/plain"]);
  assert.match(String(sent[0].data["text/html"]), /<strong>2 of 3<\/strong> claims hold/);
  assert.equal(sent[0].data["text/markdown"], "**2 of 3** claims hold");
});

function run(over: Partial<RunRecord>): RunRecord {
  return {
    arm: "p=0.5/mmoe",
    model: "mmoe",
    condition: "p=0.5",
    config: { model: { kind: "mmoe" }, train: {}, rows: {}, condition: { p: 0.5, label: "half", nested: { x: 1 } } },
    seed: 1,
    status: "ok",
    learningRate: 0.01,
    bestStep: 900,
    stepsTrained: 1000,
    parameters: { perReplica: 1234, groups: {} },
    wallTimeMs: 50,
    metrics: {
      validation: { y1: { loss: 0.2, mse: 0.2, pearson: 0.9 } },
      test: { y1: { loss: 0.25, mse: 0.25, pearson: 0.8 }, y2: { loss: 0.3, mse: 0.3 } },
    },
    ...over,
  } as unknown as RunRecord;
}

test("runsRows: one row per run, condition parameters and every metric as columns, NaN where a run has none", () => {
  const runs = [run({}), run({ seed: 2, model: "shared-bottom", status: "diverged", learningRate: null, bestStep: null, metrics: null })];
  const rows = runsRows({ runs });
  assert.equal(rows.length, 2);
  assert.deepEqual(Object.keys(rows[0]), [
    "arm", "model", "condition", "condition.p", "condition.label", "seed", "status", "learningRate", "bestStep", "stepsTrained", "parameters", "wallTimeMs",
    "validation.y1.mse", "validation.y1.pearson", "test.y1.mse", "test.y1.pearson", "test.y2.mse",
  ]);
  assert.equal(rows[0]["test.y2.mse"], 0.3);
  assert.equal(rows[0]["condition.p"], 0.5);
  assert.ok(Number.isNaN(rows[1]["test.y1.mse"] as number) && Number.isNaN(rows[1].learningRate as number));
  assert.equal(rows[1].status, "diverged");
});

test("runsFrame: a danfojs DataFrame that answers queries; an empty result is a clear error", () => {
  const runs = [run({}), run({ seed: 2, metrics: { validation: { y1: { mse: 0.1 } }, test: { y1: { mse: 0.15 } } } } as Partial<RunRecord>), run({ seed: 3, model: "omoe" })];
  const df = runsFrame({ runs });
  assert.deepEqual(df.shape, [3, 17]);
  const mmoe = df.query(df["model"].eq("mmoe"));
  assert.deepEqual(mmoe["seed"].values, [1, 2]);
  const mean = df.groupby(["model"]).agg({ "test.y1.mse": "mean" });
  const table = tableFromDataFrame(mean);
  assert.deepEqual(table.columns, ["model", "test.y1.mse_mean"]);
  assert.deepEqual(table.rows.map((r) => [r[0], Number((r[1] as number).toFixed(4))]), [["mmoe", 0.2], ["omoe", 0.25]]);
  assert.throws(() => runsFrame({ runs: [] }), /runsFrame: the result has no runs/);
});

test("the server command binds 127.0.0.1, opens no browser, serves the project root, and allows root only as root", () => {
  const classic = serverCommand("classic", { root: "/p", asRoot: true, port: 8899, token: "t0k" });
  assert.deepEqual(classic.slice(1), ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", "--notebook-dir=/p", "--allow-root", "--port=8899", "--port-retries=0", "--NotebookApp.token=t0k"]);
  assert.deepEqual(serverCommand("lab", { root: "/p", asRoot: false }), ["jupyter-lab", "--no-browser", "--ip=127.0.0.1", "--notebook-dir=/p"]);
  assert.ok(serverCommand("lab", { root: "/p", token: "x" }).includes("--ServerApp.token=x"));
});

test("paths: typed ones resolve from the folder npm was started in; printed ones are relative inside it, absolute outside", () => {
  const prior = process.env.INIT_CWD;
  process.env.INIT_CWD = "/home/me/work";
  try {
    assert.equal(resolveUserPath("../nb"), "/home/me/nb");
    assert.equal(displayPath("/home/me/work/nb/00.html"), path.join("nb", "00.html"));
    assert.equal(displayPath("/home/me/nb/00.html"), "/home/me/nb/00.html");
  } finally {
    if (prior === undefined) delete process.env.INIT_CWD;
    else process.env.INIT_CWD = prior;
  }
});

test("--out routes results to <out>/results, seeded with the project's results of the profile and never overwriting", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-out-"));
  const project = path.join(dir, "project-results");
  fs.mkdirSync(path.join(project, "study-a", "quick", "tables"), { recursive: true });
  fs.writeFileSync(path.join(project, "study-a", "quick", "runs.jsonl"), "a\n");
  fs.writeFileSync(path.join(project, "study-a", "quick", "tables", "t.md"), "t\n");
  fs.mkdirSync(path.join(project, "study-b", "smoke"), { recursive: true });
  fs.writeFileSync(path.join(project, "bench.json"), "{}");
  const out = path.join(dir, "out");
  const root = outResultsRoot(out, "quick", project);
  assert.equal(root, path.join(out, "results"));
  assert.equal(fs.readFileSync(path.join(root, "study-a", "quick", "tables", "t.md"), "utf8"), "t\n");
  assert.equal(fs.existsSync(path.join(root, "study-b")), false, "other profiles are not copied");
  fs.writeFileSync(path.join(root, "study-a", "quick", "runs.jsonl"), "newer\n");
  outResultsRoot(out, "quick", project);
  assert.equal(fs.readFileSync(path.join(root, "study-a", "quick", "runs.jsonl"), "utf8"), "newer\n", "results already under --out are kept");
  fs.rmSync(dir, { recursive: true });
});

test("the kernel shuts down quietly: output written after shutdown is dropped, not a 'Socket is closed' error", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-nb-quiet-"));
  const src = path.join(dir, "ticks.ipynb");
  // a timer that keeps writing after the last cell, as a worker or a progress line can
  const code = "setInterval(() => { try { process.stdout.write('tick\\n'); } catch (e) { require('fs').writeSync(2, 'WRITE FAILED: ' + (e as Error).message + '\\n'); } }, 50);\nconsole.log('started');";
  fs.writeFileSync(src, JSON.stringify({ cells: [{ cell_type: "code", execution_count: null, id: "c0", metadata: {}, outputs: [], source: [code] }], metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } }, nbformat: 4, nbformat_minor: 5 }));
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    await executeNotebook(src, path.join(dir, "out.ipynb"));
  } finally {
    process.stderr.write = write;
  }
  const stderr = written.join("");
  assert.doesNotMatch(stderr, /Socket is closed|WRITE FAILED|UncaughtException/, stderr);
  const nb = JSON.parse(fs.readFileSync(path.join(dir, "out.ipynb"), "utf8")) as { metadata: { language_info: Record<string, unknown> } };
  assert.equal(nb.metadata.language_info.name, "typescript");
  assert.equal(nb.metadata.language_info.file_extension, ".ts", "language_info is stored as the kernel reports it");
  fs.rmSync(dir, { recursive: true });
});

test("after tslab closes its sockets, a late heartbeat reply or write ends the kernel quietly with 0 (kernel preload)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-preload-"));
  const conn = path.join(dir, "connection.json");
  const ports = { shell_port: "*", iopub_port: "*", stdin_port: "*", control_port: "*", hb_port: "*" };
  fs.writeFileSync(conn, JSON.stringify({ transport: "tcp", ip: "127.0.0.1", key: "k", signature_scheme: "hmac-sha256", ...ports }));
  // tfjs-backend-wasm's glue rethrows unhandled rejections; a ping answered just after the close
  // then crashed the kernel with "Socket is closed"
  const script = `
    process.on("unhandledRejection", (reason) => { throw reason; });
    const { ZmqServer } = require(require.resolve("tslab/dist/jupyter.js"));
    const server = new ZmqServer({ close() {} }, ${JSON.stringify(conn)});
    server.init().then(() => {
      server.close();
      process.stdout.write("late output\\n");
      server.hb.send(["ping"]);
    });`;
  const preload = require.resolve("mtl-lab/dist/notebook/kernel-preload.js");
  const r = spawnSync(process.execPath, ["--require", preload, "-e", script], { cwd: path.dirname(preload), encoding: "utf8", timeout: 30_000 });
  fs.rmSync(dir, { recursive: true });
  assert.equal(r.stderr, "", "no trace");
  assert.equal(r.stdout, "", "late writes are dropped");
  assert.equal(r.status, 0, "the kernel process ends with 0");
});
