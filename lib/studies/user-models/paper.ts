/**
 * The papers of notebook 07, the sentences of theirs that it tests, and the registration of every
 * family, rule and smallest effect of interest, fixed before the runs they judge.
 *
 * Neither paper's data (Taobao behaviour logs for DUPN, Tencent advertising audiences for MetaHeac)
 * is reachable from here, so each sentence is tested as a direction on a generator with known
 * truth (lib/data/sessions.ts, lib/data/audiences.ts). No paper number is compared. Quotes are the
 * papers' abstracts as recalled, each marked as not yet checked against the text (the ablation
 * claims carry a recalled gist, marked so); `statement` says how our runs read them.
 */
import type { PaperClaim } from "../../papers";

export const USER_MODEL_PAPERS = {
  dupn: {
    short: "DUPN",
    citation: "Y. Ni, D. Ou, S. Liu, X. Li, W. Ou, A. Zeng, L. Si. Perceive Your Users in Depth: Learning Universal User Representations from Multiple E-commerce Tasks. KDD 2018.",
    doi: "10.1145/3219819.3219828",
  },
  metaheac: {
    short: "MetaHeac",
    citation: "Y. Zhu, Y. Liu, R. Xie, F. Zhuang, X. Hao, K. Ge, X. Zhang, L. Lin, J. Cao. Learning to Expand Audience via Meta Hybrid Experts and Critics for Recommendation and Advertising. KDD 2021.",
    doi: "10.1145/3447548.3467093",
  },
} as const;

/** A claim of notebook 07: where it is said, the words said, and what our runs test. */
export type UserModelClaimDecl = PaperClaim & {
  /** The paper's words, verbatim; "" for a check of our own (no paper says it). */
  quote: string;
};

export const USER_MODEL_CLAIMS = {
  dupnMultiTask: {
    id: "dupn.multi-task",
    source: "DUPN, Abstract",
    quote: "Across all tested five different tasks, our DUPN consistently achieves better results by giving more effective user representations. [recalled wording, not yet checked against the paper's text]",
    statement: "DUPN trained on all three tasks (click, rank, price) predicts each task better on test users than the same network trained on that task alone: higher AUC for the binary tasks, higher Pearson correlation for price.",
  },
  dupnTransfer: {
    id: "dupn.transfer",
    source: "DUPN, Abstract",
    quote: "the user representations are more effective to reflect their interests and are more general to be transferred to new tasks [recalled wording, not yet checked against the paper's text]",
    statement: "A logistic head trained on the frozen multi-task representation predicts the held-out task about as well as DUPN trained on that task from scratch: test AUC within the registered margin.",
  },
  dupnAttention: {
    id: "dupn.attention",
    source: "DUPN, Abstract",
    quote: "user behavior sequences (e.g., click, bookmark or purchase of products) are modeled by LSTM and attention mechanism [recalled wording, not yet checked against the paper's text]",
    statement: "The attention over the behaviour sequence puts more weight on the behaviours the labels depend on (those in the query's category) than their share among the user's behaviours, the weight uniform attention would give them.",
  },
  metaheacFewShot: {
    id: "metaheac.few-shot",
    source: "MetaHeac, Abstract",
    quote: "According to both offline and online experiments, the proposed MetaHeac shows superior effectiveness [recalled wording, not yet checked against the paper's text]",
    statement: "On new audiences with few seed users, meta-trained MetaHeac adapts to a higher query AUC than a fine-tuned single model (Shared-Bottom pretrained on the pooled tasks), a fine-tuned MMoE-style model, and MAML without gates, at every support size k > 0 of the profile.",
  },
  metaheacExpertGate: {
    id: "metaheac.expert-gate",
    source: "MetaHeac, ablation study",
    quote: "removing the gate of the experts … degrades the performance [recalled gist with elisions, not the paper's words; not yet checked against the paper's text]",
    statement: "The task-specific gate over the experts contributes: MetaHeac beats the same model with uniform expert weights (both meta-trained), at every k > 0.",
  },
  metaheacCriticGate: {
    id: "metaheac.critic-gate",
    source: "MetaHeac, ablation study",
    quote: "removing the gate of the critics … degrades the performance [recalled gist with elisions, not the paper's words; not yet checked against the paper's text]",
    statement: "The task-specific gate over the critics contributes: MetaHeac beats the same model with uniform critic weights (both meta-trained), at every k > 0.",
  },
  // ---- checks of our own: no paper sentence
  pretrainingHelps: {
    id: "check.pretraining-helps",
    source: "check of our own: the audiences family (lib/data/audiences.ts)",
    quote: "",
    statement: "The training audiences carry information about new ones: a Shared-Bottom pretrained on the pooled training tasks and fine-tuned beats the same model fine-tuned from its initialisation, at every k > 0.",
  },
} as const satisfies Record<string, UserModelClaimDecl>;

/**
 * Everything that decides a verdict of notebook 07, declared before the runs: the level, the
 * families (each judged with Holm's correction on its own), and per claim its rule, its cases and
 * its smallest effect of interest (or equivalence margin). Plain data, so it can be hashed with the
 * runs' manifest. The sizes are judgement, not measured spreads: no run of these experiments
 * existed when they were written; each reason says what it rests on.
 */
export const USER_MODEL_REGISTRATION = {
  alpha: { value: 0.05, reason: "the level of every notebook of this project; two-sided" },
  power: { value: 0.8, reason: "the power the runs-to-resolve figures assume, as in every notebook" },
  families: {
    dupn: { title: "DUPN's sentences (user-models-dupn)", experiment: "user-models-dupn", kind: "paper", claims: ["dupn.multi-task", "dupn.transfer", "dupn.attention"], reason: "one paper's sentences on one experiment's runs" },
    metaheac: { title: "MetaHeac's sentences (user-models-metaheac)", experiment: "user-models-metaheac", kind: "paper", claims: ["metaheac.few-shot", "metaheac.expert-gate", "metaheac.critic-gate"], reason: "one paper's sentences on one experiment's runs" },
    "metaheac-checks": { title: "checks of our own (user-models-metaheac)", experiment: "user-models-metaheac", kind: "check", claims: ["check.pretraining-helps"], reason: "a check that the generator's tasks share what the pretraining could use; not a paper's claim" },
  },
  claims: {
    "dupn.multi-task": { rule: "direction", expect: "positive", cases: "each task (click AUC, rank AUC, price Pearson), intersection–union", minimumEffect: 0.005, unit: "AUC or Pearson r", reason: "half a point of AUC is the smallest gain a ranking team would ship for; the same size on the correlation scale for price" },
    "dupn.transfer": { rule: "equivalence", margin: 0.02, cases: "one effect: frozen-representation head − trained from scratch", unit: "AUC", reason: "DUPN reports transfer 'close to' a model trained on the task; two AUC points is the loosest reading of close that would still make a frozen representation worth reusing" },
    "dupn.attention": { rule: "direction", expect: "positive", cases: "one effect: attention mass on relevant behaviours − their share", minimumEffect: 0.05, unit: "attention mass", reason: "five points of attention above the relevant behaviours' share (0.3 of behaviours by construction) is the least that makes the weights readable as 'picking out' behaviours" },
    "metaheac.few-shot": { rule: "direction", expect: "positive", cases: "each baseline (fine-tuned Shared-Bottom, fine-tuned MMoE, MAML without gates) × each k > 0, intersection–union", minimumEffect: 0.005, unit: "query AUC", reason: "half a point of AUC, as for DUPN: the smallest gain in audience ranking that would matter" },
    "metaheac.expert-gate": { rule: "direction", expect: "positive", cases: "each k > 0, intersection–union", minimumEffect: 0.005, unit: "query AUC", reason: "as for the few-shot claim" },
    "metaheac.critic-gate": { rule: "direction", expect: "positive", cases: "each k > 0, intersection–union", minimumEffect: 0.005, unit: "query AUC", reason: "as for the few-shot claim" },
    "check.pretraining-helps": { rule: "direction", expect: "positive", cases: "each k > 0, intersection–union", minimumEffect: 0.01, unit: "query AUC", reason: "tasks of one cluster share a direction (spread 0.5), so pretraining should give at least a point of AUC at few shots; less would mean the family shares little" },
  },
} as const;

export type UserModelFamily = keyof typeof USER_MODEL_REGISTRATION.families;
export type UserModelClaimId = keyof typeof USER_MODEL_REGISTRATION.claims;
