/**
 * Pixels of the image views: the input image as RGBA, and the image with each patch blended towards
 * a colour (its top expert's, or a slot's dispatch weight on a colour map), as in the Soft MoE
 * paper's figures of slot weights over the input. Pure arithmetic on typed arrays.
 */
import type { InputImage } from '../../src/core/report/types';
import type { Rgba } from '../heatmap/colormaps';
import { tokenAt, type PatchGrid } from './patchGrid';

/** The image as height × width RGBA bytes (grey images repeat their one channel). */
export function imageRgba(image: InputImage): Uint8ClampedArray<ArrayBuffer> {
  const { height, width, channels, data } = image;
  const out = new Uint8ClampedArray(height * width * 4);
  for (let i = 0; i < height * width; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = data[i * channels + (channels === 3 ? c : 0)]!;
    out[4 * i + 3] = 255;
  }
  return out;
}

/**
 * The image with every pixel of patch t mixed with colour(t): out = round((1 − α)·pixel + α·colour).
 * Pixels whose token has no colour (null) keep the image. O(height · width).
 */
export function blendPatches(
  image: InputImage,
  grid: PatchGrid,
  colour: (token: number) => Rgba | null,
  alpha: number,
): Uint8ClampedArray<ArrayBuffer> {
  const out = imageRgba(image);
  const { height, width } = image;
  const cache = new Map<number, Rgba | null>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const token = tokenAt(grid, x, y, height, width);
      let c = cache.get(token);
      if (c === undefined) cache.set(token, (c = colour(token)));
      if (!c) continue;
      const i = 4 * (y * width + x);
      for (let k = 0; k < 3; k++) out[i + k] = Math.round((1 - alpha) * out[i + k]! + alpha * c[k]!);
    }
  }
  return out;
}
