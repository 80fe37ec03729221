/**
 * The Census-Income AUC study (notebook 03): MMoE Tables 1–2, PLE Table 5's census rows and AdaTT
 * Table 5 reproduced on the full files with repeated seeded runs, and the public code's one-hot
 * shift as a named preprocessing variant. paper.ts holds the printed values; design.ts the
 * search candidates and table rows; data.ts the data source; experiments.ts census-mmoe and
 * census-adatt; analysis.ts the tables and the claims family; figures.ts the plots and
 * validation-figure.ts the validation-AUC curves; notebook.ts the loaders the cells call.
 */
import type { Study } from "../study";
import { censusAdattDecide, censusMmoeDecide } from "./decide";
import { censusAdatt, censusMmoe } from "./experiments";

export const study: Study = {
  id: "census-auc",
  title: "Census-Income AUC tables: MMoE Tables 1–2, PLE Table 5, AdaTT Table 5",
  notebooks: ["03-census-auc"],
  experiments: [censusMmoe, censusAdatt],
  decide: [censusMmoeDecide, censusAdattDecide],
};

export * from "./paper";
export * from "./design";
export * from "./data";
export * from "./analysis";
export * from "./figures";
export * from "./validation-figure";
export * from "./notebook";
export { censusAdatt, censusMmoe };
export { censusAdattDecide, censusMmoeDecide };
