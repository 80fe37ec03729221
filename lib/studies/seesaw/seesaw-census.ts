/**
 * seesaw-census — PLE Fig. 3 / Table 1 / Fig. 8 (Tang et al., RecSys 2020) on Census-Income:
 * weeks worked (regression, MSE) beside income > 50k (binary, AUC), eleven models at
 * comparable parameter counts (models.ts), MTL gains over Single-Task paired by seed.
 * Run:  npm run reproduce -- seesaw-census                  (quick profile; the whole study: `-- seesaw`)
 *       npm run reproduce -- seesaw-census --profile smoke  (CI)
 *
 * Choices the paper leaves open (PLE states neither steps, batch, learning rate nor runs for
 * Fig. 3): the census training protocol of notebook 03 (lib/studies/census-training.ts: every run
 * to convergence, a learning rate per arm on validation, each seed its own minibatch order shared
 * by every model), with checkpoint, early stopping and learning rate on the validation objective
 * MSE + BCE with equal weights (the training loss; no task is the main one). The Single-Task
 * baseline trains each task's network alone (one-task conditions), each on its own validation
 * loss; gate statistics over every test row.
 */
import { ALL_TASKS } from "../../engine/train/train-config";
import { defineExperiment } from "../../engine/plan/experiment";
import { CENSUS_TRAIN } from "../census-training";
import { seesawReport } from "./report";
import { conditionTasks, SEESAW_CENSUS_TASKS, seesawCensusSource, seesawConditions, type SeesawCondition } from "./data";
import { seesawConditionModels, seesawModels } from "./models";
import { SEESAW_REGISTRATION } from "./paper";

/** Test rows of the census group (the .test file split 1:1): gate statistics cover all of them. */
const CENSUS_TEST_ROWS = 49_881;

export const seesawCensus = defineExperiment<SeesawCondition>({
  id: "seesaw-census",
  module: __filename,
  title: "Seesaw on Census-Income: weeks worked (MSE) + income (AUC), eleven models (PLE Fig. 3, Table 1, Fig. 8)",
  paper: "PLE (Tang et al., RecSys 2020) Fig. 3 and Table 1: most multi-task models improve one task at the cost of the other (seesaw); only CGC and PLE improve both over Single-Task. Fig. 8: expert utilisation of MMoE, ML-MMoE, CGC, PLE.",
  conditionLabel: "task set",
  conditions: seesawConditions(SEESAW_CENSUS_TASKS),
  models: seesawModels("census"),
  conditionModels: seesawConditionModels(SEESAW_CENSUS_TASKS),
  train: { ...CENSUS_TRAIN, selection: { task: ALL_TASKS, metric: "loss" }, gateRows: CENSUS_TEST_ROWS },
  profiles: {
    smoke: {
      runs: 2,
      train: { steps: 40, evalEvery: 20, learningRates: [1e-3, 1e-2] },
      rows: { train: 4_000, validation: 2_000, test: 2_000 },
      note: "The first rows of each split; a pipeline check, not a result.",
    },
    quick: {
      runs: 4,
      note: "PLE states no run count. Every run trained to convergence on the full training file (199,523 rows).",
    },
    paper: {
      runs: 20,
      note: "PLE states no run count. Every run trained to convergence on the full training file (199,523 rows).",
    },
  },
  tasks: (_, c) => conditionTasks(SEESAW_CENSUS_TASKS, c),
  data: seesawCensusSource,
  headlineTables: ["table1", "quadrants"],
  claimsDeclaration: SEESAW_REGISTRATION,
  report: (result) => seesawReport(result, "census"),
});
