/**
 * Where each confirmed layer can be masked: the tensor that mixes its experts' outputs, how a
 * [batch, experts] mask broadcasts onto it, and which axes sum to per-expert scores.
 *   Soft MoE: combine C [B, m, n·p] (or [B, m, n, p]); scores = combine mass per expert (Algorithm 1).
 *   SMEAR:    probabilities [B, E] that weight the expert parameters; scores = the probabilities.
 *   Top-k:    the dense gate matrix [B, m, E] built by ScatterElements from the chosen experts'
 *             weights; scores = routed weight per expert. Remaining weights are not renormalised.
 */
import type { MoeLayer } from '../core/detect/confirm';
import type { GraphIndex } from '../core/onnx/graph';
import type { MaskPoint } from '../core/onnx/masks';

function gateMatrix(graph: GraphIndex, layer: MoeLayer): string | undefined {
  const indices = layer.tensors.topkIndices;
  if (!indices) return undefined;
  for (const i of graph.consumers.get(indices) ?? []) {
    const node = graph.nodes[i]!;
    if ((node.opType === 'ScatterElements' || node.opType === 'Scatter') && node.inputs[1] === indices)
      return node.outputs[0];
  }
  return undefined;
}

export function maskPointFor(graph: GraphIndex, layer: MoeLayer): MaskPoint | string {
  const n = layer.experts;
  switch (layer.kind) {
    case 'soft_moe': {
      const dims = layer.layout.combineDims ?? [];
      const p = layer.slotsPerExpert ?? 1;
      if (layer.layout.combineTokenAxis !== 1)
        return `${layer.id}: combine weights are not laid out [batch, tokens, slots]`;
      if (dims.length === 2) {
        return {
          layer: layer.id,
          tensor: layer.tensors.combine!,
          experts: n,
          view: [0, 0, n, p],
          mask: [-1, 1, n, 1],
          back: [0, 0, n * p],
          scoreAxes: [1, 3],
        };
      }
      if (dims.length === 3 && dims[1] === n && dims[2] === p) {
        return {
          layer: layer.id,
          tensor: layer.tensors.combine!,
          experts: n,
          mask: [-1, 1, n, 1],
          scoreAxes: [1, 3],
        };
      }
      return `${layer.id}: combine weights [${dims}] do not split into ${n} experts × ${p} slots`;
    }
    case 'smear':
      if (layer.layout.probsRank !== 2) return `${layer.id}: routing probabilities are not [batch, experts]`;
      return { layer: layer.id, tensor: layer.tensors.probs!, experts: n, mask: [-1, n] };
    case 'topk': {
      const gates = gateMatrix(graph, layer);
      if (!gates)
        return `${layer.id}: no dense gate matrix to mask (the experts are mixed inside a fused operator)`;
      return { layer: layer.id, tensor: gates, experts: n, mask: [-1, 1, n], scoreAxes: [1] };
    }
    case 'expert_choice':
      return `${layer.id}: expert-choice ablation is not supported yet`;
  }
}
