// Public surface of lib/engine: training, metrics, statistics, results and experiments.
export * from "./metrics";
export * from "./student-t";
export * from "./stats";
export * from "./data";
export * from "./adam";
export * from "./losses";
export * from "./train-config";
export * from "./replica-state";
export * from "./evaluate";
export * from "./trainer";
