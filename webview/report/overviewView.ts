/**
 * The layer overview: expert load of every layer as one layers × experts heatmap, and a table of
 * each layer's entropy and balance. Clicking a row (or a heatmap row) selects that layer for the
 * other views.
 */
import type { ReportLayer } from '../../src/core/report/types';
import { el } from '../shared/dom';
import { csvTable } from './csv';
import { figure, note } from './figure';
import { expertLabels, expertsText, kindName, num, percent, routingEntropy } from './format';
import { heatmapFigure } from './heatmapFigure';
import { loadMatrix } from './routing';
import type { View, ViewContext } from './view';

const COLUMNS = [
  'Layer',
  'Kind',
  'Experts',
  'Tokens',
  'Entropy',
  'Dispatch entropy',
  'CV',
  'Switch balance',
  'Busiest',
];

function busiest(layer: ReportLayer): string {
  const load = layer.summary.expertLoad;
  let best = -1;
  load.forEach((v, i) => {
    if (best < 0 || v > load[best]!) best = i;
  });
  return best < 0 ? '–' : `e${best} (${percent(load[best])})`;
}

function cells(layer: ReportLayer): string[] {
  const s = layer.summary;
  return [
    layer.id,
    kindName(layer),
    expertsText(layer),
    String(layer.tokens),
    num(routingEntropy(layer)),
    s.kind === 'soft_moe' ? num(s.dispatchEntropy) : '–',
    num(s.balance.cv),
    num(s.balance.switchAux),
    busiest(layer),
  ];
}

function csvRow(layer: ReportLayer): (string | number)[] {
  const s = layer.summary;
  return [
    layer.id,
    layer.kind,
    layer.experts,
    layer.tokens,
    routingEntropy(layer),
    s.kind === 'soft_moe' ? s.dispatchEntropy : NaN,
    s.balance.cv,
    s.balance.switchAux,
  ];
}

function layerTable(context: ViewContext): { element: HTMLElement; rows: HTMLTableRowElement[] } {
  const layers = context.report.layers;
  const rows = layers.map((layer, i) => {
    const row = el(
      'tr',
      { tabindex: '-1', 'data-layer': layer.id, 'aria-selected': 'false' },
      ...cells(layer).map((text, c) => el(c === 0 ? 'th' : 'td', c === 0 ? { scope: 'row' } : {}, text)),
    ) as HTMLTableRowElement;
    row.addEventListener('click', () => context.selectLayer(layer.id));
    row.addEventListener('keydown', (event) => {
      const next = event.key === 'ArrowDown' ? i + 1 : event.key === 'ArrowUp' ? i - 1 : -1;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        context.selectLayer(layer.id);
      } else if (next >= 0 && next < layers.length) {
        event.preventDefault();
        rows[next]!.focus();
      }
    });
    return row;
  });
  const table = el(
    'table',
    { class: 'layer-table', 'aria-label': 'Layers: Enter selects a layer' },
    el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...rows),
  );
  const element = figure(
    context.exporter,
    'Layers',
    {
      name: ['layers'],
      csv: () =>
        csvTable(
          ['layer', 'kind', 'experts', 'tokens', 'entropy', 'dispatch_entropy', 'cv', 'switch_balance'],
          layers.map(csvRow),
        ),
    },
    el('div', { class: 'table-scroll' }, table),
    note(
      'Entropy: routing entropy normalised to 0 (one-hot) … 1 (uniform); for Soft MoE the combine weights. ' +
        'CV: coefficient of variation of expert load (0 = balanced). Switch balance: n·Σ fᵢ·Pᵢ (1 = balanced).',
    ),
  );
  return { element, rows };
}

export function overviewView(context: ViewContext): View {
  const layers = context.report.layers;
  if (layers.length === 0) {
    return { element: note('This report has no MoE layers.'), dispose() {} };
  }
  const { values, cols } = loadMatrix(layers);
  const load = heatmapFigure(
    context.exporter,
    'Expert load per layer',
    ['expert-load'],
    {
      values,
      rows: layers.length,
      cols,
      rowLabels: layers.map((l) => l.id),
      colLabels: expertLabels(cols),
      rowName: 'layer',
      colName: 'expert',
      // Rows about 28 px high (a table row's height), within the renderer's 480 px.
      height: Math.min(480, Math.max(40, layers.length * 28)),
      onSelect: (row) => context.selectLayer(layers[row]!.id),
    },
    note(
      'Share of the routed mass per expert (Soft MoE: combine mass; top-k: routed weight; SMEAR: mean ' +
        'routing probability). Balanced routing gives every expert 1/n. Enter or a click selects a layer.',
    ),
  );
  const table = layerTable(context);
  const element = el('div', { class: 'view overview' }, load.element, table.element);

  const show = (layerId: string): void => {
    for (const row of table.rows) {
      const selected = row.dataset.layer === layerId;
      row.setAttribute('aria-selected', String(selected));
      row.tabIndex = selected ? 0 : -1;
    }
  };
  show(context.state.layer);
  return {
    element,
    update(next) {
      const hadFocus = table.rows.some((row) => row === row.ownerDocument.activeElement);
      show(next.state.layer);
      if (hadFocus) table.rows.find((row) => row.tabIndex === 0)?.focus();
      return true;
    },
    mount: () => load.mount(),
    dispose: () => load.dispose(),
  };
}
