/**
 * From cell values to colours: the value range a heatmap shows, the mapping of a value onto one of
 * 256 colour-table entries, and the packed lookup table the renderer writes pixels from.
 *
 * One formula decides every colour: entry = clamp(floor((x − lo) · k), 0, 255). `lutIndex` states it
 * once for `colorFor` (tests, legends); `fillPixels` inlines the same expression in its hot loops
 * (a call per cell costs twice the time there). The browser tests hold the two equal pixel by pixel.
 *
 * Pure arithmetic on typed arrays: no DOM, so Node tests import it directly.
 */
import { colormapRgb, type ColormapName, type Rgba } from './colormaps';

export type ScaleName = 'linear' | 'log';

/**
 * NaN cells are drawn in this neutral mid grey. No entry of viridis, magma or the diverging map is
 * this colour (viridis and magma are never grey; the diverging map's only greys are near-white), so a
 * missing value never reads as a measured one.
 */
export const NAN_RGBA: Rgba = [128, 128, 128, 255];

/** The value range a heatmap maps onto its colour table. */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

/**
 * A value-to-entry mapping: entry = clamp(floor((x − lo) · k), 0, 255) with x = v (linear) or ln v
 * (log). Non-positive values on a log scale take entry 0. NaN has no entry (see NAN_RGBA).
 */
export interface LutMapping {
  readonly lo: number;
  readonly k: number;
  readonly log: boolean;
}

/**
 * The mapping for [min, max] on a scale. The diverging map is centred at 0: its range is made
 * symmetric, [−L, L] with L = max(|min|, |max|), so 0 always lands on the neutral middle. A range of
 * one value (min = max) puts that value in the middle of the table.
 * Throws RangeError for a log scale on the diverging map (differences are signed) or with min ≤ 0.
 */
export function lutMapping(min: number, max: number, colormap: ColormapName, scale: ScaleName): LutMapping {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`the colour range must be finite with min ≤ max, got [${min}, ${max}]`);
  }
  let lo = min;
  let hi = max;
  if (colormap === 'diverging') {
    if (scale === 'log')
      throw new RangeError('the diverging colour map is linear: it shows signed differences');
    const half = Math.max(Math.abs(min), Math.abs(max));
    [lo, hi] = [-half, half];
  }
  const log = scale === 'log';
  if (log) {
    if (!(lo > 0)) throw new RangeError(`a log colour scale needs min > 0, got ${lo}`);
    [lo, hi] = [Math.log(lo), Math.log(hi)];
  }
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  return { lo, k: 256 / (hi - lo), log };
}

/** The colour-table entry (0–255) of a value that is not NaN. */
export function lutIndex(value: number, mapping: LutMapping): number {
  let x = value;
  if (mapping.log) {
    if (!(x > 0)) return 0;
    x = Math.log(x);
  }
  const j = (x - mapping.lo) * mapping.k;
  return j < 0 ? 0 : j >= 255 ? 255 : j | 0;
}

const littleEndian = new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04;

/** Packs RGBA into one 32-bit word laid out as ImageData bytes (r, g, b, a) on this machine. */
export function packRgba([r, g, b, a]: Rgba): number {
  return littleEndian
    ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

const luts = new Map<ColormapName, Uint32Array>();

/** A colour map's 256 opaque colours packed for ImageData (see packRgba). Built once per map. */
export function colorLut(colormap: ColormapName): Uint32Array {
  let lut = luts.get(colormap);
  if (!lut) {
    const rgb = colormapRgb(colormap);
    lut = new Uint32Array(256);
    for (let i = 0; i < 256; i++) lut[i] = packRgba([rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!, 255]);
    luts.set(colormap, lut);
  }
  return lut;
}

/** Entry `index` of a colour map as RGBA. */
export function lutColor(colormap: ColormapName, index: number): Rgba {
  const rgb = colormapRgb(colormap);
  return [rgb[3 * index]!, rgb[3 * index + 1]!, rgb[3 * index + 2]!, 255];
}

/**
 * The colour a heatmap gives `value` when its colour range is [min, max]: NAN_RGBA for NaN, else the
 * entry lutIndex picks. Exactly the colour the renderer writes for that cell.
 */
export function colorFor(
  value: number,
  min: number,
  max: number,
  colormap: ColormapName,
  scale: ScaleName = 'linear',
): Rgba {
  if (Number.isNaN(value)) return NAN_RGBA;
  return lutColor(colormap, lutIndex(value, lutMapping(min, max, colormap, scale)));
}

/**
 * The range to show when the caller gives none (or half of one): the finite values' extent on a linear
 * scale, the positive finite values' extent on a log scale (zeros are common in routing weights and get
 * the bottom colour). With nothing to measure, [0, 1] (linear) or [1, 10] (log). O(n): one pass, two
 * when the values hold infinities.
 */
export function autoRange(
  values: Float32Array,
  scale: ScaleName,
  min: number | undefined,
  max: number | undefined,
): ValueRange {
  if (min !== undefined && max !== undefined) return { min, max };
  let [lo, hi] = scale === 'log' ? positiveExtent(values) : finiteExtent(values);
  if (lo > hi) [lo, hi] = scale === 'log' ? [1, 10] : [0, 1];
  const resolvedMin = min ?? Math.min(lo, max ?? lo);
  return { min: resolvedMin, max: max ?? Math.max(hi, resolvedMin) };
}

/*
 * The loops below are small functions of typed arrays and numbers only, called on chunks of CHUNK
 * cells rather than once over the whole matrix. V8 optimizes a function when it is called often,
 * so after a few chunks every chunk runs optimized code, and if that code is ever thrown away (a
 * value of a kind not seen before), only one chunk runs slowly. One call over 4M cells would instead
 * run in the interpreter until V8 swaps code mid-loop, which costs hundreds of milliseconds on a busy
 * machine.
 */
const CHUNK = 1 << 16;

type Extent = [lo: number, hi: number];

/** Runs `part(values, start, end)` over the values in chunks and merges the extents. */
function chunkedExtent(
  values: Float32Array,
  part: (v: Float32Array, start: number, end: number) => Extent,
): Extent {
  let lo = Infinity;
  let hi = -Infinity;
  for (let start = 0; start < values.length; start += CHUNK) {
    const [a, b] = part(values, start, Math.min(values.length, start + CHUNK));
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  return [lo, hi];
}

/** [min, max] of the finite values; [Infinity, -Infinity] when there are none. */
function finiteExtent(values: Float32Array): Extent {
  const [lo, hi] = chunkedExtent(values, extent);
  return lo !== -Infinity && hi !== Infinity ? [lo, hi] : chunkedExtent(values, extentWithoutInfinities);
}

/** [min, max] of values[start, end), NaN skipped (it fails both comparisons): two compares per value. */
function extent(values: Float32Array, start: number, end: number): Extent {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** [min, max] of the finite values[start, end): the rare second pass when the matrix holds infinities. */
function extentWithoutInfinities(values: Float32Array, start: number, end: number): Extent {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v - v === 0) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** [min, max] of the positive finite values (what a log scale can show). */
function positiveExtent(values: Float32Array): Extent {
  return chunkedExtent(values, positivePart);
}

function positivePart(values: Float32Array, start: number, end: number): Extent {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v > 0 && v < Infinity) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/**
 * Writes one packed colour per value into `out` (an ImageData's pixels viewed as Uint32Array):
 * NaN → `nan`, otherwise lut[lutIndex(value)], with lutIndex's arithmetic inlined. Returns the number
 * of NaN cells. O(n); this loop is the whole cost of a redraw's colours.
 */
export function fillPixels(
  values: Float32Array,
  out: Uint32Array,
  lut: Uint32Array,
  nan: number,
  mapping: LutMapping,
): number {
  const { lo, k } = mapping;
  const fill = mapping.log ? fillLog : fillLinear;
  let missing = 0;
  for (let start = 0; start < values.length; start += CHUNK) {
    missing += fill(values, out, lut, nan, lo, k, start, Math.min(values.length, start + CHUNK));
  }
  return missing;
}

function fillLinear(
  values: Float32Array,
  out: Uint32Array,
  lut: Uint32Array,
  nan: number,
  lo: number,
  k: number,
  start: number,
  end: number,
): number {
  let missing = 0;
  for (let i = start; i < end; i++) {
    const j = (values[i]! - lo) * k;
    // NaN fails every comparison and lands in the last branch.
    if (j >= 0) out[i] = lut[j < 255 ? j | 0 : 255]!;
    else if (j < 0) out[i] = lut[0]!;
    else {
      out[i] = nan;
      missing++;
    }
  }
  return missing;
}

function fillLog(
  values: Float32Array,
  out: Uint32Array,
  lut: Uint32Array,
  nan: number,
  lo: number,
  k: number,
  start: number,
  end: number,
): number {
  let missing = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v > 0) {
      const j = (Math.log(v) - lo) * k;
      out[i] = lut[j < 0 ? 0 : j < 255 ? j | 0 : 255]!;
    } else if (v <= 0) out[i] = lut[0]!;
    else {
      out[i] = nan;
      missing++;
    }
  }
  return missing;
}
