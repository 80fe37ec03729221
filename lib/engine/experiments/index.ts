/** Every registered experiment, in the order `npm run reproduce` (no argument) runs them. */
import type { Experiment } from "../experiment";
import { demo } from "./demo";

export const ALL_EXPERIMENTS: readonly Experiment[] = [demo];

export { demo };
