/**
 * The papers of notebook 06 and the claims it tests (paraphrased, with their sections). No paper
 * number is compared here: the papers' data sets (Ali-CCP / Taobao logs for ESMM, the AITM
 * credit-card funnel, Criteo for DCN) are not reachable, so the claims are tested as directions
 * on a synthetic funnel with known truth (data.ts) and on Census-Income. Sources name the part of
 * each paper that makes the claim; AITM's section numbers are not given because they were not
 * checked against the paper here.
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

export const FUNNEL_CLAIMS = {
  esmmBeatsBase: {
    id: "esmm.entire-space",
    source: "ESMM §2.3 (the model), §3 (experiments: ESMM above BASE on CVR AUC)",
    quote: "",
    statement: "Modelling CVR over the entire impression space (pCTCVR = pCTR × pCVR, losses on CTR and CTCVR) estimates CVR better than a model trained on clicked impressions only, which suffers from sample-selection bias and sparse conversions.",
  },
  esmmGapGrows: {
    id: "esmm.bias-gap",
    source: "ESMM §1–2 (sample-selection bias as a cause of BASE's error)",
    quote: "",
    statement: "BASE's disadvantage comes from sample-selection bias: the more the clicked impressions differ from all impressions, the larger ESMM's gain.",
  },
  aitmTransfer: {
    id: "aitm.transfer",
    source: "AITM, the AIT module and the offline ablation (without it the later steps' AUC falls)",
    quote: "",
    statement: "The adaptive information transfer from each step to the next improves the later steps' AUC over independent towers.",
  },
  aitmCalibrator: {
    id: "aitm.calibrator",
    source: "AITM, the behavioural-expectation calibrator and the offline ablation (without it the AUC falls)",
    quote: "",
    statement: "The behavioural-expectation calibrator (penalising a later step predicted above an earlier one) improves the later steps' AUC.",
  },
  aitmMonotone: {
    id: "aitm.monotone",
    source: "AITM, the behavioural-expectation calibrator",
    quote: "",
    statement: "The calibrator makes the predictions obey the funnel: fewer impressions predicted more likely to pass a later step than an earlier one.",
  },
  aitmVsProduct: {
    id: "aitm.vs-esmm",
    source: "AITM, offline comparison (AITM above ESMM-style baselines on the later steps)",
    quote: "",
    statement: "AITM predicts the later steps better than an ESMM-style product of conditional probabilities.",
  },
  crossHelps: {
    id: "dcn.cross",
    source: "DCN §2 (the cross network learns bounded-degree feature crosses efficiently), experiments",
    quote: "",
    statement: "Explicit feature crosses help: a cross network in place of plain input features improves AUC at equal parameter count.",
  },
} as const satisfies Record<string, PaperClaim>;
