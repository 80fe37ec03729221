/**
 * The two experiments of the Census-Income AUC study (notebook 03):
 *
 * census-mmoe — MMoE §6.3 Tables 1–2 (groups 1 and 2: Single-Task, Shared-Bottom,
 *   L2-Constrained, Cross-Stitch, Tensor-Factorization, OMoE, MMoE; two search candidates each)
 *   and the census rows of PLE Table 5 (PLE on group 1 beside Single-Task and MMoE).
 * census-adatt — AdaTT Table 5 (three tasks, two fusion levels, 6 experts of 128/64 and 9 of
 *   96/48, towers 32: ML-MMoE, PLE, AdaTT, plus AdaTT-sp, CGC and MMoE), and a few of its models
 *   again under the public code's one-hot shift (condition positional-per-file; never a default).
 *
 * Both train on the full training file (no row subsampling in quick or paper: AUC on a subset is
 * not comparable to the papers); runs differ only in their initialisation; checkpoint and
 * learning rate are chosen on the main task's validation AUC (the first task of the group:
 * income, education, and income for the three-task group); test is scored once per run.
 *
 * Run:  npm run reproduce -- census-auc                   (both, quick profile)
 *       npm run reproduce -- census-auc --profile paper   (400 / 100 runs, as the papers)
 */
import * as path from "node:path";
import { censusGroupTasks } from "../../data/task-groups";
import { defineExperiment } from "../../engine/experiment";
import type { ModelConfig } from "../../models/config";
import { censusAdattReport, censusMmoeReport, plannedRunsAt } from "./analysis";
import { censusPreflight, censusSource, type CensusCondition } from "./data";
import { censusFigures } from "./figures";
import { ADATT_TABLE_CANDIDATES, EXPERT_COUNTS, MMOE_GROUPS, MMOE_TABLE_CANDIDATES, ONE_HOT_VARIANT_MODELS, PLE_TABLE_CANDIDATES, type Candidate } from "./design";
import { CENSUS_REGISTRATION } from "./paper";

const modelsOf = (candidates: Candidate[]): Record<string, ModelConfig> => Object.fromEntries(candidates.map((c) => [c.name, c.config]));

const MMOE_CANDIDATES = Object.values(MMOE_TABLE_CANDIDATES).flat();
const ADATT_CANDIDATES = EXPERT_COUNTS.flatMap((n) => Object.values(ADATT_TABLE_CANDIDATES[n]).flat());

/** Training rows per epoch at batch 512: 199,523 / 512 → 389 steps. */
const EPOCH = 390;

const SMOKE = {
  rows: { train: 2048, validation: 1024, test: 1024 },
  train: { steps: 8, evalEvery: 4, learningRates: [1e-3] },
  seedsPerGroup: 2,
};

export const censusMmoe = defineExperiment<CensusCondition>({
  id: "census-mmoe",
  module: __filename,
  title: "Census-Income, MMoE Tables 1–2 and PLE Table 5 (two-task groups)",
  paper:
    "MMoE (Ma et al., KDD 2018) §6.3 Tables 1–2: on both Census-Income groups MMoE's main-task AUC is at or near the top of the baselines (best and mean over 400 runs); PLE (Tang et al., RecSys 2020) Table 5: PLE beats Single-Task and MMoE on income and marital status.",
  conditionLabel: "group",
  conditions: Object.fromEntries(MMOE_GROUPS.map((g) => [g, { group: g, encoding: "by-name" }])),
  models: modelsOf([...MMOE_CANDIDATES, ...PLE_TABLE_CANDIDATES]),
  // PLE Table 5 uses group 1 only
  conditionModels: { "mmoe-g2": MMOE_CANDIDATES.map((c) => c.name) },
  train: {
    steps: 10 * EPOCH, // the paper tuned steps per method; 10 epochs with early stopping is our paper-profile stand-in
    batchSize: 512, // not stated in the paper; the public census code uses 32–1024
    evalEvery: EPOCH / 2,
    patience: 6, // three epochs without a better main-task validation AUC
    // chosen per run on validation (the paper tuned it per method). Pilot (group 1, MMoE 8×16 and
    // Single-Task 2×64, 2 seeds, 4 epochs): 1e-3 and 1e-2 ended within 0.001 validation AUC of each
    // other and 1e-3 was still improving, so 1e-4 (ten times smaller steps) is left out.
    learningRates: [1e-3, 1e-2],
  },
  profiles: {
    smoke: {
      runs: 2,
      ...SMOKE,
      note: "A pipeline check, not a result.",
    },
    quick: {
      runs: 6,
      train: { steps: 2 * EPOCH, evalEvery: EPOCH / 3, learningRates: [1e-3] },
      note: "Each model is one candidate of the search. Paper: 400 runs per candidate, the learning rate tuned, a Gaussian-process search under 2,048 hidden units; here two epochs of the full training file (the early-stopping rule cannot trigger in so few evaluations) and a search over two layer budgets per model (64 or 128 hidden units); every row of the full files.",
      seedsPerGroup: 6,
    },
    paper: {
      runs: 400,
      note: "Runs as MMoE §6.3; ten epochs of the training file at most, evaluated every half epoch, stopping after three epochs without a better main-task validation AUC; search over two layer budgets per model (64 or 128 hidden units).",
      seedsPerGroup: 8,
    },
  },
  tasks: (_, c) => censusGroupTasks(c.group),
  data: censusSource,
  preflight: censusPreflight,
  headlineTables: ["auc", "ple-table5"],
  claimsDeclaration: CENSUS_REGISTRATION,
  // the claims compare what the paper compares (claims table); no "model vs the first model" p-values
  summaryComparisons: [],
  report: (result) => censusMmoeReport(result, censusFigures),
});

export const censusAdatt = defineExperiment<CensusCondition>({
  id: "census-adatt",
  module: __filename,
  title: "Census-Income, AdaTT Table 5 (three tasks) and the public code's one-hot shift",
  paper:
    "AdaTT (Li et al., KDD 2023) Table 5: on the three Census-Income tasks AdaTT beats ML-MMoE and PLE at 6 and at 9 experts (mean test AUC over 100 runs). The public code AdaTT adapted shifts the test file's one-hot columns, which would lower its AUCs.",
  conditions: {
    "by-name": { group: "adatt", encoding: "by-name" },
    "positional-per-file": { group: "adatt", encoding: "positional-per-file" },
  },
  conditionLabel: "encoding",
  models: modelsOf(ADATT_CANDIDATES),
  conditionModels: { "positional-per-file": [...ONE_HOT_VARIANT_MODELS] },
  train: {
    steps: 10 * EPOCH,
    batchSize: 512,
    evalEvery: EPOCH / 2,
    patience: 6,
    learningRates: [1e-3, 1e-2], // as census-mmoe
  },
  profiles: {
    smoke: {
      runs: 2,
      ...SMOKE,
      note: "A pipeline check, not a result.",
    },
    quick: {
      runs: 3,
      train: { steps: EPOCH, evalEvery: EPOCH / 3, learningRates: [1e-3] },
      note: "Each model is one candidate of the search. Paper: 100 runs per candidate; here one epoch of the full training file; shared-expert search m_s ∈ {0, 3} (AdaTT) and {3, 6} (PLE, 9 experts); the one-hot shift (positional-per-file encoding) for 3 models at 6 experts; every row of the full files.",
      seedsPerGroup: 3,
    },
    paper: {
      runs: 100,
      note: "Runs as AdaTT Table 5; ten epochs of the training file at most, evaluated every half epoch, stopping after three epochs without a better validation income AUC; shared-expert search as in quick.",
      seedsPerGroup: 4,
    },
  },
  tasks: (_, c) => censusGroupTasks(c.group),
  data: censusSource,
  preflight: censusPreflight,
  // notebook 03's claims are one family: judged here over both experiments once census-mmoe's runs are beside these
  headlineTables: ["auc", "claims"],
  claimsDeclaration: CENSUS_REGISTRATION,
  // the claims compare what the paper compares (claims table); no "model vs the first model" p-values
  summaryComparisons: [],
  report: (result) => censusAdattReport(result, plannedRunsAt(censusMmoe, result.summary.profile, path.dirname(path.dirname(result.dir))), censusFigures),
});

/** In the order `npm run reproduce -- census-auc` runs them (census-adatt's claims table reads census-mmoe's runs). */
export const CENSUS_EXPERIMENTS = [censusMmoe, censusAdatt] as const;
