/**
 * The input-data contract between the data readers and the engine: a set of samples that the
 * engine streams through the model in batches, plus what the analysis needs to know about them
 * (labels, token strings, where they came from).
 */
import type { TensorSpec } from '../onnx/types';
import { DType, sliceRows, Tensor } from '../tensor';
import { convertTensor } from './convert';
import { specDType } from './validate';

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

/**
 * The same samples in the dtypes `specs` name (a float16 checkpoint compared with its float32
 * original reads the same data, rounded): each batch converted as it is read, or `set` itself
 * when every dtype already matches. Only silent conversions (core/data/convert) are asked for.
 */
export function inputSetAs(set: InputSet, specs: readonly TensorSpec[]): InputSet {
  const sample = set.count > 0 ? set.batch(0, 1) : {};
  const targets = new Map<string, DType>();
  for (const spec of specs) {
    const dtype = specDType(spec);
    const have = sample[spec.name]?.dtype;
    if (have && have !== dtype) targets.set(spec.name, dtype);
  }
  if (targets.size === 0) return set;
  return {
    ...set,
    batch(start, end) {
      const rows = set.batch(start, end);
      for (const [name, dtype] of targets) rows[name] = convertTensor(rows[name]!, dtype);
      return rows;
    },
  };
}
