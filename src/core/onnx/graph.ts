/**
 * A navigable index of an ONNX graph: nodes with their inputs, outputs and attributes, who
 * produces and who consumes each tensor, initializers by name, dtype and shape (their bytes are
 * located, never decoded), and the byte spans instrumentation needs to splice the graph without
 * re-encoding anything it does not change.
 *
 * Field numbers follow onnx/onnx.proto: ModelProto.graph = 7, GraphProto.node = 1, initializer = 5,
 * input = 11, output = 12, value_info = 13; NodeProto input = 1, output = 2, name = 3, op_type = 4,
 * attribute = 5, domain = 7, metadata_props = 9; TensorProto dims = 1, data_type = 2, name = 8,
 * raw_data = 9, external_data = 13, data_location = 14.
 */
import { readAttribute, AttributeValue } from './attributes';
import { Field, forEachField, ProtobufError, readString, WireType } from './protobuf';
import { readModelSummary, readValueInfo } from './summary';
import { readTensorHeader, TensorHeader } from './tensorProto';
import type { ModelSummary, TensorSpec } from './types';

export interface OnnxNode {
  /** Position in the graph's node list (graph order). */
  index: number;
  name: string;
  opType: string;
  /** "" for the default ONNX domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
  metadata: Record<string, string>;
  /** Which overload of a model-local function the node calls ("" for none). */
  overload: string;
  /** Byte span of this NodeProto's payload in the model file. */
  span: [number, number];
}

export interface GraphIndex {
  summary: ModelSummary;
  nodes: OnnxNode[];
  initializers: Map<string, TensorHeader>;
  /** Shapes and dtypes known for intermediate tensors (value_info), inputs and outputs. */
  valueInfo: Map<string, TensorSpec>;
  /** Tensor name → index of the node producing it. */
  producer: Map<string, number>;
  /** Tensor name → indices of the nodes consuming it, in graph order. */
  consumers: Map<string, number[]>;
  /** Byte span of the GraphProto payload, and of the ModelProto field that holds it (tag included). */
  graphSpan: [number, number];
  graphFieldSpan: [number, number];
}

/** The NodeProto payload bytes[start, end); `index` is its place in the graph. */
export function readNode(bytes: Uint8Array, start: number, end: number, index: number): OnnxNode {
  const node: OnnxNode = {
    index,
    name: '',
    opType: '',
    domain: '',
    inputs: [],
    outputs: [],
    attributes: new Map(),
    metadata: {},
    overload: '',
    span: [start, end],
  };
  forEachField(bytes, start, end, (f) => {
    switch (f.number) {
      case 1:
        node.inputs.push(readString(bytes, f));
        break;
      case 2:
        node.outputs.push(readString(bytes, f));
        break;
      case 3:
        node.name = readString(bytes, f);
        break;
      case 4:
        node.opType = readString(bytes, f);
        break;
      case 5: {
        const attribute = readAttribute(bytes, f);
        node.attributes.set(attribute.name, attribute.value);
        break;
      }
      case 7: {
        const domain = readString(bytes, f);
        node.domain = domain === 'ai.onnx' ? '' : domain;
        break;
      }
      case 8:
        node.overload = readString(bytes, f);
        break;
      case 9: {
        let key = '';
        let value = '';
        forEachField(bytes, f.start, f.end, (entry) => {
          if (entry.number === 1) key = readString(bytes, entry);
          else if (entry.number === 2) value = readString(bytes, entry);
        });
        node.metadata[key] = value;
        break;
      }
    }
  });
  return node;
}

/** Indexes the graph of a serialized model. Throws ProtobufError on malformed bytes. */
export function indexGraph(bytes: Uint8Array, path: string): GraphIndex {
  const summary = readModelSummary(bytes, path);
  let graphField: Field | undefined;
  forEachField(bytes, 0, bytes.byteLength, (f) => {
    if (f.number === 7 && f.wireType === WireType.LengthDelimited) graphField = f;
  });
  if (!graphField) throw new ProtobufError('no graph in the model', 0);
  const index: GraphIndex = {
    summary,
    nodes: [],
    initializers: new Map(),
    valueInfo: new Map(),
    producer: new Map(),
    consumers: new Map(),
    graphSpan: [graphField.start, graphField.end],
    graphFieldSpan: [graphField.tagStart, graphField.end],
  };
  forEachField(bytes, graphField.start, graphField.end, (f) => {
    switch (f.number) {
      case 1:
        index.nodes.push(readNode(bytes, f.start, f.end, index.nodes.length));
        break;
      case 5: {
        const header = readTensorHeader(bytes, f);
        index.initializers.set(header.name, header);
        break;
      }
      case 11:
      case 12:
      case 13: {
        const spec = readValueInfo(bytes, f.start, f.end);
        index.valueInfo.set(spec.name, spec);
        break;
      }
    }
  });
  for (const node of index.nodes) {
    for (const output of node.outputs) if (output) index.producer.set(output, node.index);
    for (const input of node.inputs) {
      if (!input) continue;
      const list = index.consumers.get(input);
      if (list) list.push(node.index);
      else index.consumers.set(input, [node.index]);
    }
  }
  return index;
}
