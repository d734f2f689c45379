/**
 * The masked model as one graph that runs each row from where its own masks first act:
 *   base:    the model on the batch's inputs with every mask fed its neutral value (mask ones,
 *            keep = n): the unmasked network, once per input, as far as the entries' cuts.
 *   entry i: a copy of the nodes downstream of the masks of points i, i+1, … (core/onnx/split),
 *            for the rows whose masks before point i are neutral. The copy reads the base's
 *            tensors at its cut through Gather nodes (row r takes input sources[r]) and has its
 *            own mask inputs; shape arithmetic it needs is recomputed in the copy, for its own
 *            row count.
 * With an entry per point, a per-layer curve of a late layer pays only for the network after that
 * layer; with one entry at the first point, the base stops there. One session run serves a whole
 * batch of rows. Copies rename every tensor they produce, so each name keeps one producer; value_info is
 * dropped (the copies' tensors change their leading size; ONNX Runtime infers the rest).
 */
import { concatBytes } from './encode';
import type { GraphIndex } from './graph';
import { valueInfoField } from './instrument';
import { intAttribute, nodeField, renamedNode } from './nodes';
import { FieldEdit, rewriteGraph } from './splice';
import { ancestors, planMaskSplit } from './split';
import { readValueInfo } from './summary';
import { readTensorHeader } from './tensorProto';

/** One mask input of a masked point: [rows, width] floats, `neutral` everywhere leaves it off. */
export interface MaskInput {
  name: string;
  width: number;
  neutral: number;
}

export interface RowsEntry {
  /** The first point (in graph order) whose masks this entry's copy reads; it reads every later one's too. */
  start: number;
  /** Those mask inputs. */
  masks: string[];
  /** Nodes of the copy, in graph order. */
  nodes: number[];
  /** Tensors the copy reads from the base or the model's inputs. */
  cut: string[];
}

export interface RowsPlan {
  /** The masked points' inputs, in graph order (where their masks are first read). */
  points: MaskInput[][];
  /** Entries by `start`: one at the first point, or one per point. */
  entries: RowsEntry[];
  /** Nodes of the base: what the entries' cuts and the base outputs need. */
  base: Set<number>;
  /** Cut tensors the base computes (model inputs excluded), each once. */
  cuts: string[];
}

/** How a cut tensor follows the batch: along `axis` in blocks of `block` per input, or not at all. */
export type Crossing = { axis: number; block: number } | 'constant';

export function entryTag(entry: number): string {
  return `.moe_scope.e${entry}`;
}

/** The int64 input listing, for entry `entry`, the base rows each of its rows copies, in blocks of `block`. */
export function rowsInputName(entry: number, block: number): string {
  return `moe_scope.rows.e${entry}.b${block}`;
}

/** Row indices for a rows input: block sources[r] becomes row block r. */
export function rowIndices(sources: readonly number[], block: number): BigInt64Array {
  const out = new BigInt64Array(sources.length * block);
  sources.forEach((source, r) => {
    for (let j = 0; j < block; j++) out[r * block + j] = BigInt(source * block + j);
  });
  return out;
}

/**
 * Plans the entries: `each` point gets one (per-layer studies), or only the `first` (all layers
 * masked at once: the base then stops at the first cut). `baseOutputs` are what the base also
 * computes per input (extras). Returns why not when the masks do not cut the graph.
 */
export function planRows(
  index: GraphIndex,
  points: readonly MaskInput[][],
  baseOutputs: readonly string[],
  entriesAt: 'first' | 'each',
): RowsPlan | string {
  const firstRead = (inputs: MaskInput[]) =>
    Math.min(...inputs.flatMap((i) => index.consumers.get(i.name) ?? []), Infinity);
  const ordered = [...points].sort((a, b) => firstRead(a) - firstRead(b));
  const entries: RowsEntry[] = [];
  const cuts = new Set<string>();
  const starts = entriesAt === 'each' ? ordered.map((_, i) => i) : [0];
  for (const start of starts) {
    const masks = ordered.slice(start).flatMap((inputs) => inputs.map((m) => m.name));
    const split = planMaskSplit(index, new Set(masks));
    if (typeof split === 'string') return split;
    const nodes = [...split.suffixNodes].sort((a, b) => a - b);
    entries.push({ start, masks, nodes, cut: split.cut });
    for (const name of split.computed) cuts.add(name);
  }
  const base = ancestors(index, [...cuts, ...baseOutputs]);
  return { points: ordered, entries, base, cuts: [...cuts] };
}

/** The cut tensors entry `e` copies per row, with how each follows the batch. */
export function gathersOf(
  plan: RowsPlan,
  e: number,
  crossings: ReadonlyMap<string, Crossing>,
): { name: string; axis: number; block: number }[] {
  const gathers: { name: string; axis: number; block: number }[] = [];
  for (const name of plan.entries[e]!.cut) {
    // Model inputs the copy reads follow the batch along axis 0, one row per input.
    const crossing = crossings.get(name) ?? (plan.cuts.includes(name) ? undefined : { axis: 0, block: 1 });
    if (!crossing) throw new RangeError(`no crossing for ${name}`);
    if (crossing !== 'constant') gathers.push({ name, ...crossing });
  }
  return gathers;
}

/** The copy of entry `e`: Gather nodes for its cut, its renamed nodes, its inputs and outputs. */
function entryFields(
  bytes: Uint8Array,
  index: GraphIndex,
  plan: RowsPlan,
  e: number,
  crossings: ReadonlyMap<string, Crossing>,
  outputs: readonly string[],
): Uint8Array[] {
  const entry = plan.entries[e]!;
  const tag = entryTag(e);
  const renames = new Map<string, string>();
  const fields: Uint8Array[] = [];
  const gathers = gathersOf(plan, e, crossings);
  for (const { name, axis, block } of gathers) {
    renames.set(name, `${name}${tag}.rows`);
    fields.push(
      nodeField(
        'Gather',
        [name, rowsInputName(e, block)],
        `${name}${tag}.rows`,
        `moe_scope/rows${tag}/${name}`,
        [intAttribute('axis', axis)],
      ),
    );
  }
  const widths = new Map(plan.points.flat().map((m) => [m.name, m.width] as const));
  for (const name of entry.masks) renames.set(name, name + tag);
  const produced = new Set<string>();
  for (const i of entry.nodes)
    for (const out of index.nodes[i]!.outputs) {
      if (!out) continue;
      renames.set(out, out + tag);
      produced.add(out);
    }
  for (const name of outputs)
    if (!produced.has(name)) throw new RangeError(`${name} does not depend on the masks of entry ${e}`);
  for (const i of entry.nodes) {
    const node = index.nodes[i]!;
    fields.push(
      renamedNode(bytes, node.span[0], node.span[1], {
        inputs: renames,
        outputs: renames,
        name: node.name + tag,
      }),
    );
  }
  // ONNX Runtime plans memory as if inputs sharing a symbolic size had one size, so each
  // differently sized input gets its own symbol.
  for (const name of entry.masks)
    fields.push(valueInfoField(11, name + tag, 'float32', [`moe_scope_rows_e${e}`, widths.get(name)!]));
  for (const block of new Set(gathers.map((g) => g.block)))
    fields.push(valueInfoField(11, rowsInputName(e, block), 'int64', [`moe_scope_rows_e${e}_b${block}`]));
  for (const name of outputs) fields.push(valueInfoField(12, name + tag));
  return fields;
}

/** Every tensor name the `nodes` read. */
function namesRead(index: GraphIndex, nodes: Iterable<number>): Set<string> {
  const used = new Set<string>();
  for (const i of nodes) for (const name of index.nodes[i]!.inputs) if (name) used.add(name);
  return used;
}

/**
 * Graph field edits that keep the nodes in `nodes` (graph order) and the initializers and inputs
 * in `used`; graph outputs and value_info go.
 */
function keepNodes(nodes: ReadonlySet<number>, used: ReadonlySet<string>): FieldEdit {
  let nodeIndex = 0;
  return (field, data) => {
    switch (field.number) {
      case 1:
        return nodes.has(nodeIndex++) ? undefined : null;
      case 5:
        return used.has(readTensorHeader(data, field).name) ? undefined : null;
      case 11:
        return used.has(readValueInfo(data, field.start, field.end).name) ? undefined : null;
      case 12:
      case 13:
        return null;
      default:
        return undefined;
    }
  };
}

/**
 * The base alone (no `entries`: to probe the cuts, with `baseOutputs` out) or the whole
 * rows model: the base with `baseOutputs`, and each entry with `outputs` renamed by its tag.
 */
export function buildRowsModel(
  bytes: Uint8Array,
  index: GraphIndex,
  plan: RowsPlan,
  baseOutputs: readonly string[],
  entries?: { crossings: ReadonlyMap<string, Crossing>; outputs: readonly string[] },
): Uint8Array {
  const copies = entries
    ? plan.entries.map((_, e) => entryFields(bytes, index, plan, e, entries.crossings, entries.outputs))
    : [];
  // The copies read their masks under their own names; the originals stay inputs only where the base reads them.
  const used = namesRead(index, plan.base);
  if (entries)
    for (const entry of plan.entries)
      for (const name of namesRead(index, entry.nodes)) if (!entry.masks.includes(name)) used.add(name);
  return rewriteGraph(bytes, index, keepNodes(plan.base, used), [
    ...copies.map((fields) => concatBytes(fields)),
    ...baseOutputs.map((name) => valueInfoField(12, name)),
  ]);
}
