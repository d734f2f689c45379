/**
 * Axis bookkeeping for routing tensors: moving an axis into place and folding the rest, so every
 * layer's tensors reach the metrics in one canonical layout ([B, m, S] or [B, m, E]).
 */
import { DType, sizeOf, Tensor, TYPED_ARRAYS } from './tensor';

export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new RangeError(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Same data, new shape (no copy). */
export function reshape<D extends DType>(t: Tensor<D>, shape: number[]): Tensor<D> {
  if (sizeOf(shape) !== t.data.length) throw new RangeError(`cannot reshape [${t.shape}] to [${shape}]`);
  return { dtype: t.dtype, shape, data: t.data };
}

/** Transposes to the given axis order (a copy, unless the permutation is the identity). */
export function permute<D extends DType>(t: Tensor<D>, perm: number[]): Tensor<D> {
  if (perm.every((p, i) => p === i)) return t;
  const rank = t.shape.length;
  const outShape = perm.map((p) => t.shape[p]!);
  const inStrides = new Array<number>(rank);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = stride;
    stride *= t.shape[i]!;
  }
  const strides = perm.map((p) => inStrides[p]!);
  const out = new TYPED_ARRAYS[t.dtype](t.data.length);
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let target = 0; target < out.length; target++) {
    (out as unknown as number[])[target] = (t.data as unknown as number[])[source]!;
    // Odometer increment over the output shape, tracking the matching input offset.
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]!++;
      source += strides[axis]!;
      if (index[axis]! < outShape[axis]!) break;
      source -= strides[axis]! * outShape[axis]!;
      index[axis] = 0;
    }
  }
  return { dtype: t.dtype, shape: outShape, data: out };
}

/**
 * [B, …] with `axis` moved to position 1 and all remaining non-batch axes folded (in order) into
 * one trailing axis: [B, shape[axis], rest].
 */
export function axisFirstThenRest<D extends DType>(t: Tensor<D>, axis: number): Tensor<D> {
  const rank = t.shape.length;
  const a = normalizeAxis(axis, rank);
  if (a === 0) throw new RangeError('the batch axis cannot be the token axis');
  const perm = [0, a, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 0 && i !== a)];
  const moved = permute(t, perm);
  const rest = sizeOf(moved.shape.slice(2));
  return reshape(moved, [t.shape[0]!, t.shape[a]!, rest]);
}

/** [B, …, axis] with `axis` moved last and the others (after the batch) folded: [B, rest, shape[axis]]. */
export function axisLastThenFold<D extends DType>(t: Tensor<D>, axis: number): Tensor<D> {
  const rank = t.shape.length;
  const a = normalizeAxis(axis, rank);
  const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== a), a];
  const moved = permute(t, perm);
  const middle = sizeOf(moved.shape.slice(1, -1));
  return reshape(moved, [t.shape[0]!, middle, t.shape[a]!]);
}
