/** Small data sets for the engine tests: a regression task and a binary task on Gaussian inputs. */
import { Rng, type DataSet, type SplitArrays } from "mtl-lab";

export const TOY_FEATURES = 6;

function toySplit(rng: Rng, rows: number): SplitArrays {
  const numeric = new Float32Array(rows * TOY_FEATURES);
  const labels = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < TOY_FEATURES; j++) {
      const x = rng.normal();
      numeric[i * TOY_FEATURES + j] = x;
      z += (j % 2 === 0 ? 1 : -0.5) * x;
    }
    labels[i * 2] = Math.sin(z) + 0.5 * z + 0.1 * rng.normal(); // "y": regression
    labels[i * 2 + 1] = z + 0.5 * rng.normal() > 0 ? 1 : 0; // "c": binary
  }
  return { rows, numeric, labels };
}

/** A toy data set drawn from `seed`: 256 train, 128 validation, 128 test rows. */
export function toyData(seed: number, rows = { train: 256, validation: 128, test: 128 }): DataSet {
  const rng = new Rng(seed);
  return {
    tasks: [
      { name: "y", kind: "regression" },
      { name: "c", kind: "binary" },
    ],
    input: { numeric: TOY_FEATURES, categorical: [] },
    train: toySplit(rng, rows.train),
    validation: toySplit(rng, rows.validation),
    test: toySplit(rng, rows.test),
    info: { generator: "toyData", seed },
  };
}
