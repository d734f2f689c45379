/**
 * Hand-written layer descriptions for models whose routing detection cannot recognise, read from
 * a sidecar `<model>.moe.json` next to the model (or passed in from the editor settings):
 *
 *   {
 *     "layers": [
 *       { "id": "blocks.2.mixer", "kind": "soft_moe", "dispatch": "<tensor>", "combine": "<tensor>",
 *         "experts": 8, "tokenAxis": 1 },
 *       { "id": "moe.0", "kind": "topk", "probs": "<tensor>", "topkIndices": "<tensor>", "topkWeights": "<tensor>" },
 *       (a sigmoid router names its affinities as "scores" instead of "probs")
 *       { "id": "moe.1", "kind": "expert_choice", "probs": "<tensor>", "selected": "<tensor>", "gates": "<tensor>",
 *         "expertAxis": -1 },
 *       { "id": "adapter", "kind": "smear", "probs": "<tensor>" }
 *     ],
 *     "ignore": ["blocks.5.mlp"]
 *   }
 *
 * A described layer replaces any detected layer that reads the same tensors or has the same id;
 * "ignore" drops detected layers by id. Every named tensor must exist in the graph.
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { MoeScopeError } from '../errors';
import type { GraphIndex } from '../onnx/graph';
import type { LayerCandidate, LayerKind, LayerTensors } from './types';

export interface LayerOverride {
  id: string;
  kind: LayerKind;
  tensors: LayerTensors;
  experts?: number;
  /** Soft MoE: the token axis of dispatch (default 1). Others: the experts axis of probs (default -1). */
  axis?: number;
}

export interface Overrides {
  layers: LayerOverride[];
  ignore: string[];
  /** Where they came from, for messages. */
  source: string;
}

const REQUIRED: Record<LayerKind, (keyof LayerTensors)[]> = {
  soft_moe: ['dispatch', 'combine'],
  topk: ['topkIndices', 'topkWeights'],
  expert_choice: ['probs', 'selected', 'gates'],
  smear: ['probs'],
};
const TENSOR_KEYS: (keyof LayerTensors)[] = [
  'dispatch',
  'combine',
  'logits',
  'probs',
  'scores',
  'topkIndices',
  'topkWeights',
  'selected',
  'gates',
];

export function sidecarOverridesPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.moe.json';
}

export function parseOverrides(value: unknown, source: string): Overrides {
  const fail = (why: string) =>
    new MoeScopeError(
      'BAD_REQUEST',
      `${source}: ${why}.`,
      'See "Layer overrides" in the README for the format.',
    );
  if (typeof value !== 'object' || value === null) throw fail('expected an object with "layers"');
  const { layers = [], ignore = [] } = value as { layers?: unknown; ignore?: unknown };
  if (!Array.isArray(layers)) throw fail('"layers" must be a list');
  if (!Array.isArray(ignore) || !ignore.every((i) => typeof i === 'string'))
    throw fail('"ignore" must be a list of layer ids');
  const parsed = layers.map((entry: unknown, i): LayerOverride => {
    if (typeof entry !== 'object' || entry === null) throw fail(`layers[${i}] must be an object`);
    const e = entry as Record<string, unknown>;
    const kind = e.kind as LayerKind;
    if (!(kind in REQUIRED)) throw fail(`layers[${i}].kind must be soft_moe, topk, expert_choice or smear`);
    const tensors: LayerTensors = {};
    for (const key of TENSOR_KEYS) {
      if (e[key] === undefined) continue;
      if (typeof e[key] !== 'string') throw fail(`layers[${i}].${key} must be a tensor name`);
      tensors[key] = e[key] as string;
    }
    const missing = REQUIRED[kind].filter((key) => !tensors[key]);
    if (kind === 'topk' && !tensors.probs && !tensors.logits && !tensors.scores) missing.push('probs');
    if (missing.length) throw fail(`layers[${i}] (${kind}) needs ${missing.join(', ')}`);
    for (const key of ['experts', 'tokenAxis', 'expertAxis']) {
      if (e[key] !== undefined && !Number.isInteger(e[key]))
        throw fail(`layers[${i}].${key} must be an integer`);
    }
    return {
      id: typeof e.id === 'string' && e.id ? e.id : `${kind}_${i}`,
      kind,
      tensors,
      ...(e.experts !== undefined ? { experts: e.experts as number } : {}),
      ...(e.tokenAxis !== undefined
        ? { axis: e.tokenAxis as number }
        : e.expertAxis !== undefined
          ? { axis: e.expertAxis as number }
          : {}),
    };
  });
  return { layers: parsed, ignore: ignore as string[], source };
}

/** Reads `<model>.moe.json` when it exists. */
export async function readSidecarOverrides(modelPath: string): Promise<Overrides | undefined> {
  const path = sidecarOverridesPath(modelPath);
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `${basename(path)} is not valid JSON: ${(error as Error).message}.`,
    );
  }
  return parseOverrides(value, basename(path));
}

export function applyOverrides(
  graph: GraphIndex,
  detected: LayerCandidate[],
  overrides: Overrides | undefined,
): LayerCandidate[] {
  if (!overrides) return detected;
  const described: LayerCandidate[] = overrides.layers.map((layer) => {
    for (const name of Object.values(layer.tensors)) {
      if (name && !graph.producer.has(name) && !graph.summary.outputs.some((o) => o.name === name)) {
        throw new MoeScopeError(
          'BAD_REQUEST',
          `${overrides.source}: layer ${layer.id} names tensor "${name}", which the model does not have.`,
        );
      }
    }
    const anchorTensor =
      layer.tensors.dispatch ?? layer.tensors.probs ?? layer.tensors.topkIndices ?? layer.tensors.logits!;
    return {
      id: layer.id,
      kind: layer.kind,
      anchor: graph.producer.get(anchorTensor) ?? 0,
      tensors: layer.tensors,
      softmaxAxis: layer.axis ?? (layer.kind === 'soft_moe' ? 1 : -1),
      hints: { weightDims: [], ...(layer.experts ? { namedExperts: layer.experts } : {}) },
      evidence: `described in ${overrides.source}`,
    };
  });
  const describedTensors = new Set(described.flatMap((d) => Object.values(d.tensors)));
  const describedIds = new Set(described.map((d) => d.id));
  const kept = detected.filter(
    (c) =>
      !overrides.ignore.includes(c.id) &&
      !describedIds.has(c.id) &&
      !Object.values(c.tensors).some((t) => describedTensors.has(t)),
  );
  return [...kept, ...described].sort((a, b) => a.anchor - b.anchor);
}
