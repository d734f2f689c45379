/**
 * Messages between the extension host and the analysis panel webview. The webview is untrusted
 * territory from the host's point of view (and the other way round), so both sides validate every
 * message with the guards below before acting on it. Reports cross as structured clones: their
 * matrices stay typed arrays (binary), never JSON number lists.
 */
import type { ErrorValue } from '../core/errors';
import type { LayerOutline } from '../core/detect/outline';
import type { ModelSummary } from '../core/onnx/types';
import type { Report } from '../core/report/types';

/** Host → webview. Each is a whole snapshot, except `reveal`, which only moves the selection. */
/** What inspection found: the file's summary and the MoE layers its graph shows (absent in old state). */
export type PanelSummary = ModelSummary & { layers?: LayerOutline[]; searched?: string };

export type ToPanel =
  | { type: 'busy'; modelPath: string; message: string; done?: number; total?: number }
  /** Inspection only: the workspace is untrusted or the user has not run the model yet. */
  | { type: 'summary'; summary: PanelSummary; provider: string | null; notice?: string }
  | { type: 'report'; report: Report; stale?: boolean }
  | { type: 'error'; modelPath: string; error: ErrorValue }
  | { type: 'reveal'; layer?: string; sample?: number };

export type ExportFormat = 'png' | 'csv' | 'json' | 'html';

/** Webview → host. */
export type FromPanel =
  | { type: 'ready' }
  /** Run the analysis again (new inputs are asked for when `pickInputs` is true). */
  | { type: 'refresh'; pickInputs?: boolean }
  /**
   * Save something: PNG bytes or CSV text made in the webview (`data`), or the report as JSON or a
   * standalone HTML page, which the host writes itself (no `data`).
   */
  | { type: 'export'; format: ExportFormat; fileName: string; data?: Uint8Array | string }
  /** The user selected a layer / sample: the host mirrors it in editor decorations. */
  | { type: 'select'; layer: string; sample: number }
  | { type: 'goToSource'; layer: string };

/** What the webview keeps across hide/restore and reload: the checkpoint and its own UI state. */
export interface PanelState {
  modelPath: string;
  /** The view's UI state (selected view, layer, sample…), opaque to the host. */
  ui?: Record<string, unknown>;
}

const MAX_NAME = 255;
const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isFileName(value: unknown): value is string {
  // A bare file name: the host chooses the folder, the webview never names a path.
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME && !/[\\/\0]/.test(value);
}

function isExport(message: Record<string, unknown>): boolean {
  const format = message.format;
  if (format !== 'png' && format !== 'csv' && format !== 'json' && format !== 'html') return false;
  if (!isFileName(message.fileName)) return false;
  const data = message.data;
  if (format === 'png') return data instanceof Uint8Array && data.byteLength <= MAX_EXPORT_BYTES;
  if (format === 'csv') return typeof data === 'string' && data.length <= MAX_EXPORT_BYTES;
  return data === undefined;
}

export function isFromPanel(message: unknown): message is FromPanel {
  if (!isObject(message)) return false;
  switch (message.type) {
    case 'ready':
      return true;
    case 'refresh':
      return message.pickInputs === undefined || typeof message.pickInputs === 'boolean';
    case 'export':
      return isExport(message);
    case 'select':
      return (
        typeof message.layer === 'string' &&
        typeof message.sample === 'number' &&
        Number.isInteger(message.sample) &&
        message.sample >= 0
      );
    case 'goToSource':
      return typeof message.layer === 'string' && message.layer.length > 0;
    default:
      return false;
  }
}

export function isToPanel(message: unknown): message is ToPanel {
  if (!isObject(message)) return false;
  switch (message.type) {
    case 'busy':
      return typeof message.modelPath === 'string' && typeof message.message === 'string';
    case 'summary':
      if (!isObject(message.summary)) return false;
      return (
        Array.isArray(message.summary.inputs) &&
        (message.summary.layers === undefined || Array.isArray(message.summary.layers))
      );
    case 'report':
      return (
        isObject(message.report) &&
        message.report.schema === 'moe-scope/report@1' &&
        Array.isArray(message.report.layers)
      );
    case 'error':
      return typeof message.modelPath === 'string' && isObject(message.error);
    case 'reveal':
      return (
        (message.layer === undefined || typeof message.layer === 'string') &&
        (message.sample === undefined || typeof message.sample === 'number')
      );
    default:
      return false;
  }
}

export function isPanelState(value: unknown): value is PanelState {
  return (
    isObject(value) &&
    typeof value.modelPath === 'string' &&
    value.modelPath.length > 0 &&
    (value.ui === undefined || isObject(value.ui))
  );
}
