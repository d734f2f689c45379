/**
 * A small protobuf encoder for tests: builds ModelProto bytes field by field, so parser tests can
 * state exactly what a file contains (including malformed variants) without Python.
 */
export type Part = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

export function concat(...parts: Part[]): Uint8Array {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function varintField(number: number, value: number | bigint): Part {
  return Uint8Array.from([...varint(number * 8), ...varint(value)]);
}

export function bytesField(number: number, payload: Part): Part {
  return concat(Uint8Array.from([...varint(number * 8 + 2), ...varint(payload.length)]), payload);
}

export function stringField(number: number, text: string): Part {
  return bytesField(number, new TextEncoder().encode(text));
}

export function message(number: number, ...fields: Part[]): Part {
  return bytesField(number, concat(...fields));
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
