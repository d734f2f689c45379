/**
 * The cut check: from the prefix's tensors for two inputs run alone and together, how each tensor
 * follows the batch (along one axis, in blocks per input) or that it does not depend on the input.
 */
import type { Crossing } from '../core/onnx/rowsModel';
import { asFloat32, sizeOf, Tensor } from '../core/tensor';

/** Relative tolerance for values of one input computed alone and in a batch: kernels round differently. */
const TOLERANCE = { float32: 1e-4, float16: 4e-3 };

function close(
  a: Tensor,
  b: Tensor,
  offsetA: number,
  offsetB: number,
  length: number,
  tolerance: number,
): boolean {
  const x = a.data as ArrayLike<number | bigint>;
  const y = b.data as ArrayLike<number | bigint>;
  for (let i = 0; i < length; i++) {
    const u = x[offsetA + i]!;
    const v = y[offsetB + i]!;
    if (typeof u === 'bigint' || typeof v === 'bigint') {
      if (u !== v) return false;
    } else if (!(Math.abs(u - v) <= tolerance * (1 + Math.abs(v))) && !(Number.isNaN(u) && Number.isNaN(v))) {
      return false;
    }
  }
  return true;
}

/** Does `both` (inputs 0 and 1 as a batch) hold `one` then `two` along `axis`? */
function concatenates(both: Tensor, one: Tensor, two: Tensor, axis: number, tolerance: number): boolean {
  const outer = sizeOf(one.shape.slice(0, axis));
  const part = sizeOf(one.shape.slice(axis));
  for (let o = 0; o < outer; o++) {
    if (!close(one, both, o * part, o * 2 * part, part, tolerance)) return false;
    if (!close(two, both, o * part, o * 2 * part + part, part, tolerance)) return false;
  }
  return true;
}

/** Half-precision tensors are compared by value, not by their bits. */
function byValue(t: Tensor): Tensor {
  return t.dtype === 'float16' ? asFloat32(t)! : t;
}

export function crossingOf(first: Tensor, second: Tensor, joined: Tensor): Crossing | undefined {
  const [one, two, both] = [byValue(first), byValue(second), byValue(joined)];
  const tolerance = first.dtype === 'float16' ? TOLERANCE.float16 : TOLERANCE.float32;
  const same = (p: number[], q: number[]) => p.length === q.length && p.every((d, i) => d === q[i]);
  if (!same(one.shape, two.shape) || one.shape.length !== both.shape.length) return undefined;
  if (same(one.shape, both.shape)) {
    const n = sizeOf(one.shape);
    return close(one, both, 0, 0, n, tolerance) && close(two, both, 0, 0, n, tolerance)
      ? 'constant'
      : undefined;
  }
  const axes = one.shape.flatMap((d, i) => (both.shape[i] === 2 * d && d > 0 ? [i] : []));
  const other = both.shape.every((d, i) => axes.includes(i) || d === one.shape[i]);
  if (axes.length !== 1 || !other) return undefined;
  return concatenates(both, one, two, axes[0]!, tolerance)
    ? { axis: axes[0]!, block: one.shape[axes[0]!]! }
    : undefined;
}
