// The bench's cell measurement (lib/bench/measure.ts): replica chunking — R replicas trained as
// several models of at most `chunk` replicas, how census AdaTT-sp at R = 64 fits one wasm heap —
// gives every replica the same losses as one model of R, and leaves no tensors behind.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { initBackend } from "mtl-lab";
import { measureCellChecked, type CellSpec } from "mtl-lab/dist/bench/measure";

const cellOf = (chunk?: number): CellSpec => ({ workload: "synthetic-mmoe", replicas: 5, seconds: 0, minSteps: 4, repeats: 2, readEvery: 3, firstSeed: 11, ...(chunk ? { chunk } : {}) });

test("replica chunking: 5 synthetic MMoE replicas as models of 2, 2 and 1 train to the losses of one model of 5 (per-replica data and seeds kept)", async () => {
  await initBackend("wasm");
  const whole = await measureCellChecked(cellOf());
  const chunked = await measureCellChecked(cellOf(2));
  assert.equal(whole.chunk, undefined);
  assert.equal(chunked.chunk, 2);
  assert.equal(whole.stepsTimed, chunked.stepsTimed, "the same number of steps (seconds = 0: minSteps per window)");
  assert.equal(chunked.lossSums.length, 5);
  assert.ok(whole.lossSums.every((x) => Number.isFinite(x) && x > 0));
  assert.deepEqual(chunked.lossSums, whole.lossSums, "replicas share nothing: chunking changes speed and memory only");
  assert.equal(new Set(whole.lossSums).size, 5, "each replica its own seed and data (the check could fail if chunks reused replica 0's)");
  assert.deepEqual([whole.tensorsLeaked, chunked.tensorsLeaked], [0, 0]);
});
