/**
 * Soft MoE: one logits tensor feeding two softmaxes, one over tokens (dispatch) and one over slots
 * (combine), possibly through views. Which is which follows from the data flow: the combine weights
 * mix the experts' outputs, which are computed from the dispatched slots, so the dispatch softmax
 * always lies upstream of the combine's consumer.
 */
import type { GraphIndex, OnnxNode } from '../onnx/graph';
import { expertHints } from './hints';
import { layerIdFromScope, moduleScope, sourceLocation } from './scope';
import { consumersThroughViews, nodeAxis, reaches, viewRoot } from './trace';
import type { LayerCandidate } from './types';

export function detectSoftMoe(graph: GraphIndex): LayerCandidate[] {
  const byRoot = new Map<string, OnnxNode[]>();
  for (const node of graph.nodes) {
    if (node.opType !== 'Softmax' || node.domain !== '' || !node.inputs[0]) continue;
    const root = viewRoot(graph, node.inputs[0]);
    byRoot.set(root, [...(byRoot.get(root) ?? []), node]);
  }
  const found: LayerCandidate[] = [];
  for (const [root, softmaxes] of byRoot) {
    if (softmaxes.length < 2) continue;
    const pair = orderPair(graph, softmaxes);
    if (!pair) continue;
    const [dispatch, combine] = pair;
    const scope = moduleScope(dispatch);
    const id = layerIdFromScope(scope, `soft_moe_${dispatch.index}`);
    found.push({
      id,
      kind: 'soft_moe',
      anchor: Math.min(dispatch.index, combine.index),
      tensors: { dispatch: dispatch.outputs[0]!, combine: combine.outputs[0]!, logits: root },
      softmaxAxis: nodeAxis(dispatch, -1),
      hints: expertHints(graph, id, dispatch.name),
      evidence: `softmaxes ${dispatch.name || dispatch.index} (dispatch) and ${combine.name || combine.index} (combine) over one logits tensor`,
      ...withSource(dispatch),
    });
  }
  return found;
}

/** Finds a (dispatch, combine) pair among softmaxes of one root: dispatch feeds the combine's consumer. */
function orderPair(graph: GraphIndex, softmaxes: OnnxNode[]): [OnnxNode, OnnxNode] | undefined {
  for (const a of softmaxes) {
    for (const b of softmaxes) {
      if (a === b) continue;
      const combineConsumers = new Set(consumersThroughViews(graph, b.outputs[0]!).map((c) => c.node.index));
      if (combineConsumers.size === 0) continue;
      if (reaches(graph, a.outputs[0]!, (node) => combineConsumers.has(node.index))) return [a, b];
    }
  }
  return undefined;
}

export function withSource(node: OnnxNode): { source?: { file: string; line: number } } {
  const source = sourceLocation(node);
  return source ? { source } : {};
}
