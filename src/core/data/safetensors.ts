/**
 * Reads Hugging Face .safetensors files:
 *
 *   header length N (uint64 LE) | N bytes of JSON: { "<name>": { "dtype": "F32", "shape": [..],
 *   "data_offsets": [begin, end] }, ..., "__metadata__": { string: string } (optional) } |
 *   data, with offsets relative to its start (byte 8 + N), little-endian, C order.
 *
 * Supported dtypes: F32 F64 F16 I64 I32 I16 I8 U8 BOOL. Tensors are views into the file bytes when
 * aligned (writers pad the header so they are) and copies otherwise. The header length, every
 * offset and every size are checked against the file before anything is read.
 */
import { MoeScopeError } from '../errors';
import { DType, formatShape, Tensor } from '../tensor';
import type { NamedArrays } from './bind';
import { itemSize, viewAs } from './dtypes';
import { readShape } from './shapes';

const DTYPES: Record<string, DType> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER = 100_000_000;

interface Entry {
  dtype: DType;
  shape: number[];
  begin: number;
}

function bad(file: string, problem: string, hint?: string): MoeScopeError {
  return new MoeScopeError('BAD_REQUEST', `${file} is not a readable .safetensors file: ${problem}.`, hint);
}

/** The tensors of a .safetensors file held in `bytes`; `file` names it in messages. */
export function readSafetensors(bytes: Uint8Array, file: string): NamedArrays {
  if (bytes.length < 8) throw bad(file, `it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.length - 8) {
    throw bad(
      file,
      `the header length ${headerLength} runs beyond the end of the file (${bytes.length} bytes)`,
    );
  }
  if (headerLength > MAX_HEADER) throw bad(file, `the header length ${headerLength} exceeds 100 MB`);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    throw bad(file, `the header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw bad(file, 'the header is not a JSON object');
  }
  const entries = new Map<string, Entry>();
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const fail = (problem: string): MoeScopeError => bad(file, `tensor '${name}' ${problem}`);
    if (info === null || typeof info !== 'object') throw fail('has no dtype/shape/data_offsets entry');
    const { dtype: code, shape: shapeValue, data_offsets: offsets } = info as Record<string, unknown>;
    const dtype = typeof code === 'string' ? DTYPES[code] : undefined;
    if (!dtype) {
      throw bad(
        file,
        `tensor '${name}' has dtype ${JSON.stringify(code)}, which MoE Scope cannot read`,
        `Supported: ${Object.keys(DTYPES).join(' ')}.`,
      );
    }
    const shape = readShape(shapeValue, (problem) => fail(`shape ${problem}`));
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
    ) {
      throw fail('data_offsets is not a pair of non-negative integers');
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) {
      throw fail(`data_offsets [${begin}, ${end}] lie outside the ${dataLength} data bytes`);
    }
    const needed = shape.reduce((a, b) => a * b, 1) * itemSize(dtype);
    if (end - begin !== needed) {
      throw fail(
        `is ${dtype} ${formatShape(shape)} (${needed} bytes) but data_offsets span ${end - begin} bytes`,
      );
    }
    entries.set(name, { dtype, shape, begin });
  }
  const describe = (key: string): string => `${file}['${key}']`;
  return {
    file,
    keys: [...entries.keys()],
    describe,
    read(key: string): Tensor {
      const entry = entries.get(key);
      if (!entry) throw new MoeScopeError('BAD_REQUEST', `${file} has no tensor '${key}'.`);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      return {
        dtype: entry.dtype,
        shape: entry.shape,
        data: viewAs(entry.dtype, bytes, dataStart + entry.begin, count),
      };
    },
  };
}
