/**
 * AttributeProto reading. Field numbers: name = 1, f = 2 (fixed32), i = 3, s = 4, t = 5, g = 6,
 * floats = 7, ints = 8, strings = 9.
 */
import { Field, forEachField, readInt64s, readString, WireType } from './protobuf';
import { readTensorHeader, TensorHeader } from './tensorProto';

export type AttributeValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: TensorHeader }
  | { type: 'graph' }
  | { type: 'other' };

export function readAttribute(bytes: Uint8Array, field: Field): { name: string; value: AttributeValue } {
  let name = '';
  let value: AttributeValue = { type: 'other' };
  const ints: number[] = [];
  const floats: number[] = [];
  const strings: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  forEachField(bytes, field.start, field.end, (f) => {
    switch (f.number) {
      case 1:
        name = readString(bytes, f);
        break;
      case 2:
        if (f.wireType === WireType.Fixed32) value = { type: 'float', value: view.getFloat32(f.start, true) };
        break;
      case 3:
        if (f.wireType === WireType.Varint) value = { type: 'int', value: f.value };
        break;
      case 4:
        value = { type: 'string', value: readString(bytes, f) };
        break;
      case 5:
        value = { type: 'tensor', value: readTensorHeader(bytes, f) };
        break;
      case 6:
        value = { type: 'graph' };
        break;
      case 7:
        if (f.wireType === WireType.Fixed32) floats.push(view.getFloat32(f.start, true));
        else for (let at = f.start; at + 4 <= f.end; at += 4) floats.push(view.getFloat32(at, true));
        value = { type: 'floats', value: floats };
        break;
      case 8:
        readInt64s(bytes, f, ints);
        value = { type: 'ints', value: ints };
        break;
      case 9:
        strings.push(readString(bytes, f));
        value = { type: 'strings', value: strings };
        break;
    }
  });
  return { name, value };
}

export function intAttribute(
  attributes: Map<string, AttributeValue>,
  name: string,
  fallback: number,
): number {
  const attribute = attributes.get(name);
  return attribute?.type === 'int' ? attribute.value : fallback;
}

export function intsAttribute(attributes: Map<string, AttributeValue>, name: string): number[] | undefined {
  const attribute = attributes.get(name);
  return attribute?.type === 'ints' ? attribute.value : undefined;
}

export function stringAttribute(attributes: Map<string, AttributeValue>, name: string): string | undefined {
  const attribute = attributes.get(name);
  return attribute?.type === 'string' ? attribute.value : undefined;
}
