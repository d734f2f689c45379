/**
 * Where each confirmed layer can be masked: the tensor that mixes its experts' outputs, how a
 * [batch, experts] mask broadcasts onto it, and which axes sum to per-expert scores.
 *   Soft MoE: combine C [B, m, n·p] (or [B, m, n, p]); scores = combine mass per expert (Algorithm 1).
 *             With `renormalize`, the router logits instead (dropped experts get −∞ before both softmaxes).
 *   SMEAR:    probabilities [B, E] that weight the expert parameters; scores = the probabilities.
 *   Top-k:    the dense gate matrix [B, m, E] built by ScatterElements from the chosen experts'
 *             weights; scores = routed weight per expert. Remaining weights are not renormalised.
 *   Expert choice: the gates [B, E, capacity] each expert gives the tokens it chose; scores = gate
 *             mass per expert. Other experts' gates are left as they are.
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

/**
 * Renormalising Soft MoE masks act on the logits both softmaxes read, so those softmaxes must read
 * the logits directly; returns the combine softmax's axis, or why not.
 */
function renormalizable(graph: GraphIndex, layer: MoeLayer): { combineAxis: number } | string {
  const logits = layer.tensors.logits;
  const dispatch = graph.nodes[graph.producer.get(layer.tensors.dispatch!) ?? -1];
  const combine = graph.nodes[graph.producer.get(layer.tensors.combine!) ?? -1];
  if (!logits || dispatch?.inputs[0] !== logits || combine?.inputs[0] !== logits) {
    return `${layer.id}: the softmaxes do not read the router logits directly, so the renormalising variant is unavailable`;
  }
  const axis = combine.attributes.get('axis');
  return { combineAxis: axis?.type === 'int' ? axis.value : -1 };
}

/** A Soft MoE layer masked at its combine weights C [B, m, n·p]; scores = combine mass per expert. */
export function softMoeCombinePoint(layer: string, combine: string, n: number, p: number): MaskPoint {
  return {
    layer,
    tensor: combine,
    experts: n,
    view: [0, 0, n, p],
    mask: [-1, 1, n, 1],
    back: [0, 0, n * p],
    scoreAxes: [1, 3],
  };
}

function softMoePoint(graph: GraphIndex, layer: MoeLayer, renormalize: boolean): MaskPoint | string {
  const n = layer.experts;
  const p = layer.slotsPerExpert ?? 1;
  const dims = layer.layout.combineDims ?? [];
  if (layer.layout.combineTokenAxis !== 1)
    return `${layer.id}: combine weights are not laid out [batch, tokens, slots]`;
  const flat = { view: [0, 0, n, p], mask: [-1, 1, n, 1], back: [0, 0, n * p], scoreAxes: [1, 3] };
  if (renormalize) {
    const how = renormalizable(graph, layer);
    if (typeof how === 'string') return how;
    if (dims.length !== 2)
      return `${layer.id}: the renormalising variant needs logits laid out [batch, tokens, slots]`;
    return { layer: layer.id, tensor: layer.tensors.logits!, experts: n, ...flat, renormalize: how };
  }
  if (dims.length === 2) return softMoeCombinePoint(layer.id, layer.tensors.combine!, n, p);
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

/**
 * The layer's mask point, in the dtype its routing runs in (the tensors a mask meets are computed
 * alongside the routing tensors detection read), or why it cannot be masked.
 */
export function maskPointFor(graph: GraphIndex, layer: MoeLayer, renormalize = false): MaskPoint | string {
  const point = pointFor(graph, layer, renormalize);
  return typeof point === 'string' || !layer.dtype ? point : { ...point, dtype: layer.dtype };
}

function pointFor(graph: GraphIndex, layer: MoeLayer, renormalize: boolean): MaskPoint | string {
  const n = layer.experts;
  if (layer.kind === 'soft_moe') return softMoePoint(graph, layer, renormalize);
  if (renormalize) return `${layer.id}: the renormalising variant applies to Soft MoE layers only`;
  switch (layer.kind) {
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
      // Gates [B, experts, capacity]: a dropped expert's chosen tokens get nothing from it.
      if (!layer.tensors.gates) return `${layer.id}: no gate tensor to mask`;
      return { layer: layer.id, tensor: layer.tensors.gates, experts: n, mask: [-1, n, 1], scoreAxes: [2] };
  }
}
