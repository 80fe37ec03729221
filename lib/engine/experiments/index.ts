/** Every registered experiment, in the order `npm run reproduce` (no argument) runs them. */
import type { Experiment } from "../experiment";
import { demo } from "./demo";
import { syntheticCorrelation } from "./synthetic-correlation";
import { trainability } from "./trainability";

export const ALL_EXPERIMENTS: readonly Experiment[] = [demo, syntheticCorrelation, trainability];

export { demo, syntheticCorrelation, trainability };
