/**
 * The contract between the extension host (or any client) and the engine process. Method names
 * are namespaced constants; each maps to one params type and one result type. Messages travel over
 * Node's IPC channel with `serialization: 'advanced'` (structured clone), so typed arrays and
 * ArrayBuffers cross as binary, never as JSON number arrays.
 *
 * This file imports neither `vscode` nor the DOM: host, engine, CLI and webview all share it.
 */
import type { ErrorValue } from '../core/errors';
import type { ModelInspection } from '../core/detect/outline';
import type { CompareResult } from '../core/compare/types';
import type { Report } from '../core/report/types';

export interface PingParams {
  /**
   * Hold the reply this long (ms, at most 60 000), honouring cancellation. A diagnostic for
   * health checks and for tests of cancellation and crash recovery.
   */
  holdMs?: number;
  /** Returned unchanged as `echo`: measures and checks binary transfer of tensors over IPC. */
  echo?: Float32Array;
}

export interface PingResult {
  pid: number;
  engineVersion: string;
  nodeVersion: string;
  /** Version of onnxruntime-node when it loaded, or null with the reason in `ortError`. */
  ortVersion: string | null;
  ortError?: string;
  /** Execution providers this onnxruntime-node build can use here (e.g. cpu, webgpu). */
  providers: string[];
  echo?: Float32Array;
}

export interface InspectParams {
  modelPath: string;
  /** Layer descriptions from the moeScope.layerOverrides setting; replace the sidecar file. */
  overrides?: unknown;
}

export interface AnalyzeParams {
  modelPath: string;
  inputsPath?: string;
  labelsPath?: string;
  tokenizerPath?: string;
  batchSize?: number;
  limit?: number;
  samples?: number;
  /** Execution providers to try in order; CPU is always the last resort. */
  providers?: ('cuda' | 'webgpu' | 'cpu')[];
  /** Text files: one sample per line (default) or the whole text as one sample (an editor selection). */
  textSplit?: 'lines' | 'whole';
  /**
   * Hand-written layer descriptions in the sidecar's format (from the `moeScope.layerOverrides`
   * setting); when given they replace the sidecar `<model>.moe.json`.
   */
  overrides?: unknown;
  /** Also run the expert-subset specialization study. */
  specialization?: {
    /** Inputs the study uses (the first ones; default 256). */
    inputs?: number;
    seeds?: number;
    scope?: 'layer' | 'all' | 'both';
    subsets?: 'per-input' | 'shared';
    renormalize?: boolean;
  };
}

/** Two checkpoints on the same inputs: both reports plus the `comparison` section. */
export interface CompareParams {
  modelA: string;
  modelB: string;
  /** Inputs both models read; synthetic inputs from A's input spec when absent. */
  inputsPath?: string;
  labelsPath?: string;
  tokenizerPath?: string;
  /** Text inputs: one sample per line (default) or the whole file as one. */
  textSplit?: 'lines' | 'whole';
  batchSize?: number;
  limit?: number;
  /** Per-token detail kept in each report for this many first samples (default 8). */
  samples?: number;
  providers?: ('cuda' | 'webgpu' | 'cpu')[];
  /** Also run the specialization study on both models (curves per layer pair). */
  specialization?: AnalyzeParams['specialization'];
}

export interface EngineMethods {
  'moeScope/ping': { params: PingParams; result: PingResult };
  'moeScope/inspect': { params: InspectParams; result: ModelInspection };
  'moeScope/analyze': { params: AnalyzeParams; result: Report };
  'moeScope/compare': { params: CompareParams; result: CompareResult };
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];

export const ENGINE_METHODS: readonly EngineMethod[] = [
  'moeScope/ping',
  'moeScope/inspect',
  'moeScope/analyze',
  'moeScope/compare',
];

/** Client → engine. */
export type ToEngine =
  { kind: 'request'; id: number; method: EngineMethod; params: unknown } | { kind: 'cancel'; id: number };

export interface Progress {
  done: number;
  total: number;
  message?: string;
}

/** Engine → client. A failed request is a value (`ok: false`), never a thrown exception. */
export type FromEngine =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorValue }
  | { kind: 'progress'; id: number; progress: Progress }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorValue };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function isToEngine(message: unknown): message is ToEngine {
  if (!isObject(message) || !isRequestId(message.id)) return false;
  if (message.kind === 'cancel') return true;
  return message.kind === 'request' && ENGINE_METHODS.includes(message.method as EngineMethod);
}

export function isFromEngine(message: unknown): message is FromEngine {
  if (!isObject(message)) return false;
  switch (message.kind) {
    case 'response':
      return (
        isRequestId(message.id) && (message.ok === true || (message.ok === false && isObject(message.error)))
      );
    case 'progress':
      return isRequestId(message.id) && isObject(message.progress);
    case 'log':
      return typeof message.message === 'string';
    default:
      return false;
  }
}
