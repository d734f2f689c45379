/**
 * Stands in for VS Code around the analysis panel's real script (webview/panel/main.ts): provides
 * `acquireVsCodeApi` (state from the page's address, so a reload can restore it), records what the
 * panel posts and persists, and lets the test send host messages (`window.panelHost`).
 */
import { reportFromJson } from '../../../src/core/report/read';
import type { PanelState } from '../../../src/protocol/webview';
import type { PanelHostApi } from './reportPageApi';

const posted: unknown[] = [];
const saved = new URLSearchParams(location.search).get('state');
let state: PanelState | undefined = saved ? (JSON.parse(saved) as PanelState) : undefined;

(window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage: (message: unknown) => posted.push(message),
  getState: () => state,
  setState: (next: PanelState) => (state = structuredClone(next)),
});

const api: PanelHostApi = {
  send(message) {
    const out =
      'json' in message
        ? { type: 'report', report: reportFromJson(message.json), stale: message.stale }
        : message;
    // As VS Code delivers it: a structured clone, typed arrays intact.
    window.postMessage(out, '*');
  },
  posted: () => posted,
  state: () => state,
};
(window as unknown as { panelHost: PanelHostApi }).panelHost = api;
