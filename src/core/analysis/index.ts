/**
 * MoE Scope's routing metrics: streaming, bounded-memory accumulators, one per MoE layer, fed
 * with the routing tensors of every batch and summarised into the report's `summary` field.
 *
 *   const acc = createAccumulator('soft_moe', { experts: 8, slotsPerExpert: 2 });
 *   for (const batch of batches) acc.add(batch, labels);
 *   layer.summary = acc.summary();
 */
import { ExpertChoiceAccumulator } from './expertChoice';
import { SmearAccumulator } from './smear';
import { SoftMoeAccumulator } from './softMoe';
import { TopKAccumulator } from './topk';
import type { AccumulatorOptions, LayerAccumulator, LayerKind, SummaryByKind } from './types';

export { expertScores } from './softMoe';
export type * from './types';

/** A new, empty accumulator for one layer of the given kind. Throws RangeError for bad options. */
export function createAccumulator<K extends LayerKind>(
  kind: K,
  options: AccumulatorOptions,
): LayerAccumulator<SummaryByKind[K]> {
  const accumulators: { [L in LayerKind]: () => LayerAccumulator<SummaryByKind[L]> } = {
    soft_moe: () => new SoftMoeAccumulator(options),
    topk: () => new TopKAccumulator(options),
    expert_choice: () => new ExpertChoiceAccumulator(options),
    smear: () => new SmearAccumulator(options),
  };
  const make = accumulators[kind] as (() => LayerAccumulator<SummaryByKind[K]>) | undefined;
  if (!make) throw new RangeError(`unknown layer kind "${String(kind)}"`);
  if (options.classes !== undefined && (!Number.isInteger(options.classes) || options.classes < 1)) {
    throw new RangeError(`classes must be an integer ≥ 1, got ${options.classes}`);
  }
  return make();
}
