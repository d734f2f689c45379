/**
 * Synthetic inputs drawn from the model's input specs, for when the user has no data.
 *
 *  - Deterministic: the same seed gives the same bytes; each row of each input has its own
 *    mulberry32 stream seeded from (seed, input name, row), so a row does not depend on the batch
 *    it is generated in, and rows are produced on demand (memory stays bounded for large counts).
 *  - Float inputs are uniform on [0, 1) by default: in range for pixel-like inputs that models
 *    normalise themselves, and never NaN. Values are k / 2^24 (k / 2^11 for float16), all exactly
 *    representable, so the upper bound 1 is never reached. `distribution: 'normal'` draws N(0, 1)
 *    by Box–Muller instead.
 *  - Integer inputs (token ids) are uniform on [0, vocab) (vocab default 100); bool inputs 0/1.
 *  - Axis 0 is the sample axis (its size is `count`, default `dims.batch`, else 16). Other
 *    symbolic dimensions take their size from `dims` (an error names any that is missing); unnamed
 *    unknown dimensions are 1.
 */
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { DType, formatShape, sizeOf, Tensor, zeros } from '../tensor';
import { float32ToFloat16 } from './dtypes';
import { checkBatchRange, InputSet } from './inputSet';
import type { SyntheticOptions } from './options';
import { mulberry32, rowSeed } from './random';
import { specDType } from './validate';

export const DEFAULT_SYNTHETIC_COUNT = 16;
export const DEFAULT_VOCAB = 100;

const INT_LIMIT: Partial<Record<DType, number>> = {
  int8: 128,
  uint8: 256,
  int16: 32768,
  int32: 2 ** 31,
  int64: 2 ** 32,
};

/** The per-sample shape (axes 1…) of `spec` with symbolic dimensions resolved from `dims`. */
export function resolveSampleShape(spec: TensorSpec, dims: Record<string, number> = {}): number[] {
  if (spec.shape === null || spec.shape.length === 0) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `input '${spec.name}' ${spec.shape === null ? 'states no shape' : 'is a scalar'}, so MoE Scope cannot make synthetic samples for it.`,
      'Provide input data for this model instead.',
    );
  }
  return spec.shape.slice(1).map((dim) => {
    if (typeof dim === 'number') return dim;
    if (dim === null) return 1;
    const size = dims[dim];
    if (size === undefined) {
      throw new MoeScopeError(
        'BAD_REQUEST',
        `input '${spec.name}' has the symbolic dimension '${dim}' ${formatShape(spec.shape!)}, which needs a size for synthetic inputs.`,
        `Give it a size, e.g. dims: { ${JSON.stringify(dim)}: 16 }.`,
      );
    }
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new MoeScopeError(
        'BAD_REQUEST',
        `dimension '${dim}' has size ${size}; sizes are positive integers.`,
      );
    }
    return size;
  });
}

type Draw = (next: () => number) => number;

function drawFor(dtype: DType, options: SyntheticOptions): Draw {
  const normal = options.distribution === 'normal';
  if (dtype === 'float16') {
    if (normal) return (next) => float32ToFloat16(gaussian(next));
    return (next) => float32ToFloat16((next() >>> 21) / 2048);
  }
  if (dtype === 'float32' || dtype === 'float64') {
    return normal ? gaussian : (next) => (next() >>> 8) / 16777216;
  }
  if (dtype === 'bool') return (next) => next() >>> 31;
  const vocab = options.vocab ?? DEFAULT_VOCAB;
  const limit = INT_LIMIT[dtype]!;
  if (!Number.isSafeInteger(vocab) || vocab < 1 || vocab > limit) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `vocab ${vocab} does not fit ${dtype} inputs; it must be an integer in [1, ${limit}].`,
    );
  }
  return (next) => Math.floor((next() / 4294967296) * vocab);
}

/** A standard normal variate by Box–Muller from two uniforms (u1 in (0, 1], u2 in [0, 1)). */
function gaussian(next: () => number): number {
  const u1 = ((next() >>> 8) + 1) / 16777216;
  const u2 = (next() >>> 8) / 16777216;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Seeded synthetic samples for `modelInputs`; see the module comment for the distributions. */
export function syntheticInputs(
  modelInputs: TensorSpec[],
  options: SyntheticOptions & { dims?: Record<string, number> } = {},
): InputSet {
  const count = options.count ?? options.dims?.batch ?? DEFAULT_SYNTHETIC_COUNT;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new MoeScopeError('BAD_REQUEST', `synthetic sample count ${count} is not a positive integer.`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new MoeScopeError('BAD_REQUEST', `seed ${seed} is not an integer.`);
  if (modelInputs.length === 0) throw new MoeScopeError('BAD_REQUEST', 'the model has no inputs to feed.');
  const plans = modelInputs.map((spec) => {
    const dtype = specDType(spec);
    const rowShape = resolveSampleShape(spec, options.dims);
    return { spec, dtype, rowShape, rowSize: sizeOf(rowShape), draw: drawFor(dtype, options) };
  });
  return {
    count,
    source: 'synthetic',
    batch(start, end) {
      checkBatchRange(start, end, count);
      const out: Record<string, Tensor> = {};
      for (const { spec, dtype, rowShape, rowSize, draw } of plans) {
        const t = zeros(dtype, [end - start, ...rowShape]);
        for (let row = start; row < end; row++) {
          const next = mulberry32(rowSeed(seed, spec.name, row));
          const base = (row - start) * rowSize;
          if (dtype === 'int64') {
            const data = t.data as BigInt64Array;
            for (let i = 0; i < rowSize; i++) data[base + i] = BigInt(draw(next));
          } else {
            const data = t.data as Exclude<typeof t.data, BigInt64Array>;
            for (let i = 0; i < rowSize; i++) data[base + i] = draw(next);
          }
        }
        out[spec.name] = t;
      }
      return out;
    },
  };
}
