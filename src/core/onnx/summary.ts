/**
 * Reads what `inspect` shows from a serialized ModelProto: header fields, opsets, metadata, graph
 * inputs/outputs and node counts. Initializers are counted and their names collected (to tell
 * graph inputs from weights in old IR versions) but their bytes are never decoded.
 *
 * Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto,
 * TypeProto, TensorShapeProto).
 */
import { Field, forEachField, ProtobufError, readString, WireType } from './protobuf';
import { dataTypeName, Dim, ModelSummary, OpsetImport, TensorSpec } from './types';

type Bytes = Uint8Array;

function sub<T>(bytes: Bytes, field: Field, read: (bytes: Bytes, start: number, end: number) => T): T {
  if (field.wireType !== WireType.LengthDelimited) {
    throw new ProtobufError(`field ${field.number} should be a message`, field.start);
  }
  return read(bytes, field.start, field.end);
}

function readDim(bytes: Bytes, start: number, end: number): Dim {
  let dim: Dim = null;
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1 && f.wireType === WireType.Varint) dim = f.value;
    else if (f.number === 2 && f.wireType === WireType.LengthDelimited) dim = readString(bytes, f);
  });
  return dim;
}

function readShape(bytes: Bytes, start: number, end: number): Dim[] {
  const dims: Dim[] = [];
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1) dims.push(sub(bytes, f, readDim));
  });
  return dims;
}

function readTensorType(bytes: Bytes, start: number, end: number): { dtype: string; shape: Dim[] | null } {
  let dtype = 'unknown';
  let shape: Dim[] | null = null;
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1 && f.wireType === WireType.Varint) dtype = dataTypeName(f.value);
    else if (f.number === 2) shape = sub(bytes, f, readShape);
  });
  return { dtype, shape };
}

// TypeProto oneof value: tensor_type = 1, sequence_type = 4, map_type = 5, optional_type = 9,
// sparse_tensor_type = 8.
const NON_TENSOR_TYPES: Record<number, string> = { 4: 'sequence', 5: 'map', 8: 'sparse', 9: 'optional' };

function readType(bytes: Bytes, start: number, end: number): { dtype: string; shape: Dim[] | null } {
  let result: { dtype: string; shape: Dim[] | null } = { dtype: 'unknown', shape: null };
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1) result = sub(bytes, f, readTensorType);
    else if (NON_TENSOR_TYPES[f.number]) result = { dtype: NON_TENSOR_TYPES[f.number]!, shape: null };
  });
  return result;
}

export function readValueInfo(bytes: Bytes, start: number, end: number): TensorSpec {
  const spec: TensorSpec = { name: '', dtype: 'unknown', shape: null };
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1) spec.name = readString(bytes, f);
    else if (f.number === 2) Object.assign(spec, sub(bytes, f, readType));
  });
  return spec;
}

export function readOpset(bytes: Bytes, start: number, end: number): OpsetImport {
  const opset: OpsetImport = { domain: '', version: 0 };
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1) opset.domain = readString(bytes, f);
    else if (f.number === 2 && f.wireType === WireType.Varint) opset.version = f.value;
  });
  return opset;
}

function readStringEntry(bytes: Bytes, start: number, end: number): [string, string] {
  let key = '';
  let value = '';
  forEachField(bytes, start, end, (f) => {
    if (f.number === 1) key = readString(bytes, f);
    else if (f.number === 2) value = readString(bytes, f);
  });
  return [key, value];
}

/** NodeProto: only op_type (4) and domain (7) are needed for the summary. */
function readNodeOpType(bytes: Bytes, start: number, end: number): string {
  let opType = '';
  let domain = '';
  forEachField(bytes, start, end, (f) => {
    if (f.number === 4) opType = readString(bytes, f);
    else if (f.number === 7) domain = readString(bytes, f);
  });
  return domain && domain !== 'ai.onnx' ? `${domain}.${opType}` : opType;
}

/** TensorProto: name is field 8. The payload fields are skipped without being read. */
function readInitializerName(bytes: Bytes, start: number, end: number): string {
  let name = '';
  forEachField(bytes, start, end, (f) => {
    if (f.number === 8) name = readString(bytes, f);
  });
  return name;
}

interface GraphParts {
  name: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  nodeCount: number;
  opTypes: Record<string, number>;
  initializerNames: Set<string>;
}

function readGraph(bytes: Bytes, start: number, end: number): GraphParts {
  const graph: GraphParts = {
    name: '',
    inputs: [],
    outputs: [],
    nodeCount: 0,
    opTypes: {},
    initializerNames: new Set(),
  };
  forEachField(bytes, start, end, (f) => {
    switch (f.number) {
      case 1: {
        const op = sub(bytes, f, readNodeOpType);
        graph.opTypes[op] = (graph.opTypes[op] ?? 0) + 1;
        graph.nodeCount++;
        break;
      }
      case 2:
        graph.name = readString(bytes, f);
        break;
      case 5:
        graph.initializerNames.add(sub(bytes, f, readInitializerName));
        break;
      case 11:
        graph.inputs.push(sub(bytes, f, readValueInfo));
        break;
      case 12:
        graph.outputs.push(sub(bytes, f, readValueInfo));
        break;
    }
  });
  return graph;
}

/** Parses the summary. Throws ProtobufError on malformed bytes; callers attach the file name. */
export function readModelSummary(bytes: Uint8Array, path: string): ModelSummary {
  const summary: ModelSummary = {
    path,
    sizeBytes: bytes.byteLength,
    irVersion: 0,
    producer: { name: '', version: '' },
    domain: '',
    modelVersion: 0,
    opset: null,
    opsetImports: [],
    graphName: '',
    inputs: [],
    outputs: [],
    nodeCount: 0,
    initializerCount: 0,
    opTypes: {},
    metadata: {},
  };
  let graph: GraphParts | undefined;
  forEachField(bytes, 0, bytes.byteLength, (f) => {
    switch (f.number) {
      case 1:
        if (f.wireType === WireType.Varint) summary.irVersion = f.value;
        break;
      case 2:
        summary.producer.name = readString(bytes, f);
        break;
      case 3:
        summary.producer.version = readString(bytes, f);
        break;
      case 4:
        summary.domain = readString(bytes, f);
        break;
      case 5:
        if (f.wireType === WireType.Varint) summary.modelVersion = f.value;
        break;
      case 7:
        graph = sub(bytes, f, readGraph);
        break;
      case 8:
        summary.opsetImports.push(sub(bytes, f, readOpset));
        break;
      case 14: {
        const [key, value] = sub(bytes, f, readStringEntry);
        summary.metadata[key] = value;
        break;
      }
    }
  });
  if (!graph) throw new ProtobufError('no graph in the model', 0);
  if (summary.irVersion <= 0) throw new ProtobufError('no IR version in the model', 0);
  const defaultOpset = summary.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  summary.opset = defaultOpset ? defaultOpset.version : null;
  summary.graphName = graph.name;
  // Before IR 4, initializers were also listed as graph inputs; they are weights, not inputs.
  summary.inputs = graph.inputs.filter((input) => !graph!.initializerNames.has(input.name));
  summary.outputs = graph.outputs;
  summary.nodeCount = graph.nodeCount;
  summary.initializerCount = graph.initializerNames.size;
  summary.opTypes = graph.opTypes;
  return summary;
}
