/** Routing agreement per layer pair as bar series: pure numbers, shared by the chart and tests. */
import type { LayerComparison } from '../../src/core/compare/types';

/** The bars, in the order they are drawn: label and value per pair (0…1). */
export function agreementSeries(
  pairs: readonly LayerComparison[],
): { label: string; aligned: boolean; values: number[] }[] {
  return [
    { label: 'top-1 aligned', aligned: true, values: pairs.map((p) => p.top1Agreement) },
    { label: 'top-1 unaligned', aligned: false, values: pairs.map((p) => p.unaligned.top1Agreement) },
    { label: 'top-k overlap aligned', aligned: true, values: pairs.map((p) => p.topkOverlap) },
    { label: 'top-k overlap unaligned', aligned: false, values: pairs.map((p) => p.unaligned.topkOverlap) },
  ];
}
