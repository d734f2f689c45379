/**
 * Instrumentation: a copy of the model whose graph also outputs the routing tensors MoE Scope
 * reads. The new ValueInfoProto entries are appended to the GraphProto payload and the graph
 * field's length prefix is rewritten; every other byte of the file (unknown or newer fields
 * included) is copied unchanged, and the original file is never touched.
 */
import { messageField, stringField, varintField } from './encode';
import type { GraphIndex } from './graph';
import { rewriteGraph } from './splice';

/** ONNX TensorProto.DataType codes by the dtype names MoE Scope uses. */
const ELEM_TYPES: Record<string, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
};

export interface ExposedTensor {
  name: string;
  /** dtype name; defaults to the tensor's known dtype, else float32. */
  dtype?: string;
}

/**
 * A graph input (field 11) or output (field 12): ValueInfoProto { name = 1, type = 2 { tensor_type
 * = 1 { elem_type = 1, shape = 2 } } }. The shape is left open unless `dims` gives it: a number
 * is a fixed size (dim_value), a string a symbolic one (dim_param).
 */
export function valueInfoField(
  field: 11 | 12,
  name: string,
  dtype?: string,
  dims?: readonly (number | string)[],
): Uint8Array {
  if (dtype === undefined) return messageField(field, [stringField(1, name)]);
  const elemType = varintField(1, ELEM_TYPES[dtype] ?? 1);
  const shape = dims
    ? [
        messageField(
          2,
          dims.map((d) => messageField(1, [typeof d === 'number' ? varintField(1, d) : stringField(2, d)])),
        ),
      ]
    : [];
  const tensorType = messageField(1, [elemType, ...shape]);
  return messageField(field, [stringField(1, name), messageField(2, [tensorType])]);
}

export function exposeTensors(
  bytes: Uint8Array,
  index: GraphIndex,
  tensors: readonly ExposedTensor[],
): Uint8Array {
  const existing = new Set(index.summary.outputs.map((o) => o.name));
  const added: Uint8Array[] = [];
  for (const tensor of tensors) {
    if (existing.has(tensor.name)) continue;
    if (!index.producer.has(tensor.name) && !index.initializers.has(tensor.name)) {
      throw new RangeError(`cannot expose ${tensor.name}: no node produces it`);
    }
    existing.add(tensor.name);
    const dtype = tensor.dtype ?? inferDtype(index, tensor.name);
    added.push(valueInfoField(12, tensor.name, dtype));
  }
  if (added.length === 0) return bytes;
  return rewriteGraph(bytes, index, () => undefined, added);
}

/** Ops whose output dtype is fixed regardless of their inputs: [op, output index, dtype]. */
const FIXED_OUTPUT_DTYPES: [string, number, string][] = [
  ['TopK', 1, 'int64'],
  ['ArgMax', 0, 'int64'],
  ['ArgMin', 0, 'int64'],
  ['Shape', 0, 'int64'],
  ['Size', 0, 'int64'],
  ['NonZero', 0, 'int64'],
];

const CAST_TARGETS: Record<number, string> = {
  1: 'float32',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  16: 'bfloat16',
};

/**
 * A tensor's dtype when the exporter wrote no value_info for it: fixed by the producing op, set by
 * a Cast, or (for the elementwise and view ops routing tensors pass through) that of its first input.
 */
export function inferDtype(index: GraphIndex, name: string, depth = 0): string {
  const known = index.valueInfo.get(name)?.dtype ?? index.initializers.get(name)?.dtype;
  if (known && known !== 'unknown') return known;
  const input = index.summary.inputs.find((i) => i.name === name);
  if (input) return input.dtype;
  const producerIndex = index.producer.get(name);
  if (producerIndex === undefined || depth > 64) return 'float32';
  const node = index.nodes[producerIndex]!;
  const outputIndex = node.outputs.indexOf(name);
  const fixed = FIXED_OUTPUT_DTYPES.find(([op, at]) => op === node.opType && at === outputIndex);
  if (fixed) return fixed[2];
  if (node.opType === 'ConstantOfShape') {
    const value = node.attributes.get('value');
    return value?.type === 'tensor' ? value.value.dtype : 'float32';
  }
  if (node.opType === 'Cast') {
    const to = node.attributes.get('to');
    return to?.type === 'int' ? (CAST_TARGETS[to.value] ?? 'float32') : 'float32';
  }
  return node.inputs[0] ? inferDtype(index, node.inputs[0], depth + 1) : 'float32';
}
