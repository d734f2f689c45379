/**
 * Image inputs: one PNG/JPEG file, or a folder of them, become one float tensor for a model with a
 * single rank-4 image input. Per image:
 *
 *  1. decode to 8-bit RGBA (alpha is dropped, as PIL's convert('RGB') does);
 *  2. convert to the input's channel count: RGB as is, or grayscale with PIL's convert('L') luma
 *     L = (19595 R + 38470 G + 7471 B + 2^15) >> 16 (ITU-R 601-2, rounded);
 *  3. resize to the input's spatial size with bilinear interpolation, align_corners=False (resize.ts);
 *  4. x = (p · scale − mean[c]) / std[c] (preprocess.ts; default scale 1/255, mean 0, std 1);
 *  5. lay out as NCHW (default) or NHWC float32.
 *
 * Which files a folder contributes and where labels come from: imageFolder.ts (a single file is
 * treated as a folder holding just that file, so a labels.json beside it applies too).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { MoeScopeError } from '../errors';
import type { TensorSpec } from '../onnx/types';
import { Tensor } from '../tensor';
import { decodeImage, RgbaImage } from './decodeImage';
import { listImages, readImageLabels } from './imageFolder';
import { InputSet, inputSetFromTensors } from './inputSet';
import type { LoadOptions } from './options';
import { loadPreprocess, Preprocess } from './preprocess';
import { DEFAULT_MAX_BYTES, readDataFile } from './readFile';
import { resizeBilinear } from './resize';
import { conformInput } from './validate';

function badRequest(message: string, hint?: string): MoeScopeError {
  return new MoeScopeError('BAD_REQUEST', message, hint);
}

/** How the images will be laid out: channel count, target size and axis order. */
interface Geometry {
  channels: 1 | 3;
  size?: [number, number];
}

function imageGeometry(spec: TensorSpec, pre: Preprocess): Geometry {
  const shape = spec.shape;
  if (shape && shape.length !== 4) {
    throw badRequest(
      `input '${spec.name}' has rank ${shape.length}, so it cannot take images.`,
      'Images feed a rank-4 input: [batch, channels, height, width] (NCHW) or [batch, height, width, channels] (NHWC).',
    );
  }
  const [cAxis, hAxis, wAxis] = pre.layout === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
  const staticC = shape?.[cAxis];
  let channels = pre.channels;
  if (typeof staticC === 'number') {
    if (staticC !== 1 && staticC !== 3) {
      throw badRequest(
        `input '${spec.name}' has ${staticC} channels on axis ${cAxis} (${pre.layout}); images give 1 (grayscale) or 3 (RGB).`,
        pre.layout === 'NCHW'
          ? 'If the model is channels-last, set "layout": "NHWC" in the preprocessing config.'
          : undefined,
      );
    }
    if (channels !== undefined && channels !== staticC) {
      throw badRequest(
        `the preprocessing config asks for ${channels} channels but input '${spec.name}' has ${staticC}.`,
      );
    }
    channels = staticC;
  }
  const h = shape?.[hAxis];
  const w = shape?.[wAxis];
  let size = pre.size;
  if (typeof h === 'number' && typeof w === 'number') {
    if (size && (size[0] !== h || size[1] !== w)) {
      throw badRequest(
        `the preprocessing config asks for size ${size[0]}×${size[1]} but input '${spec.name}' is ${h}×${w}.`,
      );
    }
    size = [h, w];
  }
  const geometry: Geometry = { channels: channels ?? 3 };
  if (size) geometry.size = size;
  for (const key of ['mean', 'std'] as const) {
    if (pre[key].length !== 1 && pre[key].length !== geometry.channels) {
      throw badRequest(
        `the preprocessing ${key} has ${pre[key].length} values but the images have ${geometry.channels} channels.`,
      );
    }
  }
  return geometry;
}

/** One decoded image as channel planes (float, 0…255) of the requested channel count. */
function toPlanes(image: RgbaImage, channels: 1 | 3): Float32Array[] {
  const n = image.width * image.height;
  const { rgba } = image;
  if (channels === 1) {
    const gray = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      gray[i] = (rgba[4 * i]! * 19595 + rgba[4 * i + 1]! * 38470 + rgba[4 * i + 2]! * 7471 + 0x8000) >> 16;
    }
    return [gray];
  }
  const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) planes[c]![i] = rgba[4 * i + c]!;
  return planes;
}

/** Loads images from `path` (a PNG/JPEG file or a folder of them) for `spec`. */
export async function loadImages(
  path: string,
  spec: TensorSpec,
  options: LoadOptions = {},
): Promise<InputSet> {
  if (spec.dtype !== 'float32' && spec.dtype !== 'float64') {
    throw badRequest(`input '${spec.name}' takes ${spec.dtype} values; images become float32.`);
  }
  const pre = await loadPreprocess(options.preprocess, options.modelPath);
  const geometry = imageGeometry(spec, pre);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new MoeScopeError('FILE_NOT_FOUND', `${path} does not exist.`, 'Check the path of the input data.');
  }
  const isFolder = info.isDirectory();
  const root = isFolder ? path : dirname(path);
  let files: string[];
  try {
    files = isFolder ? await listImages(path) : [relative(root, path).split(sep).join('/')];
  } catch (error) {
    throw new MoeScopeError('FILE_UNREADABLE', `${path} could not be listed: ${(error as Error).message}`);
  }
  if (files.length === 0) {
    throw badRequest(
      `${path} holds no PNG or JPEG images.`,
      'Images are read from the folder and its immediate sub-folders.',
    );
  }
  const labels = await readImageLabels(root, files, options.classNames);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { channels } = geometry;
  let data: Float32Array | undefined;
  let h = 0;
  let w = 0;
  for (let i = 0; i < files.length; i++) {
    const file = join(root, files[i]!);
    const image = decodeImage(await readDataFile(file, maxBytes), file);
    if (!data) {
      [h, w] = geometry.size ?? [image.height, image.width];
      data = new Float32Array(files.length * channels * h * w);
    } else if (!geometry.size && (image.height !== h || image.width !== w)) {
      throw badRequest(
        `${file} is ${image.height}×${image.width} but ${files[0]} is ${h}×${w}, and input '${spec.name}' has no fixed size.`,
        'Set "size": [height, width] in the preprocessing config.',
      );
    }
    const planes = toPlanes(image, channels).map((p) => resizeBilinear(p, image.height, image.width, h, w));
    const base = i * channels * h * w;
    for (let c = 0; c < channels; c++) {
      const plane = planes[c]!;
      const mean = pre.mean[pre.mean.length === 1 ? 0 : c]!;
      const std = pre.std[pre.std.length === 1 ? 0 : c]!;
      for (let p = 0; p < h * w; p++) {
        const value = (plane[p]! * pre.scale - mean) / std;
        data[pre.layout === 'NCHW' ? base + c * h * w + p : base + p * channels + c] = value;
      }
    }
  }
  const shape = pre.layout === 'NCHW' ? [files.length, channels, h, w] : [files.length, h, w, channels];
  const source = isFolder ? `${basename(path)}/` : basename(path);
  const tensor: Tensor = { dtype: 'float32', shape, data: data! };
  const conformed = conformInput(spec, tensor, source, options);
  return inputSetFromTensors({ [spec.name]: conformed }, source, labels ? { labels } : {});
}
