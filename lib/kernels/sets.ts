/**
 * Which kernel set runs, from the one setting MTL_KERNELS, and what the run key records of it.
 * Apart from the installer (install.ts) so the run key and provenance can name the set without
 * importing tfjs or the kernels.
 *
 * The user chooses among three (README.md in this folder):
 *   auto  the fastest bit-identical set available: "native" where the addon loads, else "sparse-sum-dw-mix"
 *   wasm  the fastest set without the addon ("sparse-sum-dw-mix"), the portable fallback
 *   tfjs  tfjs' own wasm kernels (set "off"), the escape hatch; another float summation order
 * The other set names are references for the bit-identity tests and the bench, which compare
 * one lever at a time; MTL_KERNELS accepts them too, so a bench worker or a test can select one.
 * The resolved names are what manifests record, so they keep the spellings earlier runs stored.
 */
import { isMainThread } from "node:worker_threads";
import { UserError } from "../errors";
import { nativeAddonStatus } from "./native-addon";

/** Every set, in the order its levers were layered: each one the previous plus one kernel. */
export const KERNEL_SETS = ["xnnpack", "off", "sparse", "sparse-sum", "sparse-sum-dw", "sparse-sum-dw-mix", "native-gemm", "native"] as const;
export type KernelSet = (typeof KERNEL_SETS)[number];

/** What a user chooses (MTL_KERNELS); unset means auto. */
export const KERNEL_CHOICES = ["auto", "wasm", "tfjs"] as const;
export type KernelChoice = (typeof KERNEL_CHOICES)[number];

/** The best set without the native addon: every wasm kernel (bit-identical to xnnpack, 1.3–3.5× faster on census). */
export const WASM_ONLY_KERNEL_SET: KernelSet = "sparse-sum-dw-mix";

/** The set auto means: "native" where the addon loads, else WASM_ONLY_KERNEL_SET (the same floats either way). */
export function defaultKernelSet(): KernelSet {
  return nativeAddonStatus().available ? "native" : WASM_ONLY_KERNEL_SET;
}

/** Sets that need the native addon. */
export const usesNativeAddon = (set: KernelSet): boolean => set === "native-gemm" || set === "native";

const CHOICE_SET: Record<Exclude<KernelChoice, "auto">, KernelSet> = { wasm: WASM_ONLY_KERNEL_SET, tfjs: "off" };

/** The variable the setting came from: MTL_KERNELS, or the older name it replaces. */
export const KERNELS_ALIAS = "MTL_WASM_KERNELS";

let warnedAlias = false;

/** The setting's variable and raw value; the old name is read only when MTL_KERNELS is unset, with one warning. */
export function kernelSetting(): { variable: string; value: string } {
  const value = (process.env.MTL_KERNELS ?? "").trim();
  const old = (process.env[KERNELS_ALIAS] ?? "").trim();
  if (value !== "" || old === "") return { variable: "MTL_KERNELS", value };
  if (!warnedAlias && isMainThread) {
    warnedAlias = true;
    process.stderr.write(`warning: ${KERNELS_ALIAS} is renamed MTL_KERNELS (auto, wasm or tfjs); reading ${KERNELS_ALIAS}=${old} as MTL_KERNELS=${old}\n`);
  }
  return { variable: KERNELS_ALIAS, value: old };
}

/**
 * The kernel set the setting selects (unset or empty: auto). Throws on an unknown name, so a
 * typo cannot silently run (and record) another set, and on a native reference set where the
 * addon does not load. Meaningful on the wasm backend only; other backends ignore it.
 */
export function kernelSet(): KernelSet {
  const { variable, value } = kernelSetting();
  if (value === "" || value === "auto") return defaultKernelSet();
  if (value === "wasm" || value === "tfjs") return CHOICE_SET[value];
  if (!(KERNEL_SETS as readonly string[]).includes(value)) {
    throw new UserError(`${variable}=${value}: unknown kernel setting; valid: ${KERNEL_CHOICES.join(", ")} (unset means auto; reference sets for tests and the bench: ${KERNEL_SETS.join(", ")})`);
  }
  if (usesNativeAddon(value as KernelSet) && !nativeAddonStatus().available) {
    throw new UserError(`${variable}=${value}: the native addon is unavailable: ${nativeAddonStatus().reason} (npm run build compiles it; or set MTL_KERNELS=auto)`);
  }
  return value as KernelSet;
}

/** True when the setting names a set rather than leaving the choice to auto. */
export function kernelSetExplicit(): boolean {
  const { value } = kernelSetting();
  return value !== "" && value !== "auto";
}

/**
 * What a run's key records of the kernel set: sets that compute the same floats share a class.
 * Every set but "off" does the same float operations in the same order as "xnnpack" (the
 * bit-identity contract, README.md here), so they are class "mtl"; tfjs' own kernels sum in
 * another order ("tfjs"). The recorded strings must never change: the run key hashes them.
 */
export function kernelNumerics(set: KernelSet): "mtl" | "tfjs" {
  return set === "off" ? "tfjs" : "mtl";
}
