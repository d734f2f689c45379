import assert from 'node:assert/strict';
import { syntheticInputs } from '../../../src/core/data/synthetic';
import type { TensorSpec } from '../../../src/core/onnx/types';
import { float16ToFloat32 } from '../../../src/core/tensor';
import { bytesOf, isError } from './support';

const PIXELS: TensorSpec = { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] };
const IDS: TensorSpec = { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] };

function bytes(set: ReturnType<typeof syntheticInputs>, name: string, start = 0, end = set.count): number[] {
  return Array.from(bytesOf(set.batch(start, end)[name]!.data));
}

describe('synthetic inputs', () => {
  it('gives the same bytes for the same seed and different bytes for another seed', () => {
    const a = syntheticInputs([PIXELS, IDS], { seed: 7, count: 4, dims: { sequence: 12 } });
    const b = syntheticInputs([PIXELS, IDS], { seed: 7, count: 4, dims: { sequence: 12 } });
    const c = syntheticInputs([PIXELS, IDS], { seed: 8, count: 4, dims: { sequence: 12 } });
    assert.deepEqual(bytes(a, 'pixels'), bytes(b, 'pixels'));
    assert.deepEqual(bytes(a, 'input_ids'), bytes(b, 'input_ids'));
    assert.notDeepEqual(bytes(a, 'pixels'), bytes(c, 'pixels'));
    assert.notDeepEqual(bytes(a, 'input_ids'), bytes(c, 'input_ids'));
    assert.equal(a.source, 'synthetic');
  });

  it('makes each row independent of the batch it is generated in', () => {
    const set = syntheticInputs([PIXELS], { seed: 3, count: 5 });
    const whole = bytes(set, 'pixels');
    const rowBytes = 784 * 4;
    const pieces = [
      ...bytes(set, 'pixels', 0, 2),
      ...bytes(set, 'pixels', 2, 3),
      ...bytes(set, 'pixels', 3, 5),
    ];
    assert.deepEqual(pieces, whole);
    assert.notDeepEqual(whole.slice(0, rowBytes), whole.slice(rowBytes, 2 * rowBytes), 'rows differ');
  });

  it('draws floats uniformly in [0, 1) and integers uniformly in [0, vocab)', () => {
    const set = syntheticInputs([PIXELS, IDS], { count: 64, vocab: 10, dims: { sequence: 32 } });
    const { pixels, input_ids: ids } = set.batch(0, 64);
    assert.deepEqual(pixels!.shape, [64, 1, 28, 28]);
    const px = pixels!.data as Float32Array;
    let sum = 0;
    for (const v of px) {
      assert.ok(v >= 0 && v < 1);
      sum += v;
    }
    const mean = sum / px.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`); // std of the mean ≈ 0.0013
    assert.deepEqual(ids!.shape, [64, 32]);
    const counts = new Array(10).fill(0);
    for (const v of ids!.data as BigInt64Array) counts[Number(v)]++;
    for (const n of counts) assert.ok(n > 150 && n < 260, `counts ${counts}`); // 204.8 expected each
  });

  it('draws standard normal values on request', () => {
    const set = syntheticInputs([{ name: 'x', dtype: 'float64', shape: ['b', 1000] }], {
      count: 20,
      distribution: 'normal',
    });
    const x = set.batch(0, 20).x!.data as Float64Array;
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });

  it('covers float16 and bool inputs', () => {
    const set = syntheticInputs(
      [
        { name: 'h', dtype: 'float16', shape: ['b', 50] },
        { name: 'm', dtype: 'bool', shape: ['b', 50] },
      ],
      { count: 4 },
    );
    const { h, m } = set.batch(0, 4);
    for (const bits of h!.data as Uint16Array) {
      const v = float16ToFloat32(bits);
      assert.ok(v >= 0 && v < 1, `${v}`);
    }
    const flags = Array.from(m!.data as Uint8Array);
    assert.ok(flags.every((v) => v === 0 || v === 1));
    assert.ok(flags.includes(0) && flags.includes(1));
  });

  it('resolves the batch axis from count or dims.batch, unknown dims to 1, and static batch axes too', () => {
    assert.equal(syntheticInputs([PIXELS]).count, 16);
    assert.equal(syntheticInputs([PIXELS], { dims: { batch: 3 } }).count, 3);
    const set = syntheticInputs([{ name: 'x', dtype: 'float32', shape: [2, null, 5] }], { count: 3 });
    assert.deepEqual(set.batch(0, 3).x!.shape, [3, 1, 5]);
  });

  it('names a symbolic dimension without a size', () => {
    assert.throws(
      () => syntheticInputs([IDS]),
      isError(
        'BAD_REQUEST',
        /input 'input_ids' has the symbolic dimension 'sequence' \[batch, sequence\], which needs a size/,
      ),
    );
    assert.throws(
      () => syntheticInputs([{ name: 'x', dtype: 'float32', shape: null }]),
      isError('BAD_REQUEST', /states no shape/),
    );
    assert.throws(
      () => syntheticInputs([{ name: 'x', dtype: 'int8', shape: ['b', 2] }], { vocab: 1000 }),
      isError('BAD_REQUEST', /vocab 1000 does not fit int8 inputs/),
    );
    assert.throws(() => syntheticInputs([PIXELS], { count: 0 }), isError('BAD_REQUEST', /count 0/));
  });

  it('rejects batch ranges outside the set', () => {
    const set = syntheticInputs([PIXELS], { count: 2 });
    assert.throws(() => set.batch(1, 3), RangeError);
    assert.throws(() => set.batch(2, 1), RangeError);
  });
});
