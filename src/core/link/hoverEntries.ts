/** Which layers of which reports an anchor names, grouped per checkpoint for the hover and CodeLens. */
import type { Report } from '../report/types';
import type { HoverEntry } from './hoverMarkdown';
import type { LayerRef } from './types';

/** Checkpoints shown in one hover, nearest to the document first. */
export const MAX_CHECKPOINTS = 3;

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The report entries `refs` name, each with its layers in report order, the checkpoints nearest
 * the document (by shared path prefix) first; `stale` is left for the caller to fill in.
 */
export function hoverEntries(
  refs: readonly LayerRef[],
  reportFor: (modelPath: string) => Report | undefined,
  documentPath: string,
): HoverEntry[] {
  const byModel = new Map<string, Set<string>>();
  for (const ref of refs) {
    const ids = byModel.get(ref.modelPath) ?? new Set<string>();
    ids.add(ref.layerId);
    byModel.set(ref.modelPath, ids);
  }
  const entries: HoverEntry[] = [];
  for (const [modelPath, ids] of byModel) {
    const report = reportFor(modelPath);
    if (report)
      entries.push({ report, layers: report.layers.filter((l) => ids.has(l.id)), stale: undefined });
  }
  return entries
    .sort(
      (a, b) =>
        sharedPrefix(b.report.model.path, documentPath) - sharedPrefix(a.report.model.path, documentPath),
    )
    .slice(0, MAX_CHECKPOINTS);
}
