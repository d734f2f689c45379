/**
 * Structural hints about a layer's experts, and their resolution once the slot or expert axis
 * size is known from the first batch.
 */
import type { GraphIndex } from '../onnx/graph';
import type { ExpertHints } from './types';

/** Node-name prefix of the scope a node sits in: "/blocks.2/mlp/Softmax" → "/blocks.2/mlp/". */
function scopePrefix(nodeName: string): string | undefined {
  const parts = nodeName.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  return `/${parts.slice(0, -1).join('/')}/`;
}

export function expertHints(graph: GraphIndex, id: string, anchorName: string): ExpertHints {
  const prefix = scopePrefix(anchorName);
  const named = new Set<number>();
  const weightDims: number[][] = [];
  const seenWeights = new Set<string>();
  const addWeight = (name: string) => {
    const header = graph.initializers.get(name);
    if (!header || seenWeights.has(name) || header.dims.length < 3) return;
    seenWeights.add(name);
    weightDims.push(header.dims);
  };
  if (prefix) {
    for (const node of graph.nodes) {
      if (!node.name.startsWith(prefix)) continue;
      const match = /(?:^|[/.])experts?[._/](\d+)(?:[/.]|$)/.exec(node.name.slice(prefix.length - 1));
      if (match) named.add(Number(match[1]));
      for (const input of node.inputs) addWeight(input);
    }
  }
  for (const name of graph.initializers.keys()) if (name.startsWith(`${id}.`)) addWeight(name);
  return { ...(named.size > 0 ? { namedExperts: named.size } : {}), weightDims };
}

/**
 * Splits S Soft MoE slots into n experts × p slots. Evidence, strongest first: named expert
 * modules; a Φ-like weight whose two trailing dims are (n, p) or leading dims are (n, p); stacked
 * expert weights whose leading dim n divides S. Without evidence every slot is its own expert.
 */
export function resolveSlots(
  hints: ExpertHints,
  slots: number,
): { experts: number; slotsPerExpert: number; how: string } {
  if (hints.namedExperts && slots % hints.namedExperts === 0) {
    return {
      experts: hints.namedExperts,
      slotsPerExpert: slots / hints.namedExperts,
      how: 'named expert modules',
    };
  }
  for (const dims of hints.weightDims) {
    const r = dims.length;
    if (dims[r - 2]! * dims[r - 1]! === slots && dims[r - 2]! > 1) {
      return {
        experts: dims[r - 2]!,
        slotsPerExpert: dims[r - 1]!,
        how: `router weight (…, n, p) = [${dims.join(', ')}]`,
      };
    }
    if (r === 3 && dims[0]! * dims[1]! === slots && dims[0]! > 1) {
      return {
        experts: dims[0]!,
        slotsPerExpert: dims[1]!,
        how: `slot parameters (n, p, d) = [${dims.join(', ')}]`,
      };
    }
  }
  const leading = new Map<number, number>();
  for (const dims of hints.weightDims) {
    const n = dims[0]!;
    if (n > 1 && n <= slots && slots % n === 0) leading.set(n, (leading.get(n) ?? 0) + 1);
  }
  const best = [...leading.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  if (best && best[1] >= 2) {
    return {
      experts: best[0],
      slotsPerExpert: slots / best[0],
      how: `stacked expert weights with leading dim ${best[0]}`,
    };
  }
  return { experts: slots, slotsPerExpert: 1, how: 'no expert structure found: one expert per slot' };
}
