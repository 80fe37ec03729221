/**
 * The two experiments of the user-models study (notebook 07):
 *
 * user-models-metaheac — few-shot audiences: MetaHeac and its ablations meta-trained (condition
 *   "meta"), Shared-Bottom and MMoE pretrained on the pooled training audiences ("pooled"), and
 *   Shared-Bottom from its initialisation ("scratch"); every model then adapts to each new audience
 *   with the same SGD steps on k support users, k ∈ {0, 4, 8, 16, 32, 64}; scored on 500 query users.
 * user-models-dupn — DUPN on sessions: all three tasks ("all", with Shared-Bottom and MMoE beside
 *   it), each task alone, and the held-out task alone ("transfer-scratch"); the "all" runs also fit
 *   a head on their frozen representation for the held-out task and report their attention mass.
 *
 * Choices the papers leave open (their data are logs of 10⁸ users): the episode sizes (16 support +
 * 32 query users, one inner step at 0.1), the adaptation (10 SGD steps at 0.1 for every model), the
 * rows, and Adam. Run:  npm run reproduce -- user-models                   (quick profile)
 *                       npm run reproduce -- user-models --profile smoke   (CI)
 */
import { defineExperiment } from "../../engine/plan/experiment";
import { trainEpisodes, type EpisodeSettings } from "../../engine/train/meta-trainer";
import { AUDIENCE_TASK, audienceSource, sessionSource, sessionTasks, type AudienceCondition, type SessionCondition } from "./data";
import { trainDupnGroup } from "./dupn-trainer";
import { DUPN_MODELS, METAHEAC_MODELS } from "./models";
import { USER_MODEL_REGISTRATION } from "./paper";
import { dupnReport, metaheacReport } from "./report";

export const SHOTS = [0, 4, 8, 16, 32, 64];

const episodes = (mode: EpisodeSettings["mode"]): AudienceCondition => ({
  episodes: { mode, innerSteps: 2, innerLearningRate: 0.3, supportRows: 16, queryRows: 32, adaptSteps: 10, adaptLearningRate: 0.3, shots: SHOTS, selectionShots: 16 },
});

export const userModelsMetaheac = defineExperiment<AudienceCondition>({
  id: "user-models-metaheac",
  module: __filename,
  title: "MetaHeac on few-shot audiences: meta-trained experts and critics against fine-tuned baselines and its gate ablations",
  paper: "MetaHeac (Zhu et al., KDD 2021): experts and critics shared across audience tasks, combined by task-specific gates and trained by meta-learning, adapt to a new audience with few seed users better than fine-tuned models; both gates contribute.",
  seedOffset: 2000,
  conditionLabel: "training",
  conditions: { meta: episodes("meta"), pooled: episodes("pooled"), scratch: episodes("scratch") },
  conditionModels: {
    meta: ["metaheac", "metaheac-no-expert-gate", "metaheac-no-critic-gate", "maml"],
    pooled: ["shared-bottom", "mmoe"],
    scratch: ["shared-bottom"],
  },
  summaryComparisons: [],
  models: { ...METAHEAC_MODELS },
  train: { steps: 2000, batchSize: 64, evalEvery: 200, learningRates: [1e-3, 3e-3] },
  profiles: {
    smoke: { runs: 2, seedsPerGroup: 2, train: { steps: 20, evalEvery: 10, learningRates: [3e-3] }, note: "A pipeline check, not a result." },
    quick: {
      runs: 8,
      seedsPerGroup: 8,
      train: { steps: 600, evalEvery: 150, learningRates: [3e-3] },
      note: "Each run on its own audience family (40 training audiences of 200 users; 10 validation and 10 test audiences of 64 support and 500 query users); one outer rate instead of the grid {1e-3, 3e-3}, and 600 outer steps instead of 2,000, to fit the time here; Adam.",
    },
    paper: { runs: 30, seedsPerGroup: 10, note: "Each run on its own audience family; the outer rate chosen per run on the mean validation AUC at 16 shots." },
  },
  tasks: () => [{ ...AUDIENCE_TASK }],
  data: audienceSource,
  trainer: trainEpisodes,
  headlineTables: ["claims"],
  claimsDeclaration: USER_MODEL_REGISTRATION,
  report: metaheacReport,
});

const sessionCondition = (tasks: string[], transferHead = false): SessionCondition => ({ tasks, transferHead });

export const userModelsDupn = defineExperiment<SessionCondition>({
  id: "user-models-dupn",
  module: __filename,
  title: "DUPN on sessions with known truth: multi-task against single-task, transfer of the frozen representation, attention against the relevant behaviours",
  paper: "DUPN (Ni et al., KDD 2018): one user representation from the behaviour sequence (LSTM and attention) shared by several tasks serves each task better than single-task training, transfers to new tasks, and its attention picks the behaviours relevant to the query.",
  seedOffset: 2100,
  conditionLabel: "tasks",
  conditions: {
    all: sessionCondition(["click", "rank", "price"], true),
    "click-only": sessionCondition(["click"]),
    "rank-only": sessionCondition(["rank"]),
    "price-only": sessionCondition(["price"]),
    "transfer-scratch": sessionCondition(["transfer"]),
  },
  conditionModels: { "click-only": ["dupn"], "rank-only": ["dupn"], "price-only": ["dupn"], "transfer-scratch": ["dupn"] },
  summaryComparisons: [],
  models: { ...DUPN_MODELS },
  train: { steps: 3000, batchSize: 256, evalEvery: 250, learningRates: [1e-3, 3e-3], selection: { task: "all", metric: "loss" } },
  profiles: {
    smoke: { runs: 2, seedsPerGroup: 2, rows: { train: 1000, validation: 500, test: 500 }, train: { steps: 10, evalEvery: 5, learningRates: [3e-3] }, note: "A pipeline check, not a result." },
    quick: {
      runs: 6,
      seedsPerGroup: 6,
      rows: { validation: 2_000, test: 5_000 },
      train: { steps: 300, evalEvery: 100, learningRates: [3e-3] },
      note: "One sessions data set shared by every run (runs differ in initialisation); 3.8 epochs of the 20,000 training users, one rate instead of the grid {1e-3, 3e-3}, and the first 2,000 / 5,000 validation / test users, to fit the time here; checkpoint on the validation loss summed over the trained tasks; Adam.",
    },
    paper: { runs: 30, seedsPerGroup: 10, note: "One sessions data set shared by every run; the rate chosen per run on the validation loss summed over the trained tasks." },
  },
  tasks: (_name, c) => sessionTasks(c),
  data: sessionSource,
  trainer: trainDupnGroup,
  headlineTables: ["claims"],
  claimsDeclaration: USER_MODEL_REGISTRATION,
  report: dupnReport,
});

export const USER_MODEL_EXPERIMENTS = [userModelsMetaheac, userModelsDupn] as const;
