/**
 * demo — the engine end to end on MMoE's synthetic task pair (MMoE §3): Shared-Bottom
 * vs MMoE at task correlation p = 0.5, each run on its own data set, Adam with the learning rate
 * chosen per run on validation MSE of y1. Not a paper artefact: it exists to exercise and show the
 * experiment engine (results store, resume, statistics, tables, figures) in seconds.
 * Run:  npm run reproduce -- demo --profile smoke     (CI, seconds)
 *       npm run reproduce -- demo                     (quick profile)
 */
import { syntheticTasks } from "../../data/synthetic";
import { defineExperiment } from "../../engine/plan/experiment";
import { FIG4_MODEL_CONFIGS } from "./models";
import { mmoeSyntheticSource } from "./data";

/** Task correlation p: MMoE Fig. 4's middle setting, where Shared-Bottom is expected to lag. */
const P = 0.5;
const DEFAULT_ROWS = { train: 8000, validation: 1000, test: 1000 };
const QUICK_ROWS = { train: 4000, validation: 1000, test: 1000 };

export const demo = defineExperiment({
  id: "demo",
  module: __filename,
  title: "Engine demo: Shared-Bottom vs MMoE on synthetic tasks (p = 0.5)",
  inDefaultCommand: false, // no paper artefact and no committed results: `npm run reproduce` loads, it does not train this
  paper: "Not a paper artefact; the setting of MMoE §5.1 (Ma et al., KDD 2018) at one correlation, to exercise the engine.",
  models: {
    // sizes of MMoE §5.1 (Shared-Bottom's width matched to MMoE's expert + tower weights)
    "shared-bottom": FIG4_MODEL_CONFIGS["shared-bottom"],
    mmoe: FIG4_MODEL_CONFIGS.mmoe,
  },
  train: {
    steps: 2000,
    batchSize: 128,
    evalEvery: 100,
    patience: 5,
    learningRates: [1e-4, 1e-3, 1e-2], // MMoE's grid
    selection: { task: "y1", metric: "loss" },
  },
  profiles: {
    smoke: {
      runs: 2,
      train: { steps: 200, evalEvery: 50, learningRates: [1e-3, 1e-2] },
      rows: { train: 2000, validation: 500, test: 500 },
      note: "Rows per run (each run draws its own data set).",
      seedsPerGroup: 2,
    },
    quick: {
      runs: 4,
      // 1e-4 is dropped: it never reaches the others' validation loss within 1,000 steps
      train: { steps: 1000, evalEvery: 50, learningRates: [1e-3, 1e-2] },
      rows: QUICK_ROWS,
      note: "Rows per run; 1e-4 is dropped from the grid (it never reaches the others' validation loss within these steps).",
    },
    paper: {
      runs: 20,
      train: { steps: 5000 },
      rows: DEFAULT_ROWS,
      note: "Rows per run. No paper run count: a demo of the engine, not a paper artefact.",
    },
  },
  // the synthetic-correlation study's data sets at one p (each run its own draw of the generator)
  tasks: () => syntheticTasks(2),
  data: (ctx) => mmoeSyntheticSource({ ...ctx, condition: { p: P }, rows: { ...DEFAULT_ROWS, ...ctx.rows } }),
});
