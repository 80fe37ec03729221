/**
 * Which wasm kernel set MTL_WASM_KERNELS selects, and what the run key records of it. Apart from
 * the installer (wasm-kernels.ts) so the run key (engine/run-config.ts) can name the set without
 * importing the kernels.
 *   xnnpack  XNNPACK products + run copies (the reference set: the committed quick results were first computed with it)
 *   off      tfjs' own wasm kernels (to measure the difference; other float sums)
 *   sparse, sparse-sum, sparse-sum-dw, sparse-sum-dw-mix  the faster kernels on top of xnnpack,
 *            one lever more each (see wasm-kernels.ts and bench/NOTES.md)
 *   native-gemm  sparse-sum-dw-mix with every product in the native addon (native-addon.ts)
 *   native   native-gemm with Adam's update as one native pass per variable (engine/adam.ts); the
 *            default where the addon loads, else sparse-sum-dw-mix
 */
import { UserError } from "../errors";
import { nativeAddonStatus } from "./native-addon";

export const WASM_KERNEL_SETS = ["xnnpack", "off", "sparse", "sparse-sum", "sparse-sum-dw", "sparse-sum-dw-mix", "native-gemm", "native"] as const;
export type WasmKernelSet = (typeof WASM_KERNEL_SETS)[number];

/** The best set without the native addon: every wasm kernel (bit-identical to xnnpack, 1.3–3.5× faster on census). */
export const WASM_ONLY_KERNEL_SET: WasmKernelSet = "sparse-sum-dw-mix";

/** The set an unset MTL_WASM_KERNELS means: "native" where the addon loads, else WASM_ONLY_KERNEL_SET (the same floats either way). */
export function defaultWasmKernelSet(): WasmKernelSet {
  return nativeAddonStatus().available ? "native" : WASM_ONLY_KERNEL_SET;
}

/** Sets that need lib/native's addon. */
export const usesNativeAddon = (set: WasmKernelSet): boolean => set === "native-gemm" || set === "native";

/**
 * The kernel set named by MTL_WASM_KERNELS (unset or empty: defaultWasmKernelSet()). Throws on an unknown
 * name, so a typo cannot silently run (and record) another set. Meaningful on the wasm backend
 * only; other backends ignore it.
 */
export function wasmKernelSet(): WasmKernelSet {
  const v = (process.env.MTL_WASM_KERNELS ?? "").trim();
  if (v === "") return defaultWasmKernelSet();
  if (!(WASM_KERNEL_SETS as readonly string[]).includes(v)) {
    throw new UserError(`MTL_WASM_KERNELS=${v}: unknown kernel set; valid: ${WASM_KERNEL_SETS.join(", ")} (unset it for the default)`);
  }
  if (usesNativeAddon(v as WasmKernelSet) && !nativeAddonStatus().available) {
    throw new UserError(`MTL_WASM_KERNELS=${v}: the native addon is unavailable: ${nativeAddonStatus().reason} (npm run build compiles it; or unset MTL_WASM_KERNELS)`);
  }
  return v as WasmKernelSet;
}

/**
 * What a run's key records of the kernel set: sets that compute the same floats share a class.
 * The faster sets, the native ones included, do the same float operations in the same order as "xnnpack"
 * (bit-identical for every model kind in test/models-wasm-bag*.test.ts and test/models-native.test.ts,
 * and on the committed census runs by --verify), so they are class "mtl" with it; tfjs' own kernels sum in another order ("tfjs").
 */
export function wasmNumerics(set: WasmKernelSet): "mtl" | "tfjs" {
  return set === "off" ? "tfjs" : "mtl";
}
