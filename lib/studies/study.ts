/** What a study is: the experiments one notebook (or a pair) reproduces, under one id. */
import type { Experiment } from "../engine/plan/experiment";
import type { DecideSource } from "../decide/source";

export interface Study {
  /** kebab-case; `npm run reproduce -- <study>` runs every experiment of the study. */
  id: string;
  title: string;
  /** Notebook file names without extension, in notebooks/. */
  notebooks: string[];
  /** In the order `npm run reproduce` runs them. */
  experiments: Experiment[];
  /** Experiments whose claims `--decide` can decide in rounds: what each claim reads (lib/decide/source.ts). */
  decide?: readonly DecideSource[];
}
