/**
 * Models exported with a fixed batch size (often 1) take exactly that many rows per run. The last,
 * partial batch is padded by repeating its final row, and the padding is cut from the outputs
 * again, so every sample is analysed exactly once.
 */
import type { TensorSpec } from '../core/onnx/types';
import { sizeOf, Tensor, TYPED_ARRAYS } from '../core/tensor';

/** The model's fixed batch size, when its first input declares one. */
export function staticBatchSize(inputs: TensorSpec[]): number | undefined {
  const first = inputs[0]?.shape?.[0];
  return typeof first === 'number' && first > 0 ? first : undefined;
}

/** Repeats the last row of `t` until it has `rows` rows. */
export function padRows(t: Tensor, rows: number): Tensor {
  const have = t.shape[0]!;
  if (have >= rows) return t;
  const row = sizeOf(t.shape.slice(1));
  const data = new TYPED_ARRAYS[t.dtype](rows * row);
  (data as Float32Array).set(t.data as Float32Array);
  for (let r = have; r < rows; r++) (data as Float32Array).copyWithin(r * row, (have - 1) * row, have * row);
  return { dtype: t.dtype, shape: [rows, ...t.shape.slice(1)], data } as Tensor;
}

/** Keeps the first `keep` of `runRows` samples of an output whose first axis is a multiple of the batch. */
export function unpadRows(t: Tensor, runRows: number, keep: number): Tensor {
  const first = t.shape[0]!;
  if (keep === runRows || first % runRows !== 0) return t;
  const perSample = first / runRows;
  const row = sizeOf(t.shape.slice(1));
  return {
    dtype: t.dtype,
    shape: [keep * perSample, ...t.shape.slice(1)],
    data: t.data.subarray(0, keep * perSample * row),
  } as Tensor;
}
