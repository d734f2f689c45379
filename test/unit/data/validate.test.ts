import assert from 'node:assert/strict';
import { bindArrays, type NamedArrays } from '../../../src/core/data/bind';
import { convertsSilently, convertTensor } from '../../../src/core/data/convert';
import { float32ToFloat16 } from '../../../src/core/data/dtypes';
import { conformInput } from '../../../src/core/data/validate';
import type { TensorSpec } from '../../../src/core/onnx/types';
import { float16ToFloat32, type Tensor } from '../../../src/core/tensor';
import { isError } from './support';

const PIXELS: TensorSpec = { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] };

function f64(shape: number[], fill = 0.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float64', shape, data: new Float64Array(n).fill(fill) };
}

function arrays(file: string, tensors: Record<string, Tensor>): NamedArrays {
  return {
    file,
    keys: Object.keys(tensors),
    read: (key) => tensors[key]!,
    describe: (key) => `${file}['${key}']`,
  };
}

describe('input validation', () => {
  it('names input, expected and given dtype/shape when the rank is wrong', () => {
    assert.throws(
      () => conformInput(PIXELS, f64([512, 28, 28]), 'x.npy'),
      isError(
        'BAD_REQUEST',
        /^input 'pixels' expects float32 \[batch, 1, 28, 28\] but x\.npy holds float64 \[512, 28, 28\] \(rank 3, expected 4\)\.$/,
      ),
    );
  });

  it('names the static dimension that differs', () => {
    assert.throws(
      () => conformInput(PIXELS, f64([4, 3, 28, 28]), 'x.npy'),
      isError('BAD_REQUEST', /holds float64 \[4, 3, 28, 28\] \(dimension 1 is 3, expected 1\)/),
    );
  });

  it('rejects a dtype that does not convert silently, with the numpy fix', () => {
    const ids: Tensor = { dtype: 'float32', shape: [2, 4], data: new Float32Array(8) };
    try {
      conformInput({ name: 'ids', dtype: 'int64', shape: ['batch', 4] }, ids, 'ids.npy');
      assert.fail('expected an error');
    } catch (error) {
      isError(
        'BAD_REQUEST',
        /input 'ids' expects int64 \[batch, 4\] but ids\.npy holds float32 \[2, 4\] \(dtype float32, expected int64\)/,
      )(error);
      assert.match((error as { hint: string }).hint, /astype\(np\.int64\)/);
    }
    const bytes: Tensor = { dtype: 'uint8', shape: [1, 1, 28, 28], data: new Uint8Array(784) };
    try {
      conformInput(PIXELS, bytes, 'img.npy');
      assert.fail('expected an error');
    } catch (error) {
      assert.match((error as { hint: string }).hint, /\/ 255/);
    }
  });

  it('converts float64 to float32 and int32 to int64 silently, with the same values', () => {
    const t = conformInput(PIXELS, f64([2, 1, 28, 28], 0.1), 'x.npy');
    assert.equal(t.dtype, 'float32');
    assert.equal((t.data as Float32Array)[0], Math.fround(0.1));
    const ids: Tensor = { dtype: 'int32', shape: [1, 3], data: Int32Array.from([7, -1, 2147483647]) };
    const wide = conformInput({ name: 'ids', dtype: 'int64', shape: ['batch', 3] }, ids, 'ids.npy');
    assert.equal(wide.dtype, 'int64');
    assert.deepEqual(Array.from(wide.data as BigInt64Array), [7n, -1n, 2147483647n]);
  });

  it('knows which conversions are silent', () => {
    assert.ok(convertsSilently('float64', 'float32'));
    assert.ok(convertsSilently('int32', 'int64'));
    assert.ok(convertsSilently('uint8', 'int64'));
    assert.ok(convertsSilently('float16', 'float32'));
    assert.ok(!convertsSilently('int64', 'int32'));
    assert.ok(convertsSilently('float32', 'float16'));
    assert.ok(convertsSilently('float64', 'float16'));
    assert.ok(!convertsSilently('float16', 'int32'));
    assert.ok(!convertsSilently('uint8', 'float32'));
    assert.ok(!convertsSilently('bool', 'int64'));
    const half: Tensor = { dtype: 'float16', shape: [2], data: Uint16Array.from([15360, 49152]) };
    assert.deepEqual(Array.from(convertTensor(half, 'float32').data as Float32Array), [1, -2]);
  });

  it('rounds float32 and float64 data for a float16 model as x.half() does, and catches overflow', () => {
    const spec = { name: 'pixels', dtype: 'float16', shape: ['batch', 4] };
    const values = [1 + 2 ** -11, 1 + 3 * 2 ** -11, -65504, 1e-8];
    const data = Float32Array.from(values);
    const t = conformInput(spec, { dtype: 'float32', shape: [1, 4], data }, 'x.npy');
    assert.equal(t.dtype, 'float16');
    // Ties go to the even neighbour; the largest half stays finite; 1e-8 is below half's range.
    assert.deepEqual(Array.from(t.data as Uint16Array), [0x3c00, 0x3c02, 0xfbff, 0x0000]);
    const wide = conformInput(
      spec,
      { dtype: 'float64', shape: [1, 4], data: Float64Array.from(values) },
      'x.npy',
    );
    assert.deepEqual(Array.from(wide.data as Uint16Array), [0x3c00, 0x3c02, 0xfbff, 0x0000]);
    const big: Tensor = { dtype: 'float32', shape: [1, 4], data: Float32Array.from([0, 70000, 0, -1e6]) };
    assert.throws(
      () => conformInput(spec, big, 'big.npy'),
      isError(
        'BAD_REQUEST',
        /2 non-finite values after conversion from float32 to float16; the first is Infinity at \[0, 1\]/,
      ),
    );
  });

  it('takes one sample without a batch axis and adds the axis as a view', () => {
    const one = f64([1, 28, 28]);
    const t = conformInput({ ...PIXELS, dtype: 'float64' }, one, 'one.npy');
    assert.deepEqual(t.shape, [1, 1, 28, 28]);
    assert.equal(t.data, one.data);
  });

  it('never checks the sample axis against a static batch size', () => {
    const t = conformInput({ name: 'x', dtype: 'float64', shape: [1, 3] }, f64([5, 3]), 'x.npy');
    assert.deepEqual(t.shape, [5, 3]);
  });

  it('reports NaN and Inf with the first position, and accepts them when allowed', () => {
    const t = f64([2, 1, 28, 28]);
    (t.data as Float64Array)[784 + 29] = Number.NaN;
    (t.data as Float64Array)[1000] = Infinity;
    assert.throws(
      () => conformInput(PIXELS, t, 'nan.npy'),
      isError(
        'BAD_REQUEST',
        /input 'pixels' from nan\.npy has 2 non-finite values after conversion from float64 to float32; the first is NaN at \[1, 0, 1, 1\]/,
      ),
    );
    const kept = conformInput(PIXELS, t, 'nan.npy', { allowNonFinite: true });
    assert.ok(Number.isNaN((kept.data as Float32Array)[784 + 29]));
    const overflow = f64([1, 1, 28, 28], 1e300);
    assert.throws(
      () => conformInput(PIXELS, overflow, 'big.npy'),
      isError('BAD_REQUEST', /784 non-finite values after conversion/),
    );
  });

  it('finds non-finite float16 values from their bits', () => {
    const half: Tensor = { dtype: 'float16', shape: [1, 3], data: Uint16Array.from([0, 0x7e00, 0x7c00]) };
    assert.throws(
      () => conformInput({ name: 'h', dtype: 'float16', shape: ['b', 3] }, half, 'h.npy'),
      isError('BAD_REQUEST', /2 non-finite values; the first is NaN at \[0, 1\]/),
    );
  });

  it('requires all inputs to agree on the sample count and shared symbolic dimensions', () => {
    const ids = (rows: number, len: number): Tensor => ({
      dtype: 'int64',
      shape: [rows, len],
      data: new BigInt64Array(rows * len),
    });
    const specs: TensorSpec[] = [
      { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] },
    ];
    assert.throws(
      () => bindArrays(arrays('t.npz', { input_ids: ids(3, 4), attention_mask: ids(2, 4) }), specs),
      isError(
        'BAD_REQUEST',
        /different numbers of samples: 'input_ids' 3 \(t\.npz\['input_ids'\]\), 'attention_mask' 2/,
      ),
    );
    assert.throws(
      () => bindArrays(arrays('t.npz', { input_ids: ids(2, 4), attention_mask: ids(2, 5) }), specs),
      isError(
        'BAD_REQUEST',
        /dimension 'sequence' is 4 in input 'input_ids' but 5 in input 'attention_mask'/,
      ),
    );
  });

  it('requires one label per sample and integer labels', () => {
    const x = f64([3, 2]);
    const spec: TensorSpec = { name: 'x', dtype: 'float32', shape: ['batch', 2] };
    const labels: Tensor = { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 2n]) };
    assert.throws(
      () => bindArrays(arrays('d.npz', { x, labels }), [spec]),
      isError('BAD_REQUEST', /d\.npz\['labels'\] has 2 labels but the inputs hold 3 samples/),
    );
    const floats: Tensor = { dtype: 'float32', shape: [3], data: new Float32Array(3) };
    assert.throws(
      () => bindArrays(arrays('d.npz', { x, labels: floats }), [spec]),
      isError('BAD_REQUEST', /float32 labels; labels must be integers/),
    );
    const big: Tensor = { dtype: 'int64', shape: [3], data: BigInt64Array.from([0n, 2n ** 40n, 1n]) };
    assert.throws(
      () => bindArrays(arrays('d.npz', { x, labels: big }), [spec]),
      isError('BAD_REQUEST', /outside the 32-bit range/),
    );
  });

  it('refuses model inputs of a dtype MoE Scope cannot feed', () => {
    assert.throws(
      () => conformInput({ name: 's', dtype: 'string', shape: ['b'] }, f64([1]), 's.npy'),
      isError('BAD_REQUEST', /input 's' takes string values/),
    );
  });

  it('rounds float32 to float16 to nearest even, as numpy does', () => {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1).
    assert.equal(float32ToFloat16(1 + 2 ** -11), 0x3c00);
    assert.equal(float32ToFloat16(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(float32ToFloat16(65520), 0x7c00); // rounds up to Inf
    assert.equal(float32ToFloat16(2 ** -24), 0x0001); // smallest subnormal
    assert.equal(float32ToFloat16(2 ** -26), 0x0000);
    assert.equal(float32ToFloat16(-0), 0x8000);
    assert.ok(Number.isNaN(float16ToFloat32(float32ToFloat16(Number.NaN))));
    for (const v of [0.1, -3.75, 1000, 6.1e-5]) {
      const back = float16ToFloat32(float32ToFloat16(v));
      assert.ok(Math.abs(back - v) <= Math.abs(v) * 2 ** -11, `${v} → ${back}`);
    }
  });
});
