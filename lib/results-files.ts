/** The files of a results folder (results/<experiment>/<profile>/), named once for every reader. */
export const RUNS_FILE = "runs.jsonl";
/** Where lines taken out of runs.jsonl go (never deleted: they are evidence). */
export const REJECTED_FILE = "runs.rejected.jsonl";
export const SUMMARY_FILE = "summary.json";
export const MANIFEST_FILE = "manifest.json";
