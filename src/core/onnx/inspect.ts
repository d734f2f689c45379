/**
 * `inspect`: open an ONNX file and summarise it without running it. Turns every way a file can be
 * wrong into one MoeScopeError that names the file and says what is wrong with it.
 */
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { MoeScopeError } from '../errors';
import { ProtobufError } from './protobuf';
import { readModelSummary } from './summary';
import { ModelSummary } from './types';

/** Protobuf cannot serialise a message over 2 GiB; bigger models keep weights as external data. */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

export async function readModelBytes(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) {
      throw new MoeScopeError('FILE_UNREADABLE', `${path} is a folder, not an ONNX file.`);
    }
    size = stat.size;
  } catch (error) {
    if (error instanceof MoeScopeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new MoeScopeError('FILE_NOT_FOUND', `Model file not found: ${path}.`, 'Check the path.');
    }
    throw new MoeScopeError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}.`);
  }
  if (size === 0) throw new MoeScopeError('NOT_ONNX', `${path} is empty (0 bytes), not an ONNX model.`);
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

export function summariseModelBytes(bytes: Uint8Array, path: string): ModelSummary {
  try {
    return readModelSummary(bytes, path);
  } catch (error) {
    if (!(error instanceof ProtobufError)) throw error;
    const name = basename(path);
    // A stream that is well-formed until it runs out is a cut-off file; anything else is not ONNX.
    if (/truncated|past the end/.test(error.message)) {
      throw new MoeScopeError(
        'CORRUPT_ONNX',
        `${name} is not a readable ONNX model: ${error.message} at byte ${error.offset} of ${bytes.byteLength}; the file looks truncated or corrupt.`,
        'Re-export or re-download the model.',
      );
    }
    throw new MoeScopeError(
      'NOT_ONNX',
      `${name} is not an ONNX model: ${error.message} (at byte ${error.offset}).`,
      'Choose a file saved by torch.onnx.export or onnx.save.',
    );
  }
}

export async function inspectModel(path: string): Promise<ModelSummary> {
  return summariseModelBytes(await readModelBytes(path), path);
}
