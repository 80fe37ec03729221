/**
 * The seesaw study (Tang et al., PLE, RecSys 2020, Fig. 3, Table 1, Fig. 8; notebook 04): eleven
 * models' MTL gains over Single-Task on a regression and a binary task, on Census-Income
 * (seesaw-census) and on synthetic tasks with a sample-dependent correlation (seesaw-synthetic).
 * paper.ts holds PLE's values and claims; data.ts the two task groups; models.ts the models at
 * comparable sizes; analysis.ts the gains, quadrants and claims; figures.ts the bubble plot and
 * the expert-utilisation bars; notebook.ts the loaders the cells call.
 */
import type { Study } from "../study";
import { seesawCensusDecide, seesawSyntheticDecide } from "./decide";
import { seesawCensus } from "./seesaw-census";
import { seesawSynthetic } from "./seesaw-synthetic";

export const study: Study = {
  id: "seesaw",
  title: "PLE seesaw: MTL gains of eleven models on two task groups (Fig. 3, Table 1) and expert utilisation (Fig. 8)",
  notebooks: ["04-seesaw"],
  experiments: [seesawCensus, seesawSynthetic],
  decide: [seesawCensusDecide, seesawSyntheticDecide],
};

export * from "./paper";
export * from "./data";
export * from "./models";
export * from "./analysis";
export * from "./figures";
export * from "./notebook";
export { seesawReport } from "./report";
export { seesawCensus, seesawSynthetic };
export { seesawCensusDecide, seesawSyntheticDecide };
