// Public surface of lib/models (owned by the models work).
export * from "./types";
export * from "./config";
export { createModel, BUILDERS } from "./registry";
export { ModelBase, ParamStore, type ModelIdentity } from "./params";
export {
  glorotUniform, heUniform, uniform, orthonormalColumns, denseInit, GLOROT_INIT, TORCH_DEFAULT_INIT, INIT_SCHEMES,
  type DenseInit, type InitScheme,
} from "./init";
export { inputWidth, splitRanges } from "./input";
export { SharedBottom, sharedBottomWidthForBudget, mmoePaperWeightCount } from "./shared-bottom";
export { SingleTask } from "./single-task";
export { MMoE } from "./mmoe";
export { MLMMoE } from "./ml-mmoe";
export { CrossStitch } from "./cross-stitch";
export { Sluice } from "./sluice";
export { L2Constrained } from "./l2-constrained";
export { TensorFactorization } from "./tensor-factorization";
export { Asymmetric } from "./asymmetric";
export { Customized } from "./customized";
export { PLE } from "./ple";
export { AdaTT } from "./adatt";
export { ESMM } from "./esmm";
export { AITM } from "./aitm";
export { DUPN } from "./dupn";
export { MetaHeac, type ParamMap } from "./metaheac";
export { CrossNetwork, WithCross, oneHotInput } from "./cross-network";
export { mix } from "./blocks";
