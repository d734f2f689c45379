/**
 * ONNX Runtime's fused MoE operators (com.microsoft MoE and QMoE), as its transformer optimizer
 * emits them. Input 1 ("router_probs") carries the router logits; the kernel applies the softmax
 * and the top-k itself, so MoE Scope recomputes both from the exposed logits using the node's own
 * attributes (k, normalize_routing_weights).
 */
import type { GraphIndex } from '../onnx/graph';
import { intAttribute } from '../onnx/attributes';
import { expertHints } from './hints';
import { layerIdFromScope, moduleScope } from './scope';
import { withSource } from './softMoe';
import type { LayerCandidate } from './types';

const FUSED_OPS = new Set(['MoE', 'QMoE']);

export function detectFusedMoe(graph: GraphIndex): LayerCandidate[] {
  const found: LayerCandidate[] = [];
  for (const node of graph.nodes) {
    if (node.domain !== 'com.microsoft' || !FUSED_OPS.has(node.opType) || !node.inputs[1]) continue;
    const id = layerIdFromScope(moduleScope(node), `moe_${node.index}`);
    const k = intAttribute(node.attributes, 'k', 1);
    const renormalize = intAttribute(node.attributes, 'normalize_routing_weights', 0) === 1;
    found.push({
      id,
      kind: 'topk',
      anchor: node.index,
      tensors: { logits: node.inputs[1] },
      softmaxAxis: -1,
      k,
      computeTopK: { k, renormalize },
      hints: expertHints(graph, id, node.name),
      evidence: `fused com.microsoft.${node.opType} ${node.name || node.index} (k = ${k}${renormalize ? ', renormalised' : ''})`,
      ...withSource(node),
    });
  }
  return found;
}
