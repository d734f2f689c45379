/**
 * Messages between the extension host and the model view (the editor MoE Scope opens for .onnx
 * files). Each side checks what it receives with the guards below before acting on it.
 */
import type { ErrorValue } from '../core/errors';
import type { PanelSummary } from './webview';

/** The stored report of this checkpoint, in a few lines. */
export interface LatestAnalysis {
  createdAt: string;
  samples: number;
  inputs: string;
  provider: string;
  /** The checkpoint changed since (its SHA-256 differs). */
  stale: boolean;
  /** Per layer id: its measured numbers in a line (CV, Switch balance, entropy). */
  layers: Record<string, string>;
}

/** Host → view: each message is a whole snapshot. */
export type ToModelView =
  | { type: 'inspection'; inspection: PanelSummary; trusted: boolean; latest?: LatestAnalysis }
  | { type: 'error'; modelPath: string; error: ErrorValue };

/** View → host. */
export type FromModelView =
  | { type: 'ready' }
  /** Run "Analyze Experts" on this checkpoint. */
  | { type: 'analyze' }
  /** "Compare Checkpoints" with this one as A. */
  | { type: 'compare' }
  /** Open the stored report in the analysis panel. */
  | { type: 'openReport' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isFromModelView(message: unknown): message is FromModelView {
  return (
    isObject(message) &&
    (message.type === 'ready' ||
      message.type === 'analyze' ||
      message.type === 'compare' ||
      message.type === 'openReport') &&
    Object.keys(message).length === 1
  );
}

function isLatest(value: unknown): value is LatestAnalysis {
  return (
    isObject(value) &&
    typeof value.createdAt === 'string' &&
    typeof value.samples === 'number' &&
    typeof value.inputs === 'string' &&
    typeof value.provider === 'string' &&
    typeof value.stale === 'boolean' &&
    isObject(value.layers) &&
    Object.values(value.layers).every((line) => typeof line === 'string')
  );
}

export function isToModelView(message: unknown): message is ToModelView {
  if (!isObject(message)) return false;
  if (message.type === 'error')
    return (
      typeof message.modelPath === 'string' &&
      isObject(message.error) &&
      typeof message.error.message === 'string'
    );
  if (message.type !== 'inspection' || typeof message.trusted !== 'boolean') return false;
  const inspection = message.inspection;
  return (
    isObject(inspection) &&
    typeof inspection.path === 'string' &&
    Array.isArray(inspection.inputs) &&
    Array.isArray(inspection.outputs) &&
    (inspection.layers === undefined || Array.isArray(inspection.layers)) &&
    (message.latest === undefined || isLatest(message.latest))
  );
}
