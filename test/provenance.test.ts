import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import * as os from "node:os";
import { codeRevision, finishProvenance, initBackend, packageVersion, projectRoot, startProvenance } from "mtl-lab";

test("provenance records code revision, packages, backend, machine, seeds and times", async () => {
  const backend = await initBackend();
  const p = startProvenance({ seeds: [3, 4], extra: { profile: "smoke" } });
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectRoot(), encoding: "utf8" }).trim();
  assert.equal(p.code.commit, head);
  assert.equal(typeof p.code.dirty, "boolean");
  const tfjs = JSON.parse(fs.readFileSync(path.join(projectRoot(), "node_modules/@tensorflow/tfjs/package.json"), "utf8")) as { version: string };
  assert.equal(p.packages["@tensorflow/tfjs"], tfjs.version);
  assert.equal(p.backend?.name, backend.name);
  assert.deepEqual(p.kernels, { wasmKernelSet: "native", nativeAddon: "loaded" }, "npm run build compiled the native addon; the default set uses it");
  assert.equal(p.node, process.version);
  assert.ok(p.machine.cpus >= 1 && p.machine.memoryGiB > 0);
  assert.deepEqual(p.seeds, [3, 4]);
  assert.equal(p.finishedAt, null);
  const done = finishProvenance(p, { wallSeconds: 1.5 });
  assert.ok(done.finishedAt !== null && done.finishedAt >= p.startedAt);
  assert.deepEqual(done.extra, { profile: "smoke", wallSeconds: 1.5 });
});

test("a package installed under another name (danfojs' tfjs-node shim) does not count as that package", () => {
  // The shim lives under danfojs-node/node_modules; at the root the native package is absent
  // here, so its version must read as null rather than the shim's "0.0.0-mtl-lab-shim".
  const shim = path.join(projectRoot(), "node_modules/danfojs-node/node_modules/@tensorflow/tfjs-node/package.json");
  assert.ok(fs.existsSync(shim), "the danfojs-node override should install the tfjs-node shim");
  const version = packageVersion("@tensorflow/tfjs-node");
  assert.notEqual(version, "0.0.0-mtl-lab-shim");
});

test("the tree counts as dirty with a modified or an untracked file, but not for what results/ holds", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-git-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  fs.writeFileSync(path.join(dir, "a.ts"), "1");
  git("add", "a.ts");
  git("commit", "-q", "-m", "a");
  assert.equal(codeRevision(dir).dirty, false);
  fs.mkdirSync(path.join(dir, "results", "x"), { recursive: true });
  fs.writeFileSync(path.join(dir, "results", "x", "runs.jsonl"), "{}");
  assert.equal(codeRevision(dir).dirty, false, "results/ is output, not code");
  fs.mkdirSync(path.join(dir, "lib"));
  fs.writeFileSync(path.join(dir, "lib", "new.ts"), "2");
  assert.deepEqual(codeRevision(dir), { commit: codeRevision(dir).commit, dirty: true, changed: ["?? lib/new.ts"] });
  fs.rmSync(path.join(dir, "lib"), { recursive: true });
  fs.writeFileSync(path.join(dir, "a.ts"), "changed");
  assert.equal(codeRevision(dir).dirty, true);
});

test("every committed result comes from a clean, committed tree and records when it finished", () => {
  const root = path.join(projectRoot(), "results");
  const manifests = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(root, d.name), { withFileTypes: true }).filter((p) => p.isDirectory()).map((p) => path.join(root, d.name, p.name, "manifest.json")))
    .filter((f) => fs.existsSync(f));
  assert.ok(manifests.length > 0, "no committed manifest found under results/");
  for (const file of manifests) {
    const where = path.relative(projectRoot(), file);
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as { code?: { commit?: unknown; dirty?: unknown }; finishedAt?: unknown };
    assert.match(String(m.code?.commit), /^[0-9a-f]{40}$/, `${where}: no commit recorded`);
    assert.equal(m.code?.dirty, false, `${where}: produced from a tree with uncommitted changes (code.dirty = ${String(m.code?.dirty)}); commit, then rerun npm run reproduce -- <experiment> --force`);
    assert.equal(typeof m.finishedAt, "string", `${where}: finishedAt is missing`);
  }
});
