/**
 * Checks a model's external data before ONNX Runtime reads it: every file must exist next to the
 * model, stay inside the model's folder, and be long enough for the tensors that point into it.
 * A missing or short file becomes one clear error instead of a native failure.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { MoeScopeError } from '../errors';
import type { GraphIndex } from './graph';

/** The external data files of a model, each with the bytes its tensors need. */
export function externalFiles(graph: GraphIndex): Map<string, number> {
  const files = new Map<string, number>();
  for (const header of graph.initializers.values()) {
    if (!header.external) continue;
    const needed = header.external.offset + (header.external.length ?? 0);
    files.set(header.external.location, Math.max(files.get(header.external.location) ?? 0, needed));
  }
  return files;
}

export async function checkExternalData(graph: GraphIndex, modelPath: string): Promise<boolean> {
  const files = externalFiles(graph);
  const folder = dirname(modelPath);
  const model = basename(modelPath);
  for (const [location, needed] of files) {
    const relative = normalize(location);
    if (isAbsolute(relative) || relative.startsWith(`..${sep}`) || relative === '..') {
      throw new MoeScopeError(
        'NOT_ONNX',
        `${model} points its weights at ${location}, outside its own folder; MoE Scope does not follow such paths.`,
      );
    }
    const path = join(folder, relative);
    let size: number;
    try {
      size = (await fs.stat(path)).size;
    } catch {
      throw new MoeScopeError(
        'FILE_NOT_FOUND',
        `${model} keeps its weights in the external data file ${location}, which is missing from ${folder}.`,
        'Copy the data file next to the model (onnx.save(..., save_as_external_data=True) writes both).',
      );
    }
    if (size < needed) {
      throw new MoeScopeError(
        'CORRUPT_ONNX',
        `External data file ${location} of ${model} is ${size} bytes but its tensors need ${needed}; it looks truncated.`,
      );
    }
  }
  return files.size > 0;
}
