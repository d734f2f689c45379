/**
 * `loadInputs`: the one entry point the engine and the CLI use to get model inputs. It picks the
 * reader from the path (its extension, or its first bytes when the extension says nothing):
 *
 *   (no path)      synthetic inputs from the model's input specs (synthetic.ts)
 *   .npy           one array, for a model with exactly one input
 *   .npz           arrays named after the model inputs, optional `labels` (bind.ts)
 *   .safetensors   the same, as safetensors tensors
 *   .json          {"<input>": nested arrays, "labels": [...]} or one bare nested array
 *   .png .jpg .jpeg, or a folder   images for a single image input (images.ts)
 *   .txt           lines of text, with options.tokenizer naming a tokenizer.json (text.ts)
 *
 * Every source is validated against the model inputs the same way (validate.ts).
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { bindArrays } from './bind';
import { sniffImage } from './decodeImage';
import { loadImages } from './images';
import { InputSet, inputSetFromTensors } from './inputSet';
import { MAX_JSON_BYTES, parseJsonInputs } from './jsonInputs';
import { parseNpy } from './npy';
import { readNpz } from './npz';
import type { LoadOptions } from './options';
import { checkSize, DEFAULT_MAX_BYTES, fileSize, readDataFile, readTextFile } from './readFile';
import { readSafetensors } from './safetensors';
import { syntheticInputs } from './synthetic';
import { loadText } from './text';
import { conformInput } from './validate';

const SUPPORTED =
  '.npy, .npz, .safetensors, .json, .png, .jpg, .jpeg, a folder of images, or .txt with a tokenizer';

type Kind = 'npy' | 'npz' | 'safetensors' | 'json' | 'image' | 'text';

const BY_EXTENSION: Record<string, Kind> = {
  '.npy': 'npy',
  '.npz': 'npz',
  '.safetensors': 'safetensors',
  '.json': 'json',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.txt': 'text',
};

/** The kind of a file with an unknown extension, from its first bytes. */
function sniff(bytes: Uint8Array): Kind | undefined {
  if (bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[2] === 0x55) return 'npy';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'npz';
  if (sniffImage(bytes)) return 'image';
  return undefined;
}

function singleInput(modelInputs: TensorSpec[], what: string): TensorSpec {
  if (modelInputs.length !== 1) {
    throw new MoeScopeError(
      'BAD_REQUEST',
      `${what} feeds a model with one input, but this model has ${modelInputs.length}: ${modelInputs.map((s) => `'${s.name}'`).join(', ')}.`,
      'Use an .npz, .safetensors or .json file with one array per input name.',
    );
  }
  return modelInputs[0]!;
}

/**
 * Loads the samples at `path` (or synthetic ones when `path` is undefined) for a model whose
 * inputs are `modelInputs`, checked and converted to fit them.
 */
export async function loadInputs(
  path: string | undefined,
  modelInputs: TensorSpec[],
  options: LoadOptions = {},
): Promise<InputSet> {
  if (path === undefined) return syntheticInputs(modelInputs, { ...options.synthetic, dims: options.dims });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new MoeScopeError('FILE_NOT_FOUND', `${path} does not exist.`, 'Check the path of the input data.');
  const name = basename(path);
  if (info.isDirectory()) return loadImages(path, singleInput(modelInputs, 'a folder of images'), options);

  let kind = BY_EXTENSION[extname(path).toLowerCase()];
  let bytes: Uint8Array | undefined;
  if (!kind) {
    bytes = await readDataFile(path, maxBytes);
    kind = sniff(bytes);
    if (!kind) {
      throw new MoeScopeError(
        'BAD_REQUEST',
        `${name} is not an input file MoE Scope reads.`,
        `Use ${SUPPORTED}.`,
      );
    }
  }
  switch (kind) {
    case 'npy': {
      const spec = singleInput(modelInputs, `${name} holds one array, which`);
      const tensor = conformInput(
        spec,
        parseNpy(bytes ?? (await readDataFile(path, maxBytes)), name),
        name,
        options,
      );
      return inputSetFromTensors({ [spec.name]: tensor }, name);
    }
    case 'npz':
      return bindArrays(
        readNpz(bytes ?? (await readDataFile(path, maxBytes)), name, maxBytes),
        modelInputs,
        options,
      );
    case 'safetensors':
      return bindArrays(
        readSafetensors(bytes ?? (await readDataFile(path, maxBytes)), name),
        modelInputs,
        options,
      );
    case 'json': {
      checkSize(
        path,
        await fileSize(path),
        Math.min(maxBytes, MAX_JSON_BYTES),
        'JSON this large cannot be parsed; save the arrays as .npy/.npz or .safetensors instead.',
      );
      const text = await readTextFile(path, maxBytes);
      return bindArrays(parseJsonInputs(text, name, modelInputs), modelInputs, options);
    }
    case 'image':
      return loadImages(path, singleInput(modelInputs, `an image (${name})`), options);
    case 'text': {
      if (!options.tokenizer) {
        throw new MoeScopeError(
          'BAD_REQUEST',
          `${name} is text, which needs a tokenizer to become token ids.`,
          "Name the model's tokenizer.json (the tokenizer option).",
        );
      }
      const symbol = modelInputs.map((s) => s.shape?.[1]).find((d): d is string => typeof d === 'string');
      const sequenceLength = options.text?.sequenceLength ?? (symbol ? options.dims?.[symbol] : undefined);
      return loadText(await readTextFile(path, maxBytes), options.tokenizer, modelInputs, {
        ...options.text,
        maxBytes,
        source: name,
        ...(sequenceLength !== undefined ? { sequenceLength } : {}),
      });
    }
  }
}
