/** The busy state: what the host is doing and, when it counts, how far it is (done / total). */
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { ToPanel } from '../../src/protocol/webview';
import { el } from '../shared/dom';

type Busy = Extract<ToPanel, { type: 'busy' }>;

export function renderBusy(message: Busy): HTMLElement {
  const { done, total } = message;
  const counted = typeof done === 'number' && typeof total === 'number' && total > 0;
  const bar = el('vscode-progress-bar', { 'aria-label': message.message });
  if (counted) {
    bar.setAttribute('value', String(Math.min(done, total)));
    bar.setAttribute('max', String(total));
  }
  const progress = counted
    ? ` ${done} / ${total} (${Math.round((100 * Math.min(done, total)) / total)}%)`
    : '';
  return el(
    'div',
    { class: 'busy', role: 'status', 'aria-live': 'polite' },
    bar,
    el('p', { class: 'muted' }, `${message.message}${progress}`),
  );
}
