/**
 * SMEAR: one softmax over experts per example whose probabilities weight stacked expert
 * parameters (a weight with a leading experts dimension) to build one merged expert. Attention
 * softmaxes also feed MatMuls, but against activations, never against stored weights.
 */
import type { GraphIndex, OnnxNode } from '../onnx/graph';
import { withSource } from './softMoe';
import { layerIdFromScope, moduleScope } from './scope';
import { consumersThroughViews, nodeAxis, viewRoot } from './trace';
import type { LayerCandidate } from './types';

const MERGING_OPS = new Set(['MatMul', 'Gemm', 'Einsum', 'Mul']);

/** The stacked-weight operand of a merging op, if the other input is a stored weight of rank ≥ 2. */
function stackedWeight(graph: GraphIndex, node: OnnxNode, probsViews: Set<string>): number[] | undefined {
  for (const input of node.inputs) {
    if (probsViews.has(input)) continue;
    const header = graph.initializers.get(viewRoot(graph, input));
    if (header && header.dims.length >= 2 && header.dims[0]! > 1) return header.dims;
  }
  return undefined;
}

export function detectSmear(graph: GraphIndex, claimed: Set<string>): LayerCandidate[] {
  const found: LayerCandidate[] = [];
  for (const softmax of graph.nodes) {
    if (softmax.opType !== 'Softmax' || softmax.domain !== '' || claimed.has(softmax.outputs[0]!)) continue;
    const probs = softmax.outputs[0]!;
    const uses = consumersThroughViews(graph, probs);
    const views = new Set([probs, ...uses.flatMap((u) => u.via.map((v) => v.outputs[0]!))]);
    const merges = uses.filter((u) => MERGING_OPS.has(u.node.opType) && stackedWeight(graph, u.node, views));
    if (merges.length === 0) continue;
    const experts = stackedWeight(graph, merges[0]!.node, views)![0]!;
    const id = layerIdFromScope(moduleScope(softmax), `smear_${softmax.index}`);
    found.push({
      id,
      kind: 'smear',
      anchor: softmax.index,
      tensors: { probs },
      softmaxAxis: nodeAxis(softmax, -1),
      hints: { weightDims: [], namedExperts: experts },
      evidence: `softmax ${softmax.name || softmax.index} weighting ${merges.length} stacked expert weight(s) (leading dim ${experts})`,
      ...withSource(softmax),
    });
  }
  return found;
}
