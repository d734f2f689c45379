/**
 * NodeProto encoding for the nodes MoE Scope adds to a graph, and copies of existing nodes with
 * some names changed (every other field's bytes kept).
 */
import { messageField, stringField, varintField } from './encode';
import { forEachField, readString } from './protobuf';

/** AttributeProto { name = 1, i = 3, type = 20 (INT = 2) }. */
export function intAttribute(name: string, value: number): Uint8Array {
  return messageField(5, [stringField(1, name), varintField(3, value), varintField(20, 2)]);
}

/** A GraphProto node field: NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5 }. */
export function nodeField(
  op: string,
  inputs: string[],
  output: string,
  name: string,
  attributes: Uint8Array[] = [],
): Uint8Array {
  return messageField(1, [
    ...inputs.map((i) => stringField(1, i)),
    stringField(2, output),
    stringField(3, name),
    stringField(4, op),
    ...attributes,
  ]);
}

export interface NodeRenames {
  inputs?: ReadonlyMap<string, string>;
  outputs?: ReadonlyMap<string, string>;
  /** A new node name. */
  name?: string;
}

/** Re-encodes the NodeProto payload bytes[start, end) as a graph node field with names changed. */
export function renamedNode(bytes: Uint8Array, start: number, end: number, renames: NodeRenames): Uint8Array {
  const parts: Uint8Array[] = [];
  forEachField(bytes, start, end, (f) => {
    const map = f.number === 1 ? renames.inputs : f.number === 2 ? renames.outputs : undefined;
    const renamed = map?.get(readString(bytes, f));
    if (renamed !== undefined) parts.push(stringField(f.number, renamed));
    else if (f.number === 3 && renames.name !== undefined) parts.push(stringField(3, renames.name));
    else parts.push(bytes.subarray(f.tagStart, f.end));
  });
  return messageField(1, parts);
}
