/**
 * A minimal protobuf wire-format reader. It walks fields in place over a byte array and never
 * copies: length-delimited fields are returned as [start, end) offsets, so tensor payloads of a
 * multi-gigabyte model are skipped, not decoded. Every read is bounds-checked and a malformed
 * stream raises `ProtobufError` with the byte offset, which callers turn into a user-facing error.
 */

export class ProtobufError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** One field as it sits in the buffer. For varints `value` is the decoded number. */
export interface Field {
  number: number;
  wireType: WireType;
  /** Varint value (int64 beyond 2^53 loses precision, which no ONNX dimension reaches). */
  value: number;
  /** Payload bounds for length-delimited and fixed-width fields. */
  start: number;
  end: number;
  /** Where the field's tag begins: [tagStart, end) is the whole field as serialized. */
  tagStart: number;
}

/** Reads a varint at `offset`; returns [value, nextOffset]. Negative int64 comes back negative. */
export function readVarint(bytes: Uint8Array, offset: number, limit: number): [number, number] {
  let low = 0;
  let high = 0;
  let shift = 0;
  let pos = offset;
  // Low 28 bits as a 32-bit integer, the rest in floating point: exact up to 2^53.
  for (let i = 0; i < 10; i++) {
    if (pos >= limit) throw new ProtobufError('truncated varint', offset);
    const byte = bytes[pos++]!;
    if (shift < 28) {
      low |= (byte & 0x7f) << shift;
    } else {
      high += (byte & 0x7f) * 2 ** (shift - 28);
    }
    shift += 7;
    if ((byte & 0x80) === 0) {
      // Negative int64 values always take 10 bytes; decode those exactly through BigInt.
      if (i === 9) return [Number(BigInt.asIntN(64, readVarintBig(bytes, offset))), pos];
      return [(low >>> 0) + high * 2 ** 28, pos];
    }
  }
  throw new ProtobufError('varint longer than 10 bytes', offset);
}

function readVarintBig(bytes: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = 0; i < 10; i++) value |= BigInt(bytes[offset + i]! & 0x7f) << BigInt(7 * i);
  return value;
}

/**
 * Iterates the fields of one message occupying bytes[start, end). The callback may return `false`
 * to stop early.
 */
export function forEachField(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (field: Field) => boolean | void,
): void {
  let pos = start;
  while (pos < end) {
    const tagOffset = pos;
    const [tag, afterTag] = readVarint(bytes, pos, end);
    pos = afterTag;
    const number = Math.floor(tag / 8);
    const wireType = (tag & 7) as WireType;
    if (number <= 0) throw new ProtobufError(`invalid field number ${number}`, tagOffset);
    const field: Field = { number, wireType, value: 0, start: pos, end: pos, tagStart: tagOffset };
    switch (wireType) {
      case WireType.Varint: {
        const [value, next] = readVarint(bytes, pos, end);
        field.value = value;
        field.end = pos = next;
        break;
      }
      case WireType.Fixed64:
        pos += 8;
        break;
      case WireType.Fixed32:
        pos += 4;
        break;
      case WireType.LengthDelimited: {
        const [length, next] = readVarint(bytes, pos, end);
        if (length < 0) throw new ProtobufError('negative length', pos);
        field.start = next;
        pos = next + length;
        break;
      }
      default:
        // Groups are deprecated and never used by ONNX; meeting one means this is not ONNX.
        throw new ProtobufError(`unsupported wire type ${wireType}`, tagOffset);
    }
    if (pos > end) throw new ProtobufError(`field ${number} runs past the end of its message`, tagOffset);
    if (wireType !== WireType.Varint) field.end = pos;
    if (visit(field) === false) return;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function readString(bytes: Uint8Array, field: Field): string {
  return utf8.decode(bytes.subarray(field.start, field.end));
}

/** Repeated int64 fields may be packed (one length-delimited run) or not (one varint each). */
export function readInt64s(bytes: Uint8Array, field: Field, into: number[]): void {
  if (field.wireType === WireType.Varint) {
    into.push(field.value);
    return;
  }
  let pos = field.start;
  while (pos < field.end) {
    const [value, next] = readVarint(bytes, pos, field.end);
    into.push(value);
    pos = next;
  }
}
