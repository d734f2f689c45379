/**
 * Messages between the extension host and the analysis panel webview. The webview is untrusted
 * territory from the host's point of view (and the other way round), so both sides validate every
 * message with the guards below before acting on it.
 */
import type { ErrorValue } from '../core/errors';
import type { ModelSummary } from '../core/onnx/types';

/** Host → webview. Each is a whole snapshot: the webview never has to merge deltas. */
export type ToPanel =
  | { type: 'busy'; modelPath: string; message: string }
  | { type: 'summary'; summary: ModelSummary; provider: string | null }
  | { type: 'error'; modelPath: string; error: ErrorValue };

/** Webview → host. */
export type FromPanel = { type: 'ready' } | { type: 'refresh' };

/** UI state the webview keeps across hide/restore (data is always re-sent by the host). */
export interface PanelState {
  modelPath: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isFromPanel(message: unknown): message is FromPanel {
  return isObject(message) && (message.type === 'ready' || message.type === 'refresh');
}

export function isToPanel(message: unknown): message is ToPanel {
  if (!isObject(message)) return false;
  switch (message.type) {
    case 'busy':
      return typeof message.modelPath === 'string' && typeof message.message === 'string';
    case 'summary':
      return isObject(message.summary) && Array.isArray((message.summary as { inputs?: unknown }).inputs);
    case 'error':
      return typeof message.modelPath === 'string' && isObject(message.error);
    default:
      return false;
  }
}

export function isPanelState(value: unknown): value is PanelState {
  return isObject(value) && typeof value.modelPath === 'string' && value.modelPath.length > 0;
}
