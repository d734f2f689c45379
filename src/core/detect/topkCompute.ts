/** Top-k over the last axis, as fused MoE kernels compute it inside the operator. */
import type { Tensor } from '../tensor';

/**
 * The k largest probabilities of each row of [B, m, E] (ties: lower index first, as TopK does),
 * with their weights, renormalised to sum to 1 when `renormalize` is set. O(B·m·E·k).
 */
export function topK(
  probs: Tensor<'float32'>,
  k: number,
  renormalize: boolean,
): { indices: Tensor<'int64'>; weights: Tensor<'float32'> } {
  const [b, m, e] = probs.shape as [number, number, number];
  const indices = new BigInt64Array(b * m * k);
  const weights = new Float32Array(b * m * k);
  const taken = new Uint8Array(e);
  for (let row = 0; row < b * m; row++) {
    taken.fill(0);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      let best = -1;
      for (let x = 0; x < e; x++) {
        if (!taken[x] && (best < 0 || probs.data[row * e + x]! > probs.data[row * e + best]!)) best = x;
      }
      taken[best] = 1;
      indices[row * k + j] = BigInt(best);
      weights[row * k + j] = probs.data[row * e + best]!;
      sum += probs.data[row * e + best]!;
    }
    if (renormalize && sum > 0)
      for (let j = 0; j < k; j++) weights[row * k + j] = weights[row * k + j]! / sum;
  }
  return {
    indices: { dtype: 'int64', shape: [b, m, k], data: indices },
    weights: { dtype: 'float32', shape: [b, m, k], data: weights },
  };
}
