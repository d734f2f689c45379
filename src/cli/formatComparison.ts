/** Renders a comparison as the per-layer table `moe-scope compare` prints. */
import type { CompareResult, LayerComparison } from '../core/compare/types';
import { table } from './formatReport';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const signed = (v: number, digits = 3) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

function shape(layer: LayerComparison): string {
  const kinds = layer.kinds.a === layer.kinds.b ? layer.kinds.a : `${layer.kinds.a}/${layer.kinds.b}`;
  return `${kinds} ${layer.experts.a}↔${layer.experts.b}`;
}

function alignmentCell(layer: LayerComparison): string {
  const { meanCorrelation, random, zScore } = layer.alignment;
  const z = zScore === null ? '' : `, z ${zScore.toFixed(1)}`;
  return `${meanCorrelation.toFixed(3)} (rand ${random.mean.toFixed(3)}±${random.std.toFixed(3)}${z})`;
}

/** "0→7 1→2 …": where each expert of A went in B, "–" when it has no partner. */
function matchingLine(layer: LayerComparison): string {
  return layer.matching.map((j, i) => `${i}→${j ?? '–'}`).join(' ');
}

export function formatComparison(result: CompareResult): string {
  const c = result.comparison;
  const side = (label: string, model: CompareResult['comparison']['a']) =>
    `${label}: ${fileName(model.path)}${model.accuracy !== undefined ? ` (accuracy ${pct(model.accuracy)})` : ''}`;
  const lines = [
    `${side('A', c.a)}   ${side('B', c.b)}`,
    `${c.samples} samples from ${result.a.inputs.source} on ${result.a.provider}` +
      (c.predictionAgreement !== null ? `; predictions agree on ${pct(c.predictionAgreement)}` : ''),
    '',
    table(
      [
        'layer A',
        'layer B',
        'paired',
        'experts',
        'alignment r',
        'top-1',
        'top-k',
        'JSD bits',
        'Δentropy',
        'Δcv',
      ],
      c.layers.map((layer) => [
        layer.a,
        layer.b,
        layer.pairedBy,
        shape(layer),
        alignmentCell(layer),
        pct(layer.top1Agreement),
        `${pct(layer.topkOverlap)} (k=${layer.k})`,
        layer.jsDivergence.toFixed(4),
        signed(layer.entropy.delta),
        signed(layer.balance.delta),
      ]),
    ),
    '',
  ];
  for (const layer of c.layers) {
    lines.push(
      `${layer.a}: experts A→B ${matchingLine(layer)}; per ${layer.granularity}, ${layer.positions} positions; ` +
        `unaligned top-1 ${pct(layer.unaligned.top1Agreement)}, JSD ${layer.unaligned.jsDivergence.toFixed(4)}`,
    );
    for (const note of layer.notes) lines.push(`  note: ${note}`);
  }
  for (const note of c.notes) lines.push(`note: ${note}`);
  for (const [label, report] of [
    ['A', result.a],
    ['B', result.b],
  ] as const)
    for (const note of [...report.providerNotes, ...report.warnings]) lines.push(`note (${label}): ${note}`);
  return `${lines.join('\n')}\n`;
}
