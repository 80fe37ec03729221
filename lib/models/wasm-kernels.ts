/**
 * Faster replacements for a few tfjs-backend-wasm 4.22 kernels (issues 8 and 19; measurements in
 * bench/NOTES.md): BatchMatMul through XNNPACK for batched and transposed products
 * (wasm-matmul-kernel.ts), Slice / Tile / GatherV2 as run copies (wasm-copy-kernels.ts), and,
 * in the faster sets below, wasm SIMD kernels on the heap (wasm-bag-kernel.ts).
 *
 * The kernel set is named (wasm-kernel-set.ts): MTL_WASM_KERNELS selects it, wasmKernelSet()
 * returns its name, and the run key records its numerics class (wasmNumerics).
 *   xnnpack  XNNPACK products + run copies (the reference set the committed quick results were first computed with)
 *   off      tfjs' own wasm kernels (to measure the difference)
 *   sparse   xnnpack + the sparse embedding bag instead of the multi-hot product
 * Every later set trains every model kind to weights bit-identical to "xnnpack" (the tests
 * test/models-wasm-bag*.test.ts and test/models-native.test.ts), so each is a pure speed-up.
 *   sparse-sum  sparse + Sum over non-innermost axes read in place instead of transposed first
 *            (the gated mixes' Σ over experts, bias gradients; same order as tfjs' Sum)
 *   sparse-sum-dw  sparse-sum + products with ≤ 8 left rows in one pass over the right matrix
 *            (the numeric columns' weight gradient; XNNPACK packs the whole right matrix per call)
 *   sparse-sum-dw-mix  sparse-sum-dw + the gated mix Σ_i w_i·e_i and its gradients as fused kernels
 *            (no [R, K, n, B, H] products materialised; same operations in the same order)
 *   native-gemm  sparse-sum-dw-mix with every product in the native addon (native-addon.ts: the
 *            same float operations in the same order as XNNPACK, at the CPU's vector width)
 *   native   native-gemm + Adam's update in the addon (engine/adam.ts); the default where it built
 * The backend installs the set when it starts wasm (lib/backend.ts); tests and the bench, which
 * switch sets inside one process, call useFastWasmKernels() again after switching.
 */
import * as tf from "@tensorflow/tfjs";
import { installWasmAxisSum, installWasmBag, installWasmMix, wasmBagInstalled } from "./wasm-bag-kernel";
import { installWasmCopyKernels } from "./wasm-copy-kernels";
import { installWasmMatMul, useNativeProducts, useSmallRowsProduct } from "./wasm-matmul-kernel";
import { usesNativeAddon, wasmKernelSet, type WasmKernelSet } from "./wasm-kernel-set";

export { WASM_KERNEL_SETS, wasmKernelSet, wasmNumerics, type WasmKernelSet } from "./wasm-kernel-set";

let installed = false;
let sumWrapped = false;

const withBag = (set: WasmKernelSet) => set !== "xnnpack" && set !== "off";
const withSum = (set: WasmKernelSet) => set === "sparse-sum" || set === "sparse-sum-dw" || set === "sparse-sum-dw-mix" || usesNativeAddon(set);
const withDw = (set: WasmKernelSet) => set === "sparse-sum-dw" || set === "sparse-sum-dw-mix";
const withMix = (set: WasmKernelSet) => set === "sparse-sum-dw-mix" || usesNativeAddon(set);
let mixInstalled = false;

/**
 * Installs the selected set once, when the current backend is wasm (already initialised: the
 * replacements call its Transpose kernel and heap). Idempotent; does nothing on other backends.
 */
export function useFastWasmKernels(): void {
  const set = wasmKernelSet();
  if (set === "off" || tf.getBackend() !== "wasm") return;
  if (!installed) {
    installWasmMatMul();
    installWasmCopyKernels();
    useSmallRowsProduct(() => withDw(wasmKernelSet()));
    useNativeProducts(() => usesNativeAddon(wasmKernelSet()));
    installed = true;
  }
  // the Sum wrapper decides per call (the set may change in one process: tests, the bench's A/B)
  if (withSum(set) && !sumWrapped) {
    if (!installWasmAxisSum(() => withSum(wasmKernelSet()))) throw new Error("MTL_WASM_KERNELS=sparse-sum: the axis-sum kernel cannot run on this wasm backend");
    sumWrapped = true;
  }
  if (withMix(set) && !mixInstalled) {
    if (!installWasmMix()) throw new Error(`MTL_WASM_KERNELS=${set}: the mix kernels cannot run on this wasm backend`);
    mixInstalled = true;
  }
  // the bag kernels are extra kernel names (nothing else calls them): registering them leaves the default set unchanged
  if (withBag(set) && !wasmBagInstalled() && !installWasmBag()) {
    throw new Error(`MTL_WASM_KERNELS=${set}: the embedding-bag kernel cannot run on this wasm backend (its memory is not reachable)`);
  }
}

/** True once the replacements are installed (tests, benchmark notes). */
export function fastWasmKernelsInstalled(): boolean {
  return installed;
}

/** True when the categorical lookup-and-sum runs as the sparse bag (set "sparse" installed on wasm). */
export function sparseBagActive(): boolean {
  return installed && withBag(wasmKernelSet()) && wasmBagInstalled();
}

/** True when the gated mix runs as the fused kernels (set sparse-sum-dw-mix installed on wasm). */
export function fusedMixActive(): boolean {
  return mixInstalled && withMix(wasmKernelSet()) && tf.getBackend() === "wasm";
}
