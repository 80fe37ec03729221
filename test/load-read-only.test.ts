/**
 * Loading stored runs changes nothing: a second `runExperiment` over a complete folder trains
 * nothing and leaves every file's bytes and mtime as they were; a derived file that differs from
 * what the code renders is rewritten and the manifest appends a record of that command, keeping
 * the record of the command that trained the runs; the same figure renders to the same SVG bytes.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { findChromium, getExperiment, runExperiment, type HistoryEntry, type Provenance } from "mtl-lab";
import { defaultExperimentIds } from "mtl-lab/dist/cli/reproduce";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-load-"));
const out = path.join(root, "results");
const dir = path.join(out, "demo", "smoke");
const load = () => runExperiment(getExperiment("demo"), { profile: "smoke", out, backend: "wasm", workers: 1 });

/** Every file under dir: bytes and mtime. */
function snapshot(): Map<string, { bytes: Buffer; mtimeMs: number }> {
  const files = new Map<string, { bytes: Buffer; mtimeMs: number }>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dir, p), { bytes: fs.readFileSync(p), mtimeMs: fs.statSync(p).mtimeMs });
    }
  };
  walk(dir);
  return files;
}

const manifest = () => JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as Provenance;
const history = () => manifest().extra.history as HistoryEntry[];

before(async () => {
  const first = await load();
  assert.equal(first.computed, 4);
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

test("a load of a complete folder trains nothing and changes no file (bytes and mtime)", async () => {
  const before = snapshot();
  const again = await load();
  assert.equal(again.computed, 0);
  const now = snapshot();
  assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort(), "no file added or removed");
  for (const [f, { bytes, mtimeMs }] of before) {
    assert.ok(bytes.equals(now.get(f)!.bytes), `${f} changed`);
    assert.equal(now.get(f)!.mtimeMs, mtimeMs, `${f} was rewritten`);
  }
  const h = history();
  assert.equal(h.length, 1, "no record for a command that changed nothing");
  assert.equal(h[0].action, "trained");
  assert.equal(h[0].computedNow, 4);
  assert.deepEqual(h[0].groups?.map((g) => [g.arm, g.seeds]), [["shared-bottom", [1, 2]], ["mmoe", [1, 2]]]);
});

test("a derived file that differs is rewritten; the manifest keeps the training record and appends this command's", async () => {
  const trained = manifest();
  const table = path.join(dir, "tables", "summary.md");
  const good = fs.readFileSync(table, "utf8");
  fs.writeFileSync(table, good.replace("profile smoke", "profile SMOKE (older wording)"));
  const other = path.join(dir, "tables", "summary.csv");
  const otherMtime = fs.statSync(other).mtimeMs;
  await load();
  assert.equal(fs.readFileSync(table, "utf8"), good, "rebuilt from the code's rendering");
  assert.equal(fs.statSync(other).mtimeMs, otherMtime, "an unchanged table file is not rewritten");
  const now = manifest();
  for (const key of ["code", "command", "startedAt", "finishedAt", "machine"] as const) assert.deepEqual(now[key], trained[key], `top-level ${key} is the training command's`);
  assert.equal(now.extra.computedNow, 4);
  const h = history();
  assert.equal(h.length, 2);
  assert.equal(h[1].action, "report");
  assert.equal(h[1].computedNow, 0);
  assert.deepEqual(h[1].changedFiles, ["tables/summary.md"]);
  assert.deepEqual(h[0], (trained.extra.history as HistoryEntry[])[0], "the earlier record is never rewritten");
});

test("a manifest written before histories and figure keys (the committed ones) is read and extended", async () => {
  const m = manifest();
  const { history: _h, figureInputs: _f, ...older } = m.extra;
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...m, extra: { ...older, migrations: [{ rekeyed: 4 }] } }, null, 2));
  const svgs = fs.readdirSync(path.join(dir, "figures")).filter((f) => f.endsWith(".svg"));
  const before = new Map(svgs.map((f) => [f, fs.readFileSync(path.join(dir, "figures", f))]));
  await load();
  const now = manifest();
  assert.deepEqual(now.extra.migrations, [{ rekeyed: 4 }], "the migration record is kept");
  assert.equal((now.extra.history as HistoryEntry[]).length, 1);
  assert.equal(now.startedAt, m.startedAt, "the top level stays the training command's");
  if (findChromium()) {
    assert.ok(now.extra.figureInputs, "keys recorded");
    for (const [f, bytes] of before) assert.ok(fs.readFileSync(path.join(dir, "figures", f)).equals(bytes), `${f}: rendered again to the same bytes`);
  }
});

test("the default command (reproduce without names) leaves out the demo", () => {
  const ids = defaultExperimentIds();
  assert.ok(!ids.includes("demo"));
  for (const id of ["synthetic-correlation", "census-mmoe", "funnel-esmm"]) assert.ok(ids.includes(id), id);
});
