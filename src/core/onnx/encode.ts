/**
 * Protobuf encoding for the few messages MoE Scope adds to a graph (outputs, inputs, nodes,
 * initializers). Everything it does not add is copied byte for byte from the original file.
 */

export function encodeVarint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export function varintField(number: number, value: number | bigint): Uint8Array {
  return concatBytes([encodeVarint(number * 8), encodeVarint(value)]);
}

export function lengthDelimited(number: number, payload: Uint8Array): Uint8Array {
  return concatBytes([encodeVarint(number * 8 + 2), encodeVarint(payload.byteLength), payload]);
}

export function stringField(number: number, text: string): Uint8Array {
  return lengthDelimited(number, new TextEncoder().encode(text));
}

export function messageField(number: number, fields: readonly Uint8Array[]): Uint8Array {
  return lengthDelimited(number, concatBytes(fields));
}
