/**
 * Rows of a masked batch that repeat an earlier row (the same input under the same masks) give the
 * same output, so each distinct row runs once and its output is copied to every row that asked
 * for it. In a specialization batch every k = n row (ranked, each random seed, each scope) is the
 * full model, and random subsets repeat often at large k and small n.
 */

export interface UniqueRows {
  /** The first row of each distinct key, in order: the rows to run. */
  first: number[];
  /** For each row, the position of its key in `first`. */
  slot: Int32Array;
}

export function uniqueRows(keys: readonly string[]): UniqueRows {
  const seen = new Map<string, number>();
  const first: number[] = [];
  const slot = new Int32Array(keys.length);
  keys.forEach((key, row) => {
    let at = seen.get(key);
    if (at === undefined) {
      at = first.length;
      seen.set(key, at);
      first.push(row);
    }
    slot[row] = at;
  });
  return { first, slot };
}

/** Row-major `data` of first.length rows, spread back to one row per slot. */
export function spreadRows(data: Float32Array, unique: UniqueRows): Float32Array {
  const { first, slot } = unique;
  if (first.length === slot.length) return data;
  const width = first.length > 0 ? data.length / first.length : 0;
  const out = new Float32Array(slot.length * width);
  slot.forEach((at, row) => out.set(data.subarray(at * width, (at + 1) * width), row * width));
  return out;
}
