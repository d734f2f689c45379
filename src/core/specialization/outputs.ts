/** Comparing a masked model's outputs with the full model's: prediction, agreement, KL. */

/** Index of the largest of `width` values starting at `offset` (first on ties, like argmax). */
export function argmax(data: Float32Array, offset: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (data[offset + i]! > data[offset + best]!) best = i;
  return best;
}

/** log-softmax of one row into `out` (float64). */
export function logSoftmax(data: Float32Array, offset: number, width: number, out: Float64Array): void {
  let max = -Infinity;
  for (let i = 0; i < width; i++) max = Math.max(max, data[offset + i]!);
  let sum = 0;
  for (let i = 0; i < width; i++) sum += Math.exp(data[offset + i]! - max);
  const log = Math.log(sum) + max;
  for (let i = 0; i < width; i++) out[i] = data[offset + i]! - log;
}

/** KL(p ‖ q) = Σ p (log p − log q) from log-probabilities. */
export function klFromLogs(logP: Float64Array, logQ: Float64Array): number {
  let kl = 0;
  for (let i = 0; i < logP.length; i++) kl += Math.exp(logP[i]!) * (logP[i]! - logQ[i]!);
  return kl;
}
