/**
 * Synthetic seesaw group (docs/protocol.md, Data): the MMoE construction of synthetic.ts, but the task
 * correlation depends on the sample. A third orthonormal direction u_3 splits the input space:
 *
 *   p(x) = pPositive if u_3ᵀx ≥ 0, else pNegative
 *   w_2(x) = c·(p(x)·u_1 + sqrt(1 − p(x)²)·u_2)
 *   y1 = w_1ᵀx + Σ sin(α_i w_1ᵀx + β_i) + ε_1                 (regression, MSE)
 *   y2 = 1[w_2(x)ᵀx + Σ sin(α_i w_2(x)ᵀx + β_i) + ε_2 > threshold]   (binary, AUC)
 *
 * so a shared representation helps task 2 on half of the inputs and hurts it on the other half —
 * the "complex and sample dependent" relation PLE's seesaw comes from. u_3 is not told to the
 * model; a gate can learn it from x. This is a public stand-in for PLE's private Tencent data.
 */
import { deriveSeed, Rng } from "../seeds";
import type { InputSpec, TaskSpec } from "./spec";
import { requireOption } from "./errors";
import { nonlinearity, orthonormalVectors, sineTerms, SYNTHETIC_PRESETS, SyntheticParams, validateSynthetic } from "./synthetic";

export interface SeesawSyntheticParams extends Omit<SyntheticParams, "p" | "tasks"> {
  /** Task correlation where u_3ᵀx ≥ 0. */
  pPositive: number;
  /** Task correlation where u_3ᵀx < 0. */
  pNegative: number;
  /** y2's binary label is 1 when its latent value exceeds this (0: about half positive). */
  threshold: number;
}

/** Defaults: the mmoe preset with correlations +0.9 / −0.5 (a strongly related half and a conflicting half). */
export function seesawSyntheticParams(overrides: Partial<SeesawSyntheticParams> & { seed: number }): SeesawSyntheticParams {
  const { tasks: _t, ...base } = SYNTHETIC_PRESETS.mmoe;
  return { ...base, pPositive: 0.9, pNegative: -0.5, threshold: 0, ...overrides };
}

export interface SeesawSyntheticData {
  /** [n × d] row-major. */
  x: Float32Array;
  /** [y1 regression values, y2 0/1 labels]. */
  labels: Float32Array[];
  /** The correlation p(x) each sample was generated with. */
  sampleP: Float32Array;
  tasks: TaskSpec[];
  input: InputSpec;
  params: SeesawSyntheticParams & { alpha: number[]; beta: number[] };
}

export function generateSeesawSynthetic(params: SeesawSyntheticParams): SeesawSyntheticData {
  for (const [name, p] of [["pPositive", params.pPositive], ["pNegative", params.pNegative]] as const) {
    requireOption(p >= -1 && p <= 1, `${name} must be in [-1, 1], got ${p}`);
  }
  const q = validateSynthetic({ ...params, p: params.pPositive, tasks: 3 }); // 3 directions: u_1, u_2, u_3
  const [u1, u2, u3] = orthonormalVectors(q.d, 3, new Rng(deriveSeed(q.seed, "seesaw", "directions")));
  const { alpha, beta } = sineTerms(q);
  const rng = new Rng(deriveSeed(q.seed, "seesaw", "samples"));
  const { d, samples: n, c } = q;
  const x = new Float32Array(n * d);
  const y1 = new Float32Array(n);
  const y2 = new Float32Array(n);
  const sampleP = new Float32Array(n);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    rng.fillNormal(row);
    x.set(row, i * d);
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let j = 0; j < d; j++) {
      z1 += u1[j] * row[j];
      z2 += u2[j] * row[j];
      z3 += u3[j] * row[j];
    }
    const p = z3 >= 0 ? params.pPositive : params.pNegative;
    sampleP[i] = p;
    y1[i] = nonlinearity(c * z1, alpha, beta) + q.noiseStd * rng.normal();
    const latent = nonlinearity(c * (p * z1 + Math.sqrt(1 - p * p) * z2), alpha, beta) + q.noiseStd * rng.normal();
    y2[i] = latent > params.threshold ? 1 : 0;
  }
  return {
    x,
    labels: [y1, y2],
    sampleP,
    tasks: [
      { name: "y1", kind: "regression" },
      { name: "y2", kind: "binary" },
    ],
    input: { numeric: d, categorical: [] },
    params: { ...params, alpha, beta },
  };
}
