/**
 * What a data set declares about itself: its tasks and the shape of one sample's input. The data
 * layer produces these and the models consume them, so they live here, below both.
 */

export type TaskKind = "binary" | "regression";

export interface TaskSpec {
  /** Name used in results and tables, e.g. "income", "marital", "y1". */
  name: string;
  /** binary: the head outputs a logit (BCE from logits); regression: a value (MSE). */
  kind: TaskKind;
}

/** What the input of one sample looks like. */
export interface InputSpec {
  /** Number of numeric (dense, already scaled) columns. */
  numeric: number;
  /** Vocabulary size of each categorical column; column c takes indices 0..categorical[c]-1. */
  categorical: number[];
}
