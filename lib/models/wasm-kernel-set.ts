/**
 * Which wasm kernel set MTL_WASM_KERNELS selects, and what the run key records of it. Apart from
 * the installer (wasm-kernels.ts) so the run key (engine/run-config.ts) can name the set without
 * importing the kernels.
 *   xnnpack  XNNPACK products + run copies (issue 8; the committed quick results were computed with it)
 *   off      tfjs' own wasm kernels (to measure the difference; other float sums)
 *   sparse, sparse-sum, sparse-sum-dw, sparse-sum-dw-mix  issue 19's kernels on top of xnnpack,
 *            one lever more each (see wasm-kernels.ts and bench/NOTES.md); the last is the default
 */

export const WASM_KERNEL_SETS = ["xnnpack", "off", "sparse", "sparse-sum", "sparse-sum-dw", "sparse-sum-dw-mix"] as const;
export type WasmKernelSet = (typeof WASM_KERNEL_SETS)[number];

/** The set an unset MTL_WASM_KERNELS means: every issue-19 lever (bit-identical to xnnpack, 1.3–3.5× faster on census). */
export const DEFAULT_WASM_KERNEL_SET: WasmKernelSet = "sparse-sum-dw-mix";

/**
 * The kernel set named by MTL_WASM_KERNELS (unset or empty: DEFAULT_WASM_KERNEL_SET). Throws on an unknown
 * name, so a typo cannot silently run (and record) another set. Meaningful on the wasm backend
 * only; other backends ignore it.
 */
export function wasmKernelSet(): WasmKernelSet {
  const v = (process.env.MTL_WASM_KERNELS ?? "").trim();
  if (v === "") return DEFAULT_WASM_KERNEL_SET;
  if (!(WASM_KERNEL_SETS as readonly string[]).includes(v)) {
    throw new RangeError(`MTL_WASM_KERNELS=${v}: unknown kernel set; valid: ${WASM_KERNEL_SETS.join(", ")}`);
  }
  return v as WasmKernelSet;
}

/**
 * What a run's key records of the kernel set: sets that compute the same floats share a class.
 * Issue 19's sets do the same float operations in the same order as "xnnpack" (bit-identical for
 * every model kind in test/models-wasm-bag*.test.ts, and on the committed census runs by
 * --verify), so they are class "mtl" with it; tfjs' own kernels sum in another order ("tfjs").
 */
export function wasmNumerics(set: WasmKernelSet): "mtl" | "tfjs" {
  return set === "off" ? "tfjs" : "mtl";
}
