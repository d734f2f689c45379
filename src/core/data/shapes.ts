/**
 * Shape checks shared by the file readers: a shape read from an untrusted header must be a list of
 * non-negative safe integers whose product (the element count) is itself a safe integer, so that
 * every size computed from it is exact and can be compared with the bytes actually present.
 */

/** Largest number of dimensions accepted from a file header (ONNX Runtime allows 64 too). */
export const MAX_RANK = 64;

/**
 * Validates `value` as a shape. `fail(problem)` builds the error to throw; `problem` reads after
 * "shape", e.g. "is not a list of integers".
 */
export function readShape(value: unknown, fail: (problem: string) => Error): number[] {
  if (!Array.isArray(value)) throw fail('is not a list of integers');
  if (value.length > MAX_RANK) throw fail(`has ${value.length} dimensions (at most ${MAX_RANK})`);
  let count = 1;
  for (const dim of value) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw fail(`has a dimension ${JSON.stringify(dim)} that is not a non-negative integer`);
    }
    count *= dim;
    if (!Number.isSafeInteger(count)) throw fail('describes more elements than can be addressed');
  }
  return value as number[];
}
