/** Guards the hover heatmap's PNG encoder against an independent decoder (pngjs). */
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { crc32, encodePng } from '../../../src/core/link/png';

describe('link: PNG encoder', () => {
  it('computes the CRC-32 that PNG chunks carry', () => {
    // The IEND chunk of every PNG file ends with this CRC (PNG specification, section 11.2.5).
    assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082);
  });

  it('writes RGBA pixels, transparent ones included, that pngjs reads back unchanged', () => {
    const rgba = Uint8Array.from(
      [
        [253, 231, 37, 255],
        [68, 1, 84, 255],
        [0, 0, 0, 0],
        [33, 144, 141, 255],
        [1, 2, 3, 128],
        [255, 255, 255, 255],
      ].flat(),
    );
    const decoded = PNG.sync.read(encodePng(3, 2, rgba));
    assert.deepEqual([decoded.width, decoded.height], [3, 2]);
    assert.deepEqual([...decoded.data], [...rgba]);
  });

  it('refuses pixel data of the wrong size', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(12)), /expected 16 RGBA bytes for 2×2, got 12/);
  });
});
