// Public surface of lib/stats: statistics over numbers, with no knowledge of runs, models or the engine.
export { studentTCdf, studentTQuantile, twoSidedP, incompleteBeta } from "./student-t";
export * from "./across-runs";
