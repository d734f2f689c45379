/**
 * The files and labels of an image folder. A folder contributes the images directly inside it
 * and inside its immediate sub-folders, as '/'-separated paths relative to it, sorted in
 * code-point order (like Python's sorted()). Labels, optional, come from
 *  - `labels.json` in the folder as { "<relative path>": class index }, which must then list
 *    every image loaded; or else
 *  - class names (`options.classNames`, or a labels.json that is a list of names): an image whose
 *    parent folder is named like a class gets its index (torchvision's ImageFolder layout, e.g.
 *    train/cat/1.png). With options.classNames every image must be in a class folder; with a
 *    list in labels.json, images outside class folders simply get no labels.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { MoeScopeError } from '../errors';
import { readTextFile } from './readFile';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

function badRequest(message: string, hint?: string): MoeScopeError {
  return new MoeScopeError('BAD_REQUEST', message, hint);
}

/** Image files of a folder and its immediate sub-folders, as paths relative to it, sorted. */
export async function listImages(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isFile() && isImagePath(entry.name)) found.push(entry.name);
    else if (entry.isDirectory()) {
      for (const inner of await readdir(join(folder, entry.name), { withFileTypes: true })) {
        if (inner.isFile() && isImagePath(inner.name)) found.push(`${entry.name}/${inner.name}`);
      }
    }
  }
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Labels for `files` (relative to `root`): from root/labels.json when it maps file names to
 * indices; else by parent-folder name against the class names (options.classNames, or a
 * labels.json that is a list of class names, as the bundled demo's); else none.
 */
export async function readImageLabels(
  root: string,
  files: string[],
  classNames: string[] | undefined,
): Promise<Int32Array | undefined> {
  const labelsPath = join(root, 'labels.json');
  const exists = await stat(labelsPath).then(
    (s) => s.isFile(),
    () => false,
  );
  if (exists) {
    let map: unknown;
    try {
      map = JSON.parse(await readTextFile(labelsPath, 64 * 1024 * 1024));
    } catch (error) {
      if (error instanceof MoeScopeError) throw error;
      throw badRequest(`${labelsPath} is not valid JSON: ${(error as Error).message}.`);
    }
    if (Array.isArray(map) && map.every((c) => typeof c === 'string')) {
      // A list of class names: labels by folder name, but only if every image is in a class folder.
      if (!classNames) {
        const folders = files.map((f) => basename(dirname(join(root, f))));
        return folders.every((f) => map.includes(f))
          ? Int32Array.from(folders, (f) => map.indexOf(f))
          : undefined;
      }
    } else if (map === null || typeof map !== 'object' || Array.isArray(map)) {
      throw badRequest(
        `${labelsPath} should map file names to class indices, e.g. {"a.png": 3}, or list the class names.`,
      );
    } else {
      const table = map as Record<string, unknown>;
      const missing = files.filter((f) => !Number.isSafeInteger(table[f]));
      if (missing.length) {
        throw badRequest(
          `${labelsPath} gives no integer label for ${missing.length} image${missing.length > 1 ? 's' : ''}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`,
          'Give every image an entry {"<path relative to the folder>": class index}, or remove labels.json.',
        );
      }
      return Int32Array.from(files, (f) => table[f] as number);
    }
  }
  if (!classNames?.length) return undefined;
  const names = classNames;
  return Int32Array.from(files, (f) => {
    const folder = basename(dirname(join(root, f)));
    const label = names.indexOf(folder);
    if (label < 0) {
      throw badRequest(
        `image ${f} is in folder '${folder}', which is not one of the class names (${names.join(', ')}).`,
        'Put each image in a sub-folder named after its class, or add a labels.json.',
      );
    }
    return label;
  });
}
