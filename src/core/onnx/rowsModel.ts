/**
 * The split masked model as one graph: the prefix runs on the inputs, Gather nodes copy each cut
 * tensor to the rows that read it (row r takes input sources[r]), and the suffix runs on the rows.
 * One session run per batch of rows, and the replicated tensors never leave ONNX Runtime.
 *
 * Nodes both parts need (shape arithmetic the suffix recomputes for its own row count) appear
 * twice; the suffix's copy renames its outputs so each tensor still has one producer. value_info
 * is dropped: the suffix's tensors change their leading size, and ONNX Runtime infers the rest.
 */
import { messageField, stringField, varintField } from './encode';
import type { GraphIndex } from './graph';
import { valueInfoField } from './instrument';
import { intAttribute, nodeField, renamedNode } from './nodes';
import { rewriteGraph } from './splice';
import { keepNodes, MaskSplit } from './split';

/** How a cut tensor reaches the rows: along `axis` in blocks of `block` per input, or as it is. */
export type Crossing = { axis: number; block: number } | 'constant';

/** The suffix's name for a tensor both parts compute, or a cut tensor gathered per row. */
const ROWS = '.moe_scope.rows';

/** The int64 input listing, for each row, the input rows it copies in blocks of `block`. */
export function rowsInputName(block: number): string {
  return `moe_scope.rows.${block}`;
}

/** Row indices for `rowsInputName(block)`: block sources[r] becomes row block r. */
export function rowIndices(sources: readonly number[], block: number): BigInt64Array {
  const out = new BigInt64Array(sources.length * block);
  sources.forEach((source, r) => {
    for (let j = 0; j < block; j++) out[r * block + j] = BigInt(source * block + j);
  });
  return out;
}

/** An int64 graph input [rows]. */
function indexInput(name: string): Uint8Array {
  const dims = messageField(2, [messageField(1, [stringField(2, 'moe_scope_rows')])]);
  return messageField(11, [
    stringField(1, name),
    messageField(2, [messageField(1, [varintField(1, 7), dims])]),
  ]);
}

/**
 * Builds the one-graph model. `crossings` says how each cut tensor the prefix computes follows the
 * batch (model inputs the suffix reads follow it along axis 0, one row each). Outputs: `outputs`
 * and the split's extras (the prefix's extras stay one row per input).
 */
export function buildRowsModel(
  bytes: Uint8Array,
  index: GraphIndex,
  split: MaskSplit,
  crossings: ReadonlyMap<string, Crossing>,
  outputs: readonly string[],
): { bytes: Uint8Array; blocks: number[] } {
  const renames = new Map<string, string>();
  const gathers: Uint8Array[] = [];
  const blocks = new Set<number>();
  for (const name of split.cut) {
    const crossing =
      crossings.get(name) ?? (split.computed.includes(name) ? undefined : { axis: 0, block: 1 });
    if (!crossing) throw new RangeError(`no crossing for ${name}`);
    if (crossing === 'constant') continue;
    blocks.add(crossing.block);
    renames.set(name, name + ROWS);
    gathers.push(
      nodeField('Gather', [name, rowsInputName(crossing.block)], name + ROWS, `moe_scope/rows/${name}`, [
        intAttribute('axis', crossing.axis),
      ]),
    );
  }
  const suffixOrder = [...split.suffixNodes].sort((a, b) => a - b);
  for (const i of suffixOrder)
    if (split.prefixNodes.has(i))
      for (const out of index.nodes[i]!.outputs) if (out) renames.set(out, out + ROWS);
  const suffix = suffixOrder.map((i) => {
    const node = index.nodes[i]!;
    const twice = split.prefixNodes.has(i);
    return renamedNode(bytes, node.span[0], node.span[1], {
      inputs: renames,
      ...(twice ? { outputs: renames, name: node.name + ROWS } : {}),
    });
  });

  const model = rewriteGraph(
    bytes,
    index,
    keepNodes(index, split.prefixNodes, () => false, [...split.prefixNodes, ...split.suffixNodes]),
    [
      ...gathers,
      ...suffix,
      ...[...blocks].map((block) => indexInput(rowsInputName(block))),
      ...[...outputs, ...split.suffixExtras, ...split.prefixExtras].map((name) => valueInfoField(12, name)),
    ],
  );
  return { bytes: model, blocks: [...blocks] };
}
