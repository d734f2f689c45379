/**
 * Image preprocessing settings: how decoded 8-bit pixels become the model's float input.
 *
 * Given as `options.preprocess` or in a sidecar file next to the model, `<model>.preprocess.json`
 * (for `vit.onnx`: `vit.preprocess.json`), e.g. for an ImageNet-style RGB model:
 *
 *   { "layout": "NCHW", "scale": 0.00392156862745098, "size": [224, 224],
 *     "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225] }
 *
 * For each pixel value p (0…255) of channel c:  x = (p · scale − mean[c]) / std[c].
 * This is torchvision's ToTensor() (scale 1/255) followed by Normalize(mean, std).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { MoeScopeError } from '../errors';
import { readTextFile } from './readFile';

export interface PreprocessConfig {
  /** Memory layout of the image input: "NCHW" (channels first, PyTorch's; default) or "NHWC". */
  layout?: 'NCHW' | 'NHWC';
  /** Factor applied to the 0…255 pixel values first (default 1/255, giving [0, 1]). */
  scale?: number;
  /** Subtracted after scaling: one value for all channels or one per channel (default 0). */
  mean?: number[];
  /** Divides after the mean: one value or one per channel, each non-zero (default 1). */
  std?: number[];
  /** Target [height, width] (default: the model input's static spatial size). */
  size?: [number, number];
  /** 1 (grayscale) or 3 (RGB) (default: the model input's static channel size, else 3). */
  channels?: 1 | 3;
}

/** A PreprocessConfig with every field decided. */
export interface Preprocess {
  layout: 'NCHW' | 'NHWC';
  scale: number;
  mean: number[];
  std: number[];
  size?: [number, number];
  channels?: 1 | 3;
}

function invalid(where: string, problem: string): MoeScopeError {
  return new MoeScopeError(
    'BAD_REQUEST',
    `${where}: ${problem}.`,
    'Expected {"layout": "NCHW"|"NHWC", "scale": 1/255, "mean": [..], "std": [..], "size": [h, w], "channels": 1|3}, every field optional.',
  );
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a config object (from options or a sidecar file) and fills in the defaults. */
export function resolvePreprocess(config: unknown, where = 'the preprocessing config'): Preprocess {
  if (config === undefined || config === null) config = {};
  if (typeof config !== 'object' || Array.isArray(config)) throw invalid(where, 'it is not an object');
  const c = config as Record<string, unknown>;
  const known = ['layout', 'scale', 'mean', 'std', 'size', 'channels'];
  const unknown = Object.keys(c).filter((k) => !known.includes(k));
  if (unknown.length)
    throw invalid(where, `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const layout = c.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC')
    throw invalid(where, `layout ${JSON.stringify(layout)} is not "NCHW" or "NHWC"`);
  const scale = c.scale ?? 1 / 255;
  if (!isFiniteNumber(scale)) throw invalid(where, 'scale is not a number');
  const list = (key: 'mean' | 'std', fallback: number): number[] => {
    const v = c[key] ?? [fallback];
    if (!Array.isArray(v) || (v.length !== 1 && v.length !== 3) || !v.every(isFiniteNumber)) {
      throw invalid(where, `${key} is not a list of 1 or 3 numbers`);
    }
    return v;
  };
  const mean = list('mean', 0);
  const std = list('std', 1);
  if (std.some((s) => s === 0)) throw invalid(where, 'std contains 0');
  const result: Preprocess = { layout, scale, mean, std };
  if (c.size !== undefined) {
    const s = c.size;
    if (!Array.isArray(s) || s.length !== 2 || !s.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw invalid(where, 'size is not [height, width] with positive integers');
    }
    result.size = [s[0], s[1]];
  }
  if (c.channels !== undefined) {
    if (c.channels !== 1 && c.channels !== 3) throw invalid(where, 'channels is not 1 or 3');
    result.channels = c.channels;
  }
  return result;
}

/** The sidecar path for a model: `dir/name.onnx` → `dir/name.preprocess.json`. */
export function sidecarPath(modelPath: string): string {
  return join(dirname(modelPath), `${basename(modelPath, extname(modelPath))}.preprocess.json`);
}

/**
 * The preprocessing to use: `explicit` when given, else the model's sidecar file when it exists,
 * else the defaults (NCHW, scale 1/255, no normalisation, size and channels from the model).
 */
export async function loadPreprocess(
  explicit: PreprocessConfig | undefined,
  modelPath?: string,
): Promise<Preprocess> {
  if (explicit) return resolvePreprocess(explicit, 'options.preprocess');
  if (modelPath) {
    const path = sidecarPath(modelPath);
    if (existsSync(path)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readTextFile(path, 1024 * 1024));
      } catch (error) {
        if (error instanceof MoeScopeError) throw error;
        throw invalid(path, `it is not valid JSON (${(error as Error).message})`);
      }
      return resolvePreprocess(parsed, path);
    }
  }
  return resolvePreprocess({});
}
