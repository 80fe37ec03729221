import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import test from "node:test";
import * as tf from "@tensorflow/tfjs";
import { BACKENDS, describeBackend, initBackend, parseBackendPreference } from "mtl-lab";

test("auto picks the first backend of the documented order that starts, and says why the others did not", async () => {
  const info = await initBackend("auto");
  const order = info.attempts.map((a) => a.backend);
  assert.deepEqual(order, BACKENDS.slice(0, order.length));
  assert.equal(info.attempts.at(-1)?.ok, true);
  for (const failed of info.attempts.slice(0, -1)) {
    assert.equal(failed.ok, false);
    assert.ok(failed.reason.length > 0);
  }
  assert.equal(info.name, order.at(-1));
  assert.equal(tf.getBackend(), info.tfjsBackend);
  assert.match(describeBackend(info), new RegExp(`^${info.name} \\(tfjs ${tf.version.tfjs}`));
});

test("on this machine the native packages are absent, so auto lands on wasm", async (t) => {
  const native = ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"].some((p) => {
    try {
      return (require(`${p}/package.json`) as { name: string }).name === p;
    } catch {
      return false;
    }
  });
  if (native) return t.skip("a native tfjs package is installed here: auto may rightly choose it");
  const info = await initBackend("auto");
  assert.equal(info.name, "wasm");
  assert.match(info.attempts[0].reason, /tfjs-node-gpu is not installed/);
});

test("an explicit backend is used, and switching is possible", async () => {
  const cpu = await initBackend("cpu");
  assert.equal(cpu.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(cpu.source, "argument");
  const wasm = await initBackend("wasm");
  assert.equal(wasm.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
});

test("an explicit backend that cannot start is an error naming the package", async (t) => {
  let installed = true;
  try {
    require.resolve("@tensorflow/tfjs-node/package.json");
  } catch {
    installed = false;
  }
  if (installed) return t.skip("@tensorflow/tfjs-node is installed here");
  await assert.rejects(initBackend("tensorflow"), /Could not start the tfjs backend "tensorflow"[\s\S]*@tensorflow\/tfjs-node is not installed[\s\S]*MTL_BACKEND/);
});

test("bad backend names list the valid ones", () => {
  assert.throws(() => parseBackendPreference("webgl", "MTL_BACKEND"), /MTL_BACKEND must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu; got "webgl"/);
  assert.equal(parseBackendPreference(undefined, "x"), "auto");
  assert.equal(parseBackendPreference(" CPU ", "x"), "cpu");
});

test("MTL_BACKEND overrides the default in a fresh process", () => {
  const script = `require("mtl-lab").initBackend().then((i) => console.log(JSON.stringify({ name: i.name, source: i.source })))`;
  const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, MTL_BACKEND: "cpu" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? ""), { name: "cpu", source: "env:MTL_BACKEND" });
  const bad = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, MTL_BACKEND: "gpu" }, encoding: "utf8" });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /MTL_BACKEND must be one of/);
});
