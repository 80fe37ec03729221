/**
 * The AdaTT ablation study (Li et al., KDD 2023, §4.4–4.6; notebook 05): Tables 6–8 (NativeExpertLF,
 * experts per task, fusion levels) and Fig. 3 (fusion weights) on Census-Income and a synthetic
 * group with known task relations. paper.ts holds the paper's values; models.ts the scaled models;
 * data.ts the two task groups; analysis.ts the tables and claims; figures.ts the figures;
 * notebook.ts the loader the cells call.
 */
import type { Study } from "../study";
import { adattAblationDecide } from "./decide";
import { adattAblation } from "./adatt-ablation";

export const study: Study = {
  id: "adatt-ablation",
  title: "AdaTT ablation: NativeExpertLF, experts per task, fusion levels, expert weights (Tables 6–8, Fig. 3)",
  notebooks: ["05-adatt-ablation"],
  experiments: [adattAblation],
  decide: [adattAblationDecide],
};

export * from "./paper";
export * from "./models";
export * from "./data";
export * from "./analysis";
export * from "./figures";
export * from "./notebook";
export { adattAblation } from "./adatt-ablation";
export { adattAblationDecide };
