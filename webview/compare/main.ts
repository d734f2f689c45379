/**
 * The compare panel's script. It only renders what the host sends: it announces "ready", then
 * replaces its content with each snapshot (busy with progress, a notice, an error, or the
 * comparison drawn by renderComparison). Its own state is the UI's (layer pair and sample) plus the
 * two checkpoints and inputs, kept with setState so a restored panel can offer to compare again.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { describeError } from '../../src/core/errors';
import {
  isCompareState,
  isToCompare,
  type CompareState,
  type ToCompare,
} from '../../src/protocol/compareWebview';
import { renderBusy } from '../panel/busyView';
import { button } from '../report/controls';
import { el } from '../shared/dom';
import { compareApi } from './bridge';
import { renderComparison, type CompareHandle } from './compareView';

const vscode = compareApi();
const app = document.getElementById('app')!;
const saved = vscode.getState();
let state: CompareState | undefined = isCompareState(saved) ? saved : undefined;
let view: CompareHandle | undefined;

function remember(next: Partial<CompareState> & Pick<CompareState, 'modelA' | 'modelB'>): void {
  const same = state && state.modelA === next.modelA && state.modelB === next.modelB;
  state = { ...(same ? state : {}), ...next };
  vscode.setState(state);
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function title(message: ToCompare): HTMLElement {
  return el('h1', {}, `${fileName(message.modelA)} ↔ ${fileName(message.modelB)}`);
}

function clear(): void {
  view?.dispose();
  view = undefined;
}

function rerunButton(): HTMLElement {
  const tools = el('div', { class: 'toolbar' });
  tools.append(
    button('Compare again', 'Run the comparison again', () => vscode.postMessage({ type: 'rerun' }), {
      secondary: false,
      testId: 'rerun',
    }),
  );
  return tools;
}

/** Over a comparison shown again after a reload: from when, and whether a checkpoint changed since. */
function restoredNotice(stale: boolean): HTMLElement {
  return el(
    'p',
    { class: 'notice', role: 'status', 'data-testid': 'restored' },
    stale
      ? 'This comparison is from an earlier session, and a checkpoint has changed since. Compare again to update it.'
      : 'This comparison is from an earlier session; the checkpoints are unchanged.',
  );
}

function render(message: ToCompare): void {
  clear();
  remember({ modelA: message.modelA, modelB: message.modelB });
  switch (message.type) {
    case 'busy':
      app.replaceChildren(title(message), renderBusy({ ...message, modelPath: message.modelA }));
      return;
    case 'notice':
      app.replaceChildren(
        title(message),
        el('p', { class: 'notice', role: 'status' }, message.notice),
        ...(message.canRun ? [rerunButton()] : []),
      );
      return;
    case 'error':
      app.replaceChildren(
        title(message),
        el('p', { class: 'error', role: 'alert' }, describeError(message.error)),
        rerunButton(),
      );
      return;
    case 'comparison': {
      remember({ modelA: message.modelA, modelB: message.modelB, inputs: message.inputs });
      const holder = el('div');
      app.replaceChildren(...(message.restored ? [restoredNotice(message.restored.stale)] : []), holder);
      view = renderComparison(holder, message.result, {
        state: state?.ui,
        inputsLabel: message.inputs.label,
        onState: (ui) => remember({ modelA: message.modelA, modelB: message.modelB, ui: { ...ui } }),
        onExport: (request) => {
          // The HTML page is the CLI's (`moe-scope compare --html`); the panel saves PNG, CSV and JSON.
          if (request.format !== 'html')
            vscode.postMessage({ type: 'export', ...request, format: request.format });
        },
        onRerun: () => vscode.postMessage({ type: 'rerun' }),
      });
      return;
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToCompare(event.data)) render(event.data);
});
vscode.postMessage({ type: 'ready' });
