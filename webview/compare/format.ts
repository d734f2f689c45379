/** How the compare views name layer pairs, experts counts and agreement numbers. */
import type { LayerComparison } from '../../src/core/compare/types';
import type { SampleDetail } from '../../src/core/report/types';
import { num, percent, sampleText } from '../report/format';

const KINDS: Record<string, string> = {
  soft_moe: 'Soft MoE',
  topk: 'top-k',
  expert_choice: 'expert choice',
  smear: 'SMEAR',
};

export function kindText(kind: string): string {
  return KINDS[kind] ?? kind;
}

/** "blocks.2.mlp", or "blocks.2.mlp ↔ blocks.2.mixer" when the ids differ. */
export function pairName(pair: LayerComparison): string {
  return pair.a === pair.b ? pair.a : `${pair.a} ↔ ${pair.b}`;
}

/** "Soft MoE" or "Soft MoE ↔ SMEAR". */
export function pairKinds(pair: LayerComparison): string {
  const a = kindText(pair.kinds.a);
  const b = kindText(pair.kinds.b);
  return a === b ? a : `${a} ↔ ${b}`;
}

/** "8 ↔ 16". */
export function pairExperts(pair: LayerComparison): string {
  return `${pair.experts.a} ↔ ${pair.experts.b}`;
}

/** "37.5% (19.2%)": aligned, then unaligned in brackets. */
export function withUnaligned(aligned: number, unaligned: number): string {
  return `${percent(aligned)} (${percent(unaligned)})`;
}

/** "0.368 (−0.194)": the matched mean correlation, then the identity matching's. */
export function correlationText(pair: LayerComparison): string {
  return `${num(pair.alignment.meanCorrelation)} (${num(pair.alignment.identityCorrelation)})`;
}

/** "3.5" or "–" when random matchings do not vary. */
export function zText(pair: LayerComparison): string {
  return pair.alignment.zScore === null ? '–' : pair.alignment.zScore.toFixed(1);
}

/** A signed number: "+0.0012", "−0.0030". */
export function signed(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const text = num(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** Which sample the two sides show: "#3 · label 9 · A predicted 9 · B predicted 4". */
export function sampleCaption(a: SampleDetail, b: SampleDetail | undefined): string {
  const base = sampleText({ ...a, prediction: undefined });
  const said = (name: string, s: SampleDetail | undefined) =>
    s?.prediction === undefined ? null : `${name} predicted ${s.prediction}`;
  return [base, said('A', a), said('B', b)].filter(Boolean).join(' · ');
}
