/** Profile names and row caps: the vocabulary shared by experiments, run records and summaries. */
export const PROFILES = ["smoke", "quick", "paper"] as const;
export type ProfileName = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: ProfileName = "quick";

export interface RowCaps {
  train?: number;
  validation?: number;
  test?: number;
}
