/** `--decide`: claims decided in rounds of runs, with anytime-valid confidence sequences. */
export * from "./budget";
export * from "./source";
export * from "./judge";
export * from "./allocate";
export * from "./rounds";
export * from "./report";
export * from "./decide";
export * from "./notebook";
