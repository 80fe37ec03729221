/**
 * A compact binary container for prepared arrays, and the Census cache built on it.
 *
 * Layout: "MTLDATA1" | uint32 LE header length | header JSON | zero padding to 8 bytes | payload.
 * The header names every array (dtype, byte offset, length) and carries the sha256 of the payload
 * and the cache key. A file is used only if magic, key, size and payload sha256 all match;
 * anything else (truncation, a flipped byte, an older key) is reported and the caller rebuilds.
 * Writes go to a unique temp file that is renamed into place, so readers never see half a file
 * and two processes preparing at once cannot corrupt each other.
 */
import * as fs from "node:fs";
import { writeFileAtomic } from "../project";
import { sha256Hex } from "./census-files";
import type { PreparedCensus, PreparedRows } from "./census-prepare";

const MAGIC = "MTLDATA1";

type Dtype = "float32" | "int32";
type Typed = Float32Array | Int32Array;

interface Entry {
  name: string;
  dtype: Dtype;
  offset: number;
  length: number;
}

interface ContainerHeader {
  key: string;
  payloadBytes: number;
  payloadSha256: string;
  entries: Entry[];
  meta: unknown;
}

export type CacheRead =
  | { ok: true; meta: unknown; arrays: Map<string, Typed> }
  | { ok: false; reason: string };

/** Writes `arrays` and `meta` under `key` to `file` atomically. */
export function writeContainer(file: string, key: string, meta: unknown, arrays: Map<string, Typed>): void {
  const entries: Entry[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    entries.push({ name, dtype: a instanceof Float32Array ? "float32" : "int32", offset, length: a.length });
    offset += a.byteLength; // 4-byte elements keep every offset 4-aligned
  }
  const payload = Buffer.allocUnsafe(offset);
  for (const e of entries) {
    const a = arrays.get(e.name)!;
    payload.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), e.offset);
  }
  const header: ContainerHeader = { key, payloadBytes: offset, payloadSha256: sha256Hex(payload), entries, meta };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const pre = 8 + 4 + headerBytes.length;
  const pad = (8 - (pre % 8)) % 8;
  const prefix = Buffer.alloc(pre + pad);
  prefix.write(MAGIC, 0, "latin1");
  prefix.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(prefix, 12);

  writeFileAtomic(file, [prefix, payload]);
}

/** Reads a container written by writeContainer; never throws for a bad file, reports why instead. */
export function readContainer(file: string, expectedKey: string): CacheRead {
  if (!fs.existsSync(file)) return { ok: false, reason: "no cache file" };
  const buf = fs.readFileSync(file);
  if (buf.length < 12 || buf.toString("latin1", 0, 8) !== MAGIC) return { ok: false, reason: "not a cache file (bad magic)" };
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) return { ok: false, reason: "truncated header" };
  let header: ContainerHeader;
  try {
    header = JSON.parse(buf.toString("utf8", 12, 12 + hlen)) as ContainerHeader;
  } catch {
    return { ok: false, reason: "corrupt header" };
  }
  if (header.key !== expectedKey) return { ok: false, reason: "key mismatch (files, options or version changed)" };
  const start = 12 + hlen + ((8 - ((12 + hlen) % 8)) % 8);
  if (buf.length !== start + header.payloadBytes) {
    return { ok: false, reason: `size ${buf.length} bytes, expected ${start + header.payloadBytes} (truncated or extended)` };
  }
  const payload = buf.subarray(start);
  if (sha256Hex(payload) !== header.payloadSha256) return { ok: false, reason: "payload sha256 mismatch (corrupt)" };
  // Copy into fresh aligned buffers: a Buffer's byteOffset need not be 4-aligned.
  const aligned = new ArrayBuffer(payload.length);
  new Uint8Array(aligned).set(payload);
  const arrays = new Map<string, Typed>();
  for (const e of header.entries) {
    arrays.set(e.name, e.dtype === "float32" ? new Float32Array(aligned, e.offset, e.length) : new Int32Array(aligned, e.offset, e.length));
  }
  return { ok: true, meta: header.meta, arrays };
}

type PreparedMeta = Omit<PreparedCensus, "train" | "testFile"> & { rows: { train: number; testFile: number } };

/** PreparedCensus → container (arrays named "<split>/<kind>/<column>"). */
export function writePreparedCache(file: string, key: string, p: PreparedCensus, extraMeta: object = {}): void {
  const arrays = new Map<string, Typed>();
  for (const split of ["train", "testFile"] as const) {
    const r = p[split];
    for (const [c, a] of Object.entries(r.categorical)) arrays.set(`${split}/cat/${c}`, a);
    for (const [c, a] of Object.entries(r.numeric)) arrays.set(`${split}/num/${c}`, a);
    for (const [c, a] of Object.entries(r.labels)) arrays.set(`${split}/label/${c}`, a);
  }
  const { train, testFile, ...rest } = p;
  const meta: PreparedMeta & object = { ...rest, ...extraMeta, rows: { train: train.rows, testFile: testFile.rows } };
  writeContainer(file, key, meta, arrays);
}

/** Container → PreparedCensus, or the reason it cannot be used. */
export function readPreparedCache(
  file: string,
  key: string,
): { ok: true; prepared: PreparedCensus; meta: Record<string, unknown> } | { ok: false; reason: string } {
  const r = readContainer(file, key);
  if (!r.ok) return r;
  const meta = r.meta as PreparedMeta;
  const rowsOf = (split: "train" | "testFile"): PreparedRows => {
    const out: PreparedRows = { rows: meta.rows[split], categorical: {}, numeric: {}, labels: {} as PreparedRows["labels"] };
    for (const [name, a] of r.arrays) {
      const [s, kind, col] = name.split("/");
      if (s !== split) continue;
      if (kind === "cat") out.categorical[col] = a as Int32Array;
      else if (kind === "num") out.numeric[col] = a as Float32Array;
      else (out.labels as Record<string, Float32Array>)[col] = a as Float32Array;
    }
    return out;
  };
  const { rows: _rows, ...rest } = meta;
  const prepared: PreparedCensus = {
    version: rest.version,
    options: rest.options,
    categoricalColumns: rest.categoricalColumns,
    numericColumns: rest.numericColumns,
    vocabularies: rest.vocabularies,
    scaling: rest.scaling,
    train: rowsOf("train"),
    testFile: rowsOf("testFile"),
  };
  return { ok: true, prepared, meta: r.meta as Record<string, unknown> };
}
