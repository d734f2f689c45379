/**
 * The engine's request handlers: one function per protocol method. Parameters arrive from another
 * process, so each handler validates them before use.
 */
import { MoeScopeError } from '../core/errors';
import { inspectWithLayers } from '../core/detect/inspectLayers';
import type { EngineMethod, EngineMethods, Progress } from '../protocol/engine';
import { parseOverrides } from '../core/detect/overrides';
import { analyzeModel, AnalyzeOptions } from './analyze';
import { compareHandler } from './compareHandler';
import { ortInfo } from './ort';
import type { ProviderName } from './session';
import { ENGINE_VERSION } from './version';

export interface RequestContext {
  signal: AbortSignal;
  progress(progress: Progress): void;
}

type Handler<M extends EngineMethod> = (
  params: EngineMethods[M]['params'],
  context: RequestContext,
) => Promise<EngineMethods[M]['result']>;

function badParams(method: string, why: string): MoeScopeError {
  return new MoeScopeError('BAD_REQUEST', `Invalid parameters for ${method}: ${why}.`);
}

function cancelled(): MoeScopeError {
  return new MoeScopeError('CANCELLED', 'Cancelled.');
}

/** Resolves after `ms`, or rejects with CANCELLED as soon as the signal aborts. */
function hold(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const ping: Handler<'moeScope/ping'> = async (params, context) => {
  const holdMs = params?.holdMs ?? 0;
  if (typeof holdMs !== 'number' || !(holdMs >= 0 && holdMs <= 60_000)) {
    throw badParams('moeScope/ping', 'holdMs must be a number from 0 to 60000');
  }
  if (holdMs > 0) {
    context.progress({ done: 0, total: holdMs, message: 'holding' });
    await hold(holdMs, context.signal);
  }
  if (params?.echo !== undefined && !(params.echo instanceof Float32Array)) {
    throw badParams('moeScope/ping', 'echo must be a Float32Array');
  }
  const ort = ortInfo();
  return {
    pid: process.pid,
    engineVersion: ENGINE_VERSION,
    nodeVersion: process.versions.node,
    ortVersion: ort.version,
    ...(ort.error ? { ortError: ort.error } : {}),
    providers: ort.providers,
    ...(params?.echo ? { echo: params.echo } : {}),
  };
};

const inspect: Handler<'moeScope/inspect'> = async (params) => {
  if (typeof params?.modelPath !== 'string' || params.modelPath.length === 0) {
    throw badParams('moeScope/inspect', 'modelPath must be a non-empty string');
  }
  const overrides = (params as { overrides?: unknown }).overrides;
  return inspectWithLayers(
    params.modelPath,
    overrides !== undefined ? parseOverrides(overrides, 'the moeScope.layerOverrides setting') : undefined,
  );
};

const PROVIDERS = new Set(['cuda', 'webgpu', 'cpu']);

function optionalString(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    throw badParams('moeScope/analyze', `${key} must be a non-empty string`);
  return value;
}

function optionalCount(params: Record<string, unknown>, key: string, least = 1): number | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) {
    throw badParams('moeScope/analyze', `${key} must be an integer ≥ ${least}`);
  }
  return value;
}

function oneOf<T extends string>(
  params: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw badParams('moeScope/analyze', `${key} must be ${allowed.join(' or ')}`);
  return value as T;
}

function specializationOptions(value: unknown): AnalyzeOptions['specialization'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null)
    throw badParams('moeScope/analyze', 'specialization must be an object');
  const s = value as Record<string, unknown>;
  const renormalize = s.renormalize;
  if (renormalize !== undefined && typeof renormalize !== 'boolean')
    throw badParams('moeScope/analyze', 'specialization.renormalize must be true or false');
  const inputs = optionalCount(s, 'inputs');
  const seeds = optionalCount(s, 'seeds');
  const scope = oneOf(s, 'scope', ['layer', 'all', 'both'] as const);
  const subsets = oneOf(s, 'subsets', ['per-input', 'shared'] as const);
  return {
    inputs: inputs ?? 256,
    ...(seeds ? { seeds } : {}),
    ...(scope ? { scope } : {}),
    ...(subsets ? { subsets } : {}),
    renormalize: renormalize === true,
  };
}

const analyze: Handler<'moeScope/analyze'> = async (params, context) => {
  const p = (params ?? {}) as unknown as Record<string, unknown>;
  const modelPath = optionalString(p, 'modelPath');
  if (!modelPath) throw badParams('moeScope/analyze', 'modelPath must be a non-empty string');
  const providers = p.providers ?? ['cpu'];
  if (!Array.isArray(providers) || !providers.every((x) => PROVIDERS.has(x as string))) {
    throw badParams('moeScope/analyze', 'providers must list cuda, webgpu or cpu');
  }
  const inputsPath = optionalString(p, 'inputsPath');
  const labelsPath = optionalString(p, 'labelsPath');
  const tokenizer = optionalString(p, 'tokenizerPath');
  const limit = optionalCount(p, 'limit');
  const textSplit = oneOf(p, 'textSplit', ['lines', 'whole'] as const);
  const specialization = specializationOptions(p.specialization);
  return analyzeModel(
    {
      modelPath,
      ...(inputsPath ? { inputsPath } : {}),
      ...(labelsPath ? { labelsPath } : {}),
      batchSize: optionalCount(p, 'batchSize') ?? 32,
      ...(limit ? { limit } : {}),
      samples: optionalCount(p, 'samples', 0) ?? 8,
      providers: providers as ProviderName[],
      load: {
        ...(tokenizer ? { tokenizer } : {}),
        ...(textSplit ? { text: { split: textSplit } } : {}),
      },
      ...(p.overrides !== undefined
        ? { overrides: parseOverrides(p.overrides, 'the moeScope.layerOverrides setting') }
        : {}),
      ...(specialization ? { specialization } : {}),
    },
    { signal: context.signal, progress: context.progress },
  );
};

export const handlers: { [M in EngineMethod]: Handler<M> } = {
  'moeScope/ping': ping,
  'moeScope/inspect': inspect,
  'moeScope/analyze': analyze,
  'moeScope/compare': compareHandler,
};
