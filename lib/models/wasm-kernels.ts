/**
 * Faster replacements for a few tfjs-backend-wasm 4.22 kernels (issue 8; measurements in
 * bench/NOTES.md): BatchMatMul through XNNPACK for batched and transposed products
 * (wasm-matmul-kernel.ts), and Slice / Tile / GatherV2 as run copies (wasm-copy-kernels.ts).
 * Same results (copies are bit-identical; products differ from tfjs' generic loop only in float
 * summation order). Models install them when built; anything else may call this too.
 */
import * as tf from "@tensorflow/tfjs";
import { installWasmCopyKernels } from "./wasm-copy-kernels";
import { installWasmMatMul } from "./wasm-matmul-kernel";

let installed = false;

/**
 * Installs the kernels once, when the current backend is wasm (already initialised: the
 * replacements call its Transpose kernel and heap). Idempotent; does nothing on other backends.
 * MTL_WASM_KERNELS=off keeps tfjs' own kernels (to measure the difference).
 */
export function useFastWasmKernels(): void {
  if (installed || process.env.MTL_WASM_KERNELS === "off" || tf.getBackend() !== "wasm") return;
  installWasmMatMul();
  installWasmCopyKernels();
  installed = true;
}

/** True once the replacements are installed (tests, benchmark notes). */
export function fastWasmKernelsInstalled(): boolean {
  return installed;
}
