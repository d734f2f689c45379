/**
 * The input-data contract between the data readers and the engine: a set of samples that the
 * engine streams through the model in batches, plus what the analysis needs to know about them
 * (labels, token strings, where they came from).
 */
import { sliceRows, Tensor } from '../tensor';

export interface InputSet {
  /** Number of samples. */
  count: number;
  /** Where the inputs came from, for reports ("fashion-mnist-test.npz", "synthetic", ...). */
  source: string;
  /**
   * Rows [start, end) as one tensor per model input name. Tensors read from files are views
   * sharing the loaded buffers (no copies); synthetic rows are generated on demand.
   */
  batch(start: number, end: number): Record<string, Tensor>;
  /** Integer class labels per sample when the data has them. */
  labels?: Int32Array;
  /** For text inputs: the token strings per sample (for per-token views), else undefined. */
  tokens?: string[][];
}

/** Throws a RangeError unless [start, end) is a valid row range of a set of `count` samples. */
export function checkBatchRange(start: number, end: number, count: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > count) {
    throw new RangeError(`batch [${start}, ${end}) is not a row range of ${count} samples`);
  }
}

/**
 * An InputSet over tensors already in memory, all with the samples on axis 0 (their first
 * dimensions agree; the caller has checked). Batches are views into the tensors.
 */
export function inputSetFromTensors(
  inputs: Record<string, Tensor>,
  source: string,
  extras: { labels?: Int32Array; tokens?: string[][] } = {},
): InputSet {
  const first = Object.values(inputs)[0];
  const count = first?.shape[0] ?? 0;
  const set: InputSet = {
    count,
    source,
    batch(start, end) {
      checkBatchRange(start, end, count);
      const rows: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(inputs)) rows[name] = sliceRows(t, start, end);
      return rows;
    },
  };
  if (extras.labels) set.labels = extras.labels;
  if (extras.tokens) set.tokens = extras.tokens;
  return set;
}
