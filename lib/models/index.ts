// Public surface of lib/models (owned by the models work).
export * from "./types";
export * from "./config";
export { createModel, BUILDERS } from "./registry";
export { ModelBase, ParamStore } from "./params";
export { glorotUniform, heUniform } from "./init";
export { inputWidth } from "./input";
export { SharedBottom, sharedBottomWidthForBudget, mmoePaperWeightCount } from "./shared-bottom";
export { SingleTask } from "./single-task";
export { MMoE } from "./mmoe";
