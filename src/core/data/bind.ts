/**
 * Matches the named arrays of a data file (.npz, .safetensors, .json object) to the model's
 * inputs and builds the InputSet:
 *
 *  - Arrays are matched to inputs by name; arrays no input asks for are ignored.
 *  - `labels` (unless the model has an input of that name) holds the class labels, optional.
 *  - A model with one input takes the file's only other array whatever its name.
 * Only the arrays that are used are read, so a large unused array costs nothing.
 */
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { DType, Tensor } from '../tensor';
import { InputSet, inputSetFromTensors } from './inputSet';
import { LABELS_KEY, toLabels } from './labels';
import { BoundInput, checkAgreement, conformInput, specDType } from './validate';

/** A file of named arrays, read lazily. */
export interface NamedArrays {
  /** The file, as named in reports and messages ("inputs.npz"). */
  file: string;
  /** Array names, in file order. */
  keys: string[];
  /**
   * Reads one array. `want` is the dtype it will be fed as (formats without dtypes, i.e. JSON,
   * build it directly in that type; the others ignore it). For labels `want` is int32.
   */
  read(key: string, want: DType): Tensor;
  /** How to name one array in messages, e.g. "inputs.npz['pixels']". */
  describe(key: string): string;
}

const quoted = (names: string[]): string => names.map((n) => `'${n}'`).join(', ');

/** The InputSet for `modelInputs` from the arrays of one file. */
export function bindArrays(
  arrays: NamedArrays,
  modelInputs: TensorSpec[],
  options: { allowNonFinite?: boolean } = {},
): InputSet {
  if (modelInputs.length === 0) {
    throw new MoeScopeError('BAD_REQUEST', 'the model has no inputs to feed.');
  }
  const hasLabels = arrays.keys.includes(LABELS_KEY) && !modelInputs.some((s) => s.name === LABELS_KEY);
  const dataKeys = arrays.keys.filter((k) => !(hasLabels && k === LABELS_KEY));
  const keyFor = new Map<string, string>();
  if (modelInputs.length === 1 && dataKeys.length === 1) {
    keyFor.set(modelInputs[0]!.name, dataKeys[0]!);
  } else {
    const missing = modelInputs.filter((s) => !dataKeys.includes(s.name)).map((s) => s.name);
    if (missing.length) {
      const found = arrays.keys.length ? `it holds ${quoted(arrays.keys)}` : 'it holds no arrays';
      throw new MoeScopeError(
        'BAD_REQUEST',
        `${arrays.file} has no array for model input${missing.length > 1 ? 's' : ''} ${quoted(missing)}; ${found}.`,
        `Name each array after the model input it feeds (model inputs: ${quoted(modelInputs.map((s) => s.name))}).`,
      );
    }
    for (const spec of modelInputs) keyFor.set(spec.name, spec.name);
  }
  const bound: BoundInput[] = modelInputs.map((spec) => {
    const key = keyFor.get(spec.name)!;
    const where = arrays.describe(key);
    const tensor = conformInput(spec, arrays.read(key, specDType(spec)), where, options);
    return { spec, tensor, where };
  });
  const labels = hasLabels
    ? {
        values: toLabels(arrays.read(LABELS_KEY, 'int32'), arrays.describe(LABELS_KEY)),
        where: arrays.describe(LABELS_KEY),
      }
    : undefined;
  checkAgreement(bound, labels);
  const inputs: Record<string, Tensor> = {};
  for (const b of bound) inputs[b.spec.name] = b.tensor;
  return inputSetFromTensors(inputs, arrays.file, labels ? { labels: labels.values } : {});
}
