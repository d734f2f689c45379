/**
 * Test builders over MoE Scope's protobuf encoder: ModelProto bytes field by field, so parser tests can
 * state exactly what a file contains (including malformed variants) without Python.
 */
import {
  concatBytes,
  lengthDelimited,
  messageField,
  stringField,
  varintField,
} from '../../src/core/onnx/encode';

export type Part = Uint8Array;
export { stringField, varintField };

/** Variadic spellings of the core encoder, so test models read like the proto they build. */
export function concat(...parts: Part[]): Uint8Array {
  return concatBytes(parts);
}

export const bytesField = lengthDelimited;

export function message(number: number, ...fields: Part[]): Part {
  return messageField(number, fields);
}

/** ValueInfoProto for a tensor with elem type `elemType` and dims (numbers or symbolic names). */
export function valueInfo(field: number, name: string, elemType: number, dims: (number | string)[]): Part {
  const dimParts = dims.map((d) => message(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d)));
  const tensorType = message(1, varintField(1, elemType), message(2, ...dimParts));
  return message(field, stringField(1, name), message(2, tensorType));
}

export function node(opType: string, domain = ''): Part {
  return message(
    1,
    stringField(1, 'x'),
    stringField(2, 'y'),
    stringField(3, `/${opType}`),
    stringField(4, opType),
    ...(domain ? [stringField(7, domain)] : []),
  );
}

export function initializer(name: string, dims: number[], rawBytes: number): Part {
  return message(
    5,
    ...dims.map((d) => varintField(1, d)),
    varintField(2, 1),
    stringField(8, name),
    bytesField(9, new Uint8Array(rawBytes)),
  );
}
