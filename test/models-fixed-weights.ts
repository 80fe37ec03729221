/**
 * Fixed weights by name, the same formula as test/reference/models_reference.py (see its header):
 * value = (2u − 1)·scale, u = fmix32(fnv1a32(key)) / 2³², key "<name>|<replica master seed>|<k>".
 * Dense blocks (every expert, gate, tower and bottom layer) get them through a DenseInit at
 * construction, so the test never needs to know how a model packs blocks into fused variables;
 * the other variables (mixers, native weights, Tucker factors) are assigned by variable name.
 */
import * as tf from "@tensorflow/tfjs";
import { BUILDERS, type DenseInit, type InputSpec, type ModelConfig, type MtlModel, type TaskSpec, parseModelConfig } from "mtl-lab";

export function unit(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export function symValues(prefix: string, master: number, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) out[k] = (2 * unit(`${prefix}|${master}|${k}`) - 1) * scale;
  return out;
}

/** Dense block `name`: kernel U(±√(3/fanIn)) and bias U(±0.5) by formula; `rename` maps our block names first. */
export function fixedDenseInit(rename: (name: string) => string = (n) => n): DenseInit {
  return {
    kernel: (name, fanIn, fanOut, s) => tf.tensor2d(symValues(`${rename(name)}/kernel`, s.master, fanIn * fanOut, Math.sqrt(3 / fanIn)), [fanIn, fanOut]),
    bias: (name, _fanIn, fanOut, s) => tf.tensor1d(symValues(`${rename(name)}/bias`, s.master, fanOut, 0.5)),
  };
}

/** Variables that a DenseInit fills: the fused input layer and every GroupedDense kernel/bias. */
const DENSE = /^input\/(numeric|categorical|bias)$|\/layer\/\d+\/(kernel|bias)$|^layers\/\d+\/(kernel|bias)$|^level\/\d+\/(modules\/\d+|input)\/(kernel|bias)$/;

const named = (m: MtlModel) => (m as unknown as { named: Record<string, tf.Variable> }).named;

/**
 * Assigns every non-Dense variable from the formula with the scale of the first matching
 * pattern (regular expressions, as in the fixture). A variable that is neither Dense nor matched
 * is an error: it would silently keep its initialisation.
 */
export function assignDirect(model: MtlModel, patterns: Record<string, number>): void {
  for (const [name, v] of Object.entries(named(model))) {
    const hit = Object.entries(patterns).find(([p]) => new RegExp(p).test(name));
    if (!hit) {
      if (!DENSE.test(name)) throw new Error(`${model.kind}: variable ${name} is neither a Dense layer nor given a scale`);
      continue;
    }
    const per = v.size / model.replicas;
    const values = model.replicaSeeds.map((m) => symValues(name, m, per, hit[1]));
    const all = new Float32Array(v.size);
    values.forEach((a, r) => all.set(a, r * per));
    tf.tidy(() => v.assign(tf.tensor(all, v.shape)));
  }
}

/**
 * A model with fixed weights: built through BUILDERS with the fixed DenseInit, then the direct
 * variables assigned (`patterns` undefined: they keep their own initialisation).
 */
export function fixedModel(
  config: ModelConfig, tasks: TaskSpec[], input: InputSpec, masters: number[], patterns?: Record<string, number>, rename?: (name: string) => string,
): MtlModel {
  const cfg = { ...parseModelConfig(config), init: fixedDenseInit(rename) };
  const build = BUILDERS[cfg.kind] as (c: typeof cfg, t: TaskSpec[], i: InputSpec, s: number[]) => MtlModel;
  const model = build(cfg, tasks, input, masters);
  if (patterns) assignDirect(model, patterns);
  return model;
}

/** Dense block `name` of replica `master` applied to x [B, I], the formula weights written out. */
export function fixedDense(name: string, x: tf.Tensor2D, out: number, master: number): tf.Tensor2D {
  const I = x.shape[1];
  const k = tf.tensor2d(symValues(`${name}/kernel`, master, I * out, Math.sqrt(3 / I)), [I, out]);
  return x.matMul(k).add(tf.tensor1d(symValues(`${name}/bias`, master, out, 0.5)));
}
