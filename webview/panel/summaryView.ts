/** Renders a model summary (what `inspect` found) into the panel. */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import type { Dim, ModelSummary, TensorSpec } from '../../src/core/onnx/types';
import { el } from '../shared/dom';

function shapeText(shape: Dim[] | null): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : 'unknown';
}

function tensorTable(caption: string, tensors: TensorSpec[]): HTMLElement {
  const header = el(
    'vscode-table-header',
    { slot: 'header' },
    ...['Name', 'Type', 'Shape'].map((title) => el('vscode-table-header-cell', {}, title)),
  );
  const rows = tensors.map((t) =>
    el(
      'vscode-table-row',
      {},
      el('vscode-table-cell', {}, el('code', {}, t.name)),
      el('vscode-table-cell', {}, t.dtype),
      el('vscode-table-cell', {}, shapeText(t.shape)),
    ),
  );
  return el(
    'section',
    { 'aria-label': caption },
    el('h2', {}, caption),
    el(
      'vscode-table',
      { zebra: '', 'bordered-rows': '', columns: JSON.stringify(['40%', '20%', '40%']) },
      header,
      el('vscode-table-body', { slot: 'body' }, ...rows),
    ),
  );
}

export function renderSummary(summary: ModelSummary, provider: string | null): HTMLElement[] {
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
    el('dt', {}, 'Provider'),
    el('dd', {}, provider ?? 'not started'),
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
    tensorTable('Inputs', summary.inputs),
    tensorTable('Outputs', summary.outputs),
    el('h2', {}, 'Operators'),
    opBadges,
  ];
}
