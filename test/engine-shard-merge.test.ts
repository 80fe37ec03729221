/** Job arrays (docs/several-machines.md): --shard K/N trains a deterministic 1/N of the groups; --merge joins the shard folders. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { getExperiment, mergeShards, parseShard, planGroups, recordLine, resolveExperiment, runExperiment, RunsFile, type RunRecord } from "mtl-lab";

const CLI = path.join(__dirname, "..", "..", "lib", "dist", "cli", "reproduce.js");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-shard-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A run without what measures time (the checksum covers the timing fields too). */
export const comparable = (r: RunRecord) => {
  const { wallTimeMs, groupWallTimeMs, finishedAt, checksum, ...rest } = r;
  void wallTimeMs, groupWallTimeMs, finishedAt, checksum;
  return JSON.stringify(rest);
};
const lines = (dir: string) => fs.readFileSync(path.join(dir, "runs.jsonl"), "utf8").trim().split("\n").map((l) => comparable(JSON.parse(l) as RunRecord));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
const demoDir = (out: string) => path.join(out, "demo", "smoke");

test("--shard K/N: K/N with 0 ≤ K < N; group i belongs to shard i mod N", () => {
  assert.deepEqual(parseShard("3/4"), { index: 3, count: 4 });
  for (const bad of ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", "0x1/2"]) assert.throws(() => parseShard(bad), /--shard must be K\/N/);
  const plan = resolveExperiment(getExperiment("synthetic-correlation"), { profile: "quick" });
  const groups = planGroups(plan);
  assert.deepEqual(groups.map((g) => g.index), groups.map((_, i) => i));
  assert.equal(groups.length, plan.arms.length * Math.ceil(plan.seeds.length / plan.seedsPerGroup));
  assert.deepEqual(new Set(groups.flatMap((g) => g.keys)).size, plan.arms.length * plan.seeds.length, "every run in exactly one group");
});

test("two shards then --merge give exactly the runs of one process, in the same order; exits 0", async () => {
  const one = path.join(root, "one");
  await runExperiment(getExperiment("demo"), { profile: "smoke", backend: "wasm", out: one, workers: 1, report: false });
  const shards = [0, 1].map((k) => path.join(root, `shard-${k}`));
  for (const [k, out] of shards.entries()) {
    const res = await runExperiment(getExperiment("demo"), { profile: "smoke", backend: "wasm", out, shard: parseShard(`${k}/2`), report: false });
    assert.equal(res.computed, 2, "a shard trains its own group only");
  }
  // the CLI: a shard whose groups are stored exits 0 although its summary is incomplete, and writes no report
  const r = cli("demo", "--profile", "smoke", "--backend", "wasm", "--out", shards[1], "--shard", "1/2");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /INCOMPLETE: 2 of 4 runs stored \(0 trained now/);
  assert.ok(!fs.existsSync(path.join(demoDir(shards[1]), "manifest.json")), "a shard writes no report");
  const s0 = new RunsFile(demoDir(shards[0])).read();
  const s1 = new RunsFile(demoDir(shards[1])).read();
  assert.deepEqual(s0.map((r) => r.arm), ["shared-bottom", "shared-bottom"], "shard 0 holds group 0 (the first arm's seeds 1–2)");
  assert.deepEqual(s1.map((r) => r.arm), ["mmoe", "mmoe"]);
  const merged = path.join(root, "merged");
  // shard folders may be named by their --out root or by the profile folder itself
  const m = cli("demo", "--profile", "smoke", "--out", merged, "--merge", shards[1], demoDir(shards[0]));
  assert.equal(m.status, 0, m.stderr);
  assert.match(m.stderr, /merged 2 folder\(s\), 4 run\(s\) added; 4 of 4 runs stored/);
  assert.deepEqual(lines(demoDir(merged)), lines(demoDir(one)), "runs.jsonl holds the same runs in the same order");
  assert.ok(fs.existsSync(path.join(demoDir(merged), "manifest.json")), "the merge writes the report");
  const summary = (d: string) => JSON.parse(fs.readFileSync(path.join(demoDir(d), "summary.json"), "utf8")) as { complete: boolean; runs: number };
  assert.equal(summary(merged).complete, true);
  const again = cli("demo", "--profile", "smoke", "--out", merged, "--merge", shards[0], shards[1]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /0 run\(s\) added; 4 of 4/, "merging twice adds nothing");
  assert.equal(lines(demoDir(merged)).length, 4);
});

test("--merge of some shards only stores them, names the missing groups and exits 1 without a summary", async () => {
  const out = path.join(root, "partial");
  const r = cli("demo", "--profile", "smoke", "--out", out, "--merge", path.join(root, "shard-1"));
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /2 of 4 runs stored: groups 0 \(plan order/);
  assert.ok(!fs.existsSync(path.join(demoDir(out), "summary.json")));
  const res = await mergeShards(getExperiment("demo"), [path.join(root, "shard-0")], { profile: "smoke", out, report: false });
  assert.equal(res.added, 2);
  assert.deepEqual(res.missingGroups, []);
  assert.equal(res.result?.summary.complete, true);
});

/** A copy of shard 0's folder with its records changed by `edit` (checksums recomputed, so only the content differs). */
function alteredShard(name: string, edit: (r: RunRecord) => RunRecord): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const records = new RunsFile(demoDir(path.join(root, "shard-0"))).read().map(({ checksum: _, ...r }) => edit(r as RunRecord));
  fs.writeFileSync(path.join(dir, "runs.jsonl"), records.map(recordLine).join(""));
  return dir;
}

test("--merge refuses folders of another configuration, another backend or with damaged lines, and merges nothing", () => {
  const otherConfig = alteredShard("other-config", (r) => ({ ...r, configHash: "0123456789abcdef" }));
  const otherBackend = alteredShard("other-backend", (r) => ({ ...r, backend: "cpu" }));
  const damaged = alteredShard("damaged", (r) => r);
  fs.appendFileSync(path.join(damaged, "runs.jsonl"), "{not json\n");
  const cases: [string[], RegExp][] = [
    [[otherConfig], /comes from another configuration: config hash 0123456789ab… is none of this plan's/],
    [[path.join(root, "shard-1"), otherBackend], /different backends — wasm \(.*shard-1.*\); cpu \(.*other-backend/],
    [[damaged], /line 3: not valid JSON/],
    [[path.join(root, "nowhere")], /holds no runs\.jsonl/],
  ];
  for (const [dirs, message] of cases) {
    const out = path.join(root, `refused-${path.basename(dirs[dirs.length - 1])}`);
    const r = cli("demo", "--profile", "smoke", "--out", out, "--merge", ...dirs);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^error: /);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Nothing was merged\./);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.ok(!fs.existsSync(path.join(demoDir(out), "runs.jsonl")) || fs.readFileSync(path.join(demoDir(out), "runs.jsonl"), "utf8") === "", "nothing was written");
  }
  // a folder already holding another backend's runs refuses the shards too
  const held = path.join(root, "held-cpu");
  fs.mkdirSync(demoDir(held), { recursive: true });
  fs.copyFileSync(path.join(otherBackend, "runs.jsonl"), path.join(demoDir(held), "runs.jsonl"));
  const r = cli("demo", "--profile", "smoke", "--out", held, "--merge", path.join(root, "shard-1"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /different backends/);
  assert.equal(new RunsFile(demoDir(held)).read().length, 2, "the folder is unchanged");
});

test("--queue, --shard and --merge are usage errors together, with --verify, or with --force", () => {
  for (const args of [
    ["--shard", "0/2", "--queue", "redis://localhost:6379"],
    ["--shard", "0/2", "--merge", "a"],
    ["--shard", "0/2", "--verify"],
    ["--merge", "a", "--force"],
    ["--queue", "redis://localhost:6379", "--force"],
    ["--queue", "localhost:6379"],
    ["--shard", "2/2"],
    ["--merge"],
  ]) {
    const r = cli("demo", ...args);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /usage: npm run reproduce/);
  }
});
