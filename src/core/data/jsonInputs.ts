/**
 * Reads model inputs written as JSON, either
 *   { "<input name>": nested arrays, ..., "labels": [ ... ] }   (labels optional), or
 *   a bare nested array, for a model with exactly one input.
 *
 * JSON has no dtypes, so each array is built directly in the dtype of the input it feeds:
 *  - float inputs take numbers, plus the strings "NaN", "Infinity" and "-Infinity" (JSON has no
 *    literal for them; Python's json.dumps writes bare NaN, which is not JSON). Non-finite values
 *    then go through the usual check: an error unless allowNonFinite is set.
 *  - integer inputs take integral numbers within the dtype's range; int64 also takes decimal
 *    strings ("9007199254740993") for values beyond 2^53, which JSON numbers cannot carry exactly.
 *  - bool inputs take true/false or 0/1.
 * Arrays must be rectangular (every row the same length).
 */
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { DType, formatShape, Tensor, TypedArrayOf, zeros } from '../tensor';
import type { NamedArrays } from './bind';
import { float32ToFloat16 } from './dtypes';
import { MAX_RANK } from './shapes';

/** JSON text beyond this cannot become a JavaScript string at all. */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int32: [-2147483648, 2147483647],
  int16: [-32768, 32767],
  int8: [-128, 127],
  uint8: [0, 255],
};

const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

function badValue(where: string, index: number[], problem: string, hint?: string): MoeScopeError {
  const at = index.length ? ` at ${formatShape(index)}` : '';
  return new MoeScopeError('BAD_REQUEST', `${where}${at}: ${problem}.`, hint);
}

/** Shape of a nested array, following first elements; the fill checks that it is rectangular. */
function inferShape(value: unknown, where: string): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    if (shape.length === MAX_RANK) throw badValue(where, [], `nests deeper than ${MAX_RANK} levels`);
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** Builds a tensor of `dtype` from a JSON value (nested arrays of scalars, or one scalar). */
export function tensorFromJson(value: unknown, dtype: DType, where: string): Tensor {
  const shape = inferShape(value, where);
  const t = zeros(dtype, shape);
  const data = t.data as TypedArrayOf[DType];
  const index: number[] = [];
  let flat = 0;
  const leaf = (v: unknown): void => {
    if (dtype === 'float32' || dtype === 'float64' || dtype === 'float16') {
      const x = typeof v === 'number' ? v : typeof v === 'string' ? NON_FINITE[v] : undefined;
      if (x === undefined) {
        throw badValue(
          where,
          index,
          `${JSON.stringify(v)} is not a number`,
          'Write NaN/Inf as "NaN", "Infinity", "-Infinity".',
        );
      }
      (data as Float32Array)[flat] = dtype === 'float16' ? float32ToFloat16(x) : x;
    } else if (dtype === 'bool') {
      if (v !== true && v !== false && v !== 0 && v !== 1) {
        throw badValue(where, index, `${JSON.stringify(v)} is not a boolean (true/false or 0/1)`);
      }
      (data as Uint8Array)[flat] = v === true || v === 1 ? 1 : 0;
    } else if (dtype === 'int64') {
      let x: bigint | undefined;
      if (typeof v === 'number' && Number.isSafeInteger(v)) x = BigInt(v);
      else if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) x = BigInt(v);
      if (x === undefined || x > 9223372036854775807n || x < -9223372036854775808n) {
        throw badValue(
          where,
          index,
          `${JSON.stringify(v)} is not an int64 value`,
          'Integers beyond 2^53 must be written as decimal strings to stay exact.',
        );
      }
      (data as BigInt64Array)[flat] = x;
    } else {
      const [lo, hi] = INT_RANGE[dtype]!;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
        throw badValue(
          where,
          index,
          `${JSON.stringify(v)} is not ${dtype.startsWith('i') ? 'an' : 'a'} ${dtype} value (an integer in [${lo}, ${hi}])`,
        );
      }
      (data as Int32Array)[flat] = v;
    }
    flat++;
  };
  const fill = (v: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw badValue(where, index, 'is ragged: an array where a number belongs');
      leaf(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `${v.length} elements` : JSON.stringify(v);
      throw badValue(where, index, `is ragged: expected ${shape[depth]} elements, found ${got}`);
    }
    for (let i = 0; i < v.length; i++) {
      index.push(i);
      fill(v[i], depth + 1);
      index.pop();
    }
  };
  fill(value, 0);
  return t;
}

/** Parses JSON input text; `file` names it in messages. */
export function parseJsonInputs(text: string, file: string, modelInputs: TensorSpec[]): NamedArrays {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hint = /\b(NaN|-?Infinity)\b/.test(text)
      ? 'JSON has no NaN or Infinity literals: write them as the strings "NaN", "Infinity", "-Infinity".'
      : undefined;
    throw new MoeScopeError('BAD_REQUEST', `${file} is not valid JSON: ${(error as Error).message}.`, hint);
  }
  if (Array.isArray(value)) {
    if (modelInputs.length !== 1) {
      throw new MoeScopeError(
        'BAD_REQUEST',
        `${file} holds one bare array but the model has ${modelInputs.length} inputs (${modelInputs.map((s) => `'${s.name}'`).join(', ')}).`,
        'Write an object with one array per input name: {"<input>": [...], ...}.',
      );
    }
    return {
      file,
      keys: [''],
      describe: () => file,
      read: (_key, want) => tensorFromJson(value, want, file),
    };
  }
  if (value === null || typeof value !== 'object') {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `${file} holds ${value === null ? 'null' : typeof value}, not arrays.`,
      'Write {"<input name>": nested arrays, "labels": [...]} or a bare nested array.',
    );
  }
  const object = value as Record<string, unknown>;
  const describe = (key: string): string => `${file}['${key}']`;
  return {
    file,
    keys: Object.keys(object),
    describe,
    read: (key, want) => tensorFromJson(object[key], want, describe(key)),
  };
}
