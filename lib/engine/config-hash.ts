/**
 * The key a run's result is stored and found under: a hash of everything that determines the
 * number (experiment, condition, model config, training config, row caps) except the seed,
 * which is stored beside it. Canonical JSON (sorted keys) so key order never changes a hash.
 */
import { createHash } from "node:crypto";

/**
 * Bump when the engine changes what a config trains to (results under old hashes are then recomputed).
 * 1: keys hashed the configuration as written. 2: keys hash the resolved configuration
 * (run-config.ts); `npm run migrate-results` re-keys version-1 folders after recomputing a sample.
 */
export const ENGINE_RESULTS_VERSION = 2;

/** JSON with object keys sorted at every level; undefined fields dropped; non-finite numbers as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** First 16 hex digits of sha256(canonical JSON of `config` + the engine results version). */
export function configHash(config: unknown): string {
  return createHash("sha256")
    .update(canonicalJson({ engine: ENGINE_RESULTS_VERSION, config }))
    .digest("hex")
    .slice(0, 16);
}

/** First 16 hex digits of sha256(canonical JSON of a study's claims declaration): recorded when runs train. */
export function declarationHash(declaration: unknown): string {
  return createHash("sha256").update(canonicalJson(declaration)).digest("hex").slice(0, 16);
}
