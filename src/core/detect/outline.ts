/**
 * What the graph alone says about each detected layer, for `moe-scope inspect` and views that must
 * not run the model (untrusted workspaces): kind, experts and slots or k where shapes and weights
 * state them, and where the layer came from. Running the model confirms these numerically.
 */
import type { GraphIndex } from '../onnx/graph';
import type { ModelSummary } from '../onnx/types';
import { resolveSlots } from './hints';
import type { LayerCandidate, LayerKind } from './types';

export interface LayerOutline {
  id: string;
  kind: LayerKind;
  /** Known from static shapes, named expert modules or stacked weights; absent when only a run tells. */
  experts?: number;
  slotsPerExpert?: number;
  /** Top-k k or expert-choice capacity, when a constant in the graph. */
  k?: number;
  evidence: string;
  source?: { file: string; line: number };
}

/** `inspect`'s answer: the model's summary and the layers its graph shows. */
export interface ModelInspection extends ModelSummary {
  /** Detected from structure alone; a run confirms them (and may set some aside). */
  layers: LayerOutline[];
  /** What detection looked for, to say when nothing was found. */
  searched: string;
}

/** The static size of `tensor`'s axis (negative counts from the end), when value_info states it. */
function staticDim(graph: GraphIndex, tensor: string | undefined, axis: number): number | undefined {
  const shape = tensor ? graph.valueInfo.get(tensor)?.shape : undefined;
  if (!shape) return undefined;
  const dim = shape[axis < 0 ? shape.length + axis : axis];
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/** Ops a router's logits pass through on their way to the softmax (or a weight on its way to the MatMul). */
const PASS_THROUGH = new Set([
  'Softmax',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Identity',
  'Cast',
  'Transpose',
  'Reshape',
]);

/**
 * Follows `name` back through pass-through ops (scales, norms, transposes) to a weight of rank 2
 * or 3: its dims, and whether an odd number of Transposes sits between.
 */
function weightBehind(
  graph: GraphIndex,
  name: string | undefined,
  hops = 6,
): { dims: number[]; transposed: boolean } | undefined {
  if (!name || hops === 0) return undefined;
  const header = graph.initializers.get(name);
  if (header) return header.dims.length >= 2 ? { dims: header.dims, transposed: false } : undefined;
  const producer = graph.nodes[graph.producer.get(name) ?? -1];
  if (!producer || !PASS_THROUGH.has(producer.opType)) return undefined;
  for (const input of producer.inputs) {
    const found = weightBehind(graph, input, hops - 1);
    if (found) return producer.opType === 'Transpose' ? { ...found, transposed: !found.transposed } : found;
  }
  return undefined;
}

/**
 * The output width of the router weight behind `tensor`: back through element-wise ops to a
 * MatMul, Gemm or Einsum whose weight is (a scaled or normalised) [d, width] or [d, n, p]
 * initializer (width n·p).
 */
function routerWidth(graph: GraphIndex, tensor: string | undefined): number | undefined {
  let name = tensor;
  for (let step = 0; name && step < 8; step++) {
    const node = graph.nodes[graph.producer.get(name) ?? -1];
    if (!node) return undefined;
    if (node.opType === 'MatMul' || node.opType === 'Gemm' || node.opType === 'Einsum') {
      const transB = node.attributes.get('transB');
      const flip = node.opType === 'Gemm' && transB?.type === 'int' && transB.value === 1;
      const weight = weightBehind(graph, node.inputs[1]) ?? weightBehind(graph, node.inputs[0]);
      if (!weight) return undefined;
      const { dims } = weight;
      if (dims.length === 3) return dims[1]! * dims[2]!;
      if (dims.length !== 2) return undefined;
      return weight.transposed !== flip ? dims[0] : dims[1];
    }
    if (!PASS_THROUGH.has(node.opType)) return undefined;
    name = node.inputs[0];
  }
  return undefined;
}

function softMoeExperts(graph: GraphIndex, c: LayerCandidate): Partial<LayerOutline> {
  const slots = staticDim(graph, c.tensors.combine, -1) ?? routerWidth(graph, c.tensors.logits);
  if (slots !== undefined) {
    // The same split a run makes once it sees the slot axis.
    const split = resolveSlots(c.hints, slots);
    return { experts: split.experts, slotsPerExpert: split.slotsPerExpert };
  }
  return c.hints.namedExperts ? { experts: c.hints.namedExperts } : {};
}

function routedExperts(graph: GraphIndex, c: LayerCandidate): Partial<LayerOutline> {
  const distribution = c.tensors.probs ?? c.tensors.scores;
  const experts =
    staticDim(graph, distribution, c.softmaxAxis) ??
    routerWidth(graph, c.tensors.logits ?? distribution) ??
    c.hints.namedExperts;
  return experts !== undefined ? { experts } : {};
}

export function outlineLayers(graph: GraphIndex, candidates: readonly LayerCandidate[]): LayerOutline[] {
  return candidates.map((c) => {
    const counts = c.kind === 'soft_moe' ? softMoeExperts(graph, c) : routedExperts(graph, c);
    const k = c.k ?? c.computeTopK?.k;
    return {
      id: c.id,
      kind: c.kind,
      ...counts,
      ...(k !== undefined ? { k } : {}),
      evidence: c.evidence,
      ...(c.source ? { source: c.source } : {}),
    };
  });
}
