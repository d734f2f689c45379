/**
 * Jensen–Shannon divergence of routing distributions, in bits: symmetric, 0 for equal
 * distributions, 1 for disjoint supports. The split into per-coordinate terms below is what lets
 * MoE Scope accumulate it for every expert matching at once (see pairTally.ts).
 */
import type { NumericArray } from '../analysis/statistics';

/** x·log₂x with 0·log₂0 = 0; entries ≤ 0 give 0. */
export function xlog2x(x: number): number {
  return x > 0 ? x * Math.log2(x) : 0;
}

/**
 * The coordinate term of JSD: JSD(p, q) = Σ_i jsTerm(p_i, q_i), with
 * jsTerm(p, q) = ½[p·log₂p + q·log₂q − (p + q)·log₂((p + q)/2)]. A coordinate one side gives no
 * mass contributes half the other side's mass (jsTerm(p, 0) = p/2). O(1).
 */
export function jsTerm(p: number, q: number): number {
  return 0.5 * (xlog2x(p) + xlog2x(q) - crossTerm(p, q));
}

/** (p + q)·log₂((p + q)/2), the only part of jsTerm that mixes the two sides. O(1). */
export function crossTerm(p: number, q: number): number {
  const s = p + q;
  return s > 0 ? s * (Math.log2(s) - 1) : 0;
}

/**
 * JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in bits, for two distributions of the
 * same length read at the given offsets. The vectors are used as given (routing rows are
 * softmaxes). O(length). Parity: `scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2`.
 */
export function jsDivergence(
  p: NumericArray,
  q: NumericArray,
  length = p.length,
  pOffset = 0,
  qOffset = 0,
): number {
  let total = 0;
  for (let i = 0; i < length; i++) total += jsTerm(p[pOffset + i]!, q[qOffset + i]!);
  // Rounding can leave a tiny negative sum for equal inputs.
  return Math.max(0, total);
}
