/**
 * Where a ViT's tokens sit on its input image. A model that cuts an h × w image into P × P patches
 * has m = (h/P)·(w/P) tokens, or one more with a class token in front. The report keeps m and the
 * image, not P, so the grid is inferred: the factorisation of m (or m − 1) whose patches are closest
 * to square.
 */

export interface PatchGrid {
  rows: number;
  cols: number;
  /** Tokens before the first patch (1 with a class token). */
  offset: number;
}

/** Patches may be at most this far from square (ratio of patch height to width) to count as a fit. */
const MAX_ASPECT = 1.25;

/** The patch grid of `tokens` tokens on a height × width image, or null when no grid fits. */
export function inferPatchGrid(tokens: number, height: number, width: number): PatchGrid | null {
  let best: (PatchGrid & { misfit: number }) | null = null;
  for (const offset of [0, 1]) {
    const patches = tokens - offset;
    if (patches < 1) continue;
    for (let rows = 1; rows <= patches && rows <= height; rows++) {
      if (patches % rows !== 0) continue;
      const cols = patches / rows;
      if (cols > width) continue;
      const misfit = Math.abs(Math.log(height / rows / (width / cols)));
      // Without a class token is preferred on equal fits: exact grids are the common case.
      if (misfit <= Math.log(MAX_ASPECT) && (!best || misfit < best.misfit - 1e-9)) {
        best = { rows, cols, offset, misfit };
      }
    }
  }
  return best && { rows: best.rows, cols: best.cols, offset: best.offset };
}

/** The patch row of pixel row y (and likewise for columns): ⌊(y + ½)·rows / height⌋. */
export function patchIndex(pixel: number, cells: number, size: number): number {
  return Math.min(cells - 1, Math.floor(((pixel + 0.5) * cells) / size));
}

/** The token drawn at pixel (x, y). */
export function tokenAt(grid: PatchGrid, x: number, y: number, height: number, width: number): number {
  return grid.offset + patchIndex(y, grid.rows, height) * grid.cols + patchIndex(x, grid.cols, width);
}
