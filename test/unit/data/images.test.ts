import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadImages } from '../../../src/core/data/images';
import { resizeBilinear } from '../../../src/core/data/resize';
import type { TensorSpec } from '../../../src/core/onnx/types';
import { expected, fixture, isError, tempDir } from './support';

type Pixels = number[][][]; // [y][x][c]
const images = (): Record<string, unknown> => expected().images as Record<string, unknown>;
const RGB = (): Pixels => images()['rgb2x2.png'] as Pixels;

/**
 * Hand-derived 2 → 4 bilinear weights (align_corners=False): output pixel d samples source
 * coordinate (d + 0.5)/2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel).
 */
const W = [
  [1, 0],
  [0.75, 0.25],
  [0.25, 0.75],
  [0, 1],
];

/** (W · P · Wᵀ)[y][x] for one 2×2 channel P. */
function upsample(p: number[][], y: number, x: number): number {
  let sum = 0;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) sum += W[y]![i]! * p[i]![j]! * W[x]![j]!;
  return sum;
}

function channel(pixels: Pixels, c: number): number[][] {
  return pixels.map((row) => row.map((px) => px[c]!));
}

function assertClose(actual: ArrayLike<number>, wanted: number[], tolerance: number): void {
  assert.equal(actual.length, wanted.length);
  for (let i = 0; i < wanted.length; i++) {
    assert.ok(Math.abs(actual[i]! - wanted[i]!) <= tolerance, `element ${i}: ${actual[i]} vs ${wanted[i]}`);
  }
}

function writePng(path: string, width: number, height: number, value: number): void {
  const png = new PNG({ width, height });
  png.data.fill(value);
  writeFileSync(path, PNG.sync.write(png));
}

describe('image inputs', () => {
  it('upsamples a 2×2 RGB PNG to 4×4 bilinearly (align_corners=False), scaled to [0, 1], NCHW', async () => {
    const spec: TensorSpec = { name: 'image', dtype: 'float32', shape: ['batch', 3, 4, 4] };
    const set = await loadImages(fixture('rgb2x2.png'), spec);
    assert.equal(set.count, 1);
    assert.equal(set.source, 'rgb2x2.png');
    const t = set.batch(0, 1).image!;
    assert.deepEqual(t.shape, [1, 3, 4, 4]);
    const wanted: number[] = [];
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) wanted.push(upsample(channel(RGB(), c), y, x) / 255);
    }
    assertClose(t.data as Float32Array, wanted, 1e-6);
    // Corners keep the source pixels exactly; e.g. red at (0, 3) is pixel (0, 1) = 255 → 1.
    assert.equal((t.data as Float32Array)[3], 1);
  });

  it("converts RGB to grayscale exactly as PIL's convert('L') does", async () => {
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 1, 2, 2] };
    const t = (await loadImages(fixture('rgb2x2.png'), spec)).batch(0, 1).x!;
    const luma = (images()['rgb2x2.png:L'] as number[][]).flat();
    assertClose(
      t.data as Float32Array,
      luma.map((v) => v / 255),
      1e-7,
    );
  });

  it('replicates a grayscale PNG into three channels', async () => {
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 3, 2, 2] };
    const t = (await loadImages(fixture('gray2x2.png'), spec)).batch(0, 1).x!;
    const gray = (images()['gray2x2.png'] as number[][]).flat().map((v) => v / 255);
    assertClose(t.data as Float32Array, [...gray, ...gray, ...gray], 1e-7);
  });

  it('normalises with per-channel mean/std and lays out NHWC on request', async () => {
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 2, 2, 3] };
    const mean = [0.5, 0.25, 0];
    const std = [0.25, 0.5, 2];
    const set = await loadImages(fixture('rgb2x2.png'), spec, { preprocess: { layout: 'NHWC', mean, std } });
    const t = set.batch(0, 1).x!;
    const wanted = RGB().flatMap((row) =>
      row.flatMap((px) => px.map((v, c) => (v / 255 - mean[c]!) / std[c]!)),
    );
    assertClose(t.data as Float32Array, wanted, 1e-6);
  });

  it('reads the sidecar <model>.preprocess.json for size and normalisation', async () => {
    const dir = tempDir();
    try {
      const model = join(dir.path, 'vit.onnx');
      writeFileSync(
        join(dir.path, 'vit.preprocess.json'),
        JSON.stringify({ size: [4, 4], mean: [0.5], std: [0.5], channels: 1 }),
      );
      const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 'c', 'h', 'w'] };
      const t = (await loadImages(fixture('gray2x2.png'), spec, { modelPath: model })).batch(0, 1).x!;
      assert.deepEqual(t.shape, [1, 1, 4, 4]);
      const gray = images()['gray2x2.png'] as number[][];
      const wanted: number[] = [];
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++) wanted.push((upsample(gray, y, x) / 255 - 0.5) / 0.5);
      assertClose(t.data as Float32Array, wanted, 1e-6);
    } finally {
      dir.cleanup();
    }
  });

  it('decodes a JPEG within 2 levels of libjpeg (PIL)', async () => {
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 3, 16, 16] };
    const t = (await loadImages(fixture('flat16.jpg'), spec)).batch(0, 1).x!;
    const mean = (images()['flat16.jpg'] as { pilMean: number[] }).pilMean;
    const data = t.data as Float32Array;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < 256; i++)
        assert.ok(Math.abs(data[c * 256 + i]! * 255 - mean[c]!) <= 2, `channel ${c}`);
    }
  });

  it('loads a folder sorted by path with labels from class folders, and from labels.json', async () => {
    const dir = tempDir();
    try {
      for (const [folder, name] of [
        ['dog', 'b.png'],
        ['cat', 'c.png'],
        ['cat', 'a.png'],
      ] as const) {
        mkdirSync(join(dir.path, folder), { recursive: true });
        copyFileSync(fixture(name === 'c.png' ? 'gray2x2.png' : 'rgb2x2.png'), join(dir.path, folder, name));
      }
      const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 1, 2, 2] };
      const set = await loadImages(dir.path, spec, { classNames: ['bird', 'cat', 'dog'] });
      assert.equal(set.count, 3);
      assert.deepEqual(Array.from(set.labels!), [1, 1, 2]); // cat/a, cat/c, dog/b
      const second = set.batch(1, 2).x!; // cat/c.png is the grayscale image
      const gray = (images()['gray2x2.png'] as number[][]).flat().map((v) => v / 255);
      assertClose(second.data as Float32Array, gray, 1e-7);

      writeFileSync(
        join(dir.path, 'labels.json'),
        JSON.stringify({ 'cat/a.png': 4, 'cat/c.png': 5, 'dog/b.png': 6 }),
      );
      const mapped = await loadImages(dir.path, spec, { classNames: ['bird', 'cat', 'dog'] });
      assert.deepEqual(Array.from(mapped.labels!), [4, 5, 6]);

      writeFileSync(join(dir.path, 'labels.json'), JSON.stringify({ 'cat/a.png': 4 }));
      await assert.rejects(
        loadImages(dir.path, spec),
        isError('BAD_REQUEST', /labels\.json gives no integer label for 2 images: cat\/c\.png, dog\/b\.png/),
      );

      writeFileSync(join(dir.path, 'labels.json'), JSON.stringify(['cat', 'dog']));
      assert.deepEqual(Array.from((await loadImages(dir.path, spec)).labels!), [0, 0, 1]);
    } finally {
      dir.cleanup();
    }
  });

  it('rejects images outside class folders when class names are given', async () => {
    const dir = tempDir();
    try {
      copyFileSync(fixture('rgb2x2.png'), join(dir.path, 'loose.png'));
      const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 3, 2, 2] };
      await assert.rejects(
        loadImages(dir.path, spec, { classNames: ['cat'] }),
        isError(
          'BAD_REQUEST',
          /image loose\.png is in folder '.+', which is not one of the class names \(cat\)/,
        ),
      );
    } finally {
      dir.cleanup();
    }
  });

  it('needs a size when the model has none and the images differ', async () => {
    const dir = tempDir();
    try {
      writePng(join(dir.path, 'a.png'), 2, 2, 10);
      writePng(join(dir.path, 'b.png'), 3, 3, 10);
      const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 3, 'h', 'w'] };
      await assert.rejects(
        loadImages(dir.path, spec),
        isError('BAD_REQUEST', /b\.png is 3×3 but a\.png is 2×2/),
      );
      const set = await loadImages(dir.path, spec, { preprocess: { size: [3, 3] } });
      assert.deepEqual(set.batch(0, 2).x!.shape, [2, 3, 3, 3]);
      // A constant image stays constant under bilinear resizing.
      assertClose(set.batch(0, 1).x!.data as Float32Array, new Array(27).fill(10 / 255), 1e-7);
    } finally {
      dir.cleanup();
    }
  });

  it('rejects inputs that cannot take images, with the reason', async () => {
    const png = fixture('rgb2x2.png');
    await assert.rejects(
      loadImages(png, { name: 'ids', dtype: 'int64', shape: ['batch', 24] }),
      isError('BAD_REQUEST', /input 'ids' takes int64 values; images become float32/),
    );
    await assert.rejects(
      loadImages(png, { name: 'x', dtype: 'float32', shape: ['batch', 784] }),
      isError('BAD_REQUEST', /input 'x' has rank 2, so it cannot take images/),
    );
    await assert.rejects(
      loadImages(png, { name: 'x', dtype: 'float32', shape: ['batch', 4, 8, 8] }),
      isError('BAD_REQUEST', /has 4 channels on axis 1 \(NCHW\)/),
    );
    await assert.rejects(
      loadImages(
        png,
        { name: 'x', dtype: 'float32', shape: ['batch', 3, 8, 8] },
        { preprocess: { mean: [1, 2] } },
      ),
      isError('BAD_REQUEST', /mean is not a list of 1 or 3 numbers/),
    );
    await assert.rejects(
      loadImages(
        png,
        { name: 'x', dtype: 'float32', shape: ['batch', 3, 8, 8] },
        { preprocess: { std: [0] } },
      ),
      isError('BAD_REQUEST', /std contains 0/),
    );
    await assert.rejects(
      loadImages(fixture('float32.npy'), { name: 'x', dtype: 'float32', shape: ['batch', 3, 8, 8] }),
      isError('BAD_REQUEST', /float32\.npy is not a readable image: it is neither PNG nor JPEG/),
    );
    const dir = tempDir();
    try {
      await assert.rejects(
        loadImages(dir.path, { name: 'x', dtype: 'float32', shape: null }),
        isError('BAD_REQUEST', /holds no PNG or JPEG images/),
      );
    } finally {
      dir.cleanup();
    }
  });
});

describe('bilinear resize', () => {
  it('halves [v0 v1 v2 v3] to the pair means (sources at 0.5 and 2.5)', () => {
    const out = resizeBilinear(Float32Array.from([0, 2, 10, 20]), 1, 4, 1, 2);
    assert.deepEqual(Array.from(out), [1, 15]);
  });

  it('matches the hand-computed 2×2 → 4×4 weights and keeps a constant plane constant', () => {
    const p = [
      [1, 5],
      [9, 3],
    ];
    const out = resizeBilinear(Float32Array.from(p.flat()), 2, 2, 4, 4);
    const wanted: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) wanted.push(upsample(p, y, x));
    assertClose(out, wanted, 1e-6);
    assert.deepEqual(
      Array.from(resizeBilinear(new Float32Array(6).fill(7), 2, 3, 5, 4)),
      new Array(20).fill(7),
    );
  });

  it('matches torch F.interpolate(bilinear, align_corners=False) at non-integer scales', () => {
    const ref = expected().resize as { plane: number[]; outputs: Record<string, number[]> };
    for (const [size, wanted] of Object.entries(ref.outputs)) {
      const [h, w] = size.split('x').map(Number) as [number, number];
      assertClose(resizeBilinear(Float32Array.from(ref.plane), 3, 5, h, w), wanted, 1e-6);
    }
  });
});
