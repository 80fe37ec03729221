/**
 * Which wasm kernel set MTL_WASM_KERNELS selects. Apart from the installer (wasm-kernels.ts) so
 * that the run key (engine/run-config.ts) can name the set without importing the kernels.
 */

/** The kernel sets MTL_WASM_KERNELS selects: ours over tfjs' ("mtl", the default) or tfjs' own ("tfjs", alias "off"). */
export const WASM_KERNEL_SETS = ["mtl", "tfjs"] as const;
export type WasmKernelSet = (typeof WASM_KERNEL_SETS)[number];

/** The kernel set MTL_WASM_KERNELS asks for (read on every call, so tests may change it). */
export function wasmKernelSet(): WasmKernelSet {
  const v = process.env.MTL_WASM_KERNELS;
  if (v === undefined || v === "" || v === "mtl" || v === "on") return "mtl";
  if (v === "tfjs" || v === "off") return "tfjs";
  throw new RangeError(`MTL_WASM_KERNELS=${JSON.stringify(v)} is not a kernel set; valid: ${WASM_KERNEL_SETS.join(", ")} (unset = mtl; "off" = tfjs)`);
}
