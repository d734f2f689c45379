/** The input picture kept for image models: layout (NCHW / NHWC), per-sample min–max scaling. */
import assert from 'node:assert/strict';
import { float32ToFloat16 } from '../../src/core/data/dtypes';
import type { Tensor } from '../../src/core/tensor';
import { inputImage, isImageBatch } from '../../src/engine/inputImage';

function tensor(shape: number[], value: (i: number) => number): Tensor<'float32'> {
  const size = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: size }, (_, i) => value(i)) };
}

describe('input images for the panel', () => {
  it('reads N×C×H×W RGB channels last, scaled per sample to 0…255', () => {
    // Two samples of 3×4×5; sample 1 is sample 0 times 10 plus 7: the same picture after scaling.
    const batch = { pixels: tensor([2, 3, 4, 5], (i) => (i < 60 ? i : (i - 60) * 10 + 7)) };
    const a = inputImage(batch, 0)!;
    const b = inputImage(batch, 1)!;
    assert.deepEqual([a.height, a.width, a.channels], [4, 5, 3]);
    assert.deepEqual(a.data, b.data, 'an affine change of the input leaves the picture unchanged');
    // Pixel (y = 2, x = 3), channel 1 comes from NCHW index 1·20 + 2·5 + 3 = 33 of values 0…59.
    assert.equal(a.data[(2 * 5 + 3) * 3 + 1], Math.round((33 / 59) * 255));
    assert.equal(a.data[0], 0);
    assert.equal(Math.max(...a.data), 255);
  });

  it('reads N×H×W×C grey images and keeps a constant image black instead of dividing by zero', () => {
    const batch = { x: tensor([1, 6, 6, 1], (i) => (i === 7 ? NaN : 0.5)) };
    const image = inputImage(batch, 0)!;
    assert.deepEqual([image.height, image.width, image.channels], [6, 6, 1]);
    assert.ok(image.data.every((v) => v === 0));
  });

  it("reads a half-precision model's float16 pixels by value, row by row", () => {
    const values = tensor([2, 1, 4, 4], (i) => (i % 16) / 15);
    const half: Tensor = {
      dtype: 'float16',
      shape: values.shape,
      data: Uint16Array.from(values.data, (v) => float32ToFloat16(v)),
    };
    assert.ok(isImageBatch({ pixels: half }));
    const fromHalf = inputImage({ pixels: half }, 1)!;
    const fromFloat = inputImage({ pixels: values }, 1)!;
    assert.ok(fromHalf.data.every((v, i) => Math.abs(v - fromFloat.data[i]!) <= 1));
    assert.deepEqual([fromHalf.data[0], fromHalf.data[15]], [0, 255]);
  });

  it('ignores token ids, several inputs and shapes that are not pictures', () => {
    assert.equal(
      isImageBatch({ ids: { dtype: 'int64', shape: [2, 16], data: new BigInt64Array(32) } }),
      false,
    );
    assert.equal(isImageBatch({ a: tensor([1, 1, 8, 8], () => 0), b: tensor([1, 1, 8, 8], () => 0) }), false);
    assert.equal(isImageBatch({ x: tensor([2, 16, 32], () => 0) }), true, 'N×H×W is a grey image');
    assert.equal(isImageBatch({ x: tensor([2, 5, 2, 2], () => 0) }), false, 'too small, 5 channels');
    assert.equal(inputImage({ x: tensor([2, 64], () => 0) }, 0), undefined);
  });
});
