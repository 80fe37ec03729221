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
  /**
   * A behaviour sequence carried in the last `length · fields.length` categorical columns,
   * position-major (position 0's fields, then position 1's, …; oldest behaviour first). Field 0
   * is the item id, the others the item's properties (category, price band, …); `fields` holds
   * their vocabularies, repeated in `categorical` once per position. Item id 0 marks a padded
   * position (no behaviour): models that read the sequence mask it. Absent: no sequence; the
   * models that do not read sequences see these columns as ordinary categorical columns.
   */
  sequence?: { length: number; fields: number[] };
}
