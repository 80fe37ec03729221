/** mtl-lab: the one library behind the notebooks, the CLI and the tests. */
export * from "./seeds";
export * from "./backend";
export * from "./models";
export * from "./kernels";
export * from "./data";
export * from "./engine";
export * from "./project";
export * from "./errors";
export * from "./provenance";
export * from "./figures";
export * from "./tables";
export * from "./notebook";
export * from "./papers";
export * from "./claims";
export { STUDIES, listExperiments, experimentIds, studyIds, getExperiment, getStudy, resolveTargets, type Study } from "./studies";
export * as studies from "./studies";
export { showSelection, selectionLines, type ShownSelection } from "./notebook-selection";
export { showCitation, citationMarkdown, citationFields } from "./notebook-citation";
