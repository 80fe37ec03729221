/**
 * The experiments the CLI and notebooks know, by id. The list lives in experiments/index.ts:
 * adding an experiment is one file there plus one line in that list.
 */
import type { Experiment } from "./experiment";
import { ALL_EXPERIMENTS } from "./experiments";

/** Experiments that arrive with their notebook issues; named so the CLI can say so. */
export const PLANNED_EXPERIMENTS = ["synthetic-correlation", "trainability", "census-auc", "seesaw", "adatt-ablation", "adatt-fusion"] as const;

export function listExperiments(): Experiment[] {
  const ids = new Set<string>();
  for (const e of ALL_EXPERIMENTS) {
    if (ids.has(e.id)) throw new Error(`two experiments share the id "${e.id}" in lib/engine/experiments/index.ts`);
    ids.add(e.id);
  }
  return [...ALL_EXPERIMENTS];
}

export function experimentIds(): string[] {
  return listExperiments().map((e) => e.id);
}

export function getExperiment(id: string): Experiment {
  const found = listExperiments().find((e) => e.id === id);
  if (found) return found;
  const valid = experimentIds().join(", ");
  if ((PLANNED_EXPERIMENTS as readonly string[]).includes(id)) {
    throw new RangeError(`experiment "${id}" is planned but not implemented yet (it arrives with its notebook issue); available: ${valid}`);
  }
  throw new RangeError(`unknown experiment "${id}"; valid: ${valid}`);
}
