/** The compare panel's side of the VS Code bridge, typed with the compare messages. */
import type { CompareState, FromCompare } from '../../src/protocol/compareWebview';

interface CompareApi {
  postMessage(message: FromCompare): void;
  getState(): unknown;
  setState(state: CompareState): void;
}

declare function acquireVsCodeApi(): CompareApi;

let api: CompareApi | undefined;

/** `acquireVsCodeApi` may be called only once per webview. */
export function compareApi(): CompareApi {
  api ??= acquireVsCodeApi();
  return api;
}
