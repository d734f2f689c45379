/**
 * Element types as the data readers see them: which dtype names MoE Scope can feed, how many
 * bytes one element takes, and how to turn little-endian bytes into a typed array without copying
 * when the bytes are suitably aligned.
 */
import { DType, TYPED_ARRAYS, TypedArrayOf } from '../tensor';

/** Every dtype a data file can hold and a model input can take. */
export const DTYPES: readonly DType[] = [
  'float32',
  'float64',
  'float16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
];

const ITEM_SIZE: Record<DType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function isDType(name: string): name is DType {
  return (DTYPES as readonly string[]).includes(name);
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return ITEM_SIZE[dtype];
}

export function isFloat(dtype: DType): dtype is 'float32' | 'float64' | 'float16' {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

export function isInteger(dtype: DType): boolean {
  return !isFloat(dtype) && dtype !== 'bool';
}

type ViewConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => ArrayLike<unknown>;

const VIEWS = TYPED_ARRAYS as unknown as Record<DType, ViewConstructor>;

/**
 * `length` elements of `dtype` stored little-endian in `bytes` from `offset` on. The result is a
 * view sharing `bytes`' buffer when the absolute offset is a multiple of the element size (typed
 * arrays require that); otherwise the bytes are copied once into a fresh, aligned buffer.
 * The caller has already checked that `offset + length * itemSize(dtype) <= bytes.length`.
 * Assumes a little-endian host, as every platform Node and ONNX Runtime ship for is.
 */
export function viewAs<D extends DType>(
  dtype: D,
  bytes: Uint8Array,
  offset: number,
  length: number,
): TypedArrayOf[D] {
  const size = ITEM_SIZE[dtype];
  const start = bytes.byteOffset + offset;
  const View = VIEWS[dtype];
  if (start % size === 0) return new View(bytes.buffer, start, length) as TypedArrayOf[D];
  const copy = bytes.slice(offset, offset + length * size);
  return new View(copy.buffer, 0, length) as TypedArrayOf[D];
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * IEEE 754 single → half precision bits, rounding to nearest even (as numpy's astype(float16)).
 * Values beyond the half range become ±Inf; NaN stays NaN.
 */
export function float32ToFloat16(value: number): number {
  F32[0] = value;
  const x = U32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // Unbiased exponent, rebiased for half precision (bias 15).
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the mantissa with its implicit leading one.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half += 1;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half += 1;
  return sign | half;
}
