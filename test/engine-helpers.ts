/** Small data sets for the engine tests: a regression task and a binary task on Gaussian inputs. */
import { defineExperiment, Rng, type DataSet, type ExperimentDefinition, type RunRecord, type SplitArrays, type TaskSpec } from "mtl-lab";

export const TOY_FEATURES = 6;

/** Vocabulary sizes of the optional categorical columns; category k of column c shifts z by (k − 1)·0.7. */
export const TOY_VOCABULARY = [3, 5];

function toySplit(rng: Rng, rows: number, categorical: boolean, noise: number): SplitArrays {
  const numeric = new Float32Array(rows * TOY_FEATURES);
  const labels = new Float32Array(rows * 2);
  const cat = categorical ? new Int32Array(rows * TOY_VOCABULARY.length) : undefined;
  for (let i = 0; i < rows; i++) {
    let z = 0;
    TOY_VOCABULARY.forEach((v, c) => {
      if (!cat) return;
      const k = rng.int(v);
      cat[i * TOY_VOCABULARY.length + c] = k;
      z += (k - 1) * 0.7;
    });
    for (let j = 0; j < TOY_FEATURES; j++) {
      const x = rng.normal();
      numeric[i * TOY_FEATURES + j] = x;
      z += (j % 2 === 0 ? 1 : -0.5) * x;
    }
    labels[i * 2] = Math.sin(z) + 0.5 * z + 0.1 * noise * rng.normal(); // "y": regression
    labels[i * 2 + 1] = z + 0.5 * noise * rng.normal() > 0 ? 1 : 0; // "c": binary
  }
  return { rows, numeric, labels, categorical: cat };
}

/** A toy data set drawn from `seed`: 256 train, 128 validation, 128 test rows. */
export function toyData(seed: number, rows = { train: 256, validation: 128, test: 128 }, opts: { categorical?: boolean; noise?: number } = {}): DataSet {
  const rng = new Rng(seed);
  const split = (n: number) => toySplit(rng, n, opts.categorical ?? false, opts.noise ?? 1);
  return {
    tasks: [
      { name: "y", kind: "regression" },
      { name: "c", kind: "binary" },
    ],
    input: { numeric: TOY_FEATURES, categorical: opts.categorical ? TOY_VOCABULARY : [] },
    train: split(rows.train),
    validation: split(rows.validation),
    test: split(rows.test),
    info: { generator: "toyData", seed, ...opts },
  };
}

/** A run record with every field a reader checks (results-store tests); numbers are placeholders. */
export function fakeRunRecord(seed: number, backend = "wasm"): RunRecord {
  return {
    schema: 1, experiment: "toy", profile: "smoke", arm: "a", model: "a", condition: "default", configHash: "abc", seed,
    derivedSeeds: { init: 1, batchOrder: 2 }, config: { model: { kind: "shared-bottom", bottomUnits: [4], towerUnits: [2] }, train: { steps: 1, batchSize: 1, evalEvery: 1, learningRates: [0.01] }, rows: {}, condition: null },
    backend, status: "ok", learningRate: 0.01, learningRateTrials: [], selection: { task: "y", metric: "loss" }, bestStep: 1, stepsTrained: 1,
    metrics: { validation: { y: { mse: 0.5 } }, test: { y: { mse: 0.25 + seed } } },
    curves: { steps: [1], train: { y: [1] }, validation: { y: [1] } }, gates: [], parameters: { perReplica: 1, groups: {} },
    wallTimeMs: 1, groupWallTimeMs: 1, replicasInGroup: 1, finishedAt: "2026-01-01T00:00:00.000Z",
  };
}

export const TOY_TASKS: TaskSpec[] = [{ name: "y", kind: "regression" }, { name: "c", kind: "binary" }];
/** The toy experiments' profile: 2 runs in one group of 20 steps. */
export const TOY_PROFILE = { runs: 2, note: "2 runs, 20 steps, toy rows", seedsPerGroup: 2 };

/** A one-model experiment on toyData (one condition, declared tasks): seconds per profile. */
export function toyExperiment(overrides: Partial<ExperimentDefinition<{ noise: number }>> & { id: string }) {
  return defineExperiment<{ noise: number }>({
    title: "toy",
    paper: "none",
    conditions: { quiet: { noise: 0.2 } },
    models: { mmoe: { kind: "mmoe", experts: 2, expertUnits: [4], towerUnits: [4] } },
    train: { steps: 20, batchSize: 32, evalEvery: 10, learningRates: [1e-2] },
    profiles: { smoke: TOY_PROFILE, quick: TOY_PROFILE, paper: TOY_PROFILE },
    tasks: () => TOY_TASKS,
    data: ({ condition }) => ({ layout: "shared", data: toyData(7, undefined, { noise: condition.noise }) }),
    ...overrides,
  });
}
