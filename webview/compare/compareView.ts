/**
 * `renderComparison`: two checkpoints compared on the same inputs, in a root element. The header
 * names both and the run; then what could not be compared; the layer and sample pickers shared by
 * every view below (linked selection); the layer pairs with their agreement; every pair's expert
 * load in A and B side by side with the difference; and the selected pair in detail. The same
 * code runs in the VS Code panel, in the standalone HTML page and on test pages.
 */
import type { CompareResult } from '../../src/core/compare/types';
import { el } from '../shared/dom';
import { button, select } from '../report/controls';
import { exportName, note, type Exporter } from '../report/figure';
import { modelStem, percent } from '../report/format';
import type { ExportRequest } from '../report/types';
import { agreementChart } from './agreementChart';
import { pairName, sampleCaption } from './format';
import { loadGrids, loadLabels } from './matrices';
import { pairTable } from './pairTable';
import { pairView, type PairView } from './pairView';
import { sideBySide } from './sideBySide';
import { readCompareState, sharedSamples, type CompareUiState } from './state';

export interface CompareHost {
  /** UI state to start from; anything that does not fit the comparison is ignored. */
  state?: Readonly<Record<string, unknown>>;
  onState?(state: CompareUiState): void;
  onExport?(request: ExportRequest): void;
  /** Offered as "Compare again". */
  onRerun?(): void;
  /** What the inputs were, when the host knows better than the reports' source field. */
  inputsLabel?: string;
}

export interface CompareHandle {
  state(): CompareUiState;
  /** Moves the selection (unknown layers and samples are ignored). */
  select(layer?: string, sample?: number): void;
  dispose(): void;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

function side(name: string, path: string, accuracy: number | undefined): string {
  return `${name}: ${fileName(path)}${accuracy === undefined ? '' : ` (accuracy ${percent(accuracy)})`}`;
}

function header(result: CompareResult, host: CompareHost, exporter: Exporter): HTMLElement {
  const { comparison: c, a } = result;
  const agreement =
    c.predictionAgreement === null
      ? 'predictions not compared (the first outputs are not class scores of the same classes)'
      : `predictions agree on ${percent(c.predictionAgreement)}`;
  const tools = el('div', { class: 'toolbar' });
  if (host.onRerun) {
    const rerun = host.onRerun;
    tools.append(button('Compare again', 'Run the comparison again', () => rerun(), { testId: 'rerun' }));
  }
  const send = exporter.send;
  if (send) {
    tools.append(
      button(
        'Comparison JSON',
        'Save both reports and the comparison as JSON',
        () => send({ format: 'json', fileName: exportName(exporter, ['comparison'], 'json') }),
        { testId: 'export-json' },
      ),
    );
  }
  return el(
    'header',
    { class: 'report-header compare-header' },
    el('h1', {}, `${fileName(c.a.path)} ↔ ${fileName(c.b.path)}`),
    el(
      'p',
      { class: 'muted' },
      `${side('A', c.a.path, c.a.accuracy)} · ${side('B', c.b.path, c.b.accuracy)}`,
    ),
    el(
      'p',
      { class: 'muted', 'data-testid': 'run-facts' },
      [
        `${c.samples} samples from ${host.inputsLabel ?? a.inputs.source}`,
        `provider ${c.a.provider === c.b.provider ? c.a.provider : `${c.a.provider} / ${c.b.provider}`}`,
      ].join(' · '),
    ),
    el('p', { class: 'prediction-agreement', 'data-testid': 'prediction-agreement' }, agreement),
    tools.childElementCount ? tools : null,
  );
}

/** Unpaired layers and the comparison's notes: what was left out, and why. */
function leftOut(result: CompareResult): HTMLElement | null {
  const { unpaired, notes } = result.comparison;
  const items: string[] = [];
  if (unpaired.a.length) items.push(`Layers of A without a partner in B: ${unpaired.a.join(', ')}.`);
  if (unpaired.b.length) items.push(`Layers of B without a partner in A: ${unpaired.b.join(', ')}.`);
  items.push(...notes);
  if (!items.length) return null;
  return el(
    'section',
    { class: 'notice left-out', role: 'note', 'aria-label': 'What could not be compared' },
    el('h2', {}, 'What could not be compared'),
    el('ul', {}, ...items.map((text) => el('li', {}, text))),
  );
}

export function renderComparison(
  root: HTMLElement,
  result: CompareResult,
  host: CompareHost = {},
): CompareHandle {
  const pairs = result.comparison.layers;
  let state = readCompareState(host.state, result);
  const exporter: Exporter = {
    base: `${modelStem(result.comparison.a.path)}-vs-${modelStem(result.comparison.b.path)}`,
    send: host.onExport,
  };
  const samples = result.a.perSample?.slice(0, sharedSamples(result)) ?? [];

  const layerPicker = select(
    'Layer pair',
    pairs.map((p) => ({ value: p.a, text: pairName(p) })),
    state.layer,
    (layer) => change({ layer }),
    'pair-select',
  );
  const samplePicker = select(
    'Sample',
    samples.length
      ? samples.map((s, j) => ({ value: String(j), text: sampleCaption(s, result.b.perSample?.[j]) }))
      : [{ value: '0', text: 'no per-sample detail' }],
    String(state.sample),
    (value) => change({ sample: Number(value) }),
    'sample-select',
  );
  const selection = el('div', { class: 'selection-bar' }, layerPicker.element, samplePicker.element);

  const disposers: (() => void)[] = [];
  const mounts: (() => void)[] = [];
  const sections: (HTMLElement | null)[] = [header(result, host, exporter), leftOut(result)];

  let table: ReturnType<typeof pairTable> | undefined;
  const detail = el('div', { class: 'pair-detail' });
  if (pairs.length === 0) {
    sections.push(
      note('No MoE layer of A could be paired with one of B, so there is no routing to compare.'),
    );
  } else {
    table = pairTable(exporter, pairs, (layer) => change({ layer }));
    const chart = agreementChart(exporter, pairs, (layer) => change({ layer }));
    disposers.push(() => chart.dispose());
    const loads = loadGrids(pairs, result.a.layers, result.b.layers);
    // Short row labels (each side's own layer ids): the table above names the pairs in full.
    const rowsA = pairs.map((p) => p.a);
    const rowsB = pairs.map((p) => p.b);
    const width = loads.a.cols;
    const widest = loads.columns.find((c) => c.a.length === width) ?? loads.columns[0]!;
    const labels = loadLabels(widest);
    const load = sideBySide(
      exporter,
      [
        {
          title: 'A',
          name: ['load', 'a'],
          grid: loads.a,
          rowLabels: rowsA,
          colLabels: labels,
        },
        {
          title: 'B in A’s order',
          name: ['load', 'b'],
          grid: loads.b,
          rowLabels: rowsB,
          colLabels: labels,
        },
        {
          title: 'B − A',
          name: ['load', 'difference'],
          grid: loads.difference,
          rowLabels: rowsA,
          colLabels: labels,
          difference: true,
        },
      ],
      {
        rowName: 'layer pair',
        colName: 'expert of A',
        rowHeight: 28,
        onSelect: (row) => change({ layer: pairs[row]!.a }),
      },
    );
    load.element.dataset.view = 'load';
    mounts.push(() => load.mount());
    disposers.push(() => load.dispose());
    sections.push(
      selection,
      el('div', { class: 'figure-grid pairs-grid' }, table.element, chart.element),
      el(
        'section',
        { class: 'load-section', 'aria-label': 'Expert load' },
        el('h2', {}, 'Expert load, A and B side by side'),
        load.element,
        note(
          'Share of routed mass per expert. Column i is expert i of A and, in B, the expert matched to it; ' +
            'B’s experts without a partner in A follow (+1, +2, …). A and B share one colour scale; grey: none.',
        ),
      ),
      detail,
    );
  }

  const element = el('div', { class: 'report compare' }, ...sections);
  root.replaceChildren(element);

  let current: PairView | undefined;
  const showPair = (): void => {
    current?.dispose();
    current = undefined;
    const pair = pairs.find((p) => p.a === state.layer);
    detail.replaceChildren();
    if (!pair) return;
    const view = pairView(exporter, result, pair, state.sample);
    detail.append(view.element);
    current = view;
    view.mount();
  };

  function change(partial: Partial<CompareUiState>): void {
    const next = readCompareState({ ...state, ...partial }, result);
    if (next.layer === state.layer && next.sample === state.sample) return;
    state = next;
    layerPicker.set(state.layer);
    samplePicker.set(String(state.sample));
    table?.show(state.layer);
    showPair();
    host.onState?.({ ...state });
  }

  table?.show(state.layer);
  // Heatmaps read the theme where they are placed: draw them now that the view is in the document.
  for (const mount of mounts) mount();
  showPair();
  host.onState?.({ ...state });

  return {
    state: () => ({ ...state }),
    select(layer?: string, sample?: number) {
      const partial: Partial<CompareUiState> = {};
      if (layer !== undefined) partial.layer = layer;
      if (sample !== undefined) partial.sample = sample;
      change(partial);
    },
    dispose() {
      current?.dispose();
      for (const dispose of disposers) dispose();
      element.remove();
    },
  };
}
