/**
 * Pairwise cosine similarity between the rows of one small matrix, the quantity behind Soft MoE's
 * token and slot similarity diagnostics.
 */
/** A running mean over pairs: Σ cos and the number of pairs. */
export interface PairTally {
  sum: number;
  pairs: number;
}

/**
 * Adds cos(r_a, r_b) = r_a·r_b / (‖r_a‖‖r_b‖) for every pair a < b of rows with include[a] and
 * include[b] set to `tally`, for the rows × cols matrix values[offset + r·cols + c]. Rows with
 * zero norm have no direction and are left out. `norms` is scratch of at least `rows` entries.
 * Callers copy the rows into a Float64Array first: one element type keeps this loop fast.
 * O(rows²·cols).
 * Parity: with X the included rows, `U = X / norm(X, axis=1)[:, None]; G = U @ U.T;`
 * sum = `G[np.triu_indices(len(X), 1)].sum()`. vmoe's `cosine_psim` adds eps = 1e-9 under its
 * rsqrt, which moves its values by about 1e-9·‖r‖⁻² relative; averaging over ordered pairs (as
 * vmoe does) gives the same mean as over unordered pairs.
 */
export function addPairwiseCosines(
  tally: PairTally,
  values: Float64Array,
  offset: number,
  rows: number,
  cols: number,
  include: Uint8Array,
  norms: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    if (include[r]) {
      const base = offset + r * cols;
      for (let c = 0; c < cols; c++) {
        const v = values[base + c]!;
        squares += v * v;
      }
    }
    norms[r] = Math.sqrt(squares);
  }
  for (let a = 0; a < rows; a++) {
    if (!include[a] || norms[a] === 0) continue;
    const baseA = offset + a * cols;
    for (let b = a + 1; b < rows; b++) {
      if (!include[b] || norms[b] === 0) continue;
      const baseB = offset + b * cols;
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += values[baseA + c]! * values[baseB + c]!;
      tally.sum += dot / (norms[a]! * norms[b]!);
      tally.pairs++;
    }
  }
}
