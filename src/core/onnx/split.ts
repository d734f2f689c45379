/**
 * Plans where a masked model splits, so that rows of a batch that share an input compute what no
 * mask can change once per input instead of once per row:
 *   suffix: the nodes downstream of the mask inputs, plus the shape arithmetic they read (Shape,
 *           Gather, Concat… over shapes), recomputed there so that shapes follow the suffix's own,
 *           larger batch;
 *   cut:    the tensors the suffix reads from the rest of the model (its prefix).
 * The model that runs builds the prefix once per input and a suffix per entry (rowsModel.ts).
 */
import type { GraphIndex } from './graph';

export interface MaskSplit {
  suffixNodes: Set<number>;
  /** Tensors the suffix reads from the prefix or from the model's inputs, in first-use order. */
  cut: string[];
  /** The cut tensors the prefix computes (the cut without the model's inputs): its outputs, the suffix's added inputs. */
  computed: string[];
}

/** Ops whose output is a shape or a constant: cheap, and batch-dependent when read from a tensor. */
const SHAPE_SOURCES = new Set(['Shape', 'Size', 'Constant']);

function reachedByMasks(index: GraphIndex, masks: ReadonlySet<string>): boolean[] {
  const reached = new Set(masks);
  return index.nodes.map((node) => {
    const hit = node.inputs.some((name) => reached.has(name));
    if (hit) for (const out of node.outputs) if (out) reached.add(out);
    return hit;
  });
}

/** Nodes computing shape arithmetic only: shapes, constants, and ops over nothing else. */
function shapeArithmetic(index: GraphIndex, dependent: boolean[]): boolean[] {
  const shapeLike: boolean[] = [];
  const fromShapes = (name: string) => {
    if (!name || index.initializers.has(name)) return true;
    const producer = index.producer.get(name);
    return producer !== undefined && shapeLike[producer] === true;
  };
  for (const node of index.nodes) {
    shapeLike[node.index] =
      !dependent[node.index] &&
      (SHAPE_SOURCES.has(node.opType) ||
        (node.domain === '' && node.inputs.length > 0 && node.inputs.every(fromShapes)));
  }
  return shapeLike;
}

/** The nodes `targets` are computed from. */
export function ancestors(index: GraphIndex, targets: Iterable<string>): Set<number> {
  const found = new Set<number>();
  const stack = [...targets];
  while (stack.length) {
    const producer = index.producer.get(stack.pop()!);
    if (producer === undefined || found.has(producer)) continue;
    found.add(producer);
    stack.push(...index.nodes[producer]!.inputs.filter(Boolean));
  }
  return found;
}

/**
 * Plans the split; returns why not when the masks do not cut the graph (nested subgraphs that read
 * outer tensors are not followed, so models with control flow are not split).
 */
export function planMaskSplit(index: GraphIndex, masks: ReadonlySet<string>): MaskSplit | string {
  if (
    index.nodes.some((n) => n.attributes.size && [...n.attributes.values()].some((a) => a.type === 'graph'))
  )
    return 'the model has control flow (subgraphs)';
  const dependent = reachedByMasks(index, masks);
  if (!dependent.some(Boolean)) return 'no node reads the expert masks';
  const shapeLike = shapeArithmetic(index, dependent);
  const suffixNodes = new Set<number>();
  const pull = (i: number) => {
    if (suffixNodes.has(i)) return;
    suffixNodes.add(i);
    for (const name of index.nodes[i]!.inputs) {
      const producer = name ? index.producer.get(name) : undefined;
      if (producer !== undefined && !dependent[producer] && shapeLike[producer]) pull(producer);
    }
  };
  dependent.forEach((d, i) => d && pull(i));

  const cut: string[] = [];
  const seen = new Set<string>();
  for (const i of [...suffixNodes].sort((a, b) => a - b)) {
    for (const name of index.nodes[i]!.inputs) {
      if (!name || seen.has(name) || masks.has(name) || index.initializers.has(name)) continue;
      const producer = index.producer.get(name);
      if (producer !== undefined && suffixNodes.has(producer)) continue;
      seen.add(name);
      cut.push(name);
    }
  }
  const modelInputs = new Set(index.summary.inputs.map((i) => i.name));
  const computed = cut.filter((name) => !modelInputs.has(name));
  return { suffixNodes, cut, computed };
}
