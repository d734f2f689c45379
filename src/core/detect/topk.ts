/**
 * Token-choice top-k and expert choice: a softmax over experts feeding a TopK. The TopK's axis
 * decides the family: over the experts (the softmax axis) it is token choice; over the tokens
 * (typically after a transpose) it is expert choice. A TopK on raw logits whose values feed a
 * softmax (Mixtral's order) is token choice with renormalised weights. An ArgMax over the experts
 * of a softmax (Switch Transformer) is token choice with k = 1.
 */
import type { GraphIndex, OnnxNode } from '../onnx/graph';
import { withSource } from './softMoe';
import { expertHints } from './hints';
import { layerIdFromScope, moduleScope } from './scope';
import { constantValues, consumersOf, nodeAxis, producerOf, VIEW_OPS } from './trace';
import type { LayerCandidate } from './types';

/** Walks from a TopK input up through views to a Softmax, mapping the TopK axis back through transposes. */
function softmaxAbove(
  graph: GraphIndex,
  tensor: string,
  axis: number,
): { softmax: OnnxNode; axis: number | undefined } | undefined {
  let current = tensor;
  let mapped: number | undefined = axis;
  for (let guard = 0; guard < 16; guard++) {
    const node = producerOf(graph, current);
    if (!node) return undefined;
    if (node.opType === 'Softmax') return { softmax: node, axis: mapped };
    if (!VIEW_OPS.has(node.opType)) return undefined;
    if (node.opType === 'Transpose') {
      const perm = node.attributes.get('perm');
      if (perm?.type !== 'ints' || mapped === undefined) mapped = undefined;
      else mapped = perm.value[mapped < 0 ? perm.value.length + mapped : mapped];
    } else if (node.opType !== 'Identity' && node.opType !== 'Cast') {
      mapped = undefined; // Reshapes change axis numbering; confirm numerically.
    }
    current = node.inputs[0]!;
  }
  return undefined;
}

/**
 * DeepSeek-V3 routing: TopK over sigmoid affinities, through views and the Add of a per-expert
 * balance bias (which decides the choice but not the gates).
 */
function sigmoidAbove(graph: GraphIndex, tensor: string): OnnxNode | undefined {
  let current = tensor;
  for (let guard = 0; guard < 16; guard++) {
    const node = producerOf(graph, current);
    if (!node) return undefined;
    if (node.opType === 'Sigmoid') return node;
    if (node.opType === 'Add') {
      // Follow the input that is computed, not the bias (an initializer or constant).
      const computed = node.inputs.filter(
        (i) => i && !graph.initializers.has(i) && producerOf(graph, i)?.opType !== 'Constant',
      );
      if (computed.length !== 1) return undefined;
      current = computed[0]!;
      continue;
    }
    if (!VIEW_OPS.has(node.opType)) return undefined;
    current = node.inputs[0]!;
  }
  return undefined;
}

/** The gates: the chosen affinities (GatherElements by the TopK indices), normalised when they are. */
function gatheredWeights(graph: GraphIndex, scores: string, indices: string): { topkWeights?: string } {
  const gather = gatherAt(graph, scores, indices);
  if (!gather) return {};
  const picked = gather.outputs[0]!;
  return { topkWeights: renormalisedWeights(graph, picked) ?? picked };
}

/** Whether the (mapped) selection axis is the softmax's own axis, the experts' (unknown: assume so). */
function overExperts(graph: GraphIndex, above: { softmax: OnnxNode; axis: number | undefined }): boolean {
  if (above.axis === undefined) return true;
  const rank = graph.valueInfo.get(above.softmax.outputs[0]!)?.shape?.length;
  return sameAxis(above.axis, nodeAxis(above.softmax, -1), rank ?? (above.axis >= 0 ? undefined : 3));
}

/** The node that gathers `source` at the chosen expert `indices` (the gate values), if any. */
function gatherAt(graph: GraphIndex, source: string, indices: string): OnnxNode | undefined {
  return consumersOf(graph, indices).find(
    (n) => (n.opType === 'GatherElements' || n.opType === 'Gather') && n.inputs[0] === source,
  );
}

/** Renormalised weights: TopK values divided by their own sum (Div(values, ReduceSum(values))). */
function renormalisedWeights(graph: GraphIndex, values: string): string | undefined {
  for (const node of consumersOf(graph, values)) {
    if (node.opType !== 'Div' || node.inputs[0] !== values) continue;
    const denominator = producerOf(graph, node.inputs[1]!);
    if (denominator?.opType === 'ReduceSum' && denominator.inputs[0] === values) return node.outputs[0];
  }
  return undefined;
}

function sameAxis(a: number, b: number, rank: number | undefined): boolean {
  if (a === b) return true;
  if (rank === undefined) return false;
  return (a < 0 ? a + rank : a) === (b < 0 ? b + rank : b);
}

export function detectTopK(graph: GraphIndex, bytes: Uint8Array): LayerCandidate[] {
  const found: LayerCandidate[] = [];
  for (const topk of graph.nodes) {
    if (topk.opType !== 'TopK' || topk.domain !== '' || !topk.inputs[0]) continue;
    const [values, indices] = topk.outputs;
    if (!values || !indices) continue;
    const k = topk.inputs[1] ? constantValues(graph, bytes, topk.inputs[1])?.[0] : undefined;
    const topkAxis = nodeAxis(topk, -1);
    const above = softmaxAbove(graph, topk.inputs[0], topkAxis);
    const scope = moduleScope(above?.softmax ?? topk);
    const id = layerIdFromScope(scope, `router_${topk.index}`);
    const base = {
      id,
      anchor: topk.index,
      hints: expertHints(graph, id, topk.name),
      ...(k !== undefined ? { k } : {}),
      ...withSource(topk),
    };
    if (above) {
      const softmaxAxis = nodeAxis(above.softmax, -1);
      const probs = above.softmax.outputs[0]!;
      if (overExperts(graph, above)) {
        found.push({
          ...base,
          kind: 'topk',
          tensors: { probs, topkIndices: indices, topkWeights: renormalisedWeights(graph, values) ?? values },
          softmaxAxis,
          evidence: `TopK ${topk.name || topk.index} over the experts of softmax ${above.softmax.name || above.softmax.index}`,
        });
      } else {
        found.push({
          ...base,
          kind: 'expert_choice',
          tensors: { probs, selected: indices, gates: values },
          softmaxAxis,
          evidence: `TopK ${topk.name || topk.index} over the tokens of softmax ${above.softmax.name || above.softmax.index}`,
        });
      }
      continue;
    }
    const sigmoid = sigmoidAbove(graph, topk.inputs[0]);
    if (sigmoid) {
      const scores = sigmoid.outputs[0]!;
      found.push({
        ...base,
        kind: 'topk',
        tensors: { scores, topkIndices: indices, ...gatheredWeights(graph, scores, indices) },
        softmaxAxis: topkAxis,
        evidence: `TopK ${topk.name || topk.index} over the sigmoid affinities of ${sigmoid.name || sigmoid.index}`,
      });
      continue;
    }
    // Mixtral order: TopK on logits, then a softmax over the k chosen values.
    const softmaxAfter = consumersOf(graph, values).find((n) => n.opType === 'Softmax');
    if (softmaxAfter) {
      found.push({
        ...base,
        kind: 'topk',
        tensors: { logits: topk.inputs[0], topkIndices: indices, topkWeights: softmaxAfter.outputs[0]! },
        softmaxAxis: nodeAxis(softmaxAfter, -1),
        evidence: `TopK ${topk.name || topk.index} on router logits followed by a softmax over the chosen experts`,
      });
    }
  }
  found.push(...detectArgMax(graph));
  return found;
}

/**
 * Switch-style top-1: an ArgMax over the experts of a router softmax, whose choice routes tokens
 * (some node reads it; an ArgMax that only yields a prediction is no router). The chosen
 * expert's probability is its gate, not renormalised, so top-1 is recomputed from the probabilities.
 */
function detectArgMax(graph: GraphIndex): LayerCandidate[] {
  const found: LayerCandidate[] = [];
  for (const argmax of graph.nodes) {
    const chosen = argmax.outputs[0];
    if (argmax.opType !== 'ArgMax' || argmax.domain !== '' || !argmax.inputs[0] || !chosen) continue;
    if (consumersOf(graph, chosen).length === 0) continue;
    const above = softmaxAbove(graph, argmax.inputs[0], nodeAxis(argmax, 0));
    if (!above || !overExperts(graph, above)) continue;
    const probs = above.softmax.outputs[0]!;
    // The gate, where the graph gathers the chosen probability (Switch's ReduceMax is not read).
    const gate = gatherAt(graph, probs, chosen);
    const id = layerIdFromScope(moduleScope(above.softmax), `router_${argmax.index}`);
    found.push({
      id,
      anchor: argmax.index,
      hints: expertHints(graph, id, argmax.name),
      k: 1,
      ...withSource(argmax),
      kind: 'topk',
      tensors: { probs, topkIndices: chosen, ...(gate ? { topkWeights: gate.outputs[0]! } : {}) },
      softmaxAxis: nodeAxis(above.softmax, -1),
      computeTopK: { k: 1, renormalize: false },
      evidence: `ArgMax ${argmax.name || argmax.index} over the experts of softmax ${above.softmax.name || above.softmax.index} (top-1)`,
    });
  }
  return found;
}
