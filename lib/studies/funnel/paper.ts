/**
 * The papers of notebook 06, the sentences of theirs that it tests, and the registration of every
 * family, rule and smallest effect of interest, fixed before the runs they judge.
 *
 * The papers' data sets (the Taobao logs for ESMM, the Meituan credit-card funnel for AITM, Criteo
 * for DCN) are not reachable from here, so each sentence is tested as a direction on a synthetic
 * funnel whose true probabilities are known (data.ts), or on Census-Income for DCN. No paper number
 * is compared. Quotes are verbatim from the papers' abstracts (the only passages checked word for
 * word here); the section is "Abstract" for that reason, and `statement` says how our runs read it.
 */
import type { PaperClaim } from "../../papers";

export const FUNNEL_PAPERS = {
  esmm: {
    short: "ESMM",
    citation: "X. Ma, L. Zhao, G. Huang, Z. Wang, Z. Hu, X. Zhu, K. Gai. Entire Space Multi-Task Model: An Effective Approach for Estimating Post-Click Conversion Rate. SIGIR 2018.",
    doi: "10.1145/3209978.3210104",
  },
  aitm: {
    short: "AITM",
    citation: "D. Xi, Z. Chen, P. Yan, Y. Zhang, Y. Zhu, F. Zhuang, Y. Chen. Modeling the Sequential Dependence among Audience Multi-step Conversions with Multi-task Learning in Targeted Display Advertising. KDD 2021.",
    doi: "10.1145/3447548.3467071",
  },
  dcn: {
    short: "DCN",
    citation: "R. Wang, B. Fu, G. Fu, M. Wang. Deep & Cross Network for Ad Click Predictions. ADKDD 2017.",
    doi: "10.1145/3124749.3124754",
  },
} as const;

/** A claim of notebook 06: where it is said, the words said, and what our runs test. */
export type FunnelClaimDecl = PaperClaim & {
  /** The paper's words, verbatim; "" for a check of our own (no paper says it). */
  quote: string;
};

export const FUNNEL_CLAIMS = {
  esmmBeatsBase: {
    id: "esmm.entire-space",
    source: "ESMM, Abstract",
    quote: "Experiments on dataset gathered from traffic logs of Taobao's recommender system demonstrate that ESMM significantly outperforms competitive methods.",
    statement: "ESMM's pCVR ranks conversions over all impressions better than BASE's (the same network with CVR trained on clicked impressions only): a higher CVR AUC at every selection bias β > 0.",
  },
  esmmLessBiased: {
    id: "esmm.selection-bias",
    source: "ESMM, Abstract",
    quote: "For example, conventional CVR models are trained with samples of clicked impressions while utilized to make inference on the entire space with samples of all impressions. This causes a sample selection bias problem.",
    statement: "Over all impressions, clicked and unclicked, ESMM's pCVR is less biased than BASE's: its mean predicted conversion probability is closer to the mean true probability σ(z₂), at every selection bias β > 0.",
  },
  esmmGapGrows: {
    id: "esmm.bias-gap",
    source: "ESMM, Abstract",
    quote: "The proposed Entire Space Multi-task Model (ESMM) can eliminate the two problems simultaneously by i) modeling CVR directly over the entire space, ii) employing a feature representation transfer learning strategy.",
    statement: "If the selection bias is what costs BASE, ESMM's CVR AUC relative to BASE rises with β. This tests a slope only: a rising gap can be a shrinking deficit.",
  },
  aitmTransfer: {
    id: "aitm.transfer",
    source: "AITM, Abstract",
    quote: "The AIT module can adaptively learn what and how much information to transfer for different conversion stages.",
    statement: "The adaptive information transfer improves every later step's AUC over independent towers (both without the calibrator).",
  },
  aitmCalibrator: {
    id: "aitm.calibrator",
    source: "AITM, Abstract",
    quote: "Besides, by combining the Behavioral Expectation Calibrator in the loss function, the AITM framework can yield more accurate end-to-end conversion identification.",
    statement: "The behavioural-expectation calibrator improves every later step's AUC (AITM against AITM without it).",
  },
  aitmVsProduct: {
    id: "aitm.vs-esmm",
    source: "AITM, Abstract",
    quote: "Offline experimental results on both industrial and public real-world datasets clearly demonstrate that the proposed framework achieves significantly better performance compared with state-of-the-art baselines.",
    statement: "AITM predicts every later step better than the ESMM-style baseline, a product of conditional probabilities.",
  },
  crossHelps: {
    id: "dcn.cross",
    source: "DCN, Abstract",
    quote: "it introduces a novel cross network that is more efficient in learning certain bounded-degree feature interactions",
    statement: "At an equal parameter count, putting the cross network in front of Shared-Bottom and MMoE raises Census-Income test AUC, for each model and task.",
  },
  // ---- checks of our own: no paper sentence; a separate family per experiment
  generatorSelects: {
    id: "check.generator-selects",
    source: "check of our own: the synthetic funnel (lib/data/funnel.ts)",
    quote: "",
    statement: "The generator selects on conversion propensity: at every β > 0 the conversion rate among clicked impressions exceeds the rate over all impressions (at β = 0 it should not).",
  },
  calibratorMonotone: {
    id: "check.calibrator-monotone",
    source: "check of our own: the calibrator's penalty (lib/models/aitm.ts)",
    quote: "",
    statement: "The calibrator penalises a later step predicted above an earlier one, so with it fewer test impressions break the funnel's order.",
  },
} as const satisfies Record<string, FunnelClaimDecl>;

/**
 * Everything that decides a verdict of notebook 06, declared before the runs: the level, the
 * families (each judged with Holm's correction on its own), and per claim its rule, its cases and
 * its smallest effect of interest. The analyses read their rules and effects from here, so a change
 * here changes the verdicts it governs. Plain data, so it can be hashed with the runs' manifest.
 *
 * Smallest effects of interest are the registered size below which a difference would not matter
 * here; they do not move a verdict (a direction claim is decided by its test of no effect), they
 * state whether an interval rules out an effect that size. The papers' own differences were
 * measured on data we cannot reach, so the sizes come from the spread of our own earlier runs of
 * the same experiments (quick profile, 10 runs per arm), stated in each reason.
 */
export const FUNNEL_REGISTRATION = {
  alpha: { value: 0.05, reason: "the level of every notebook of this project; two-sided" },
  power: { value: 0.8, reason: "the power the runs-to-resolve figures assume, as in every notebook" },
  /** β levels whose per-level differences the deficit sentence reads (Holm over these levels). */
  levelSentence: { alpha: 0.05, correction: "Holm over the selection-bias levels", reason: "a sentence on each level is a family of its own, as many tests as levels" },
  families: {
    esmm: { title: "ESMM's sentences (funnel-esmm)", experiment: "funnel-esmm", kind: "paper", claims: ["esmm.entire-space", "esmm.selection-bias", "esmm.bias-gap"], reason: "one paper's sentences on one experiment's runs: the experiment's table and the notebook judge the same family, so every claim has one verdict" },
    aitm: { title: "AITM's sentences (funnel-aitm)", experiment: "funnel-aitm", kind: "paper", claims: ["aitm.transfer", "aitm.calibrator", "aitm.vs-esmm"], reason: "one paper's sentences on one experiment's runs" },
    dcn: { title: "DCN's sentence (funnel-dcn)", experiment: "funnel-dcn", kind: "paper", claims: ["dcn.cross"], reason: "one paper's sentence on one experiment's runs" },
    "esmm-checks": { title: "checks of our own (funnel-esmm)", experiment: "funnel-esmm", kind: "check", claims: ["check.generator-selects"], reason: "a check that the synthetic data does what it is built for is not a paper's claim and is not counted with them" },
    "aitm-checks": { title: "checks of our own (funnel-aitm)", experiment: "funnel-aitm", kind: "check", claims: ["check.calibrator-monotone"], reason: "a check of a mechanism (the penalty acts on what it penalises), not a sentence of the paper's" },
  },
  claims: {
    "esmm.entire-space": { rule: "direction", expect: "positive", cases: "each β > 0, intersection–union (supported only if every case is)", minimumEffect: 0.002, unit: "CVR AUC", reason: "0.002 AUC is about half the seed-to-seed standard deviation of one model's CVR AUC on this funnel (0.002–0.006 in the earlier runs): a smaller gap would not order the models reliably" },
    "esmm.selection-bias": { rule: "direction", expect: "negative", cases: "each β > 0, intersection–union", minimumEffect: 0.002, unit: "absolute mean bias of pCVR", reason: "0.002 is 2 % of the 0.10 conversion rate among clicked impressions that the generator sets; a smaller bias moves no ranking or bid noticeably" },
    "esmm.bias-gap": { rule: "direction", expect: "positive", cases: "one slope per seed over β ∈ {0, 0.3, 0.6, 0.9}", minimumEffect: 0.005, unit: "CVR AUC per unit β", reason: "0.005 per unit β is a 0.0045 AUC change from β = 0 to 0.9, about one seed-to-seed standard deviation" },
    "aitm.transfer": { rule: "direction", expect: "positive", cases: "each later step (application, approval, activation), intersection–union", minimumEffect: 0.002, unit: "AUC", reason: "as for ESMM's CVR AUC (the AITM steps' own spread was not read before registering)" },
    "aitm.calibrator": { rule: "direction", expect: "positive", cases: "each later step, intersection–union", minimumEffect: 0.002, unit: "AUC", reason: "as for ESMM's CVR AUC: about half the seed-to-seed spread of one model's AUC (the AITM steps' own spread was not read before registering)" },
    "aitm.vs-esmm": { rule: "direction", expect: "positive", cases: "each later step, intersection–union", minimumEffect: 0.002, unit: "AUC", reason: "as for ESMM's CVR AUC: about half the seed-to-seed spread of one model's AUC (the AITM steps' own spread was not read before registering)" },
    "dcn.cross": { rule: "direction", expect: "positive", cases: "each model pair (Shared-Bottom, MMoE) × task (income, marital), intersection–union", minimumEffect: 0.001, unit: "AUC", reason: "over twice the largest difference between the four models' mean census AUCs in the earlier runs (0.0001–0.0004): a cross network adding less would not change which model one picks" },
    "check.generator-selects": { rule: "direction", expect: "positive", cases: "each β > 0, intersection–union", minimumEffect: 0.005, unit: "conversion rate", reason: "5 % of the 0.10 rate among clicks: a smaller selection would give BASE nothing to be biased by" },
    "check.calibrator-monotone": { rule: "direction", expect: "negative", cases: "one effect: violations summed over the later steps", minimumEffect: 0.005, unit: "share of impressions", reason: "half a percent of impressions out of the funnel's order is the least a penalty on order should remove to matter" },
  },
} as const;

export type FunnelFamily = keyof typeof FUNNEL_REGISTRATION.families;
export type FunnelClaimId = keyof typeof FUNNEL_REGISTRATION.claims;
