/**
 * The one tensor type MoE Scope passes around: a flat typed array in C order plus its shape.
 * Typed arrays (never nested JS arrays) keep big tensors compact and cross process and webview
 * boundaries as binary.
 */

export type DType =
  'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  /** Half floats are kept as raw bits; convert with float16ToFloat32 where values are needed. */
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int16: Int16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TensorData = TypedArrayOf[DType];

export interface Tensor<D extends DType = DType> {
  dtype: D;
  shape: number[];
  data: TypedArrayOf[D];
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function tensor<D extends DType>(dtype: D, shape: number[], data: TypedArrayOf[D]): Tensor<D> {
  if (data.length !== sizeOf(shape)) {
    throw new RangeError(
      `tensor data has ${data.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`,
    );
  }
  return { dtype, shape, data };
}

/** The typed-array class holding each dtype. */
export const TYPED_ARRAYS: { [D in DType]: new (length: number) => TypedArrayOf[D] } = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function zeros<D extends DType>(dtype: D, shape: number[]): Tensor<D> {
  return { dtype, shape, data: new TYPED_ARRAYS[dtype](sizeOf(shape)) };
}

/** Rows [start, end) along the first axis, as a view sharing the same buffer. */
export function sliceRows<D extends DType>(t: Tensor<D>, start: number, end: number): Tensor<D> {
  const row = sizeOf(t.shape.slice(1));
  return {
    dtype: t.dtype,
    shape: [end - start, ...t.shape.slice(1)],
    data: t.data.subarray(start * row, end * row) as TypedArrayOf[D],
  };
}

/** IEEE 754 half → single precision. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern's value, built on first use: widening is then one lookup per element. */
function float16Table(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = float16ToFloat32(bits);
  }
  return halfTable;
}

/**
 * A float tensor as float32: float32 as it is, float16 widened exactly, float64 rounded to the
 * nearest float32; undefined for integer and boolean tensors. Half-precision models hand MoE
 * Scope float16 routing tensors and logits; the analysis reads them all as float32.
 */
export function asFloat32(t: Tensor): Tensor<'float32'> | undefined {
  switch (t.dtype) {
    case 'float32':
      return t as Tensor<'float32'>;
    case 'float16': {
      const table = float16Table();
      const bits = t.data as Uint16Array;
      const data = new Float32Array(bits.length);
      for (let i = 0; i < bits.length; i++) data[i] = table[bits[i]!]!;
      return { dtype: 'float32', shape: t.shape, data };
    }
    case 'float64':
      return { dtype: 'float32', shape: t.shape, data: Float32Array.from(t.data as Float64Array) };
    default:
      return undefined;
  }
}
