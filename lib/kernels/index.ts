// Public surface of lib/kernels: the setting, the installer, the named ops, the native addon's status.
export {
  KERNEL_SETS, KERNEL_CHOICES, WASM_ONLY_KERNEL_SET, kernelSet, kernelNumerics, defaultKernelSet, usesNativeAddon,
  type KernelSet, type KernelChoice,
} from "./sets";
export { installKernels, kernelsInstalled, sparseBagActive, fusedMixActive } from "./install";
export { embeddingBagSum, gatedMix, adamUpdate, dataBmm, groupsShareInput, sharedInputLayer, type AdamStepScalars } from "./ops";
export { smallRowsCalls } from "./wasm-bag-kernel";
export { NATIVE_ADDON_PATH, nativeAddon, nativeAddonStatus, nativeDisabled, type NativeAddon, type NativeAddonStatus } from "./native-addon";
