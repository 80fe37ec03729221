/**
 * The funnel study (notebook 06): ESMM (SIGIR 2018) and AITM (KDD 2021) on a synthetic
 * conversion funnel with known truth, and DCN's cross network (ADKDD 2017) under Shared-Bottom /
 * MMoE on Census-Income. paper.ts holds the papers and claims; data.ts the funnel layouts and the
 * census group; models.ts the models; experiments.ts the three experiments; analysis.ts the
 * claims; figures.ts the AUC-vs-bias and violations figures; notebook.ts the loader.
 */
import type { Study } from "../study";
import { funnelAitm, funnelDcn, funnelEsmm } from "./experiments";

export const study: Study = {
  id: "funnel",
  title: "Conversion funnels (ESMM, AITM) on a synthetic funnel with known truth, and DCN's cross network on Census-Income",
  notebooks: ["06-funnel"],
  experiments: [funnelEsmm, funnelAitm, funnelDcn],
};

export * from "./paper";
export * from "./data";
export * from "./models";
export * from "./analysis";
export * from "./figures";
export * from "./notebook";
export * from "./report";
export { BIASES, biasCondition, funnelEsmm, funnelAitm, funnelDcn, FUNNEL_EXPERIMENTS } from "./experiments";
