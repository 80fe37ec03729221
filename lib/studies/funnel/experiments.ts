/**
 * The three experiments of the funnel study (notebook 06):
 *
 * funnel-esmm — ESMM vs BASE on the synthetic two-step funnel at four selection biases β; scored
 *   on CVR AUC over all test impressions (the truth the generator knows), and on the bias and
 *   calibration of pCVR against the true conversion probabilities σ(z_2) over all impressions.
 * funnel-aitm — AITM's ablation on a four-step funnel (β = 0.6): transfer × calibrator, and the
 *   ESMM-style product; AUC per step over impressions and funnel-monotonicity violations.
 * funnel-dcn — the cross network under Shared-Bottom and MMoE on Census-Income group 1
 *   (notebook 03's income + never-married tasks), at equal parameter counts.
 *
 * Choices the papers leave open (they train on logs of 10⁷–10⁹ impressions): 40,000 / 10,000 /
 * 40,000 rows per synthetic run; Adam, batch 512; synthetic checkpoints on an observable validation
 * loss (CTCVR for ESMM / BASE, the sum of the step losses for AITM): never on the CVR truth.
 * Run:  npm run reproduce -- funnel                   (all three, quick profile)
 *       npm run reproduce -- funnel --profile smoke   (CI)
 */
import { ALL_TASKS } from "../../engine/train/train-config";
import { CENSUS_TRAIN } from "../census-training";
import { defineExperiment } from "../../engine/plan/experiment";
import { FUNNEL_REGISTRATION } from "./paper";
import { censusGroupTasks } from "../../data/task-groups";
import { aitmSource, AITM_BIAS, AITM_TASKS, esmmSource, ESMM_TASKS, FUNNEL_CENSUS_GROUP, funnelCensusPreflight, funnelCensusSource, TRUTH_METRICS, type FunnelCondition } from "./data";
import { AITM_MODELS, DCN_MODELS, ESMM_MODELS } from "./models";
import { aitmReport, dcnReport, esmmReport } from "./report";

/** The selection biases of the ESMM sweep. */
export const BIASES = [0, 0.3, 0.6, 0.9] as const;
export const biasCondition = (b: number) => `bias-${b.toFixed(1)}`;

const SYNTHETIC_SMOKE = {
  runs: 2,
  train: { steps: 40, evalEvery: 20, learningRates: [3e-3] },
  rows: { train: 2_000, validation: 1_000, test: 2_000 },
  seedsPerGroup: 2,
};

export const funnelEsmm = defineExperiment<FunnelCondition>({
  id: "funnel-esmm",
  module: __filename,
  title: "ESMM vs BASE: CVR over the entire impression space against selection bias (synthetic funnel)",
  paper: "ESMM (Ma et al., SIGIR 2018) §2–3: modelling pCTCVR = pCTR × pCVR over all impressions estimates CVR better than a CVR model trained on clicked impressions (BASE), which suffers from sample-selection bias and sparse conversions.",
  conditionLabel: "bias",
  conditions: Object.fromEntries(BIASES.map((b) => [biasCondition(b), { bias: b, truthMetrics: TRUTH_METRICS }])),
  models: { ...ESMM_MODELS },
  train: {
    steps: 2400, // 30 epochs of 40,000 rows at batch 512 (paper profile)
    batchSize: 512,
    evalEvery: 100,
    learningRates: [1e-3, 3e-3],
    selection: { task: "ctcvr", metric: "loss" },
  },
  profiles: {
    smoke: { ...SYNTHETIC_SMOKE, note: "Rows per run; a pipeline check, not a result." },
    quick: {
      runs: 10,
      train: { steps: 600, evalEvery: 100, learningRates: [3e-3] },
      note: "Each run on its own funnel of 40,000 / 10,000 / 40,000 train / validation / test rows (as the paper profile), 7.7 epochs; cut from the paper profile's run count, steps and rate grid ({1e-3, 3e-3}) to fit 30 minutes here; Adam.",
      seedsPerGroup: 10,
    },
    paper: {
      runs: 30,
      note: "Each run on its own funnel of 40,000 / 10,000 / 40,000 rows (30 epochs); the rate chosen per run on validation CTCVR loss.",
      seedsPerGroup: 10,
    },
  },
  tasks: () => ESMM_TASKS.map((t) => ({ ...t })),
  data: esmmSource,
  headlineTables: ["claims"],
  claimsDeclaration: FUNNEL_REGISTRATION,
  report: esmmReport,
});

export const funnelAitm = defineExperiment<FunnelCondition>({
  id: "funnel-aitm",
  module: __filename,
  title: "AITM ablation on a four-step funnel: information transfer, calibrator, and the ESMM-style product (synthetic)",
  paper: "AITM (Xi et al., KDD 2021) §3–4: the adaptive information transfer and the behavioural-expectation calibrator each improve the later steps' AUC, and AITM beats ESMM-style products of conditional probabilities.",
  seedOffset: 1000,
  conditions: { [biasCondition(AITM_BIAS)]: { bias: AITM_BIAS, truthMetrics: TRUTH_METRICS } },
  models: { ...AITM_MODELS },
  train: {
    steps: 2400,
    batchSize: 512,
    evalEvery: 100,
    learningRates: [1e-3, 3e-3],
    selection: { task: ALL_TASKS, metric: "loss" },
  },
  profiles: {
    smoke: { ...SYNTHETIC_SMOKE, note: "Rows per run; a pipeline check, not a result." },
    quick: {
      runs: 10,
      train: { steps: 600, evalEvery: 100, learningRates: [3e-3] },
      note: "Each run on its own four-step funnel (β = 0.6) of 40,000 / 10,000 / 40,000 train / validation / test rows (as the paper profile), 7.7 epochs; cut from the paper profile's run count, steps and rate grid ({1e-3, 3e-3}) to fit 30 minutes here; Adam.",
      seedsPerGroup: 10,
    },
    paper: {
      runs: 30,
      note: "Each run on its own four-step funnel of 40,000 / 10,000 / 40,000 rows; the rate chosen per run on the validation sum of step losses.",
      seedsPerGroup: 10,
    },
  },
  tasks: () => AITM_TASKS.map((t) => ({ ...t })),
  data: aitmSource,
  headlineTables: ["claims"],
  claimsDeclaration: FUNNEL_REGISTRATION,
  report: aitmReport,
});

export const funnelDcn = defineExperiment({
  id: "funnel-dcn",
  module: __filename,
  title: "DCN cross network under Shared-Bottom and MMoE on Census-Income group 1, at equal parameter counts",
  paper: "DCN (Wang et al., ADKDD 2017) §2.2: a cross network x_{l+1} = x_0 x_lᵀ w_l + b_l + x_l learns bounded-degree feature crosses cheaply; here it replaces the plain input under Shared-Bottom and MMoE (notebook 03's census tasks) at equal parameter counts.",
  models: { ...DCN_MODELS },
  // notebook 03's census protocol: every run to convergence, the learning rate per arm and the
  // checkpoint on validation income AUC, each seed its own minibatch order shared by the four models
  train: CENSUS_TRAIN,
  profiles: {
    smoke: {
      runs: 2,
      rows: { train: 2048, validation: 1024, test: 1024 },
      train: { steps: 8, evalEvery: 4, learningRates: [1e-3, 1e-2] },
      note: "A pipeline check, not a result.",
    },
    quick: {
      runs: 3,
      note: "Every run trained to convergence on every row of the full files; the learning rate per model from {1e-3, 3e-3, 1e-2} on a pilot seed's validation income AUC.",
    },
    paper: {
      runs: 100,
      note: "Every run trained to convergence on every row of the full files; the learning rate per model from {1e-3, 3e-3, 1e-2} on a pilot seed's validation income AUC.",
    },
  },
  tasks: () => censusGroupTasks(FUNNEL_CENSUS_GROUP),
  data: funnelCensusSource,
  preflight: funnelCensusPreflight,
  headlineTables: ["claims"],
  claimsDeclaration: FUNNEL_REGISTRATION,
  report: dcnReport,
});

export const FUNNEL_EXPERIMENTS = [funnelEsmm, funnelAitm, funnelDcn] as const;
