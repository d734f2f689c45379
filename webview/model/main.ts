/**
 * The model view's script: what MoE Scope shows when a .onnx file is opened. It renders the
 * snapshot the host sends (the inspection: the file, the MoE layers its graph shows, inputs and
 * outputs, and the latest analysis when there is one) with buttons that hand the work to the
 * commands: Analyze Experts, Compare with…, Open Report.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { describeError } from '../../src/core/errors';
import { FromModelView, isToModelView, LatestAnalysis, ToModelView } from '../../src/protocol/modelView';
import { renderSummary } from '../panel/summaryView';
import { el } from '../shared/dom';
import { vscodeApi } from '../shared/vscodeApi';

const vscode = vscodeApi<undefined, FromModelView>();
const app = document.getElementById('app')!;

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function button(label: string, title: string, message: FromModelView, primary = false): HTMLElement {
  const b = el(
    'vscode-button',
    { title, ...(primary ? {} : { secondary: '' }), 'data-action': message.type },
    label,
  );
  b.addEventListener('click', () => vscode.postMessage(message));
  return b;
}

function latestLine(latest: LatestAnalysis): HTMLElement {
  const when = new Date(latest.createdAt);
  const date = Number.isNaN(when.getTime()) ? latest.createdAt : when.toLocaleString();
  return el(
    'p',
    { class: latest.stale ? 'notice' : 'muted', 'data-testid': 'latest', role: 'status' },
    `Latest analysis: ${latest.samples} samples from ${latest.inputs} on ${latest.provider}, ${date}.`,
    ...(latest.stale ? [' The checkpoint has changed since: analyse it again to update it.'] : []),
  );
}

function render(message: ToModelView): void {
  if (message.type === 'error') {
    app.replaceChildren(
      el('h1', {}, fileName(message.modelPath)),
      el('p', { class: 'error', role: 'alert' }, describeError(message.error)),
    );
    return;
  }
  const { inspection, latest } = message;
  const actions = el(
    'div',
    { class: 'toolbar' },
    button('Analyze Experts', 'Run the model and analyse its routing', { type: 'analyze' }, true),
    button('Compare with…', 'Compare this checkpoint with another', { type: 'compare' }),
    ...(latest
      ? [button('Open Report', 'Show the latest analysis in the panel', { type: 'openReport' })]
      : []),
  );
  app.replaceChildren(
    el('h1', {}, fileName(inspection.path)),
    ...(message.trusted
      ? []
      : [
          el(
            'p',
            { class: 'notice', role: 'status' },
            'This workspace is not trusted: MoE Scope reads the model’s structure but does not run it.',
          ),
        ]),
    actions,
    ...(latest ? [latestLine(latest)] : []),
    ...renderSummary(inspection, latest ? { layerNotes: latest.layers } : {}),
  );
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToModelView(event.data)) render(event.data);
});
vscode.postMessage({ type: 'ready' });
