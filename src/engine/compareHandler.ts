/**
 * The `moeScope/compare` request handler: validates parameters that arrive from another process,
 * then runs the comparison with the request's cancellation and progress.
 */
import type { CompareResult } from '../core/compare/types';
import { MoeScopeError } from '../core/errors';
import type { CompareParams, Progress } from '../protocol/engine';
import { compareModels, CompareOptions } from './compare';
import type { ProviderName } from './session';

const METHOD = 'moeScope/compare';
const PROVIDERS = new Set(['cuda', 'webgpu', 'cpu']);

function bad(why: string): MoeScopeError {
  return new MoeScopeError('BAD_REQUEST', `Invalid parameters for ${METHOD}: ${why}.`);
}

function text(p: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = p[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw bad(`${key} must be a non-empty string`);
  return value;
}

function integer(p: Record<string, unknown>, key: string, least: number): number | undefined {
  const value = p[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least)
    throw bad(`${key} must be an integer ≥ ${least}`);
  return value;
}

/** `p[key]` when it is one of `allowed`; `name` is how the error names the field. */
function oneOf<T extends string>(
  p: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  name = key,
): T | undefined {
  if (p[key] === undefined) return undefined;
  if (!allowed.includes(p[key] as T)) throw bad(`${name} must be ${allowed.join(' or ')}`);
  return p[key] as T;
}

function specialization(value: unknown): CompareOptions['specialization'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw bad('specialization must be an object');
  const s = value as Record<string, unknown>;
  const pick = <T extends string>(key: string, allowed: readonly T[]) =>
    oneOf(s, key, allowed, `specialization.${key}`);
  if (s.renormalize !== undefined && typeof s.renormalize !== 'boolean')
    throw bad('specialization.renormalize must be true or false');
  const seeds = integer(s, 'seeds', 1);
  const scope = pick('scope', ['layer', 'all', 'both'] as const);
  const subsets = pick('subsets', ['per-input', 'shared'] as const);
  return {
    inputs: integer(s, 'inputs', 1) ?? 256,
    ...(seeds ? { seeds } : {}),
    ...(scope ? { scope } : {}),
    ...(subsets ? { subsets } : {}),
    renormalize: s.renormalize === true,
  };
}

export async function compareHandler(
  params: CompareParams,
  context: { signal: AbortSignal; progress(progress: Progress): void },
): Promise<CompareResult> {
  const p = (params ?? {}) as unknown as Record<string, unknown>;
  const providers = p.providers ?? ['cpu'];
  if (!Array.isArray(providers) || !providers.every((x) => PROVIDERS.has(x as string)))
    throw bad('providers must list cuda, webgpu or cpu');
  const optional = {
    inputsPath: text(p, 'inputsPath'),
    labelsPath: text(p, 'labelsPath'),
    limit: integer(p, 'limit', 1),
    specialization: specialization(p.specialization),
  };
  const tokenizer = text(p, 'tokenizerPath');
  const split = oneOf(p, 'textSplit', ['lines', 'whole'] as const);
  return compareModels(
    {
      modelA: text(p, 'modelA', true)!,
      modelB: text(p, 'modelB', true)!,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      batchSize: integer(p, 'batchSize', 1) ?? 32,
      samples: integer(p, 'samples', 0) ?? 8,
      providers: providers as ProviderName[],
      load: {
        ...(tokenizer ? { tokenizer } : {}),
        ...(split ? { text: { split } } : {}),
      },
    },
    { signal: context.signal, progress: context.progress },
  );
}
