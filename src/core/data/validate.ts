/**
 * Checks that data read from a file fits the model input it is meant for, and converts it where
 * that is silent by design (see convert.ts). Rules, applied to every source:
 *
 *  - The dtype equals the input's, or converts silently; otherwise an error names both.
 *  - Axis 0 is the sample axis. It is never compared with a static size: a model exported with a
 *    fixed batch of 1 still takes many samples, fed one batch at a time by the engine.
 *  - Every other static dimension must match. Symbolic dimensions ("sequence") take any size, but
 *    the same name must have the same size in every input.
 *  - An array with one axis fewer than the input (e.g. [1, 28, 28] for [batch, 1, 28, 28]) is one
 *    sample; it gets a leading axis of 1 (a view, no copy).
 *  - All inputs hold the same number of samples, and labels (when present) one per sample.
 *  - NaN and ±Inf in float inputs are an error unless `allowNonFinite` is set.
 */
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { DType, formatShape, Tensor } from '../tensor';
import { convertsSilently, convertTensor, findNonFinite, unravelIndex } from './convert';
import { isDType } from './dtypes';

/** A model input together with the array found for it and how to name that array in messages. */
export interface BoundInput {
  spec: TensorSpec;
  tensor: Tensor;
  /** e.g. "x.npy" or "data.npz['pixels']". */
  where: string;
}

/** The dtype of a model input, or a BAD_REQUEST error when MoE Scope cannot feed it. */
export function specDType(spec: TensorSpec): DType {
  if (!isDType(spec.dtype)) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `input '${spec.name}' takes ${spec.dtype} values, which MoE Scope cannot feed.`,
      'MoE Scope feeds float32/64/16, int64/32/16/8, uint8 and bool tensors.',
    );
  }
  return spec.dtype;
}

/** "float32 [batch, 1, 28, 28]", or "float32 of any shape" when the model states none. */
export function describeSpec(spec: TensorSpec): string {
  return `${spec.dtype} ${spec.shape ? formatShape(spec.shape) : 'of any shape'}`;
}

function mismatch(spec: TensorSpec, t: Tensor, where: string, detail: string, hint: string): MoeScopeError {
  return new MoeScopeError(
    'BAD_REQUEST',
    `input '${spec.name}' expects ${describeSpec(spec)} but ${where} holds ${t.dtype} ${formatShape(t.shape)} (${detail}).`,
    hint,
  );
}

const NUMPY_TYPE: Record<DType, string> = {
  float32: 'np.float32',
  float64: 'np.float64',
  float16: 'np.float16',
  int64: 'np.int64',
  int32: 'np.int32',
  int16: 'np.int16',
  int8: 'np.int8',
  uint8: 'np.uint8',
  bool: 'bool',
};

/** Checks `t` against `spec` and returns it in the input's dtype with a sample axis. */
export function conformInput(
  spec: TensorSpec,
  t: Tensor,
  where: string,
  options: { allowNonFinite?: boolean } = {},
): Tensor {
  const dtype = specDType(spec);
  if (!convertsSilently(t.dtype, dtype)) {
    const hint =
      t.dtype === 'uint8' && dtype.startsWith('float')
        ? `Convert it first, e.g. (a / 255).astype(${NUMPY_TYPE[dtype]}) for 8-bit images.`
        : `Save it as ${dtype}: a.astype(${NUMPY_TYPE[dtype]}).`;
    throw mismatch(spec, t, where, `dtype ${t.dtype}, expected ${dtype}`, hint);
  }
  let shaped = t;
  if (spec.shape === null) {
    if (t.shape.length === 0) {
      throw mismatch(spec, t, where, 'a scalar has no sample axis', 'Give it a leading sample axis.');
    }
  } else {
    const rank = spec.shape.length;
    const staticDims = spec.shape.slice(1);
    const fits = (dims: readonly number[]): boolean =>
      staticDims.every((want, i) => typeof want !== 'number' || dims[i] === want);
    const reshapeHint = `Reshape it to ${formatShape(['N', ...staticDims])} with the samples on the first axis.`;
    if (t.shape.length === rank - 1 && rank > 0 && fits(t.shape)) {
      shaped = { ...t, shape: [1, ...t.shape] };
    } else if (t.shape.length !== rank) {
      throw mismatch(spec, t, where, `rank ${t.shape.length}, expected ${rank}`, reshapeHint);
    } else {
      const axis = staticDims.findIndex((want, i) => typeof want === 'number' && t.shape[i + 1] !== want) + 1;
      if (axis > 0) {
        throw mismatch(
          spec,
          t,
          where,
          `dimension ${axis} is ${t.shape[axis]}, expected ${spec.shape[axis]}`,
          reshapeHint,
        );
      }
    }
  }
  const converted = convertTensor(shaped, dtype);
  if (!options.allowNonFinite) {
    const bad = findNonFinite(converted);
    if (bad) {
      const after = t.dtype !== dtype ? ` after conversion from ${t.dtype} to ${dtype}` : '';
      throw new MoeScopeError(
        'BAD_REQUEST',
        `input '${spec.name}' from ${where} has ${bad.count} non-finite value${bad.count > 1 ? 's' : ''}${after}; ` +
          `the first is ${bad.value} at ${formatShape(unravelIndex(bad.first, converted.shape))}.`,
        'Clean the data (e.g. np.nan_to_num), or allow non-finite inputs (allowNonFinite) to study how they route.',
      );
    }
  }
  return converted;
}

/**
 * Checks that conformed inputs agree on the sample count and on the sizes of shared symbolic
 * dimensions, and that labels (if any) give one per sample. Returns the sample count.
 */
export function checkAgreement(bound: BoundInput[], labels?: { values: Int32Array; where: string }): number {
  const counts = bound.map((b) => b.tensor.shape[0]!);
  if (new Set(counts).size > 1) {
    const list = bound.map((b, i) => `'${b.spec.name}' ${counts[i]} (${b.where})`).join(', ');
    throw new MoeScopeError(
      'BAD_REQUEST',
      `the inputs hold different numbers of samples: ${list}.`,
      'Every input needs one row per sample, in the same order.',
    );
  }
  const symbols = new Map<string, { size: number; input: string }>();
  for (const b of bound) {
    b.spec.shape?.forEach((dim, axis) => {
      if (axis === 0 || typeof dim !== 'string') return;
      const size = b.tensor.shape[axis]!;
      const seen = symbols.get(dim);
      if (seen && seen.size !== size) {
        throw new MoeScopeError(
          'BAD_REQUEST',
          `dimension '${dim}' is ${seen.size} in input '${seen.input}' but ${size} in input '${b.spec.name}' (${b.where}).`,
          `Inputs that share the dimension '${dim}' must agree on its size.`,
        );
      }
      symbols.set(dim, { size, input: b.spec.name });
    });
  }
  const count = counts[0] ?? 0;
  if (labels && labels.values.length !== count) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `${labels.where} has ${labels.values.length} labels but the inputs hold ${count} samples.`,
      'Give exactly one label per sample.',
    );
  }
  return count;
}
