/**
 * Finds the MoE layers of a graph: each family's detector proposes candidates from structure
 * alone; `confirm` later checks them against the first batch of real tensors.
 */
import type { GraphIndex } from '../onnx/graph';
import { detectFusedMoe } from './fused';
import { detectSmear } from './smear';
import { detectSoftMoe } from './softMoe';
import { detectTopK } from './topk';
import type { Detection, LayerCandidate } from './types';

export function detectLayers(graph: GraphIndex, bytes: Uint8Array): Detection {
  const softMoe = detectSoftMoe(graph);
  const topk = [...detectTopK(graph, bytes), ...detectFusedMoe(graph)];
  const claimed = new Set<string>();
  for (const c of [...softMoe, ...topk]) {
    for (const name of [c.tensors.dispatch, c.tensors.combine, c.tensors.probs, c.tensors.scores])
      if (name) claimed.add(name);
  }
  const smear = detectSmear(graph, claimed);
  const candidates = uniqueIds([...softMoe, ...topk, ...smear].sort((a, b) => a.anchor - b.anchor));
  const softmaxes = graph.nodes.filter((n) => n.opType === 'Softmax').length;
  const topks = graph.nodes.filter((n) => n.opType === 'TopK').length;
  const argmaxes = graph.nodes.filter((n) => n.opType === 'ArgMax').length;
  const sigmoids = graph.nodes.filter((n) => n.opType === 'Sigmoid').length;
  const fused = graph.nodes.filter(
    (n) => n.domain === 'com.microsoft' && (n.opType === 'MoE' || n.opType === 'QMoE'),
  ).length;
  const searched =
    `searched ${graph.nodes.length} nodes: ${softmaxes} Softmax, ${sigmoids} Sigmoid, ${topks} TopK and ${argmaxes} ArgMax nodes for Soft MoE (token- and slot-axis ` +
    'softmaxes over one logits tensor), top-k and expert-choice routers (softmax or sigmoid → TopK, softmax → ArgMax) and SMEAR routers ' +
    `(softmax weighting stacked expert weights), and ${fused} fused com.microsoft MoE/QMoE nodes`;
  return { candidates, searched };
}

/** Two routers in one module (rare) get suffixed ids so every layer id stays unique. */
function uniqueIds(candidates: LayerCandidate[]): LayerCandidate[] {
  const seen = new Map<string, number>();
  return candidates.map((c) => {
    const count = seen.get(c.id) ?? 0;
    seen.set(c.id, count + 1);
    return count === 0 ? c : { ...c, id: `${c.id}#${count + 1}` };
  });
}
