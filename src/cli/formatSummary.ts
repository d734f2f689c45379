/** Renders a model inspection as the readable text `moe-scope inspect` prints. */
import type { ModelInspection } from '../core/detect/inspectLayers';
import type { LayerOutline } from '../core/detect/outline';
import type { Dim, ModelSummary, TensorSpec } from '../core/onnx/types';

function formatShape(shape: Dim[] | null): string {
  if (!shape) return '(unknown shape)';
  return `[${shape.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]`;
}

function formatTensors(title: string, tensors: TensorSpec[]): string[] {
  const width = Math.max(4, ...tensors.map((t) => t.name.length));
  return [
    `${title}:`,
    ...tensors.map((t) => `  ${t.name.padEnd(width)}  ${t.dtype.padEnd(8)}  ${formatShape(t.shape)}`),
  ];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function expertsOf(layer: LayerOutline): string {
  const experts = layer.experts === undefined ? '?' : String(layer.experts);
  if (layer.kind === 'soft_moe') return `${experts}×${layer.slotsPerExpert ?? '?'} slots`;
  if (layer.kind === 'smear') return experts;
  if (layer.kind === 'expert_choice') return `${experts}, capacity ${layer.k ?? '?'}`;
  return `${experts}, k ${layer.k ?? '?'}`;
}

/** The layers the graph shows, as a table; a run confirms them. */
function formatLayers(inspection: ModelInspection): string[] {
  if (inspection.layers.length === 0) return [`MoE layers: none found (${inspection.searched})`];
  const rows = inspection.layers.map((l) => [
    l.id,
    l.kind,
    expertsOf(l),
    l.source ? `${l.source.file}:${l.source.line}` : '',
  ]);
  const header = ['layer', 'kind', 'experts', 'source'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [
    'MoE layers (from the graph; a run confirms them, "?" where only a run tells):',
    line(header),
    ...rows.map(line),
  ];
}

export function formatInspection(inspection: ModelInspection): string {
  return `${formatSummary(inspection)}${formatLayers(inspection).join('\n')}\n`;
}

export function formatSummary(summary: ModelSummary): string {
  const producer = [summary.producer.name, summary.producer.version].filter(Boolean).join(' ') || 'unknown';
  const topOps = Object.entries(summary.opTypes)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 8)
    .map(([op, count]) => `${op}×${count}`)
    .join(', ');
  const lines = [
    `${summary.path} (${formatBytes(summary.sizeBytes)})`,
    `  producer  ${producer}`,
    `  IR ${summary.irVersion}, opset ${summary.opset ?? 'none'}${summary.opsetImports
      .filter((o) => o.domain && o.domain !== 'ai.onnx')
      .map((o) => `, ${o.domain} ${o.version}`)
      .join('')}`,
    `  nodes     ${summary.nodeCount} (${topOps})`,
    `  weights   ${summary.initializerCount} initializers`,
    ...formatTensors('inputs', summary.inputs),
    ...formatTensors('outputs', summary.outputs),
  ];
  return `${lines.join('\n')}\n`;
}
