/**
 * The one list of studies. The CLI and the notebooks find experiments here; the engine never
 * imports this folder (it receives experiments). Adding a study: its folder, one line in
 * STUDIES, one namespace export below (lib/studies/README.md).
 */
import type { Experiment } from "../engine/plan/experiment";
import type { Study } from "./study";
import type { DecideSource } from "../decide/source";
import { study as mmoeSyntheticStudy } from "./mmoe-synthetic";
import { study as censusAucStudy } from "./census-auc";
import { study as seesawStudy } from "./seesaw";
import { study as adattAblationStudy } from "./adatt-ablation";
import { study as funnelStudy } from "./funnel";
import { study as userModelsStudy } from "./user-models";

export type { Study } from "./study";
export { CENSUS_EPOCH, CENSUS_TRAIN } from "./census-training";

export const STUDIES: readonly Study[] = [mmoeSyntheticStudy, censusAucStudy, seesawStudy, adattAblationStudy, funnelStudy, userModelsStudy];

export * as mmoeSynthetic from "./mmoe-synthetic";
export * as censusAuc from "./census-auc";
export * as seesaw from "./seesaw";
export * as adattAblation from "./adatt-ablation";
export * as funnel from "./funnel";
export * as userModels from "./user-models";

/** Every experiment of every study, in the order `npm run reproduce` (no argument) runs them. */
export function listExperiments(): Experiment[] {
  const all = STUDIES.flatMap((s) => s.experiments);
  const ids = new Set<string>();
  for (const e of all) {
    if (ids.has(e.id) || STUDIES.some((s) => s.id === e.id && !s.experiments.includes(e))) throw new Error(`two experiments or studies share the id "${e.id}" in lib/studies`);
    ids.add(e.id);
  }
  return all;
}

export function experimentIds(): string[] {
  return listExperiments().map((e) => e.id);
}

export function studyIds(): string[] {
  return STUDIES.map((s) => s.id);
}

export function getExperiment(id: string): Experiment {
  const found = listExperiments().find((e) => e.id === id);
  if (found) return found;
  throw new RangeError(`unknown experiment "${id}"; valid: ${experimentIds().join(", ")}`);
}

export function getStudy(id: string): Study {
  const found = STUDIES.find((s) => s.id === id);
  if (found) return found;
  throw new RangeError(`unknown study "${id}"; valid: ${studyIds().join(", ")}`);
}

/**
 * Experiment or study ids (as typed on the command line) to experiments, in order, each once;
 * an unknown id names both lists.
 */
export function resolveTargets(ids: readonly string[]): Experiment[] {
  const out: Experiment[] = [];
  for (const id of ids) {
    const study = STUDIES.find((s) => s.id === id);
    const found = study ? study.experiments : listExperiments().filter((e) => e.id === id);
    if (found.length === 0) throw new RangeError(`unknown experiment or study "${id}"; studies: ${studyIds().join(", ")}; experiments: ${experimentIds().join(", ")}`);
    for (const e of found) if (!out.includes(e)) out.push(e);
  }
  return out;
}

/** The `--decide` source of an experiment (what each claim reads), or undefined when its study declares none. */
export function decideSourceOf(experiment: string): DecideSource | undefined {
  return STUDIES.flatMap((s) => s.decide ?? []).find((d) => d.experiment === experiment);
}
