/**
 * The analysis panel's script. It only renders what the host sends: it announces "ready", then
 * replaces its content with each snapshot. Its own state is the UI's (which model it shows), kept
 * with setState so a restored panel knows what to ask for.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { describeError } from '../../src/core/errors';
import { isToPanel, PanelState, ToPanel } from '../../src/protocol/webview';
import { el } from '../shared/dom';
import { vscodeApi } from '../shared/vscodeApi';
import { renderSummary } from './summaryView';

const vscode = vscodeApi<PanelState>();
const app = document.getElementById('app')!;

function modelName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function toolbar(): HTMLElement {
  const refresh = el('vscode-button', { secondary: '', 'aria-label': 'Read the model again' }, 'Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  return el('div', { class: 'toolbar' }, refresh);
}

function render(message: ToPanel): void {
  switch (message.type) {
    case 'busy':
      vscode.setState({ modelPath: message.modelPath });
      app.replaceChildren(
        el('h1', {}, modelName(message.modelPath)),
        el('p', { class: 'muted' }, message.message),
      );
      return;
    case 'summary':
      vscode.setState({ modelPath: message.summary.path });
      app.replaceChildren(
        el('h1', {}, modelName(message.summary.path)),
        toolbar(),
        ...renderSummary(message.summary, message.provider),
      );
      return;
    case 'error':
      vscode.setState({ modelPath: message.modelPath });
      app.replaceChildren(
        el('h1', {}, modelName(message.modelPath)),
        el('p', { class: 'error', role: 'alert' }, describeError(message.error)),
        toolbar(),
      );
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToPanel(event.data)) render(event.data);
});
vscode.postMessage({ type: 'ready' });
