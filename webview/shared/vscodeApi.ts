/** The webview side of the VS Code bridge, typed. `acquireVsCodeApi` may be called only once. */
import type { FromPanel } from '../../src/protocol/webview';

interface VsCodeApi<State> {
  postMessage(message: FromPanel): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

let api: VsCodeApi<unknown> | undefined;

export function vscodeApi<State>(): VsCodeApi<State> {
  api ??= acquireVsCodeApi<unknown>();
  return api as VsCodeApi<State>;
}
