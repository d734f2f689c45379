/**
 * `inspect`: open an ONNX file and summarise it without running it. Turns every way a file can be
 * wrong into one MoeScopeError that names the file and says what is wrong with it.
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { MoeScopeError } from '../errors';
import { ProtobufError } from './protobuf';
import { readModelSparse } from './sparseRead';
import { readModelSummary } from './summary';
import { ModelSummary } from './types';

/** Protobuf cannot serialise a message over 2 GiB; bigger models keep weights as external data. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/** The file's size, after checking it exists and is a non-empty file. */
async function modelFileSize(path: string): Promise<number> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory())
      throw new MoeScopeError('FILE_UNREADABLE', `${path} is a folder, not an ONNX file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof MoeScopeError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MoeScopeError('FILE_NOT_FOUND', `Model file not found: ${path}.`, 'Check the path.');
    }
    throw new MoeScopeError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}.`);
  }
  if (size === 0) throw new MoeScopeError('NOT_ONNX', `${path} is empty (0 bytes), not an ONNX model.`);
  return size;
}

/** All bytes of a model, as ONNX Runtime needs them to run it. */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  const size = await modelFileSize(path);
  if (size > MAX_PROTOBUF_BYTES) {
    throw new MoeScopeError(
      'FILE_TOO_LARGE',
      `${path} is ${(size / 2 ** 30).toFixed(1)} GiB; an ONNX protobuf cannot exceed 2 GiB.`,
      'Export the weights as external data (torch.onnx.export(..., external_data=True) or onnx.save(..., save_as_external_data=True)).',
    );
  }
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw new MoeScopeError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}.`);
  }
}

/**
 * A model's structure without its weight payloads (see sparseRead.ts): enough to inspect it and
 * detect its layers, at a small fraction of the time and memory of reading it whole.
 */
export async function readModelStructure(path: string): Promise<Uint8Array> {
  const size = await modelFileSize(path);
  return withModelErrors(path, size, async () => (await readModelSparse(path, size)).bytes);
}

/** Runs a parse step, turning malformed protobuf into one MoeScopeError that names the file. */
export function withModelErrors<T>(path: string, size: number, parse: () => T): T {
  const name = basename(path);
  const explain = (error: unknown): never => {
    if (!(error instanceof ProtobufError)) throw error;
    // A stream that is well-formed until it runs out is a cut-off file; anything else is not ONNX.
    if (/truncated|past the end/.test(error.message)) {
      throw new MoeScopeError(
        'CORRUPT_ONNX',
        `${name} is not a readable ONNX model: ${error.message} at byte ${error.offset} of ${size}; the file looks truncated or corrupt.`,
        'Re-export or re-download the model.',
      );
    }
    throw new MoeScopeError(
      'NOT_ONNX',
      `${name} is not an ONNX model: ${error.message} (at byte ${error.offset}).`,
      'Choose a file saved by torch.onnx.export or onnx.save.',
    );
  };
  try {
    const result = parse();
    return result instanceof Promise ? (result.catch(explain) as T) : result;
  } catch (error) {
    return explain(error);
  }
}

export function summariseModelBytes(bytes: Uint8Array, path: string): ModelSummary {
  return withModelErrors(path, bytes.byteLength, () => readModelSummary(bytes, path));
}

export async function inspectModel(path: string): Promise<ModelSummary> {
  return summariseModelBytes(await readModelStructure(path), path);
}
