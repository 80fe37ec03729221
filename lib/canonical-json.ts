/**
 * Canonical JSON (object keys sorted at every level) and the hashes taken of it, so that key
 * order never changes a hash. Below every layer: the engine's run keys and the claims'
 * declaration hashes both use it.
 */
import { createHash } from "node:crypto";

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

/** First 16 hex digits of sha256(canonical JSON of a study's claims declaration): recorded when runs train. */
export function declarationHash(declaration: unknown): string {
  return createHash("sha256").update(canonicalJson(declaration)).digest("hex").slice(0, 16);
}
