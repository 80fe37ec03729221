import type { Experiment } from "./experiment";

/**
 * The experiment `id` exported by the compiled module `file` (a named export), or undefined.
 * Worker threads rebuild experiments this way, so the engine never imports a study.
 */
export function experimentInModule(file: string, id: string): Experiment | undefined {
  let exports: Record<string, unknown>;
  try {
    exports = require(file) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`experiment ${id}: its module ${file} cannot be loaded (${(e as Error).message}); run \`npm run build\``);
  }
  return Object.values(exports).find((v): v is Experiment => typeof v === "object" && v !== null && (v as Experiment).id === id && "profiles" in v);
}
