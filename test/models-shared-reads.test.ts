// Two ways the models read one tensor several times without copying it per reader, each against
// the copies it replaced: splitRanges (lib/models/input.ts) takes a layer's column ranges by one
// tf.split instead of one slice each; groupsShareInput (lib/kernels/products.ts) lets every tower
// read one representation instead of a tile of it. Values and the gradients sent back must equal
// the old way's bit for bit, or every stored run would change.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng, groupsShareInput, initBackend, installKernels, splitRanges } from "mtl-lab";

function rand(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))) as Float32Array, shape);
}

// out of order, with a gap (columns 9–10 nobody reads) and a last range that ends early
const RANGES: [number, number][] = [[11, 3], [0, 6], [6, 3]];

/** A loss with a different nonlinear use of every piece, so each piece's gradient differs. */
function loss(pieces: tf.Tensor[], weights: tf.Tensor[]): tf.Scalar {
  return tf.addN(pieces.map((p, i) => tf.relu(p).mul(weights[i]).sum().add(p.square().mean().mul(i + 1)))) as tf.Scalar;
}

for (const backend of ["wasm", "cpu"] as const) {
  test(`splitRanges on ${backend}: pieces and the input's gradient equal one slice per range, bit for bit`, async () => {
    await initBackend(backend);
    installKernels();
    const before = tf.memory().numTensors;
    for (const shape of [[3, 5, 16], [2, 3, 5, 16]]) {
      const x = rand(shape, 7);
      const weights = RANGES.map(([, w], i) => rand([...shape.slice(0, -1), w], 20 + i));
      const bySlices = (t: tf.Tensor) => RANGES.map(([s, w]) => t.slice([...shape.slice(0, -1).map(() => 0), s], [...shape.slice(0, -1).map(() => -1), w]));
      const got = splitRanges(x, RANGES), want = bySlices(x);
      got.forEach((p, i) => {
        assert.deepEqual(p.shape, want[i].shape);
        assert.deepEqual(Array.from(p.dataSync()), Array.from(want[i].dataSync()), `piece ${i}`);
      });
      const gSplit = tf.grad((t: tf.Tensor) => loss(splitRanges(t, RANGES), weights))(x);
      const gSlices = tf.grad((t: tf.Tensor) => loss(bySlices(t), weights))(x);
      assert.deepEqual(Array.from(gSplit.dataSync()), Array.from(gSlices.dataSync()), `gradient of [${shape}]`);
      const g = gSplit.dataSync(), W = shape.at(-1)!;
      for (let k = 0; k < g.length; k++) if ([9, 10, 14, 15].includes(k % W)) assert.equal(g[k], 0, "unread columns get a zero gradient");
      tf.dispose([x, ...weights, ...got, ...want, gSplit, gSlices]);
    }
    assert.equal(tf.memory().numTensors, before);
  });
}

test("splitRanges: one range over every column is the tensor itself; overlapping or outside ranges are refused", async () => {
  await initBackend("cpu");
  const x = rand([2, 8], 1);
  assert.equal(splitRanges(x, [[0, 8]])[0], x);
  assert.throws(() => splitRanges(x, [[0, 5], [4, 2]]), /column ranges overlap or leave the 8 columns: \[0\+5, 4\+2\]/);
  assert.throws(() => splitRanges(x, [[6, 3]]), /column ranges overlap or leave the 8 columns/);
  x.dispose();
});

for (const backend of ["wasm", "cpu"] as const) {
  test(`groupsShareInput on ${backend}: values and both gradients equal a tile per group, bit for bit`, async () => {
    await initBackend(backend);
    installKernels();
    const before = tf.memory().numTensors;
    const [R, G, B, I, U] = [2, 3, 9, 5, 4];
    const x = rand([R, 1, B, I], 3), w = rand([R, G, I, U], 4), dy = rand([R, G, B, U], 5);
    const tiled = (xv: tf.Tensor, wv: tf.Tensor) => tf.matMul(xv.tile([1, G, 1, 1]).reshape([R * G, B, I]), wv.reshape([R * G, I, U])).reshape([R, G, B, U]);
    const shared = (xv: tf.Tensor, wv: tf.Tensor) => groupsShareInput(xv as tf.Tensor4D, wv as tf.Tensor4D);
    const run = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => {
      const y = tf.tidy(() => f(x, w));
      const grads = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b).mul(dy).sum())([x, w]));
      const out = [y, ...grads].map((t) => [t.shape.join(), Array.from(t.dataSync())]);
      tf.dispose([y, ...grads]);
      return out;
    };
    assert.deepEqual(run(shared), run(tiled));
    tf.dispose([x, w, dy]);
    assert.equal(tf.memory().numTensors, before);
  });
}
