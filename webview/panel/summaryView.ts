/** Renders a model summary (what `inspect` found, with the MoE layers the graph shows) into the panel. */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import type { LayerOutline } from '../../src/core/detect/outline';
import { KIND_NAMES } from '../../src/core/link/layerStats';
import type { Dim, TensorSpec } from '../../src/core/onnx/types';
import type { PanelSummary } from '../../src/protocol/webview';
import { el } from '../shared/dom';

function shapeText(shape: Dim[] | null): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : 'unknown';
}

function table(
  caption: string,
  titles: string[],
  widths: string[],
  rows: (string | Node)[][],
  className = '',
): HTMLElement {
  const header = el(
    'vscode-table-header',
    { slot: 'header' },
    ...titles.map((title) => el('vscode-table-header-cell', {}, title)),
  );
  const body = rows.map((cells) =>
    el('vscode-table-row', {}, ...cells.map((cell) => el('vscode-table-cell', {}, cell))),
  );
  return el(
    'section',
    { 'aria-label': caption },
    el('h2', {}, caption),
    el(
      'vscode-table',
      {
        zebra: '',
        'bordered-rows': '',
        columns: JSON.stringify(widths),
        ...(className ? { class: className } : {}),
      },
      header,
      el('vscode-table-body', { slot: 'body' }, ...body),
    ),
  );
}

function tensorTable(caption: string, tensors: TensorSpec[]): HTMLElement {
  return table(
    caption,
    ['Name', 'Type', 'Shape'],
    ['40%', '20%', '40%'],
    tensors.map((t) => [el('code', {}, t.name), t.dtype, shapeText(t.shape)]),
  );
}

function routingOf(layer: LayerOutline): string {
  const known = (n: number | undefined) => (n === undefined ? '?' : String(n));
  if (layer.kind === 'soft_moe') return `${known(layer.slotsPerExpert)} slots per expert`;
  if (layer.kind === 'expert_choice') return `capacity ${known(layer.k)}`;
  if (layer.kind === 'topk') return `k = ${known(layer.k)}`;
  return 'weights averaged per input';
}

/** The layers the graph shows (what inspection found, before any run confirms them). */
function layerTable(summary: PanelSummary, notes: Record<string, string> | undefined): HTMLElement[] {
  if (!summary.layers) return [];
  if (summary.layers.length === 0)
    return [
      el('h2', {}, 'MoE layers'),
      el('p', { 'data-testid': 'no-layers' }, `None found: ${summary.searched ?? ''}.`),
    ];
  const titles = ['Layer', 'Kind', 'Experts', 'Routing', ...(notes ? ['Latest analysis'] : [])];
  const widths = notes ? ['21%', '12%', '13%', '20%', '34%'] : ['35%', '20%', '15%', '30%'];
  return [
    table(
      'MoE layers (from the graph; a run confirms them)',
      titles,
      widths,
      summary.layers.map((l) => [
        el('code', {}, l.id),
        KIND_NAMES[l.kind],
        l.experts === undefined ? '?' : String(l.experts),
        routingOf(l),
        ...(notes ? [notes[l.id] ?? 'not in the report'] : []),
      ]),
      // Lines from the latest analysis wrap rather than being cut off.
      notes ? 'wrap-cells' : '',
    ),
  ];
}

export interface SummaryOptions {
  /** The provider that ran (the panel); absent leaves the row out. */
  provider?: string | null;
  /** Per layer id, a line from the latest analysis (the model view). */
  layerNotes?: Record<string, string>;
}

export function renderSummary(summary: PanelSummary, options: SummaryOptions = {}): HTMLElement[] {
  const producer = [summary.producer.name, summary.producer.version].filter(Boolean).join(' ') || 'unknown';
  const ops = Object.entries(summary.opTypes).sort((a, b) => b[1] - a[1]);
  const facts = el(
    'dl',
    { class: 'facts' },
    el('dt', {}, 'File'),
    el('dd', {}, el('code', {}, summary.path)),
    el('dt', {}, 'Producer'),
    el('dd', {}, producer),
    el('dt', {}, 'Opset'),
    el('dd', {}, `${summary.opset ?? 'none'} (IR ${summary.irVersion})`),
    el('dt', {}, 'Nodes'),
    el('dd', { 'data-testid': 'node-count' }, String(summary.nodeCount)),
    el('dt', {}, 'Weights'),
    el('dd', {}, `${summary.initializerCount} initializers`),
    ...('provider' in options
      ? [el('dt', {}, 'Provider'), el('dd', {}, options.provider ?? 'not started')]
      : []),
  );
  const opBadges = el(
    'p',
    { class: 'ops' },
    ...ops
      .slice(0, 16)
      .flatMap(([op, count]) => [
        el('vscode-badge', { variant: 'counter', title: `${count} ${op} nodes` }, `${op} ${count}`),
        ' ',
      ]),
  );
  return [
    facts,
    ...layerTable(summary, options.layerNotes),
    tensorTable('Inputs', summary.inputs),
    tensorTable('Outputs', summary.outputs),
    el('h2', {}, 'Operators'),
    opBadges,
  ];
}
