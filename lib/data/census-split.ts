/**
 * The seeded 1:1 validation/test split of census-income.test (MMoE §6.3, AdaTT §4.3: the .test
 * file is halved at random; model selection uses validation only, test is touched once per run).
 */
import { assertMasterSeed, deriveSeed, Rng } from "../seeds";

/** Default split seed (MMoE's KDD 2018 conference start, 2018-08-19). Results record the seed used. */
export const CENSUS_SPLIT_SEED = 20180819;

export interface RowSplit {
  seed: number;
  /** Row indices into the .test file, ascending. validation gets ⌊n/2⌋ rows, test the rest. */
  validation: Uint32Array;
  test: Uint32Array;
}

/** Same (rows, seed) → same split on every machine; the two halves are disjoint and cover all rows. */
export function splitTestFile(rows: number, seed: number = CENSUS_SPLIT_SEED): RowSplit {
  assertMasterSeed(seed, "census split seed");
  const perm = new Rng(deriveSeed(seed, "census", "validation-test-split")).permutation(rows);
  const half = Math.floor(rows / 2);
  return { seed, validation: perm.slice(0, half).sort(), test: perm.slice(half).sort() };
}
