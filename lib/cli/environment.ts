/**
 * The environment variables a training command reads, checked when it starts rather than when
 * the first group trains (or, in a worker thread, never visibly): a bad value exits 2 with one
 * line naming the variable, the value and the valid choices, before any folder is made.
 */
import { backendFromEnv } from "../backend";
import { UserError } from "../errors";
import { workerCount } from "../engine/distributed/group-pool";
import { nativeDisabled } from "../kernels/native-addon";
import { kernelSet } from "../kernels/sets";
import { SettingError } from "./args";

/** Each check reads its variable the way the engine will; its UserError becomes a SettingError. */
const CHECKS: readonly [string, () => unknown][] = [
  ["MTL_BACKEND", backendFromEnv],
  ["MTL_WORKERS", () => workerCount("wasm")],
  ["MTL_NATIVE", () => nativeDisabled()],
  ["MTL_KERNELS", kernelSet],
];

export function checkEnvironment(): void {
  for (const [, check] of CHECKS) {
    try {
      check();
    } catch (e) {
      if (e instanceof UserError) throw new SettingError(e.message);
      throw e;
    }
  }
}
