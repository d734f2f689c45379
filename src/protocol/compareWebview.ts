/**
 * Messages between the extension host and the compare panel webview. As with the analysis panel,
 * each side treats the other as untrusted and checks every message with the guards below before
 * acting on it. The comparison crosses as a structured clone: the reports' per-sample matrices stay
 * typed arrays.
 */
import { COMPARISON_SCHEMA, type CompareResult } from '../core/compare/types';
import type { ErrorValue } from '../core/errors';
import { REPORT_SCHEMA } from '../core/report/types';

/** The inputs a comparison ran on, as the panel remembers them to run it again. */
export interface CompareInputs {
  /** Shown in the panel and the progress notification. */
  label: string;
  inputsPath?: string;
  tokenizerPath?: string;
  /** Text inputs: one sample per line, or the whole text (a selection) as one. */
  textSplit?: 'lines' | 'whole';
}

/** The two checkpoints a panel is about (file system paths). */
export interface ComparedPaths {
  modelA: string;
  modelB: string;
}

/** Host → webview: each message is a whole snapshot of what the panel shows. */
export type ToCompare =
  | (ComparedPaths & { type: 'busy'; message: string; done?: number; total?: number })
  | (ComparedPaths & {
      type: 'comparison';
      result: CompareResult;
      inputs: CompareInputs;
      /** Shown again after a reload, from the stored comparison; `stale`: a checkpoint changed since. */
      restored?: { stale: boolean };
    })
  | (ComparedPaths & { type: 'error'; error: ErrorValue })
  /** Nothing to show yet (a restored panel, an untrusted workspace); `canRun` offers "Compare again". */
  | (ComparedPaths & { type: 'notice'; notice: string; canRun: boolean });

export type CompareExportFormat = 'png' | 'csv' | 'json';

/** Webview → host. */
export type FromCompare =
  | { type: 'ready' }
  /** Run the comparison again on the same inputs. */
  | { type: 'rerun' }
  /** PNG bytes or CSV text made in the webview, or the comparison JSON, which the host writes itself. */
  | { type: 'export'; format: CompareExportFormat; fileName: string; data?: Uint8Array | string };

/** What the webview keeps across hide/restore and reload. */
export interface CompareState extends ComparedPaths {
  inputs?: CompareInputs;
  /** The view's UI state (selected layer pair and sample), opaque to the host. */
  ui?: Record<string, unknown>;
}

const MAX_NAME = 255;
const MAX_PATH = 4096;
const MAX_EXPORT_BYTES = 256 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPath(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PATH && !value.includes('\0');
}

function isOptionalPath(value: unknown): boolean {
  return value === undefined || isPath(value);
}

function hasPaths(message: Record<string, unknown>): boolean {
  return isPath(message.modelA) && isPath(message.modelB);
}

function isFileName(value: unknown): value is string {
  // A bare file name: the host chooses the folder, the webview never names a path.
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME && !/[\\/\0]/.test(value);
}

export function isCompareInputs(value: unknown): value is CompareInputs {
  return (
    isObject(value) &&
    typeof value.label === 'string' &&
    value.label.length <= MAX_PATH &&
    isOptionalPath(value.inputsPath) &&
    isOptionalPath(value.tokenizerPath) &&
    (value.textSplit === undefined || value.textSplit === 'lines' || value.textSplit === 'whole')
  );
}

/** The shape the views rely on: the schema, both reports, and the comparison's layer pairs. */
export function isCompareResult(value: unknown): value is CompareResult {
  if (!isObject(value) || value.schema !== COMPARISON_SCHEMA) return false;
  const { a, b, comparison } = value;
  return (
    isObject(a) &&
    a.schema === REPORT_SCHEMA &&
    Array.isArray(a.layers) &&
    isObject(b) &&
    b.schema === REPORT_SCHEMA &&
    Array.isArray(b.layers) &&
    isObject(comparison) &&
    Array.isArray(comparison.layers) &&
    isObject(comparison.unpaired) &&
    Array.isArray(comparison.notes)
  );
}

function isExport(message: Record<string, unknown>): boolean {
  const { format, data } = message;
  if (!isFileName(message.fileName)) return false;
  if (format === 'png') return data instanceof Uint8Array && data.byteLength <= MAX_EXPORT_BYTES;
  if (format === 'csv') return typeof data === 'string' && data.length <= MAX_EXPORT_BYTES;
  return format === 'json' && data === undefined;
}

export function isFromCompare(message: unknown): message is FromCompare {
  if (!isObject(message)) return false;
  switch (message.type) {
    case 'ready':
    case 'rerun':
      return true;
    case 'export':
      return isExport(message);
    default:
      return false;
  }
}

export function isToCompare(message: unknown): message is ToCompare {
  if (!isObject(message) || !hasPaths(message)) return false;
  switch (message.type) {
    case 'busy':
      return (
        typeof message.message === 'string' &&
        (message.done === undefined || typeof message.done === 'number') &&
        (message.total === undefined || typeof message.total === 'number')
      );
    case 'comparison':
      return (
        isCompareResult(message.result) &&
        isCompareInputs(message.inputs) &&
        (message.restored === undefined ||
          (isObject(message.restored) && typeof message.restored.stale === 'boolean'))
      );
    case 'error':
      return isObject(message.error) && typeof message.error.message === 'string';
    case 'notice':
      return typeof message.notice === 'string' && typeof message.canRun === 'boolean';
    default:
      return false;
  }
}

export function isCompareState(value: unknown): value is CompareState {
  return (
    isObject(value) &&
    hasPaths(value) &&
    (value.inputs === undefined || isCompareInputs(value.inputs)) &&
    (value.ui === undefined || isObject(value.ui))
  );
}
