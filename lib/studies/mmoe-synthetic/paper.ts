/**
 * The MMoE paper's synthetic study as printed (Ma et al., KDD 2018, §3.2–3.3, §5.1–5.2,
 * Figs. 2–5): its stated setup and its claims, paraphrased with section and figure. The
 * experiments, analysis and figures of this folder read paper values only from here.
 */
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

