/**
 * The analysis panel's script. It only renders what the host sends: it announces "ready", then
 * replaces its content with each snapshot (busy with progress, the inspect-only summary, an error,
 * or a report drawn by the report views). Its own state is the UI's: which model it shows and, for
 * reports, the view, layer and sample, kept with setState so a restored panel opens where it was.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { describeError } from '../../src/core/errors';
import { isToPanel, PanelState, ToPanel } from '../../src/protocol/webview';
import { renderReport, type ReportHandle } from '../report';
import { el } from '../shared/dom';
import { vscodeApi } from '../shared/vscodeApi';
import { renderBusy } from './busyView';
import { renderSummary } from './summaryView';

const vscode = vscodeApi<PanelState>();
const app = document.getElementById('app')!;

let ui: Record<string, unknown> | undefined = vscode.getState()?.ui;
let modelPath = vscode.getState()?.modelPath ?? '';
let report: ReportHandle | undefined;
/** A reveal that arrived before its report: applied when the report is drawn. */
let pendingReveal: { layer?: string; sample?: number } | undefined;

function remember(path: string): void {
  modelPath = path;
  if (path) vscode.setState({ modelPath, ...(ui ? { ui } : {}) });
}

function modelName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function toolbar(): HTMLElement {
  const refresh = el('vscode-button', { secondary: '', 'aria-label': 'Read the model again' }, 'Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  return el('div', { class: 'toolbar' }, refresh);
}

function clear(): void {
  report?.dispose();
  report = undefined;
}

function showReport(message: Extract<ToPanel, { type: 'report' }>): void {
  clear();
  remember(message.report.model.path);
  const stale = message.stale
    ? el(
        'p',
        { class: 'notice', role: 'status' },
        'This report is from an earlier run: the checkpoint has changed since. Refresh to analyse it again.',
      )
    : null;
  const holder = el('div');
  app.replaceChildren(...(stale ? [stale] : []), holder);
  report = renderReport(holder, message.report, {
    state: ui,
    onState: (state) => {
      ui = { ...state };
      remember(modelPath);
    },
    onExport: (request) => vscode.postMessage({ type: 'export', ...request }),
    onSelect: (layer, sample) => vscode.postMessage({ type: 'select', layer, sample }),
    onGoToSource: (layer) => vscode.postMessage({ type: 'goToSource', layer }),
    onRefresh: (pickInputs) => vscode.postMessage({ type: 'refresh', ...(pickInputs ? { pickInputs } : {}) }),
  });
  if (pendingReveal) report.reveal(pendingReveal.layer, pendingReveal.sample);
  pendingReveal = undefined;
}

function render(message: ToPanel): void {
  switch (message.type) {
    case 'busy':
      remember(message.modelPath);
      if (report) {
        // A new run over a shown report: the report stays readable under the progress until the
        // next snapshot replaces it.
        const banner = renderBusy(message);
        banner.classList.add('busy-banner');
        app.querySelector('.busy-banner')?.remove();
        app.prepend(banner);
        return;
      }
      app.replaceChildren(el('h1', {}, modelName(message.modelPath)), renderBusy(message));
      return;
    case 'summary':
      clear();
      remember(message.summary.path);
      app.replaceChildren(
        el('h1', {}, modelName(message.summary.path)),
        ...(message.notice ? [el('p', { class: 'notice', role: 'status' }, message.notice)] : []),
        toolbar(),
        ...renderSummary(message.summary, { provider: message.provider }),
      );
      return;
    case 'error':
      clear();
      remember(message.modelPath);
      app.replaceChildren(
        el('h1', {}, modelName(message.modelPath)),
        el('p', { class: 'error', role: 'alert' }, describeError(message.error)),
        toolbar(),
      );
      return;
    case 'report':
      showReport(message);
      return;
    case 'reveal':
      if (report) report.reveal(message.layer, message.sample);
      else pendingReveal = { layer: message.layer, sample: message.sample };
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToPanel(event.data)) render(event.data);
});
vscode.postMessage({ type: 'ready' });
