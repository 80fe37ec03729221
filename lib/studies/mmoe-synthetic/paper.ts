/**
 * The MMoE paper's synthetic study as printed (Ma et al., KDD 2018, §3.2–3.3, §5.1–5.2,
 * Figs. 2–5): its stated setup, what each claim tests (in our words) and the claims declaration
 * — the paper's quoted sentences, the families, the margins with their reasons — fixed before
 * runs train. The experiments, analysis and figures of this folder read paper values only from here.
 */
import type { ClaimsRegistration } from "../../claims/registration";
import type { PaperClaim } from "../../papers";
// ---------------------------------------------------------------------------------------------
// MMoE synthetic study (§3.2–3.3, §5.1–5.2; Figs. 2–5)

/** The setup the paper states for its synthetic study (what it leaves open is chosen in the experiments). */
export const MMOE_SYNTHETIC_SETUP = {
  fig2: { source: "MMoE §3.2, Fig. 2", samplesPerPoint: 10_000, dataSets: 100, band: "mean ± 2 std", nonlinearity: "Σ_{i=1..m} sin(α_i wᵀx + β_i)" },
  fig3: { source: "MMoE §3.3, Fig. 3", model: "Shared-Bottom", bottomUnits: 16, towerUnits: 8 },
  fig4: {
    source: "MMoE §5.1, Fig. 4",
    correlations: [0.5, 0.9, 1.0],
    experts: 8,
    expertUnits: 16,
    towerUnits: 8,
    sharedBottomUnits: 113,
    /** Expert and tower weights of MMoE as the paper counts them (kernels only): 8·100·16 + 2·16·8; Shared-Bottom's 113 units match it. */
    weights: 13_056,
    runs: 200,
    optimizer: "Adam",
    learningRates: [1e-4, 1e-3, 1e-2],
  },
  fig5: { source: "MMoE §5.2, Fig. 5", correlations: [0.5, 0.9, 1.0], runs: 200 },
} as const;

export const MMOE_SYNTHETIC_CLAIMS = {
  fig2Linear: {
    id: "fig2.linear",
    source: "MMoE §3.2, Fig. 2",
    statement: "For linear tasks (m = 0) the Pearson correlation of the two labels equals the cosine p of the task weight vectors.",
  },
  fig2Nonlinear: {
    id: "fig2.nonlinear",
    source: "MMoE §3.2, Fig. 2",
    statement: "With the sine terms the label correlation is no longer equal to p but still rises with p, so p controls how related the two tasks are.",
  },
  fig3: {
    id: "fig3.shared-bottom",
    source: "MMoE §3.3, Fig. 3",
    statement: "Shared-Bottom's loss is higher when the tasks are less correlated: its performance drops as p decreases.",
  },
  fig4Ordering: {
    id: "fig4.ordering",
    source: "MMoE §5.1, Fig. 4",
    statement: "For every model the loss at higher task correlation is lower than at lower correlation.",
  },
  fig4MmoeStable: {
    id: "fig4.mmoe-changes-least",
    source: "MMoE §5.1, Fig. 4",
    statement: "The gap between correlations is much smaller for MMoE than for OMoE and Shared-Bottom: MMoE's loss changes least as p falls.",
  },
  fig4OmoeMmoeSimilar: {
    id: "fig4.omoe-mmoe-similar",
    source: "MMoE §5.1, Fig. 4",
    statement: "With identical tasks (p = 1) OMoE and MMoE hardly differ.",
  },
  fig4OmoeDegrades: {
    id: "fig4.omoe-degrades",
    source: "MMoE §5.1, Fig. 4",
    statement: "As the correlation decreases, OMoE's performance drops clearly.",
  },
  fig4MmoeLittleAffected: {
    id: "fig4.mmoe-little-affected",
    source: "MMoE §5.1, Fig. 4",
    statement: "As the correlation decreases, MMoE is little affected.",
  },
  fig4MoeBeatsSharedBottom: {
    id: "fig4.moe-beats-sb",
    source: "MMoE §5.1, Fig. 4",
    statement: "Both MoE models (OMoE, MMoE) have a lower average loss than Shared-Bottom at every correlation.",
  },
  fig5Spread: {
    id: "fig5.spread",
    source: "MMoE §5.2, Fig. 5",
    statement: "At every correlation the final loss of Shared-Bottom varies much more over runs than that of the MoE models (it has many more poor local minima).",
  },
  fig5OmoeRobustness: {
    id: "fig5.omoe-robustness",
    source: "MMoE §5.2, Fig. 5",
    statement: "OMoE is about as robust as MMoE at p = 1, but its robustness drops clearly at p = 0.5, while MMoE's does not: the drop is OMoE's.",
  },
  fig5MmoeRobust: {
    id: "fig5.mmoe-robust",
    source: "MMoE §5.2, Fig. 5",
    statement: "MMoE's robustness does not drop from p = 1 to p = 0.5.",
  },
  fig5LowestComparable: {
    id: "fig5.lowest-comparable",
    source: "MMoE §5.2, Fig. 5",
    statement: "The lowest losses of the three models are comparable: Shared-Bottom can reach the MoE models' quality, but seldom does.",
  },
} as const satisfies Record<string, PaperClaim>;


/** "Hardly differ", "little influence", "comparable": within ±25 % on the loss (a log-ratio margin). */
const COMPARABLE = {
  value: Math.log(1.25),
  reason: "Figs. 4–5 print no numbers to derive a margin from; ±25 % of the loss (log 1.25) is our reading of 'almost no difference' / 'little influence' / 'comparable' — a choice of ours, stated before the runs",
};

/**
 * The claims declaration of notebooks 01 and 02 (hashed into the manifests of
 * synthetic-correlation and trainability when their runs train).
 */
export const MMOE_SYNTHETIC_REGISTRATION: ClaimsRegistration = {
  study: "mmoe-synthetic",
  families: {
    paper: { label: "MMoE's sentences", reason: "the statements MMoE §3.3, §5.1 and §5.2 make about Figs. 3–5, judged together per notebook (Holm, α = 0.05)" },
    checks: { label: "our own checks of the data generator", reason: "Fig. 2 describes the generator, not a model: a sanity check of our data, kept out of the paper's family so it cannot lend it support" },
  },
  claims: {
    "fig2.linear": {
      family: "checks",
      source: "MMoE §3.2, Fig. 2 (our check)",
      quote: "Our generator's label Pearson correlation equals the weight cosine p for linear tasks.",
      margin: { value: 0.02, reason: "1 % of Fig. 2's [−1, 1] axis: the plot could not show a smaller gap" },
      reason: "one case per grid point, intersection–union: the generator must hold at every p",
    },
    "fig2.nonlinear": {
      family: "checks",
      source: "MMoE §3.2, Fig. 2 (our check)",
      quote: "With the sine terms our generator's label correlation still rises with p.",
      reason: "Welch t between grid points 0.5 apart (neighbouring points differ by less than the data sets resolve), intersection–union over the steps",
    },
    "fig3.shared-bottom": {
      family: "paper",
      source: "MMoE §3.3, Fig. 3",
      quote: "the performance of multi-task models drops as the task correlation decreases",
      reason: "Shared-Bottom (16) at every step down in p, paired by seed on log loss; intersection–union over the steps",
    },
    "fig4.ordering": {
      family: "paper",
      source: "MMoE §5.1, Fig. 4",
      quote: "For all models, the performance on the data with higher correlation is better than that on the data with lower correlation.",
      reason: "'all models': every model at every step down in p, intersection–union",
    },
    "fig4.mmoe-changes-least": {
      family: "paper",
      source: "MMoE §5.1, Fig. 4",
      quote: "The gap between performances on data with different correlations of the MMoE model is much smaller than that of the OMoE model and the Shared-Bottom model.",
      reason: "the change from the highest to the lowest p of each other model minus MMoE's, both cases must hold (intersection–union)",
    },
    "fig4.omoe-mmoe-similar": {
      family: "paper",
      source: "MMoE §5.1, Fig. 4",
      quote: "in the extreme case where the two tasks are identical, there is almost no difference in performance between the MMoE model and the OMoE model",
      margin: COMPARABLE,
      reason: "equivalence (TOST) of OMoE and MMoE at p = 1",
    },
    "fig4.omoe-degrades": {
      family: "paper",
      source: "MMoE §5.1, Fig. 4",
      quote: "when the correlation between tasks decreases, however, there is an obvious degeneration of performance for the OMoE model",
      reason: "OMoE's loss at the lowest p over the highest, paired by seed",
    },
    "fig4.mmoe-little-affected": {
      family: "paper",
      source: "MMoE §5.1, Fig. 4",
      quote: "while there is little influence on the MMoE model",
      margin: COMPARABLE,
      reason: "equivalence (TOST) of MMoE's loss at the lowest and the highest p",
    },
    "fig4.moe-beats-sb": {
      family: "paper",
      source: "MMoE §5.1, Fig. 4",
      quote: "Both MoE models are better than the Shared-Bottom model in all scenarios in terms of average performance.",
      reason: "'both' × 'all scenarios': OMoE and MMoE at every p, intersection–union",
    },
    "fig5.spread": {
      family: "paper",
      source: "MMoE §5.2, Fig. 5",
      quote: "for all task correlation settings, the performance variances of Shared-Bottom model are much larger than those of the MoE based model",
      reason: "scale-free spreads (std of log loss), paired bootstrap; every p and both MoE models, intersection–union",
    },
    "fig5.omoe-robustness": {
      family: "paper",
      source: "MMoE §5.2, Fig. 5",
      quote: "the robustness of the OMoE has an obvious drop when the task correlation decreases to 0.5",
      reason: "how much more OMoE's spread grows than MMoE's from the highest to the lowest p (paired bootstrap)",
    },
    "fig5.mmoe-robust": {
      family: "paper",
      source: "MMoE §5.2, Fig. 5",
      quote: "This validates the usefulness of the multi-gate structure in resolving bad local minima caused by the conflict from task difference.",
      margin: COMPARABLE,
      reason: "read as: MMoE's spread does not grow from the highest to the lowest p (equivalence of spreads)",
    },
    "fig5.lowest-comparable": {
      family: "paper",
      source: "MMoE §5.2, Fig. 5",
      quote: "it's worth to observe that the lowest losses of all the three models are comparable",
      margin: COMPARABLE,
      reason: "'lowest' as the 10th percentile of the runs (the minimum of a sample grows with n); every p and both MoE models against Shared-Bottom, intersection–union",
    },
  },
};
