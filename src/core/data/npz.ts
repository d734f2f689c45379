/**
 * Reads numpy .npz archives (`np.savez`, stored; `np.savez_compressed`, deflated): a zip of .npy
 * files, one per array, the key being the entry name without ".npy". Entries are only expanded
 * when read; entries that are not .npy files are ignored.
 */
import { MoeScopeError } from '../errors';
import { Tensor } from '../tensor';
import type { NamedArrays } from './bind';
import { parseNpy } from './npy';
import { checkSize, DEFAULT_MAX_BYTES } from './readFile';
import { extractZipEntry, listZip, ZipEntry, ZipError } from './zip';

function corrupt(file: string, error: ZipError): MoeScopeError {
  return new MoeScopeError(
    'BAD_REQUEST',
    `${file} is not a readable .npz archive: ${error.message}.`,
    'Save it again with numpy.savez or numpy.savez_compressed.',
  );
}

/** The arrays of an .npz file held in `bytes`; `file` names it in messages. */
export function readNpz(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_BYTES): NamedArrays {
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes);
  } catch (error) {
    if (error instanceof ZipError) throw corrupt(file, error);
    throw error;
  }
  const byKey = new Map<string, ZipEntry>();
  for (const entry of entries) {
    if (entry.name.endsWith('.npy')) byKey.set(entry.name.slice(0, -4), entry);
  }
  const describe = (key: string): string => `${file}['${key}']`;
  return {
    file,
    keys: [...byKey.keys()],
    describe,
    read(key: string): Tensor {
      const entry = byKey.get(key);
      if (!entry) throw new MoeScopeError('BAD_REQUEST', `${file} has no array '${key}'.`);
      checkSize(describe(key), entry.size, maxBytes);
      let data: Uint8Array;
      try {
        data = extractZipEntry(bytes, entry);
      } catch (error) {
        if (error instanceof ZipError) throw corrupt(file, error);
        throw error;
      }
      return parseNpy(data, describe(key));
    },
  };
}
