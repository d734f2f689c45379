/**
 * Class labels: one integer per sample, read from a `labels` array of any integer dtype and kept
 * as an Int32Array. Labels are not restricted to be non-negative (ignore-indices such as -100 pass
 * through); they must fit in 32 bits.
 */
import { MoeScopeError } from '../errors';
import { formatShape, Tensor } from '../tensor';

/** The conventional key of the labels array in .npz, .safetensors and .json inputs. */
export const LABELS_KEY = 'labels';

/** `t` as labels: rank 1 (or [N, 1]), integer dtype, values in the int32 range. */
export function toLabels(t: Tensor, where: string): Int32Array {
  const rankOk = t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1);
  if (!rankOk) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `${where} should hold one label per sample (shape [N]) but has shape ${formatShape(t.shape)}.`,
      'Save the labels as a 1-D integer array.',
    );
  }
  switch (t.dtype) {
    case 'int32':
      return t.data as Int32Array;
    case 'int16':
    case 'int8':
    case 'uint8':
      return Int32Array.from(t.data as Int16Array | Int8Array | Uint8Array);
    case 'int64': {
      const src = t.data as BigInt64Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v > 2147483647n || v < -2147483648n) {
          throw new MoeScopeError(
            'BAD_REQUEST',
            `${where} has a label ${v} at position ${i}, outside the 32-bit range.`,
            'Class labels are small integers (0 … classes - 1).',
          );
        }
        out[i] = Number(v);
      }
      return out;
    }
    default:
      throw new MoeScopeError(
        'BAD_REQUEST',
        `${where} holds ${t.dtype} labels; labels must be integers.`,
        'Save them as integers: labels.astype(np.int64).',
      );
  }
}
