/**
 * The links of one document to the layers of every analysed checkpoint, sorted by position so
 * that the anchor under the cursor is a binary search away.
 */
import type { Anchor, AnchorLinks, LayerLink, LayerRef } from './types';

export class DocumentLinks {
  /** Sorted by line, then start column. */
  readonly anchors: readonly AnchorLinks[];

  /** `perModel`: each checkpoint's path and the links found to its layers. */
  constructor(perModel: Iterable<{ modelPath: string; links: readonly LayerLink[] }>) {
    const byPosition = new Map<string, AnchorLinks>();
    for (const { modelPath, links } of perModel) {
      for (const { anchor, layerId, kind, score } of links) {
        const key = `${anchor.line}:${anchor.start}:${anchor.end}`;
        let entry = byPosition.get(key);
        if (!entry) byPosition.set(key, (entry = { anchor, layers: [] }));
        const known = entry.layers.find((l) => l.modelPath === modelPath && l.layerId === layerId);
        if (!known) {
          entry.layers.push({ modelPath, layerId, kind, score });
        } else if (rank(kind) < rank(known.kind)) {
          known.kind = kind;
          known.score = score;
        }
      }
    }
    this.anchors = [...byPosition.values()].sort(
      (a, b) => a.anchor.line - b.anchor.line || a.anchor.start - b.anchor.start,
    );
  }

  /** The innermost anchor covering the position (its end column included), if any. */
  at(line: number, character: number): AnchorLinks | undefined {
    let lo = 0;
    let hi = this.anchors.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.anchors[mid]!.anchor.line < line) lo = mid + 1;
      else hi = mid;
    }
    let found: AnchorLinks | undefined;
    for (let i = lo; i < this.anchors.length && this.anchors[i]!.anchor.line === line; i++) {
      const { anchor } = this.anchors[i]!;
      if (anchor.start <= character && character <= anchor.end) {
        if (!found || anchor.end - anchor.start < found.anchor.end - found.anchor.start)
          found = this.anchors[i];
      }
    }
    return found;
  }

  /** The most direct anchor naming a layer (by kind, then score, then position): Go to Source. */
  bestFor(modelPath: string, layerId: string): { anchor: Anchor; ref: LayerRef } | undefined {
    let best: { anchor: Anchor; ref: LayerRef } | undefined;
    for (const { anchor, layers } of this.anchors) {
      const ref = layers.find((l) => l.modelPath === modelPath && l.layerId === layerId);
      if (!ref) continue;
      if (!best || compareRefs(ref, best.ref) < 0) best = { anchor, ref };
    }
    return best;
  }

  /** Anchors that define a layer (the attribute that creates it, or the exporter's line): CodeLens spots. */
  definitions(): AnchorLinks[] {
    return this.anchors.filter((a) => a.layers.some((l) => l.kind === 'attribute' || l.kind === 'source'));
  }
}

/** Kinds from the most direct (the definition of the layer) to the least. */
export const KIND_ORDER: readonly LayerRef['kind'][] = [
  'source',
  'attribute',
  'configKey',
  'string',
  'class',
  'container',
];

/** Lower is more direct; an anchor reached both ways keeps the more direct kind. */
export function rank(kind: LayerRef['kind']): number {
  return KIND_ORDER.indexOf(kind);
}

/** Negative when `a` is the more direct link. */
export function compareRefs(a: LayerRef, b: LayerRef): number {
  return rank(a.kind) - rank(b.kind) || b.score - a.score;
}
