/**
 * The three papers and how to cite them, and the shape of a paper claim. Each study's paper
 * values live in its own folder (`lib/studies/<study>/paper.ts`), with the table, figure or
 * section they come from; nothing else types a paper number. Numbers are as printed in the
 * papers. A claim's `statement` says in our words what is tested; the paper's own words (the
 * quote) and the thresholds live in the study's claims registration (lib/claims/registration.ts).
 */

export interface PaperReference {
  short: "MMoE" | "PLE" | "AdaTT";
  citation: string;
  doi?: string;
  arxiv?: string;
}

export const PAPERS = {
  mmoe: {
    short: "MMoE",
    citation: "J. Ma, Z. Zhao, X. Yi, J. Chen, L. Hong, E. H. Chi. Modeling Task Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts. KDD 2018.",
    doi: "10.1145/3219819.3220007",
  },
  ple: {
    short: "PLE",
    citation: "H. Tang, J. Liu, M. Zhao, X. Gong. Progressive Layered Extraction (PLE): A Novel Multi-Task Learning Model for Personalized Recommendations. RecSys 2020.",
    doi: "10.1145/3383313.3412236",
  },
  adatt: {
    short: "AdaTT",
    citation: "D. Li, Z. Zhang, S. Yuan, et al. AdaTT: Adaptive Task-to-Task Fusion Network for Multitask Learning in Recommendations. KDD 2023.",
    arxiv: "2304.04959",
  },
} as const satisfies Record<string, PaperReference>;

/** A qualitative claim of a paper: where it is made and what is tested, in our words. */
export interface PaperClaim {
  /** Stable id used by the analyses (e.g. "fig5.spread"). */
  id: string;
  /** Paper, section and figure/table, e.g. "MMoE §5.2, Fig. 5". */
  source: string;
  /** The paper's own words, verbatim, where the study keeps them beside the claim (else in its registration). */
  quote?: string;
  statement: string;
}
