/**
 * The install must stay free of packages with known advisories (npm audit is not reachable from
 * here, so the known offenders in our dependency tree are pinned down by name).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";

interface LockEntry {
  version?: string;
  resolved?: string;
  link?: boolean;
  optional?: boolean;
}
const lock = JSON.parse(fs.readFileSync(path.join(projectRoot(), "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
const entries = (name: string) => Object.entries(lock.packages).filter(([k]) => k === `node_modules/${name}` || k.endsWith(`/node_modules/${name}`));

function versionAtLeast(v: string, min: number[]): boolean {
  const parts = v.split(".").map((x) => parseInt(x, 10));
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  }
  return true;
}

test("xlsx and request (danfojs-node's) are the local stubs, never the registry or CDN packages", () => {
  for (const name of ["xlsx", "request"]) {
    const found = entries(name);
    assert.ok(found.length > 0, `${name} should be in the lockfile (as a stub)`);
    for (const [key, e] of found) assert.ok(e.link === true && e.resolved === `stubs/${name}`, `${key} resolves to ${e.resolved}`);
  }
});

test("danfojs-node gets the tfjs shim, not the native tfjs-node 3.x", () => {
  const [key, e] = entries("@tensorflow/tfjs-node").find(([k]) => k.includes("danfojs-node")) ?? [];
  assert.ok(key, "danfojs-node's @tensorflow/tfjs-node entry exists");
  assert.equal(e?.resolved, "stubs/tfjs-node-for-danfo");
});

test("tar (pulled by the optional native tfjs installer) is a version without the 2026 advisories", () => {
  for (const [key, e] of entries("tar")) assert.ok(versionAtLeast(e.version ?? "0", [7, 5, 19]), `${key}@${e.version} has known advisories (need ≥ 7.5.19)`);
});

test("the native tfjs packages are optional, so an offline install succeeds without them", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as Record<string, Record<string, string>>;
  assert.ok(pkg.optionalDependencies["@tensorflow/tfjs-node"]);
  assert.ok(pkg.optionalDependencies["@tensorflow/tfjs-node-gpu"]);
  assert.equal(pkg.dependencies["@tensorflow/tfjs-node"], undefined);
  assert.equal(pkg.dependencies["@tensorflow/tfjs-node-gpu"], undefined);
  for (const name of ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"]) {
    assert.equal(lock.packages[`node_modules/${name}`]?.optional, true, `${name} is optional in the lockfile`);
  }
});
