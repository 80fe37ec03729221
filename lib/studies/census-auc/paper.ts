/**
 * The Census-Income AUC tables as printed: MMoE Tables 1–2 (Ma et al., KDD 2018, §6.3, p. 1936),
 * AdaTT Table 5 (Li et al., KDD 2023, §4.3), PLE Table 5 (Tang et al., RecSys 2020, §5.2), with
 * the protocol each paper states, and the claims declaration of notebook 03 (the sentences, the
 * families, the minimum effects with their reasons). The experiments, analysis and figures of
 * this folder read paper values only from here.
 */
import type { ClaimsRegistration } from "../../claims/registration";
import { PAPERS } from "../../papers";

/** An AUC pair as the MMoE tables print it: the run with the best main-task AUC, and the mean over runs. */
export interface BestMeanAuc {
  best: number;
  mean: number;
}

export type MmoeCensusModel = "single-task" | "shared-bottom" | "l2-constrained" | "cross-stitch" | "tensor-factorization" | "omoe" | "mmoe";
export const MMOE_CENSUS_MODELS: readonly MmoeCensusModel[] = ["single-task", "shared-bottom", "l2-constrained", "cross-stitch", "tensor-factorization", "omoe", "mmoe"];

export interface MmoeCensusTable {
  source: string;
  /** The main task (model selection) and the auxiliary task. */
  tasks: { main: string; auxiliary: string };
  /** |Pearson| of the two labels as the paper states it. */
  labelPearson: number;
  runs: number;
  main: Record<MmoeCensusModel, BestMeanAuc>;
  auxiliary: Record<MmoeCensusModel, BestMeanAuc>;
}

/** What MMoE §6.3 says about how Tables 1–2 were produced. */
export const MMOE_CENSUS_PROTOCOL = {
  source: "MMoE §6.3",
  paper: PAPERS.mmoe,
  /** Runs of the chosen configuration, from random initialisations. */
  runs: 400,
  /** Hidden units per layer, at most (experts × units for the MoE models). */
  maxHiddenUnitsPerLayer: 2048,
  tuning: "each method tuned (Gaussian-process search over learning rate, steps and method-specific sizes) on the main task's validation AUC",
  best: "the test AUC of the run with the best main-task AUC",
  split: ".test file split 1:1 into validation and test at random",
} as const;

/** MMoE §6.3, Table 1: group 1, income (main) + marital status (auxiliary); 400 runs. */
export const MMOE_CENSUS_GROUP1: MmoeCensusTable = {
  source: "MMoE §6.3, Table 1",
  tasks: { main: "income", auxiliary: "marital" },
  labelPearson: 0.1768,
  runs: 400,
  main: {
    "single-task": { best: 0.9398, mean: 0.9337 },
    "shared-bottom": { best: 0.9361, mean: 0.9295 },
    "l2-constrained": { best: 0.9389, mean: 0.9359 },
    "cross-stitch": { best: 0.9406, mean: 0.9361 },
    "tensor-factorization": { best: 0.746, mean: 0.6765 },
    omoe: { best: 0.9387, mean: 0.9319 },
    mmoe: { best: 0.941, mean: 0.9359 },
  },
  // the marital columns as printed (for several models "best" is below "mean": kept as printed)
  auxiliary: {
    "single-task": { best: 0.9933, mean: 0.9922 },
    "shared-bottom": { best: 0.9915, mean: 0.9921 },
    "l2-constrained": { best: 0.9922, mean: 0.9918 },
    "cross-stitch": { best: 0.9917, mean: 0.9922 },
    "tensor-factorization": { best: 0.8175, mean: 0.8412 },
    omoe: { best: 0.9928, mean: 0.9923 },
    mmoe: { best: 0.9926, mean: 0.9927 },
  },
};

/** MMoE §6.3, Table 2: group 2, education (main) + marital status (auxiliary); 400 runs. */
export const MMOE_CENSUS_GROUP2: MmoeCensusTable = {
  source: "MMoE §6.3, Table 2",
  tasks: { main: "education", auxiliary: "marital" },
  labelPearson: 0.2373,
  runs: 400,
  main: {
    "single-task": { best: 0.8843, mean: 0.8792 },
    "shared-bottom": { best: 0.8836, mean: 0.8813 },
    "l2-constrained": { best: 0.8855, mean: 0.8823 },
    "cross-stitch": { best: 0.8855, mean: 0.8819 },
    "tensor-factorization": { best: 0.7367, mean: 0.7256 },
    omoe: { best: 0.8852, mean: 0.8813 },
    mmoe: { best: 0.886, mean: 0.8826 },
  },
  auxiliary: {
    "single-task": { best: 0.9933, mean: 0.9922 },
    "shared-bottom": { best: 0.9927, mean: 0.9917 },
    "l2-constrained": { best: 0.9923, mean: 0.9918 },
    "cross-stitch": { best: 0.9919, mean: 0.9921 },
    "tensor-factorization": { best: 0.7453, mean: 0.7497 },
    omoe: { best: 0.9915, mean: 0.9912 },
    mmoe: { best: 0.9932, mean: 0.9924 },
  },
};

/** AUC of the three census tasks in the column order of AdaTT Table 5 ("Task 1/2/3"). */
export type ThreeTaskAuc = [number, number, number];
export type AdattTableModel = "ml-mmoe" | "ple" | "adatt";

/**
 * AdaTT Table 5: Census-Income, three tasks, two fusion levels, towers 32; mean over 100
 * runs. The text names the tasks income, never married, education, but the magnitudes fit the
 * order education, income, never married; the census notebook states which mapping it uses. Values are kept in the printed column order.
 */
export const ADATT_TABLE5 = {
  source: "AdaTT Table 5 (Census-Income)",
  paper: PAPERS.adatt,
  runs: 100,
  fusionLevels: 2,
  towerUnits: [32],
  protocol: "framework adapted from MMoEEx; single-layer experts and towers; PLE/AdaTT shared-expert count m_s tuned (task-specific experts = total − m_s); everything else equal across models; 100 runs with different initialisations after tuning; mean test AUC",
  caption: "the AdaTT-sp configuration (task-specific experts only) gave AdaTT's best results",
  columnsAsNamed: ["income", "never married", "education"],
  columnsByMagnitude: ["education", "income", "never married"],
  sixExperts: {
    experts: 6,
    expertUnits: [128, 64],
    auc: { "ml-mmoe": [0.8729, 0.9178, 0.9731], ple: [0.8683, 0.9164, 0.9697], adatt: [0.8766, 0.9202, 0.9783] } as Record<AdattTableModel, ThreeTaskAuc>,
  },
  nineExperts: {
    experts: 9,
    expertUnits: [96, 48],
    auc: { "ml-mmoe": [0.8688, 0.9139, 0.973], ple: [0.8645, 0.9134, 0.968], adatt: [0.8744, 0.9174, 0.9786] } as Record<AdattTableModel, ThreeTaskAuc>,
  },
} as const;

/**
 * PLE Table 5: Census-Income income / marital AUC.
 * INCONSISTENT AS PRINTED: MMoE's income AUC is .9393 but its gain over Single-Task (.9445) is
 * printed as +.0048, which would make it .9493 (and .9393 is a loss of −.0052). We keep the
 * printed AUC and the printed gain side by side and flag the pair wherever it is shown.
 */
export const PLE_TABLE5_CENSUS = {
  source: "PLE Table 5 (Census-Income)",
  paper: PAPERS.ple,
  tasks: ["income", "marital"],
  auc: {
    "single-task": { income: 0.9445, marital: 0.9923 },
    mmoe: { income: 0.9393, marital: 0.9928 },
    ple: { income: 0.9522, marital: 0.9945 },
  },
  /** MTL gain over Single-Task as printed (PLE Eq. 11: M_MTL − M_single for AUC). */
  gain: {
    mmoe: { income: 0.0048, marital: 0.0005 },
    ple: { income: 0.0078, marital: 0.0022 },
  },
  inconsistency: {
    model: "mmoe",
    task: "income",
    printedAuc: 0.9393,
    printedGain: 0.0048,
    impliedAuc: 0.9493,
    note: "PLE Table 5 prints MMoE income AUC .9393 with gain +.0048 over Single-Task .9445; the two cannot both hold (.9445 + .0048 = .9493).",
  },
} as const;

/**
 * Where the public-code one-hot shift comes from (the keras-mmoe and MMoEEx census scripts): a
 * finding of this project, not a paper's claim; the notebook tests whether it moves our AUCs to
 * AdaTT Table 5's.
 */
export const ONE_HOT_SHIFT_SOURCE = {
  source: "the public census code (keras-mmoe, MMoEEx)",
  statement: "Building the test file's one-hot columns separately from the training file's and feeding them by position (as the MMoEEx lineage AdaTT adapted does) lowers test AUC.",
} as const;

type Row = MmoeCensusModel;
const gapsOver = (t: MmoeCensusTable, of: Row, others: readonly Row[], column: "main" | "auxiliary") => others.map((o) => t[column][of].mean - t[column][o].mean);
const OTHERS: readonly Row[] = MMOE_CENSUS_MODELS.filter((m) => m !== "mmoe");

/**
 * The models the paper's own tables place above Shared-Bottom on the main task's mean AUC
 * (Tensor-Factorization excepted, as the sentence does): the cases "nearly always the worst" can
 * be held to. The rest are the "nearly".
 */
export function sharedBottomCases(t: MmoeCensusTable): Row[] {
  return MMOE_CENSUS_MODELS.filter((m) => m !== "shared-bottom" && m !== "tensor-factorization" && t.main[m].mean > t.main["shared-bottom"].mean);
}

const minGap = (xs: readonly number[]) => Math.round(Math.min(...xs) * 1e4) / 1e4;

/** The three-task AUC gaps AdaTT − {ML-MMoE, PLE} as printed at one expert count. */
const adattGaps = (auc: Record<AdattTableModel, ThreeTaskAuc>) => (["ml-mmoe", "ple"] as const).flatMap((m) => auc.adatt.map((a, k) => a - auc[m][k]));

/**
 * Notebook 03's claims declaration (hashed into census-mmoe's and census-adatt's manifests when
 * their runs train). Printed differences no sentence asserts (MMoE above Cross-Stitch by .0002,
 * any model above Tensor-Factorization) are shown as numbers beside ours, never judged.
 */
export const CENSUS_REGISTRATION: ClaimsRegistration = {
  study: "census-auc",
  families: {
    paper: { label: "the papers' sentences on Census-Income", reason: "what MMoE §6.3, PLE §5.2 and AdaTT §4.3 say in words about their census tables, judged together (Holm, α = 0.05)" },
    checks: { label: "our own checks", reason: "hypotheses of this project about why the papers' numbers differ from ours; judged apart so they cannot lend the paper claims support" },
  },
  claims: {
    "mmoe-g2:mmoe-best": {
      family: "paper",
      source: "MMoE §6.3, Table 2",
      quote: "MMoE … best in group 2 in all aspects [recalled wording with elisions, not yet checked against the paper's text]",
      minimumEffect: { value: minGap([...gapsOver(MMOE_CENSUS_GROUP2, "mmoe", OTHERS, "main"), ...gapsOver(MMOE_CENSUS_GROUP2, "mmoe", OTHERS, "auxiliary")].filter((g) => g > 0)), reason: "the smallest lead Table 2 prints for MMoE over another model (mean AUC)" },
      reason: "'best' = above every other model of Table 2; 'all aspects' = both tasks (education and marital mean test AUC); intersection–union over 6 models × 2 tasks",
    },
    "mmoe:shared-bottom-worst": {
      family: "paper",
      source: "MMoE §6.3, Tables 1–2",
      quote: "Shared-Bottom … nearly always the worst, apart from Tensor-Factorization [recalled wording with elisions, not yet checked against the paper's text]",
      minimumEffect: {
        value: minGap([...gapsOver(MMOE_CENSUS_GROUP1, "shared-bottom", sharedBottomCases(MMOE_CENSUS_GROUP1), "main"), ...gapsOver(MMOE_CENSUS_GROUP2, "shared-bottom", sharedBottomCases(MMOE_CENSUS_GROUP2), "main")].map(Math.abs)),
        reason: "the smallest printed gap between Shared-Bottom and a model the tables place above it (main task, mean AUC)",
      },
      reason: "Shared-Bottom below each model the paper's own tables place above it on the main task (the exceptions are the 'nearly'), both groups, intersection–union",
    },
    "ple-table5:ple-best": {
      family: "paper",
      source: "PLE §5.2, Table 5",
      quote: "PLE outperforms … on both tasks [recalled wording with elisions, not yet checked against the paper's text]",
      minimumEffect: { value: 0.0017, reason: "the smallest gap PLE Table 5 prints for PLE (marital: .9945 vs MMoE's .9928)" },
      reason: "PLE above MMoE and above Single-Task on income and on marital (group 1): intersection–union over 2 models × 2 tasks",
    },
    "adatt-table5:6:adatt-best": {
      family: "paper",
      source: "AdaTT §4.3, Table 5 (6 experts)",
      quote: "AdaTT … outperforms … on all tasks [recalled wording with elisions, not yet checked against the paper's text]",
      minimumEffect: { value: minGap(adattGaps(ADATT_TABLE5.sixExperts.auc)), reason: "the smallest gap Table 5 prints for AdaTT over ML-MMoE or PLE at 6 experts" },
      reason: "AdaTT above ML-MMoE and PLE on each of the three tasks: intersection–union over 2 models × 3 tasks",
    },
    "adatt-table5:9:adatt-best": {
      family: "paper",
      source: "AdaTT §4.3, Table 5 (9 experts)",
      quote: "AdaTT … outperforms … on all tasks [recalled wording with elisions, not yet checked against the paper's text]",
      minimumEffect: { value: minGap(adattGaps(ADATT_TABLE5.nineExperts.auc)), reason: "the smallest gap Table 5 prints for AdaTT over ML-MMoE or PLE at 9 experts" },
      reason: "as at 6 experts",
    },
    "one-hot:moves-to-paper": {
      family: "checks",
      source: `${ONE_HOT_SHIFT_SOURCE.source} (our hypothesis)`,
      quote: "The public code's one-hot shift moves our AUCs to AdaTT Table 5's.",
      reason: "per task, |by name − paper| − |shifted − paper| over (model, seed) pairs of the three variant models must be > 0 on every task (intersection–union): the shift explains the paper's numbers only if it brings every task closer",
    },
  },
};
