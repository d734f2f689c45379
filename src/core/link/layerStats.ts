/**
 * A report layer's headline numbers as short text: what the hover, the CodeLens and the layer
 * tree say about it. Definitions are the report's (src/core/analysis/types.ts).
 */
import type { LayerSummary } from '../analysis/types';
import type { ReportLayer } from '../report/types';

export const KIND_NAMES: Record<ReportLayer['kind'], string> = {
  soft_moe: 'Soft MoE',
  smear: 'SMEAR',
  topk: 'top-k',
  expert_choice: 'expert choice',
};

export function kindName(layer: ReportLayer): string {
  return KIND_NAMES[layer.kind];
}

/** `8 experts × 2 slots`, `8 experts, k = 2`, `8 experts, capacity 4`, `8 experts`. */
export function shapeText(layer: ReportLayer): string {
  const experts = `${layer.experts} experts`;
  if (layer.kind === 'soft_moe' && layer.slotsPerExpert !== undefined) {
    return `${experts} × ${layer.slotsPerExpert} slot${layer.slotsPerExpert === 1 ? '' : 's'}`;
  }
  if (layer.kind === 'topk' && layer.k !== undefined) return `${experts}, k = ${layer.k}`;
  if (layer.kind === 'expert_choice' && layer.capacity !== undefined) {
    return `${experts}, capacity ${layer.capacity}`;
  }
  return experts;
}

/** The normalised routing entropy the layer kind reports (Soft MoE: of the combine weights). */
export function entropyOf(summary: LayerSummary): { name: string; value: number } {
  return summary.kind === 'soft_moe'
    ? { name: 'combine entropy', value: summary.combineEntropy }
    : { name: 'routing entropy', value: summary.routingEntropy };
}

export interface ExpertShare {
  expert: number;
  share: number;
}

/** The `count` experts with the largest load share, largest first (ties: lower index first). */
export function topExperts(load: readonly number[], count = 3): ExpertShare[] {
  return load
    .map((share, expert) => ({ expert, share }))
    .sort((a, b) => b.share - a.share || a.expert - b.expert)
    .slice(0, count);
}

export function percent(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function fixed(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** The measured numbers: `CV 0.019 · Switch 1.002 · entropy 0.995`. */
export function statsLine(layer: ReportLayer): string {
  const entropy = entropyOf(layer.summary);
  return (
    `CV ${fixed(layer.summary.balance.cv)} · Switch ${fixed(layer.summary.balance.switchAux)} · ` +
    `entropy ${fixed(entropy.value)}`
  );
}

/** One line for a CodeLens or a tree item: `Soft MoE 8 experts × 2 slots · CV 0.019 · entropy 0.995`. */
export function oneLine(layer: ReportLayer): string {
  return `${kindName(layer)} ${shapeText(layer)} · ${statsLine(layer)}`;
}
