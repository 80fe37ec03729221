import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { finishProvenance, initBackend, packageVersion, projectRoot, startProvenance } from "mtl-lab";

test("provenance records code revision, packages, backend, machine, seeds and times", async () => {
  const backend = await initBackend();
  const p = startProvenance({ seeds: [3, 4], extra: { profile: "smoke" } });
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectRoot(), encoding: "utf8" }).trim();
  assert.equal(p.code.commit, head);
  assert.equal(typeof p.code.dirty, "boolean");
  const tfjs = JSON.parse(fs.readFileSync(path.join(projectRoot(), "node_modules/@tensorflow/tfjs/package.json"), "utf8")) as { version: string };
  assert.equal(p.packages["@tensorflow/tfjs"], tfjs.version);
  assert.equal(p.backend?.name, backend.name);
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
