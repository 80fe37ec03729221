/**
 * Installs the selected kernel set (sets.ts) into tfjs-backend-wasm: XNNPACK products for batched
 * and transposed operands (wasm-matmul-kernel.ts), run copies for Slice / Tile / GatherV2 /
 * Concat / Pack / Unpack and a clone that shares its buffer (wasm-copy-kernels.ts), and, in the faster sets, the wasm SIMD kernels on the heap
 * (wasm-bag-kernel.ts) and the native addon's products and Adam (native-addon.ts).
 *
 *   xnnpack            XNNPACK products + run copies (the reference every faster set must equal bit for bit)
 *   off                tfjs' own wasm kernels (MTL_KERNELS=tfjs)
 *   sparse             + the sparse embedding bag instead of the multi-hot product
 *   sparse-sum         + Sum over non-innermost axes read in place instead of transposed first
 *   sparse-sum-dw      + products with ≤ 8 left rows in one pass over the right matrix
 *   sparse-sum-dw-mix  + the gated mix Σ_i w_i·e_i and its gradients fused (MTL_KERNELS=wasm)
 *   native-gemm        sparse-sum-dw-mix with every product in the native addon
 *   native             native-gemm + Adam's update, the bag's gather-sums, the input layer, ReLU's gradient and the mix's
 *                      weight gradient in the addon (MTL_KERNELS=auto where the addon loads)
 *
 * The backend calls installKernels() when it starts (lib/backend.ts); tests and the bench, which
 * switch sets inside one process, call it again after switching. The predicates below are read per
 * call by the ops (ops.ts), so a switch takes effect at the next op.
 */
import * as tf from "@tensorflow/tfjs";
import { isMainThread } from "node:worker_threads";
import { nativeAddonStatus, nativeDisabled } from "./native-addon";
import { kernelSet, kernelSetExplicit, usesNativeAddon, type KernelSet } from "./sets";
import { installWasmAxisSum, installWasmBag, installWasmMix, wasmBagInstalled } from "./wasm-bag-kernel";
import { installWasmCopyKernels } from "./wasm-copy-kernels";
import { installWasmMatMul, useNativeProducts, useSmallRowsProduct } from "./wasm-matmul-kernel";
import { installReluGradient } from "./relu-grad";
import { useBroadcastingProduct } from "./products";

let installed = false;
let sumWrapped = false;
let mixInstalled = false;

const withBag = (set: KernelSet) => set !== "xnnpack" && set !== "off";
const withSum = (set: KernelSet) => set === "sparse-sum" || set === "sparse-sum-dw" || set === "sparse-sum-dw-mix" || usesNativeAddon(set);
const withDw = (set: KernelSet) => set === "sparse-sum-dw" || set === "sparse-sum-dw-mix";
const withMix = (set: KernelSet) => set === "sparse-sum-dw-mix" || usesNativeAddon(set);

/**
 * Installs the selected set once the current backend is wasm (already initialised: the
 * replacements call its Transpose kernel and heap). Idempotent; does nothing on other backends.
 */
export function installKernels(): void {
  const set = kernelSet();
  if (set === "off" || tf.getBackend() !== "wasm") return;
  if (!installed) {
    installWasmMatMul();
    installWasmCopyKernels();
    useSmallRowsProduct(() => withDw(kernelSet()));
    useNativeProducts(() => usesNativeAddon(kernelSet()));
    installReluGradient();
    useBroadcastingProduct();
    installed = true;
  }
  // the Sum wrapper decides per call (the set may change in one process: tests, the bench's A/B)
  if (withSum(set) && !sumWrapped) {
    if (!installWasmAxisSum(() => withSum(kernelSet()))) throw new Error(`kernel set ${set}: the axis-sum kernel cannot run on this wasm backend`);
    sumWrapped = true;
  }
  if (withMix(set) && !mixInstalled) {
    if (!installWasmMix()) throw new Error(`kernel set ${set}: the mix kernels cannot run on this wasm backend`);
    mixInstalled = true;
  }
  // the bag kernels are extra kernel names (nothing else calls them): registering them leaves the default set unchanged
  if (withBag(set) && !wasmBagInstalled() && !installWasmBag()) {
    throw new Error(`kernel set ${set}: the embedding-bag kernel cannot run on this wasm backend (its memory is not reachable)`);
  }
  sayWhyNoNativeAddon();
}

/** True once the replacements are installed (tests, benchmark notes). */
export function kernelsInstalled(): boolean {
  return installed;
}

/** True when the categorical lookup-and-sum runs as the sparse bag. */
export function sparseBagActive(): boolean {
  return installed && withBag(kernelSet()) && wasmBagInstalled();
}

/** True when the gated mix runs as the fused kernels. */
export function fusedMixActive(): boolean {
  return mixInstalled && withMix(kernelSet()) && tf.getBackend() === "wasm";
}

let saidNative = false;

/**
 * One console line when auto had to do without the native addon (deleted, a stale or damaged
 * build): the run is as exact, only slower, and the user should hear why rather than find it
 * only in the manifest. Said once per process, by the main thread (worker threads start the
 * same backend).
 */
function sayWhyNoNativeAddon(): void {
  if (saidNative || !isMainThread) return;
  saidNative = true;
  const status = nativeAddonStatus();
  if (status.available || kernelSetExplicit() || nativeDisabled()) return;
  process.stderr.write(`note: native kernel addon unavailable (${status.reason}); the wasm kernels run instead: bit-identical results, slower. npm run build rebuilds it; MTL_NATIVE=off silences this.\n`);
}
