/**
 * The optional native kernel addon: lib/kernels/native/*.cc, compiled by `npm run build`
 * (lib/cli/build-native.ts) into lib/dist/native/mtl-native.node. Its products (kernel sets
 * native-gemm and native), Adam update, embedding-bag gather-sums, ReLU gradient, input layer and gated-mix weight gradient (native) work in place in the wasm heap at the CPU's
 * vector width, bit-identical to the wasm kernels they replace (native/gemm.cc and adam.cc
 * say why), so the addon changes speed, never results.
 *
 * Where it did not build (no g++, another platform) or cannot load, or MTL_NATIVE=off/0/false/no (read once
 * per process), the wasm kernels run as before; `nativeAddonStatus()` says which, and why. No
 * tfjs import here: the kernel setting (sets.ts) asks whether the addon loads
 * without pulling in the kernels.
 */
import * as path from "node:path";
import { UserError } from "../errors";

export interface NativeAddon {
  /** G products op(A)·op(B) in the heap: byte offsets, byte steps between pairs (0 = shared operand). */
  gemm(heap: ArrayBuffer, G: number, M: number, N: number, K: number,
    aOff: number, aStep: number, bOff: number, bStep: number, cOff: number, transposeA: boolean, transposeB: boolean): void;
  /**
   * Adam on a variable of R replicas × n elements: reads θ, m, v, g, writes the next θ, m, v;
   * lr float32[R] and active (bool, a byte each; null = all active) are heap offsets too.
   */
  adam(heap: ArrayBuffer, R: number, n: number, thetaOff: number, mOff: number, vOff: number, gOff: number,
    thetaOutOff: number, mOutOff: number, vOutOff: number, lrOff: number, activeOff: number | null,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, c1: number, c2: number, epsilon: number): void;
  /**
   * The embedding bag's gather-sum on R replicas: out_r[o, :] = +0 + Σ src_r[list[j], :] over
   * j in [starts[o], starts[o+1]); src_r has nSrc rows of U floats; list and starts are int32.
   */
  gsum(heap: ArrayBuffer, R: number, nOut: number, U: number, nSrc: number, srcOff: number, srcStep: number,
    listOff: number, listLength: number, startsOff: number, outOff: number, outStep: number): void;
  /** ReLU's gradient over n floats: out = dy · step(x) (heap byte offsets). */
  reluGrad(heap: ArrayBuffer, n: number, dyOff: number, xOff: number, outOff: number): void;
  /**
   * The input layer for shared data, R replicas: out_r[b, :] = (bias_r + x[b, :] · w_r) + Σ_c table_r[idx[b, c], :];
   * x float32 [B, Dn], w [R, Dn, U], bias [R, U], table [R, V, U], idx int32 [B, nCat], out [R, B, U] (heap byte offsets).
   */
  inputLayer(heap: ArrayBuffer, R: number, B: number, Dn: number, U: number, V: number, nCat: number,
    xOff: number, wOff: number, biasOff: number, tableOff: number, idxOff: number, outOff: number): void;
  /** The gated mix's weight gradient: out [R, B, K, n] = Σ_h dy [R, K, B, H] · e [R, n, B, H] (heap byte offsets). */
  mixDots(heap: ArrayBuffer, R: number, K: number, n: number, B: number, H: number, dyOff: number, eOff: number, outOff: number): void;
}

/** Where the build puts the addon, relative to this file's compiled copy (lib/dist/kernels). */
export const NATIVE_ADDON_PATH = path.join(__dirname, "..", "native", "mtl-native.node");

export interface NativeAddonStatus {
  available: boolean;
  path: string;
  /** "loaded", or why it is unavailable (the load error's first line). */
  reason: string;
}

let loaded: { addon?: NativeAddon; reason: string } | undefined;

const OFF = ["0", "false", "off", "no"];
const ON = ["1", "true", "on", "yes"];

/**
 * Whether MTL_NATIVE turns the addon off: the usual spellings of a boolean (0/false/off/no,
 * 1/true/on/yes, any case; unset or empty = on). Anything else is refused rather than guessed,
 * so a typo never silently picks a kernel path.
 */
export function nativeDisabled(value = process.env.MTL_NATIVE): boolean {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || ON.includes(v)) return false;
  if (OFF.includes(v)) return true;
  throw new UserError(`MTL_NATIVE=${value} is not a yes or no; valid: ${[...OFF, ...ON].join(", ")} (0/false/off/no turn the native addon off)`);
}

function load(): { addon?: NativeAddon; reason: string } {
  if (loaded) return loaded;
  if (nativeDisabled()) return (loaded = { reason: `MTL_NATIVE=${process.env.MTL_NATIVE}` });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(NATIVE_ADDON_PATH) as Partial<NativeAddon>;
    const missing = (["gemm", "adam", "gsum", "reluGrad", "inputLayer", "mixDots"] as const).filter((f) => typeof addon[f] !== "function");
    loaded = missing.length === 0
      ? { addon: addon as NativeAddon, reason: "loaded" }
      : { reason: `${NATIVE_ADDON_PATH} lacks ${missing.join(", ")} (a stale build: run npm run build)` };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    loaded = { reason: (e as { code?: string }).code === "MODULE_NOT_FOUND" ? `not built (${NATIVE_ADDON_PATH} is missing; npm run build compiles it with g++)` : msg };
  }
  return loaded;
}

/** The addon, or undefined where it did not build or load. */
export function nativeAddon(): NativeAddon | undefined {
  return load().addon;
}

export function nativeAddonStatus(): NativeAddonStatus {
  const s = load();
  return { available: s.addon !== undefined, path: NATIVE_ADDON_PATH, reason: s.reason };
}
