/**
 * Layer ids as module paths (`blocks.2.mixer`), and the other names that point at a layer: ONNX
 * node and tensor names from the exporter's scopes, and the exporter's source file.
 */
import type { LinkTarget } from './types';

export function layerSegments(id: string): string[] {
  return id.split('.').filter((s) => s.length > 0);
}

/** `nn.ModuleList` / `nn.Sequential` children are named by their index. */
export function isIndexSegment(segment: string): boolean {
  return /^\d+$/.test(segment);
}

/**
 * The module scope of a TorchScript-exported node or tensor name, or undefined when the name has
 * no scope: `/blocks.2/mlp/Softmax_1_output_0` → `blocks.2.mlp`.
 */
export function scopeOfOnnxName(name: string): string | undefined {
  if (!name.startsWith('/')) return undefined;
  const parts = name.split('/').filter((p) => p.length > 0);
  return parts.length >= 2 ? parts.slice(0, -1).join('.') : undefined;
}

/** How many trailing segments the two paths share. */
export function sharedTail(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/**
 * Whether a string names the layer: its id, one of its tensor names, or an ONNX node name in its
 * scope (a router sub-module such as `blocks.2.mlp.gate` counts as the layer).
 */
export function namesLayer(text: string, target: LinkTarget): boolean {
  if (text === target.id || target.tensors.includes(text)) return true;
  const scope = scopeOfOnnxName(text);
  return scope !== undefined && (scope === target.id || scope.startsWith(`${target.id}.`));
}

function pathParts(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p.length > 0 && p !== '.');
}

/**
 * How many trailing path segments a document shares with the exporter's source file (0: another
 * file). The exporter records paths of the machine that exported, so only the tail can match.
 */
export function sourceFileMatch(documentPath: string, sourceFile: string): number {
  return sharedTail(pathParts(documentPath), pathParts(sourceFile));
}
