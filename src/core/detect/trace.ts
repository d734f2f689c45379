/** Graph walking helpers shared by the detectors. */
import type { GraphIndex, OnnxNode } from '../onnx/graph';
import { readSmallTensorValues } from '../onnx/tensorProto';

/** Ops that only move or relabel data: routing passes through them unchanged in value. */
export const VIEW_OPS = new Set([
  'Reshape',
  'Flatten',
  'Transpose',
  'Identity',
  'Squeeze',
  'Unsqueeze',
  'Cast',
]);

export function producerOf(graph: GraphIndex, tensor: string): OnnxNode | undefined {
  const index = graph.producer.get(tensor);
  return index === undefined ? undefined : graph.nodes[index];
}

export function consumersOf(graph: GraphIndex, tensor: string): OnnxNode[] {
  return (graph.consumers.get(tensor) ?? []).map((i) => graph.nodes[i]!);
}

/** Follows a tensor upward through view ops to the tensor they view. */
export function viewRoot(graph: GraphIndex, tensor: string): string {
  let current = tensor;
  for (let guard = 0; guard < 64; guard++) {
    const node = producerOf(graph, current);
    if (!node || !VIEW_OPS.has(node.opType) || !node.inputs[0]) return current;
    current = node.inputs[0];
  }
  return current;
}

/** Consumers of a tensor, looking through view ops; each with the chain of views passed. */
export function consumersThroughViews(
  graph: GraphIndex,
  tensor: string,
): { node: OnnxNode; via: OnnxNode[] }[] {
  const found: { node: OnnxNode; via: OnnxNode[] }[] = [];
  const walk = (name: string, via: OnnxNode[]) => {
    for (const node of consumersOf(graph, name)) {
      if (VIEW_OPS.has(node.opType) && node.inputs[0] === name && via.length < 16)
        walk(node.outputs[0]!, [...via, node]);
      else found.push({ node, via });
    }
  };
  walk(tensor, []);
  return found;
}

/** True when `target` is reachable downstream of `from` within `limit` nodes. */
export function reaches(
  graph: GraphIndex,
  from: string,
  target: (node: OnnxNode) => boolean,
  limit = 4000,
): boolean {
  const queue = [from];
  const seen = new Set<string>(queue);
  let visited = 0;
  while (queue.length && visited < limit) {
    const tensor = queue.shift()!;
    for (const node of consumersOf(graph, tensor)) {
      visited++;
      if (target(node)) return true;
      for (const output of node.outputs) {
        if (output && !seen.has(output)) {
          seen.add(output);
          queue.push(output);
        }
      }
    }
  }
  return false;
}

/** Values of a constant tensor (a Constant node's output or an initializer), when small. */
export function constantValues(graph: GraphIndex, bytes: Uint8Array, tensor: string): number[] | undefined {
  const initializer = graph.initializers.get(tensor);
  if (initializer) return readSmallTensorValues(bytes, initializer);
  const node = producerOf(graph, tensor);
  if (node?.opType !== 'Constant') return undefined;
  const value = node.attributes.get('value');
  if (value?.type === 'tensor') return readSmallTensorValues(bytes, value.value);
  const ints = node.attributes.get('value_ints');
  if (ints?.type === 'ints') return ints.value;
  const int = node.attributes.get('value_int');
  if (int?.type === 'int') return [int.value];
  return undefined;
}

export function nodeAxis(node: OnnxNode, fallback: number): number {
  const axis = node.attributes.get('axis');
  return axis?.type === 'int' ? axis.value : fallback;
}
