/**
 * Choosing the tfjs backend, and saying what was chosen and why.
 *
 * Order (docs/kernels-and-performance.md): native GPU (@tensorflow/tfjs-node-gpu) → native CPU (@tensorflow/tfjs-node)
 * → wasm → cpu. The native packages are optionalDependencies: their install downloads
 * libtensorflow, which fails offline, so on such a machine they are absent or broken and we fall
 * through. `MTL_BACKEND` (or the `preference` argument) forces one backend and fails loudly if
 * it cannot start. Every result records `BackendInfo`; tables never mix backends.
 */
import * as tf from "@tensorflow/tfjs";
import { UserError } from "./errors";
import { installKernels } from "./kernels/install";

export const BACKENDS = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendPreference = BackendName | "auto";

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason: string;
}

export interface BackendInfo {
  /** What we asked for: a backend name, or "auto" for the documented order. */
  requested: BackendPreference;
  /** Where the request came from. */
  source: "argument" | "env:MTL_BACKEND" | "default";
  /** The backend in use: one of BACKENDS. `tf.getBackend()` says "tensorflow" for both native packages. */
  name: BackendName;
  /** `tf.getBackend()` as tfjs reports it. */
  tfjsBackend: string;
  /** The npm package that provides it. */
  package: string;
  tfjsVersion: string;
  /** Every backend tried before (and including) the chosen one, with the reason it failed. */
  attempts: BackendAttempt[];
}

const PACKAGE: Record<BackendName, string> = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  tensorflow: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
};

export function parseBackendPreference(value: string | undefined, what: string): BackendPreference {
  if (value === undefined || value === "") return "auto";
  const v = value.trim().toLowerCase();
  if (v === "auto" || (BACKENDS as readonly string[]).includes(v)) return v as BackendPreference;
  throw new RangeError(`${what} must be one of auto, ${BACKENDS.join(", ")}; got "${value}"`);
}

/** Loads a native package, refusing look-alikes (an npm alias of @tensorflow/tfjs under the same name). */
function loadNative(backend: "tensorflow-gpu" | "tensorflow"): void {
  const pkg = PACKAGE[backend];
  let manifest: { name?: string };
  try {
    manifest = require(`${pkg}/package.json`) as { name?: string };
  } catch {
    throw new Error(`${pkg} is not installed (it is optional: its install downloads libtensorflow)`);
  }
  if (manifest.name !== pkg) {
    throw new Error(`${pkg} resolves to ${String(manifest.name)}, not the native package`);
  }
  try {
    require(pkg); // registers the "tensorflow" backend with our tfjs-core
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new Error(`${pkg} is installed but does not load: ${first}`);
  }
}

async function tryBackend(backend: BackendName): Promise<void> {
  if (backend === "tensorflow-gpu" || backend === "tensorflow") loadNative(backend);
  if (backend === "wasm") require("@tensorflow/tfjs-backend-wasm");
  const registered = backend === "tensorflow-gpu" ? "tensorflow" : backend;
  if (tf.findBackendFactory(registered) === null) throw new Error(`tfjs has no "${registered}" backend registered`);
  const ok = await tf.setBackend(registered);
  if (!ok) throw new Error(`tf.setBackend("${registered}") failed to initialise`);
  await tf.ready();
  // kernel replacements are part of starting the backend, not a side effect of building a model
  installKernels();
}

/** MTL_BACKEND as a preference; a bad value is the user's error (one line, the valid values). */
export function backendFromEnv(): BackendPreference {
  try {
    return parseBackendPreference(process.env.MTL_BACKEND, "MTL_BACKEND");
  } catch (e) {
    if (e instanceof RangeError) throw new UserError(`${e.message} (unset it for auto)`);
    throw e;
  }
}

let current: BackendInfo | undefined;

/**
 * Starts the backend (once per process; later calls with the same request return the same info).
 * With an explicit preference, failure to start it is an error naming the reason; with "auto",
 * failures are recorded in `attempts` and the next backend is tried.
 */
export async function initBackend(preference?: BackendPreference): Promise<BackendInfo> {
  const source: BackendInfo["source"] =
    preference !== undefined ? "argument" : process.env.MTL_BACKEND ? "env:MTL_BACKEND" : "default";
  const requested = preference ?? backendFromEnv();
  if (current && (requested === "auto" || requested === current.name)) return current;

  const order: BackendName[] = requested === "auto" ? [...BACKENDS] : [requested];
  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    try {
      await tryBackend(backend);
      attempts.push({ backend, ok: true, reason: requested === "auto" ? "first in order that started" : "requested" });
      current = {
        requested,
        source,
        name: backend,
        tfjsBackend: tf.getBackend(),
        package: PACKAGE[backend],
        tfjsVersion: tf.version.tfjs,
        attempts,
      };
      return current;
    } catch (e) {
      // a bad kernel setting is the user's to fix: falling through to the next backend would hide it
      if (e instanceof UserError) throw e;
      attempts.push({ backend, ok: false, reason: (e as Error).message });
    }
  }
  const why = attempts.map((a) => `  ${a.backend}: ${a.reason}`).join("\n");
  throw new UserError(
    `Could not start the tfjs backend "${requested}" (from ${source}):\n${why}\n` +
      `Set MTL_BACKEND to one of auto, ${BACKENDS.join(", ")} (auto tries them in that order).`,
  );
}

/** The backend started by initBackend, or an error telling the caller to start one. */
export function backendInfo(): BackendInfo {
  if (!current) throw new Error("No backend started yet: call `await initBackend()` first");
  return current;
}

/** One line for logs and notebooks: "wasm (tfjs 4.22.0; tried tensorflow-gpu: not installed, …)". */
export function describeBackend(info: BackendInfo): string {
  const failed = info.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  return `${info.name} (tfjs ${info.tfjsVersion}, ${info.package}${failed.length ? `; skipped ${failed.join("; ")}` : ""})`;
}
