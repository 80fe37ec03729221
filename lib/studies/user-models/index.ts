/**
 * The user-models study (notebook 07): DUPN (KDD 2018) on sessions with known truth, and MetaHeac
 * (KDD 2021) on a family of few-shot audiences. paper.ts holds the papers and claims; data.ts the
 * generators' layouts; models.ts the models; experiments.ts the two experiments (MetaHeac's
 * trains with the engine's episodic trainer, DUPN's with dupn-trainer.ts); analysis.ts the claims;
 * figures.ts the few-shot curves and the attention figure; notebook.ts the loader.
 */
import type { Study } from "../study";
import { userModelsDupn, userModelsMetaheac } from "./experiments";

export const study: Study = {
  id: "user-models",
  title: "User models: DUPN's shared user representation on sessions, and MetaHeac's meta-learned experts and critics on few-shot audiences (generators with known truth)",
  notebooks: ["07-user-models"],
  experiments: [userModelsMetaheac, userModelsDupn],
};

export * from "./paper";
export * from "./data";
export * from "./models";
export * from "./analysis";
export * from "./figures";
export * from "./notebook";
export * from "./report";
export * from "./dupn-trainer";
export { SHOTS, userModelsMetaheac, userModelsDupn, USER_MODEL_EXPERIMENTS } from "./experiments";
