/**
 * Top-k sets of routing rows and their overlap between two checkpoints (OLMoE's router
 * saturation: |top-k(A) ∩ top-k(B)| / k).
 */
import type { NumericArray } from '../analysis/statistics';

/**
 * Writes the indices of the k largest of values[offset … offset + n) into `out` (largest first;
 * on ties the lower index first, as a stable descending sort would). O(n·k).
 */
export function topKIndices(
  values: NumericArray,
  offset: number,
  n: number,
  k: number,
  out: Int32Array,
): void {
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`top-k: k = ${k} does not fit ${n} values`);
  for (let slot = 0; slot < k; slot++) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      let taken = false;
      for (let s = 0; s < slot; s++) if (out[s] === i) taken = true;
      if (!taken && (best < 0 || values[offset + i]! > values[offset + best]!)) best = i;
    }
    out[slot] = best;
  }
}

/**
 * |a ∩ map(b)| / k for two top-k index lists of length k, where `map` renames B's experts into
 * A's numbering (bToA[j] = the expert of A matched to B's expert j, or −1). O(k²).
 * Parity: `len(set(a) & {bToA[j] for j in b}) / k`.
 */
export function topKOverlap(a: ArrayLike<number>, b: ArrayLike<number>, bToA?: ArrayLike<number>): number {
  const k = a.length;
  if (b.length !== k) throw new RangeError(`top-k overlap: ${k} and ${b.length} indices`);
  let shared = 0;
  for (let s = 0; s < k; s++) {
    const renamed = bToA ? bToA[b[s]!]! : b[s]!;
    for (let r = 0; r < k; r++) if (a[r] === renamed) shared++;
  }
  return k > 0 ? shared / k : 0;
}
