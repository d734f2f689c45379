/**
 * `renderReport`: the whole analysis report in a root element. A header with the run's facts and the
 * report exports, the layer and sample pickers shared by every view (linked selection), and one tab
 * per view. Only the visible view is built; it is rebuilt (or updated in place) when the selection
 * changes, and disposed when another tab is chosen.
 */
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import type { Report } from '../../src/core/report/types';
import { el } from '../shared/dom';
import { classView } from './classView';
import { button, select } from './controls';
import { exportName, note, type Exporter } from './figure';
import { kindName, modelStem, percent, sampleText } from './format';
import { imageView } from './imageView';
import { overviewView } from './overviewView';
import { routingView } from './routingView';
import { specializationView } from './specializationView';
import { availableViews, readUiState } from './state';
import { textView } from './textView';
import type { ReportHandle, ReportHost, ReportUiState, ViewId } from './types';
import type { View, ViewContext } from './view';

const VIEW_TITLES: Record<ViewId, string> = {
  overview: 'Layers',
  routing: 'Routing',
  inputs: 'Inputs',
  classes: 'Classes',
  specialization: 'Specialization',
};

/** A tab's title; the classes tab of a report without labels shows top-k co-activation only. */
function viewTitle(id: ViewId, report: Report): string {
  if (id === 'classes' && !report.layers.some((l) => l.summary.classLoad)) return 'Co-activation';
  return VIEW_TITLES[id];
}

/** Resolves when a Lit-based control has rendered (at once for anything else). */
function updated(element: Element): Promise<unknown> {
  return (element as Element & { updateComplete?: Promise<unknown> }).updateComplete ?? Promise.resolve();
}

/** Views that show one sample: the others stay as they are when only the sample changes. */
const SAMPLE_VIEWS: ReadonlySet<ViewId> = new Set(['routing', 'inputs']);

function buildView(id: ViewId, context: ViewContext): View {
  switch (id) {
    case 'overview':
      return overviewView(context);
    case 'routing':
      return routingView(context);
    case 'inputs': {
      const sample = context.sample;
      if (sample?.image) return imageView(context, sample.image);
      if (sample?.tokens) return textView(context, sample, sample.tokens);
      return { element: note('This sample has no image or text to show.'), dispose() {} };
    }
    case 'classes':
      return classView(context);
    case 'specialization':
      return specializationView(context);
  }
}

function header(report: Report, host: ReportHost, exporter: Exporter): HTMLElement {
  const facts = [
    `${report.layers.length} MoE layer${report.layers.length === 1 ? '' : 's'}`,
    `${report.samples} samples`,
    report.accuracy !== undefined ? `accuracy ${percent(report.accuracy)}` : null,
    `provider ${report.provider}`,
    report.createdAt ? new Date(report.createdAt).toLocaleString() : null,
  ].filter(Boolean);
  const tools = el('div', { class: 'toolbar' });
  if (host.onRefresh) {
    const refresh = host.onRefresh;
    tools.append(
      button('Refresh', 'Run the analysis again', () => refresh(false), { testId: 'refresh' }),
      button('Other inputs…', 'Choose other inputs and run again', () => refresh(true), {
        testId: 'pick-inputs',
      }),
    );
  }
  const send = exporter.send;
  if (send) {
    for (const format of host.reportExports ?? ['json', 'html']) {
      const text = format === 'json' ? 'Report JSON' : 'HTML report';
      tools.append(
        button(
          text,
          `Save the report as ${format.toUpperCase()}`,
          () => send({ format, fileName: exportName(exporter, ['report'], format) }),
          { testId: `export-${format}` },
        ),
      );
    }
  }
  const notes = [...report.providerNotes, ...report.warnings];
  return el(
    'header',
    { class: 'report-header' },
    el('h1', {}, report.model.path.split(/[\\/]/).pop() || report.model.path),
    el('p', { class: 'muted' }, facts.join(' · ')),
    tools.childElementCount ? tools : null,
    notes.length
      ? el(
          'details',
          { class: 'warnings' },
          el('summary', {}, `${notes.length} note${notes.length === 1 ? '' : 's'} from the run`),
          el('ul', {}, ...notes.map((n) => el('li', {}, n))),
        )
      : null,
  );
}

export function renderReport(root: HTMLElement, report: Report, host: ReportHost = {}): ReportHandle {
  const views = availableViews(report);
  let state: ReportUiState = readUiState(host.state, report);
  const exporter: Exporter = { base: modelStem(report.model.path), send: host.onExport };
  const samples = report.perSample ?? [];

  const layerPicker = select(
    'Layer',
    report.layers.map((l) => ({ value: l.id, text: l.id, description: kindName(l) })),
    state.layer,
    (layer) => change({ layer }),
    'layer-select',
  );
  const samplePicker = select(
    'Sample',
    samples.length
      ? samples.map((s, j) => ({ value: String(j), text: sampleText(s) }))
      : [{ value: '0', text: 'no per-sample detail' }],
    String(state.sample),
    (value) => change({ sample: Number(value) }),
    'sample-select',
  );
  const source = el('span', { class: 'source' });
  const selection = el('div', { class: 'selection-bar' }, layerPicker.element, samplePicker.element, source);

  const tabs = el('vscode-tabs', { 'selected-index': String(views.indexOf(state.view)) });
  const panels = new Map<ViewId, HTMLElement>();
  for (const id of views) {
    tabs.append(el('vscode-tab-header', { slot: 'header', 'data-view': id }, viewTitle(id, report)));
    const panel = el('vscode-tab-panel', { 'data-view': id });
    panels.set(id, panel);
    tabs.append(panel);
  }
  tabs.addEventListener('vsc-tabs-select', (event) => {
    const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    const view = views[index];
    if (view && view !== state.view) change({ view });
  });

  const element = el('div', { class: 'report' }, header(report, host, exporter), selection, tabs);
  root.replaceChildren(element);

  let current: { id: ViewId; view: View } | undefined;

  const context = (): ViewContext => ({
    report,
    state,
    layer: report.layers.find((l) => l.id === state.layer),
    sample: samples[state.sample],
    exporter,
    selectLayer: (layer) => change({ layer }),
    setState: (partial) => change(partial),
  });

  const showSource = (): void => {
    const layer = report.layers.find((l) => l.id === state.layer);
    const where = layer?.source;
    source.replaceChildren();
    if (!layer) return;
    // Without the exporter's file:line, the host still finds the layer in the workspace's code by name.
    const text = where ? `${where.file.split(/[\\/]/).pop()}:${where.line}` : 'source';
    if (host.onGoToSource) {
      const go = host.onGoToSource;
      source.append(
        button(`Go to ${text}`, `Go to the source of ${layer.id}`, () => go(layer.id), {
          testId: 'go-to-source',
        }),
      );
    } else if (where) source.append(el('span', { class: 'muted' }, text));
  };

  const build = (): void => {
    current?.view.dispose();
    current = undefined;
    for (const panel of panels.values()) panel.replaceChildren();
    const panel = panels.get(state.view);
    if (!panel) return;
    const view = buildView(state.view, context());
    panel.append(view.element);
    const built = { id: state.view, view };
    current = built;
    // Until the tabs and the panel have rendered their shadow roots, the view is outside the
    // rendered tree and has no computed style: mount once they have (a microtask later).
    void Promise.all([updated(tabs), updated(panel)]).then(() => {
      if (current === built) view.mount?.();
    });
  };

  function change(partial: Partial<ReportUiState>): void {
    const next = readUiState({ ...state, ...partial }, report);
    const selectionChanged = next.layer !== state.layer || next.sample !== state.sample;
    const viewChanged = next.view !== state.view;
    const mapsChanged = next.maps !== state.maps;
    if (!selectionChanged && !viewChanged && !mapsChanged) return;
    const sampleOnly = selectionChanged && next.layer === state.layer;
    const unaffected = !viewChanged && !mapsChanged && sampleOnly && !SAMPLE_VIEWS.has(next.view);
    state = next;
    if (viewChanged)
      (tabs as HTMLElement & { selectedIndex: number }).selectedIndex = views.indexOf(state.view);
    if (selectionChanged) {
      layerPicker.set(state.layer);
      samplePicker.set(String(state.sample));
      showSource();
    }
    if (!unaffected && (viewChanged || mapsChanged || !current?.view.update?.(context()))) build();
    host.onState?.({ ...state });
    if (selectionChanged && state.layer) host.onSelect?.(state.layer, state.sample);
  }

  showSource();
  build();
  host.onState?.({ ...state });
  if (state.layer) host.onSelect?.(state.layer, state.sample);

  return {
    reveal(layer?: string, sample?: number) {
      const partial: Partial<ReportUiState> = {};
      if (layer !== undefined && report.layers.some((l) => l.id === layer)) partial.layer = layer;
      if (sample !== undefined && Number.isInteger(sample) && sample >= 0 && sample < samples.length)
        partial.sample = sample;
      change(partial);
      selection.scrollIntoView?.({ block: 'nearest' });
    },
    state: () => ({ ...state }),
    dispose() {
      current?.view.dispose();
      current = undefined;
      element.remove();
    },
  };
}
