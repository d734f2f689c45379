/**
 * Routing profiles: one distribution over a layer's experts per routing position, the common
 * ground on which two checkpoints' layers are compared whatever their kind.
 *
 * - Soft MoE: a token's combine mass per expert, Σ over the expert's p slots of C[t, s] (the
 *   expert-level view of combine; slots within an expert are interchangeable).
 * - Token-choice top-k and expert choice: the router probabilities of the token.
 * - SMEAR: the example's routing probabilities (one position per example).
 *
 * At example granularity, per-token profiles are averaged over the example's tokens.
 */
import type { LayerBatch } from '../analysis/types';
import type { Granularity } from './types';

export interface Profile {
  /** [positions, experts], row-major; each row sums to 1 (up to rounding). */
  rows: Float64Array;
  positions: number;
  experts: number;
}

/** Samples, tokens per sample and experts of a batch. */
function dims(batch: LayerBatch): { samples: number; tokens: number; experts: number } {
  switch (batch.kind) {
    case 'soft_moe': {
      const [samples, tokens] = batch.combine.shape as [number, number, number];
      return { samples, tokens, experts: batch.experts };
    }
    case 'smear':
      return { samples: batch.probs.shape[0]!, tokens: 1, experts: batch.probs.shape[1]! };
    default: {
      const [samples, tokens, experts] = batch.probs.shape as [number, number, number];
      return { samples, tokens, experts };
    }
  }
}

/**
 * The routing profile of one batch, per token or per example. O(B·m·S) for Soft MoE (S slots),
 * O(B·m·E) otherwise. Parity (Soft MoE, token): `C.reshape(B * m, n, p).sum(-1)`; example:
 * `C.reshape(B, m, n, p).sum(-1).mean(1)`.
 */
export function routingProfile(batch: LayerBatch, granularity: Granularity): Profile {
  const { samples, tokens, experts } = dims(batch);
  const perToken = new Float64Array(samples * tokens * experts);
  if (batch.kind === 'soft_moe') {
    const p = batch.slotsPerExpert;
    const c = batch.combine.data;
    for (let row = 0; row < samples * tokens; row++) {
      for (let s = 0; s < experts * p; s++)
        perToken[row * experts + Math.floor(s / p)]! += c[row * experts * p + s]!;
    }
  } else {
    perToken.set(batch.probs.data);
  }
  if (granularity === 'token' || tokens === 1) {
    return { rows: perToken, positions: samples * tokens, experts };
  }
  const perExample = new Float64Array(samples * experts);
  for (let b = 0; b < samples; b++) {
    for (let t = 0; t < tokens; t++) {
      const from = (b * tokens + t) * experts;
      for (let e = 0; e < experts; e++) perExample[b * experts + e]! += perToken[from + e]! / tokens;
    }
  }
  return { rows: perExample, positions: samples, experts };
}
