/**
 * Decodes PNG (pngjs) and JPEG (jpeg-js) files to 8-bit RGBA pixels, telling the format from the
 * file's first bytes rather than its name. 16-bit PNGs are scaled to 8 bits by pngjs; palette and
 * grayscale images come out as RGBA with R = G = B. JPEG decoding follows the JPEG standard but is
 * not bit-identical to libjpeg (PIL), so decoded values may differ from PIL's by a few levels.
 */
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { MoeScopeError } from '../errors';

export interface RgbaImage {
  width: number;
  height: number;
  /** width · height · 4 bytes, row-major, R G B A per pixel. */
  rgba: Uint8Array;
}

/** Images beyond this many pixels are refused before decoding (jpeg-js uses the same limit). */
export const MAX_PIXELS = 100_000_000;

export type ImageFormat = 'png' | 'jpeg';

/** The image format by magic number, or undefined. */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

function unreadable(file: string, problem: string): MoeScopeError {
  return new MoeScopeError(
    'BAD_REQUEST',
    `${file} is not a readable image: ${problem}.`,
    'MoE Scope reads PNG and JPEG files.',
  );
}

/** Decodes a PNG or JPEG held in `bytes`; `file` names it in messages. */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  const format = sniffImage(bytes);
  if (!format) throw unreadable(file, 'it is neither PNG nor JPEG');
  try {
    if (format === 'png') {
      // IHDR comes first: width and height are big-endian at bytes 16 and 20.
      if (bytes.length < 24) throw unreadable(file, 'the PNG header is truncated');
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const pixels = view.getUint32(16) * view.getUint32(20);
      if (pixels > MAX_PIXELS)
        throw unreadable(file, `it has ${pixels} pixels, over the ${MAX_PIXELS} limit`);
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        width: png.width,
        height: png.height,
        rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length),
      };
    }
    const jpeg = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_PIXELS / 1e6,
    });
    return { width: jpeg.width, height: jpeg.height, rgba: jpeg.data };
  } catch (error) {
    if (error instanceof MoeScopeError) throw error;
    throw unreadable(file, error instanceof Error ? error.message : String(error));
  }
}
