/** Numbers and names as the views print them. */
import type { ReportLayer, SampleDetail } from '../../src/core/report/types';

/** 4 significant digits, exponent form for tiny values; "–" for a missing value. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const magnitude = Math.abs(value);
  return magnitude !== 0 && magnitude < 1e-3 ? value.toExponential(2) : value.toPrecision(4);
}

export function percent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return `${(100 * value).toFixed(digits)}%`;
}

const KIND_NAMES: Record<ReportLayer['kind'], string> = {
  soft_moe: 'Soft MoE',
  topk: 'top-k',
  expert_choice: 'expert choice',
  smear: 'SMEAR',
};

export function kindName(layer: ReportLayer): string {
  return KIND_NAMES[layer.kind] ?? layer.kind;
}

/** "8 × 2 slots", "8, k = 2", "8, capacity 4" or "8". */
export function expertsText(layer: ReportLayer): string {
  if (layer.kind === 'soft_moe' && layer.slotsPerExpert)
    return `${layer.experts} × ${layer.slotsPerExpert} slots`;
  if (layer.kind === 'topk' && layer.k) return `${layer.experts}, k = ${layer.k}`;
  if (layer.kind === 'expert_choice' && layer.capacity) return `${layer.experts}, capacity ${layer.capacity}`;
  return String(layer.experts);
}

/** The layer's routing entropy (normalised: 0 one-hot, 1 uniform): combine entropy for Soft MoE. */
export function routingEntropy(layer: ReportLayer): number {
  const s = layer.summary;
  return s.kind === 'soft_moe' ? s.combineEntropy : s.routingEntropy;
}

/** How a sample is named in pickers and captions: "#3 · label 9 · predicted 9". */
export function sampleText(sample: SampleDetail): string {
  const parts = [`#${sample.index}`];
  if (sample.label !== undefined) parts.push(`label ${sample.label}`);
  if (sample.prediction !== undefined) {
    const verdict = sample.label === undefined ? '' : sample.label === sample.prediction ? ' ✓' : ' ✗';
    parts.push(`predicted ${sample.prediction}${verdict}`);
  }
  return parts.join(' · ');
}

export function expertLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `e${i}`);
}

/** The model's file name without folders or extension. */
export function modelStem(path: string): string {
  const name = path.split(/[\\/]/).pop() || 'model';
  return name.replace(/\.onnx$/i, '') || 'model';
}
