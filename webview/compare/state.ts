/**
 * The compare view's UI state: which layer pair and which sample are shown, read back from whatever a
 * host persisted (an older version, another comparison) and checked against the comparison at hand.
 */
import type { CompareResult } from '../../src/core/compare/types';

export interface CompareUiState {
  /** The layer pair, named by its layer of A. */
  layer: string;
  sample: number;
}

/** Samples both reports kept per-token detail for. */
export function sharedSamples(result: CompareResult): number {
  return Math.min(result.a.perSample?.length ?? 0, result.b.perSample?.length ?? 0);
}

export function readCompareState(
  raw: Readonly<Record<string, unknown>> | undefined,
  result: CompareResult,
): CompareUiState {
  const pairs = result.comparison.layers;
  const layer = pairs.find((p) => p.a === raw?.layer)?.a ?? pairs[0]?.a ?? '';
  const wanted = raw?.sample;
  const samples = sharedSamples(result);
  const sample =
    typeof wanted === 'number' && Number.isInteger(wanted) && wanted >= 0 && wanted < samples ? wanted : 0;
  return { layer, sample };
}
