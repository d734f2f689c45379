/**
 * The picture behind an image model's input, kept with the per-sample detail so the panel can draw
 * Soft MoE slot weights over the patches the slots mixed. Only a single float input shaped like an
 * image (N×C×H×W or N×H×W×C with 1 or 3 channels) qualifies.
 */
import type { InputImage } from '../core/report/types';
import { asFloat32, type Tensor } from '../core/tensor';

const MIN_SIDE = 4;

type Layout = { channels: 1 | 3; height: number; width: number; channelsFirst: boolean };

function imageLayout(shape: readonly number[]): Layout | undefined {
  if (shape.length === 3) {
    const [, height, width] = shape as [number, number, number];
    return height >= MIN_SIDE && width >= MIN_SIDE
      ? { channels: 1, height, width, channelsFirst: true }
      : undefined;
  }
  if (shape.length !== 4) return undefined;
  const [, a, b, c] = shape as [number, number, number, number];
  if ((a === 1 || a === 3) && b >= MIN_SIDE && c >= MIN_SIDE)
    return { channels: a, height: b, width: c, channelsFirst: true };
  if ((c === 1 || c === 3) && a >= MIN_SIDE && b >= MIN_SIDE)
    return { channels: c, height: a, width: b, channelsFirst: false };
  return undefined;
}

/** Whether a model's inputs are one image tensor (what `inputImage` can show). */
export function isImageBatch(batch: Record<string, Tensor>): boolean {
  const tensors = Object.values(batch);
  const dtype = tensors[0]?.dtype;
  return (
    tensors.length === 1 && (dtype === 'float32' || dtype === 'float16') && !!imageLayout(tensors[0]!.shape)
  );
}

/** Row `row` of an image batch as 8-bit, channels-last pixels, min–max scaled per sample. */
export function inputImage(batch: Record<string, Tensor>, row: number): InputImage | undefined {
  if (!isImageBatch(batch)) return undefined;
  const tensor = Object.values(batch)[0] as Tensor<'float32' | 'float16'>;
  const { channels, height, width, channelsFirst } = imageLayout(tensor.shape)!;
  const size = channels * height * width;
  // One sample's pixels as float32 (a half-precision model's input is widened row by row).
  const sample = {
    dtype: tensor.dtype,
    shape: [size],
    data: tensor.data.subarray(row * size, (row + 1) * size),
  };
  const values = asFloat32(sample as Tensor)!.data;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max > min ? max - min : 1;
  const data = new Uint8Array(size);
  const plane = height * width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < channels; ch++) {
        const from = channelsFirst ? ch * plane + y * width + x : (y * width + x) * channels + ch;
        const v = values[from]!;
        data[(y * width + x) * channels + ch] = Number.isFinite(v) ? Math.round(((v - min) / span) * 255) : 0;
      }
    }
  }
  return { height, width, channels, data };
}
