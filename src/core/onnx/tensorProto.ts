/**
 * TensorProto headers: name, dtype and shape, plus where the payload lives (inline raw bytes,
 * typed repeated fields, or an external file). Payloads are located, never decoded, except for
 * small constants that detection needs to read (TopK's k, Reshape targets).
 */
import { Field, forEachField, readInt64s, readString, readVarint, WireType } from './protobuf';
import { dataTypeName } from './types';

export interface ExternalData {
  location: string;
  offset: number;
  /** Bytes to read; undefined means "to the end of the file". */
  length?: number;
}

export interface TensorHeader {
  name: string;
  dtype: string;
  dims: number[];
  /** Span of the raw_data payload, when the data is inline as raw bytes. */
  raw?: [number, number];
  /** Span of a typed repeated field (float_data = 4, int32_data = 5, int64_data = 7, double_data = 10). */
  typed?: { field: number; span: [number, number]; wireType: WireType };
  external?: ExternalData;
  /** Span of the whole TensorProto payload. */
  span: [number, number];
}

const TYPED_FIELDS = new Set([4, 5, 7, 10]);

export function readTensorHeader(bytes: Uint8Array, field: Field): TensorHeader {
  const header: TensorHeader = { name: '', dtype: 'unknown', dims: [], span: [field.start, field.end] };
  let externalEntries: [string, string][] | undefined;
  let dataLocation = 0;
  forEachField(bytes, field.start, field.end, (f) => {
    if (f.number === 1) readInt64s(bytes, f, header.dims);
    else if (f.number === 2 && f.wireType === WireType.Varint) header.dtype = dataTypeName(f.value);
    else if (f.number === 8) header.name = readString(bytes, f);
    else if (f.number === 9) header.raw = [f.start, f.end];
    else if (TYPED_FIELDS.has(f.number))
      header.typed = { field: f.number, span: [f.start, f.end], wireType: f.wireType };
    else if (f.number === 13) (externalEntries ??= []).push(readEntry(bytes, f));
    else if (f.number === 14 && f.wireType === WireType.Varint) dataLocation = f.value;
  });
  if (dataLocation === 1 && externalEntries) {
    const entries = new Map(externalEntries);
    header.external = {
      location: entries.get('location') ?? '',
      offset: Number(entries.get('offset') ?? 0),
      ...(entries.has('length') ? { length: Number(entries.get('length')) } : {}),
    };
  }
  return header;
}

function readEntry(bytes: Uint8Array, field: Field): [string, string] {
  let key = '';
  let value = '';
  forEachField(bytes, field.start, field.end, (f) => {
    if (f.number === 1) key = readString(bytes, f);
    else if (f.number === 2) value = readString(bytes, f);
  });
  return [key, value];
}

/** Elements of a small inline tensor as numbers (int64 via Number), or undefined if not decodable. */
export function readSmallTensorValues(
  bytes: Uint8Array,
  header: TensorHeader,
  maxElements = 4096,
): number[] | undefined {
  const count = header.dims.reduce((a, b) => a * b, 1);
  if (count > maxElements || header.external) return undefined;
  if (header.raw) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + header.raw[0], header.raw[1] - header.raw[0]);
    const values: number[] = [];
    const width: Record<string, number> = {
      float32: 4,
      float64: 8,
      int64: 8,
      int32: 4,
      int8: 1,
      uint8: 1,
      bool: 1,
    };
    const step = width[header.dtype];
    if (!step || view.byteLength < count * step) return undefined;
    for (let i = 0; i < count; i++) {
      const at = i * step;
      switch (header.dtype) {
        case 'float32':
          values.push(view.getFloat32(at, true));
          break;
        case 'float64':
          values.push(view.getFloat64(at, true));
          break;
        case 'int64':
          values.push(Number(view.getBigInt64(at, true)));
          break;
        case 'int32':
          values.push(view.getInt32(at, true));
          break;
        case 'int8':
          values.push(view.getInt8(at));
          break;
        default:
          values.push(view.getUint8(at));
      }
    }
    return values;
  }
  if (header.typed) {
    const [start, end] = header.typed.span;
    const values: number[] = [];
    if (header.typed.field === 4 && header.typed.wireType === WireType.LengthDelimited) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
      for (let at = 0; at + 4 <= view.byteLength; at += 4) values.push(view.getFloat32(at, true));
    } else if (header.typed.field === 10 && header.typed.wireType === WireType.LengthDelimited) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
      for (let at = 0; at + 8 <= view.byteLength; at += 8) values.push(view.getFloat64(at, true));
    } else {
      let pos = start;
      while (pos < end) {
        const [value, next] = readVarint(bytes, pos, end);
        values.push(value);
        pos = next;
      }
    }
    return values;
  }
  return count === 0 ? [] : undefined;
}
