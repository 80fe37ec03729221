/**
 * `--set key=value` (nanoGPT's habit, with torch-rechub's schema check): dotted keys into one
 * experiment's settings, checked when parsed, so a typo never trains anything.
 *
 *   train.<field>            train.steps=500, train.learningRates=[0.001,0.01], train.adam.beta2=0.99
 *   rows.<split>             rows.train=2000
 *   model.<name>.<field>     model.mmoe.experts=4 (a model of the experiment)
 *   model.*.<field>          every model whose kind has the field
 *   data.<field>             that field of every condition that has it (condition objects only)
 *
 * Values are JSON (numbers, lists, true/false, quoted or bare strings). Unknown keys are refused
 * with the valid ones; values of the wrong type with the expected type.
 */
import { UserError } from "../../errors";
import { parseModelConfig, SCHEMAS, type ModelConfig } from "../../models/config";
import type { RowCaps } from "./profiles";
import { TRAIN_FIELDS, type TrainConfig } from "../train/train-config";

/** A --set that names no setting or holds the wrong type of value; the CLI shows it with the usage line. */
export class OverrideError extends UserError {}

export interface Override {
  key: string;
  value: unknown;
  /** As written on the command line, for manifests and messages. */
  text: string;
}

/** What overrides apply to: the experiment's settings at a profile. */
export interface Settings {
  models: Record<string, ModelConfig>;
  train: TrainConfig;
  rows: RowCaps;
  conditions: Record<string, unknown>;
}

/** `key=value` → Override; the value read as JSON when it is JSON, else as a string. */
export function parseOverride(text: string): Override {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new OverrideError(`--set ${JSON.stringify(text)}: write --set key=value, e.g. --set train.steps=500`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e; // a bare word is a string
  }
  return { key, value, text: `${key}=${raw}` };
}

const ROW_SPLITS = ["train", "validation", "test"] as const;

/**
 * Upper bounds of counts a --set may ask for. Far above every profile (the census files hold
 * 300 k rows; the paper profiles train 10⁵ steps at most), far below what would exhaust memory
 * or never end: a value beyond them is a typo, refused before anything is made.
 */
export const MAX_ROWS = 10_000_000;
export const MAX_STEPS = 10_000_000;
const BOUNDS: Record<string, number> = { steps: MAX_STEPS, evalEvery: MAX_STEPS, patience: MAX_STEPS, batchSize: MAX_ROWS, evalBatchSize: MAX_ROWS, gateRows: MAX_ROWS };

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const p of path.slice(0, -1)) {
    o[p] = { ...((o[p] as Record<string, unknown> | undefined) ?? {}) };
    o = o[p] as Record<string, unknown>;
  }
  o[path[path.length - 1]] = value;
}

function typeOfValue(v: unknown): string {
  return Array.isArray(v) ? "list" : v === null ? "null" : typeof v;
}

/** The settings with the overrides applied (fresh objects); throws OverrideError on the first bad one. */
export function applyOverrides(settings: Settings, overrides: readonly Override[]): Settings {
  const out: Settings = structuredClone(settings);
  for (const o of overrides) {
    const [head, ...rest] = o.key.split(".");
    const where = `--set ${o.text}`;
    if (head === "train") {
      const field = rest.join(".");
      const spec = TRAIN_FIELDS[field];
      if (!spec) throw new OverrideError(`${where}: train.${field} is not a training setting; valid: ${Object.keys(TRAIN_FIELDS).map((f) => `train.${f}`).join(", ")}`);
      if (!spec.check(o.value)) throw new OverrideError(`${where}: train.${field} must be ${spec.type}, got ${JSON.stringify(o.value)}`);
      if (BOUNDS[field] !== undefined && (o.value as number) > BOUNDS[field]) throw new OverrideError(`${where}: train.${field} must be at most ${BOUNDS[field]}, got ${JSON.stringify(o.value)}`);
      setPath(out.train as unknown as Record<string, unknown>, rest, o.value);
    } else if (head === "rows") {
      const split = rest.join(".");
      if (!(ROW_SPLITS as readonly string[]).includes(split)) throw new OverrideError(`${where}: rows.${split} is not a split; valid: ${ROW_SPLITS.map((s) => `rows.${s}`).join(", ")}`);
      if (!(typeof o.value === "number" && Number.isInteger(o.value) && o.value > 0 && o.value <= MAX_ROWS)) throw new OverrideError(`${where}: rows.${split} must be a whole number from 1 to ${MAX_ROWS}, got ${JSON.stringify(o.value)}`);
      out.rows = { ...out.rows, [split]: o.value };
    } else if (head === "model") {
      applyModelOverride(out, rest, o, where);
    } else if (head === "data") {
      applyDataOverride(out, rest.join("."), o, where);
    } else {
      throw new OverrideError(`${where}: keys start with train., rows., model.<name>., model.*. or data.; got "${o.key}"`);
    }
  }
  return out;
}

function applyModelOverride(out: Settings, rest: string[], o: Override, where: string): void {
  const names = Object.keys(out.models);
  if (rest.length !== 2) throw new OverrideError(`${where}: write model.<name>.<field> or model.*.<field>; models: ${names.join(", ")}`);
  const [name, field] = rest;
  if (name !== "*" && !names.includes(name)) throw new OverrideError(`${where}: "${name}" is not a model of this experiment; valid: ${names.join(", ")}, or * for every model with the field`);
  const targets = name === "*" ? names.filter((n) => field === "init" || field in SCHEMAS[out.models[n].kind]) : [name];
  if (targets.length === 0) {
    const fields = [...new Set(names.flatMap((n) => Object.keys(SCHEMAS[out.models[n].kind])))];
    throw new OverrideError(`${where}: no model of this experiment has a field "${field}"; valid: ${[...fields, "init"].join(", ")}`);
  }
  for (const n of targets) {
    const changed = { ...out.models[n], [field]: o.value } as ModelConfig;
    try {
      parseModelConfig(changed); // the model schema's own check: unknown field → valid fields; wrong type → expected type
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw new OverrideError(`${where}: model ${n}: ${e.message}`);
      throw e;
    }
    out.models[n] = changed;
  }
}

function applyDataOverride(out: Settings, field: string, o: Override, where: string): void {
  const objects = Object.entries(out.conditions).filter(([, c]) => c !== null && typeof c === "object" && !Array.isArray(c)) as [string, Record<string, unknown>][];
  const having = objects.filter(([, c]) => field in c);
  if (having.length === 0) {
    const fields = [...new Set(objects.flatMap(([, c]) => Object.keys(c)))];
    throw new OverrideError(`${where}: the data conditions have no field "${field}"; valid: ${fields.length ? fields.map((f) => `data.${f}`).join(", ") : "none (this experiment's data has no settings)"}`);
  }
  for (const [name, c] of having) {
    const want = typeOfValue(c[field]);
    if (typeOfValue(o.value) !== want) throw new OverrideError(`${where}: data.${field} must be a ${want} (condition ${name} has ${JSON.stringify(c[field])}), got ${JSON.stringify(o.value)}`);
    out.conditions[name] = { ...c, [field]: o.value };
  }
}
