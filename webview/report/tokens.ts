/** Names for a sample's tokens: its words for text, patch positions for images, else indices. */
import type { SampleDetail } from '../../src/core/report/types';
import { inferPatchGrid } from './patchGrid';

export function tokenLabels(sample: SampleDetail | undefined, count: number): string[] {
  const words = sample?.tokens;
  if (words && words.length === count) return words.map((word, i) => `${i} ${word}`);
  const image = sample?.image;
  const grid = image && inferPatchGrid(count, image.height, image.width);
  if (grid) {
    return Array.from({ length: count }, (_, i) => {
      if (i < grid.offset) return `${i} class token`;
      const patch = i - grid.offset;
      return `${i} (${Math.floor(patch / grid.cols)}, ${patch % grid.cols})`;
    });
  }
  return Array.from({ length: count }, (_, i) => String(i));
}
