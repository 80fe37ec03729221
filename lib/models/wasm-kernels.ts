/**
 * Faster replacements for a few tfjs-backend-wasm 4.22 kernels (issue 8; measurements in
 * bench/NOTES.md): BatchMatMul through XNNPACK for batched and transposed products
 * (wasm-matmul-kernel.ts), and Slice / Tile / GatherV2 as run copies (wasm-copy-kernels.ts).
 * Same results (copies are bit-identical; products differ from tfjs' generic loop only in float
 * summation order). The backend installs them when it starts wasm (lib/backend.ts); the kernel
 * set in use is part of every run's key (engine/run-config.ts), since it changes float sums.
 */
import * as tf from "@tensorflow/tfjs";
import { installWasmCopyKernels } from "./wasm-copy-kernels";
import { installWasmMatMul } from "./wasm-matmul-kernel";
import { wasmKernelSet } from "./wasm-kernel-set";

export { WASM_KERNEL_SETS, wasmKernelSet, type WasmKernelSet } from "./wasm-kernel-set";

let installed = false;

/**
 * Installs the kernels once, when the current backend is wasm (already initialised: the
 * replacements call its Transpose kernel and heap). Idempotent; does nothing on other backends.
 * MTL_WASM_KERNELS=tfjs (or off) keeps tfjs' own kernels (to measure the difference).
 */
export function useFastWasmKernels(): void {
  if (installed || wasmKernelSet() === "tfjs" || tf.getBackend() !== "wasm") return;
  installWasmMatMul();
  installWasmCopyKernels();
  installed = true;
}

/** True once the replacements are installed (tests, benchmark notes). */
export function fastWasmKernelsInstalled(): boolean {
  return installed;
}
