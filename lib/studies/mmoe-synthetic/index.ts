/**
 * The MMoE synthetic study (Ma et al., KDD 2018, §3 and §5; notebooks 01 and 02): Figs. 2–4
 * (synthetic-correlation), Fig. 5 (trainability), and the engine demo on the same task pair.
 * paper.ts holds the paper's setup and claims; data.ts the generator source; analysis.ts the
 * losses and tables; claims.ts the evidence for each claim and the notebooks' families;
 * figures.ts the figures; notebook.ts the loaders the cells call.
 */
import type { Study } from "../study";
import { demo } from "./demo";
import { syntheticCorrelation } from "./synthetic-correlation";
import { trainability } from "./trainability";

export const study: Study = {
  id: "mmoe-synthetic",
  title: "MMoE synthetic study: task correlation (Figs. 2–4) and trainability (Fig. 5)",
  notebooks: ["01-synthetic-correlation", "02-trainability"],
  experiments: [demo, syntheticCorrelation, trainability],
};

export * from "./paper";
export * from "./data";
export * from "./models";
export * from "./analysis";
export * from "./claims";
export * from "./figures";
export * from "./notebook";
export { demo, syntheticCorrelation, trainability };
