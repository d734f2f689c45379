/**
 * Reads a whole input file into one buffer, refusing files over a size limit before reading a byte.
 * Node's `fs.readFile` stops at 2 GiB, so the file is read in chunks into a buffer of exactly its
 * size; typed-array views over that buffer start at offset 0, which keeps element data aligned.
 */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MoeScopeError } from '../errors';

/** The default limit on one input file: 4 GiB. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

const CHUNK = 64 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Size of a file in bytes, with MoE Scope errors for a missing or unreadable path. */
export async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new MoeScopeError('FILE_UNREADABLE', `${path} is a folder, not a file.`);
    }
    return info.size;
  } catch (error) {
    throw fileError(error, path);
  }
}

/** Checks a byte count against the limit and throws FILE_TOO_LARGE naming the file. */
export function checkSize(
  path: string,
  size: number,
  maxBytes: number,
  hint = 'Use a smaller sample of the data, or raise the input size limit if this machine has the memory.',
): void {
  if (size > maxBytes) {
    throw new MoeScopeError(
      'FILE_TOO_LARGE',
      `${basename(path)} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for input files.`,
      hint,
    );
  }
}

/** The bytes of `path`, after checking that it exists, is a file and is at most `maxBytes` long. */
export async function readDataFile(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
  const size = await fileSize(path);
  checkSize(path, size, maxBytes);
  let handle;
  try {
    handle = await open(path, 'r');
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, Math.min(CHUNK, size - filled), filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== size) {
      throw new MoeScopeError('FILE_UNREADABLE', `${path} shrank while it was being read.`);
    }
    return bytes;
  } catch (error) {
    throw fileError(error, path);
  } finally {
    await handle?.close();
  }
}

/** Reads a UTF-8 text file under the same limit (and JavaScript's string length limit). */
export async function readTextFile(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string> {
  const bytes = await readDataFile(path, maxBytes);
  try {
    return new TextDecoder('utf-8').decode(bytes);
  } catch (error) {
    throw new MoeScopeError(
      'FILE_TOO_LARGE',
      `${basename(path)} (${formatBytes(bytes.length)}) is too large to read as text: ${(error as Error).message}.`,
      'Split the text into smaller files.',
    );
  }
}

function fileError(error: unknown, path: string): MoeScopeError {
  if (error instanceof MoeScopeError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new MoeScopeError(
      'FILE_NOT_FOUND',
      `${path} does not exist.`,
      'Check the path of the input data.',
    );
  }
  if (code === 'EISDIR') return new MoeScopeError('FILE_UNREADABLE', `${path} is a folder, not a file.`);
  const reason = error instanceof Error ? error.message : String(error);
  return new MoeScopeError(
    'FILE_UNREADABLE',
    `${path} could not be read: ${reason}`,
    code === 'EACCES' ? 'Check the file permissions.' : undefined,
  );
}
