/**
 * The key a run's result is stored and found under: a hash of everything that determines the
 * number (experiment, condition, model config, training config, row caps) except the seed,
 * which is stored beside it. Canonical JSON (sorted keys) so key order never changes a hash.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../canonical-json";

export { canonicalJson, declarationHash } from "../../canonical-json";

/**
 * Bump when the engine changes what a config trains to (results under old hashes are then recomputed).
 * 1: keys hashed the configuration as written. 2: keys hash the resolved configuration
 * (run-config.ts); `npm run migrate-results` re-keys version-1 folders after recomputing a sample.
 */
export const ENGINE_RESULTS_VERSION = 2;

/** First 16 hex digits of sha256(canonical JSON of `config` + the engine results version). */
export function configHash(config: unknown): string {
  return createHash("sha256")
    .update(canonicalJson({ engine: ENGINE_RESULTS_VERSION, config }))
    .digest("hex")
    .slice(0, 16);
}
