/**
 * Text inputs: lines of text (or one selection) tokenised with a Hugging Face tokenizer.json into
 * [samples, sequence] token ids.
 *
 *  - Samples: one per non-empty line (whitespace trimmed), or the whole text as one sample with
 *    `split: 'whole'`. An array of strings contributes each element the same way.
 *  - Length L: the model's static sequence size when it has one; else `sequenceLength`; else the
 *    longest sample. Longer samples keep their first L tokens (special tokens included); shorter
 *    ones are right-padded with the tokenizer's pad id (see tokenizer.ts).
 *  - Ids are int64 (or int32 when the model asks for it). Token strings are kept per sample in
 *    `tokens`, L per sample and aligned with the ids, padding positions holding the pad token.
 *  - Besides the ids input, a model may take an attention mask (an input whose name contains
 *    "mask": 1 for tokens, 0 for padding) and token type ids (name contains "token_type": zeros).
 */
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { Tensor } from '../tensor';
import { InputSet, inputSetFromTensors } from './inputSet';
import type { TextOptions } from './options';
import { loadTokenizer } from './tokenizer';
import { describeSpec } from './validate';

type Role = 'ids' | 'mask' | 'types';

function roleOf(spec: TensorSpec, specs: TensorSpec[]): Role {
  if (specs.length === 1) return 'ids';
  if (/mask/i.test(spec.name)) return 'mask';
  if (/token_type/i.test(spec.name)) return 'types';
  return 'ids';
}

/** Splits text into samples: trimmed non-empty lines, or whole texts. */
export function textSamples(text: string | string[], split: 'lines' | 'whole' = 'lines'): string[] {
  const pieces = Array.isArray(text) ? text : [text];
  const samples = split === 'whole' ? pieces : pieces.flatMap((p) => p.split(/\r?\n/));
  return samples.map((s) => s.trim()).filter((s) => s.length > 0);
}

function rowTensor(
  spec: TensorSpec,
  rows: number,
  length: number,
  fill: (row: number, pos: number) => number,
): Tensor {
  const shape = [rows, length];
  if (spec.dtype === 'int64') {
    const data = new BigInt64Array(rows * length);
    for (let r = 0; r < rows; r++) for (let p = 0; p < length; p++) data[r * length + p] = BigInt(fill(r, p));
    return { dtype: 'int64', shape, data };
  }
  const data = new Int32Array(rows * length);
  for (let r = 0; r < rows; r++) for (let p = 0; p < length; p++) data[r * length + p] = fill(r, p);
  return { dtype: 'int32', shape, data };
}

/**
 * Tokenises `text` with the tokenizer at `tokenizerJsonPath` for the model's text input(s).
 * `modelInput` is the ids input, or the model's list of inputs (ids plus optional mask/types).
 */
export async function loadText(
  text: string | string[],
  tokenizerJsonPath: string,
  modelInput: TensorSpec | TensorSpec[],
  options: TextOptions & { source?: string } = {},
): Promise<InputSet> {
  const specs = Array.isArray(modelInput) ? modelInput : [modelInput];
  const roles = specs.map((s) => roleOf(s, specs));
  const idsSpecs = specs.filter((_, i) => roles[i] === 'ids');
  if (idsSpecs.length !== 1) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `text can feed one token-id input plus an attention mask and token types, but the model's inputs are ${specs.map((s) => `'${s.name}'`).join(', ')}.`,
      'Provide the inputs as .npz, .safetensors or .json instead.',
    );
  }
  for (const spec of specs) {
    const rankOk = spec.shape === null || spec.shape.length === 2;
    if ((spec.dtype !== 'int64' && spec.dtype !== 'int32') || !rankOk) {
      throw new MoeScopeError(
        'BAD_REQUEST',
        `input '${spec.name}' expects ${describeSpec(spec)}, but text gives int64 [batch, sequence] token ids.`,
        'Text feeds integer [batch, sequence] inputs; use a data file for other inputs.',
      );
    }
  }
  const samples = textSamples(text, options.split);
  if (samples.length === 0) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      'the text has no non-empty lines to use as samples.',
      'Select or write some text.',
    );
  }
  const tokenizer = await loadTokenizer(tokenizerJsonPath, options.maxBytes);
  const encoded = samples.map((s) => tokenizer.encode(s, options.addSpecialTokens ?? true));
  const staticLength = specs.map((s) => s.shape?.[1]).find((d): d is number => typeof d === 'number');
  const length = staticLength ?? options.sequenceLength ?? Math.max(...encoded.map((e) => e.ids.length));
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new MoeScopeError('BAD_REQUEST', `sequence length ${length} is not a positive integer.`);
  }
  const used = encoded.map((e) => Math.min(e.ids.length, length));
  const tokens = encoded.map((e) => {
    const row = e.tokens.slice(0, length);
    while (row.length < length) row.push(tokenizer.padToken);
    return row;
  });
  const inputs: Record<string, Tensor> = {};
  specs.forEach((spec, i) => {
    const role = roles[i]!;
    inputs[spec.name] = rowTensor(spec, samples.length, length, (r, p) => {
      if (role === 'mask') return p < used[r]! ? 1 : 0;
      if (role === 'types') return 0;
      return p < used[r]! ? encoded[r]!.ids[p]! : tokenizer.padId;
    });
  });
  return inputSetFromTensors(inputs, options.source ?? 'text', { tokens });
}
