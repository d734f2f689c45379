/** The webview side of the VS Code bridge, typed. `acquireVsCodeApi` may be called only once. */
import type { FromPanel } from '../../src/protocol/webview';

interface VsCodeApi<State, Message> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

let api: VsCodeApi<unknown, unknown> | undefined;

/** The bridge, typed by the page's saved state and the messages it may send (the panel's by default). */
export function vscodeApi<State, Message = FromPanel>(): VsCodeApi<State, Message> {
  api ??= acquireVsCodeApi();
  return api as VsCodeApi<State, Message>;
}
