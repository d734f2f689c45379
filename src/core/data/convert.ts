/**
 * The dtype conversions MoE Scope applies without asking, and the scan for non-finite floats.
 *
 * Silent conversions (everything else is an error that names both dtypes):
 *  - float64 → float32: numpy's default float is float64, so data meant for a float32 model is
 *    routinely saved as float64; narrowing is what the user intended. Values beyond the float32
 *    range become ±Inf and are then caught by the non-finite check.
 *  - float32/float64 → float16: a half-precision export (`model.half()`) takes float16 inputs,
 *    and feeding it means rounding the data as `x.half()` does (to nearest even; float64 through
 *    float32). Values beyond ±65504 become ±Inf, caught by the same check.
 *  - exact widenings, which lose nothing: float16 → float32/float64, float32 → float64,
 *    int32 → int64 (the common "ids saved as int32" case), and int8/uint8/int16 → int16 (where it
 *    fits)/int32/int64.
 * Integers are never silently turned into floats (an image saved as uint8 needs /255 first), nor
 * floats into integers.
 */
import { DType, float16ToFloat32, Tensor, TypedArrayOf } from '../tensor';
import { float32ToFloat16 } from './dtypes';

const SILENT: Partial<Record<DType, readonly DType[]>> = {
  float64: ['float32', 'float16'],
  float32: ['float64', 'float16'],
  float16: ['float32', 'float64'],
  int32: ['int64'],
  int16: ['int32', 'int64'],
  int8: ['int16', 'int32', 'int64'],
  uint8: ['int16', 'int32', 'int64'],
};

/** Whether `from` converts to `to` without asking (see the module comment). */
export function convertsSilently(from: DType, to: DType): boolean {
  return from === to || (SILENT[from]?.includes(to) ?? false);
}

/** `t` converted to `to`; `t` itself when the dtype already matches. Requires convertsSilently. */
export function convertTensor(t: Tensor, to: DType): Tensor {
  if (t.dtype === to) return t;
  if (!convertsSilently(t.dtype, to)) throw new Error(`no silent conversion from ${t.dtype} to ${to}`);
  const n = t.data.length;
  let data: TypedArrayOf[DType];
  if (to === 'int64') {
    const src = t.data as Int32Array | Int16Array | Int8Array | Uint8Array;
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(src[i]!);
    data = out;
  } else if (to === 'float16') {
    const src = t.data as Float32Array | Float64Array;
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = float32ToFloat16(src[i]!);
    data = out;
  } else if (t.dtype === 'float16') {
    const src = t.data as Uint16Array;
    const out = to === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = float16ToFloat32(src[i]!);
    data = out;
  } else {
    const src = t.data as Float64Array | Float32Array | Int16Array | Int8Array | Uint8Array;
    const Out = { float32: Float32Array, float64: Float64Array, int16: Int16Array, int32: Int32Array }[
      to as 'float32' | 'float64' | 'int16' | 'int32'
    ];
    data = Out.from(src);
  }
  return { dtype: to, shape: t.shape, data };
}

/** Where the first non-finite value of a float tensor sits, and how many there are. */
export interface NonFinite {
  count: number;
  /** Flat index of the first one. */
  first: number;
  /** Its value: NaN, Infinity or -Infinity. */
  value: number;
}

/** Counts NaN/±Inf in a float tensor (float16 read from its bits); null for none or non-floats. */
export function findNonFinite(t: Tensor): NonFinite | null {
  let count = 0;
  let first = -1;
  let value = 0;
  if (t.dtype === 'float16') {
    const bits = t.data as Uint16Array;
    for (let i = 0; i < bits.length; i++) {
      if ((bits[i]! & 0x7c00) === 0x7c00) {
        if (count++ === 0) {
          first = i;
          value = float16ToFloat32(bits[i]!);
        }
      }
    }
  } else if (t.dtype === 'float32' || t.dtype === 'float64') {
    const values = t.data as Float32Array | Float64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      // v - v is 0 for finite v and NaN for NaN and ±Inf.
      if (v - v !== 0) {
        if (count++ === 0) {
          first = i;
          value = v;
        }
      }
    }
  }
  return count ? { count, first, value } : null;
}

/** The multi-index of flat (C-order) index `flat` in `shape`. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis]!;
    index[axis] = flat % dim;
    flat = Math.floor(flat / dim);
  }
  return index;
}
