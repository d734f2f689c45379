/**
 * Which layer of checkpoint A is compared with which layer of checkpoint B: first by id (the
 * module path, e.g. `blocks.2.mlp`), then the rest by graph order within each kind, then the rest
 * by graph order alone (a Soft MoE and its SMEAR sibling with differently named modules).
 */
import type { LayerKind } from '../analysis/types';
import type { Granularity, PairedBy } from './types';

export interface LayerRef {
  id: string;
  kind: LayerKind;
  /** Graph order among the model's MoE layers. */
  index: number;
  experts: number;
  /** Routing positions per sample: tokens, or 1 for SMEAR. */
  tokens: number;
  /** Top-k k, when the layer has one. */
  k?: number;
}

export interface LayerPair<L extends LayerRef = LayerRef> {
  a: L;
  b: L;
  by: PairedBy;
}

export interface Pairing<L extends LayerRef = LayerRef> {
  /** In A's graph order. */
  pairs: LayerPair<L>[];
  unpaired: { a: L[]; b: L[] };
}

/** Pairs the layers of two models. O(nA·nB) in the number of layers. */
export function pairLayers<L extends LayerRef>(a: readonly L[], b: readonly L[]): Pairing<L> {
  const pairs: LayerPair<L>[] = [];
  const freeA = [...a].sort((x, y) => x.index - y.index);
  let freeB = [...b].sort((x, y) => x.index - y.index);
  const take = (by: PairedBy, fits: (x: L, y: L) => boolean) => {
    for (const x of [...freeA]) {
      const y = freeB.find((candidate) => fits(x, candidate));
      if (!y) continue;
      pairs.push({ a: x, b: y, by });
      freeA.splice(freeA.indexOf(x), 1);
      freeB = freeB.filter((candidate) => candidate !== y);
    }
  };
  take('id', (x, y) => x.id === y.id);
  take('order-and-kind', (x, y) => x.kind === y.kind);
  take('order', () => true);
  pairs.sort((x, y) => x.a.index - y.a.index);
  return { pairs, unpaired: { a: freeA, b: freeB } };
}

/**
 * Positions are tokens when both layers route every token and have the same token count;
 * otherwise examples (SMEAR routes once per example; different token counts cannot be lined up).
 */
export function granularityOf(a: LayerRef, b: LayerRef): Granularity {
  return a.kind !== 'smear' && b.kind !== 'smear' && a.tokens === b.tokens ? 'token' : 'example';
}

/** The k of top-k overlap: min(kA, kB, nA, nB), with 2 for a layer without a k. */
export function overlapK(a: LayerRef, b: LayerRef): number {
  return Math.max(1, Math.min(a.k ?? 2, b.k ?? 2, a.experts, b.experts));
}
