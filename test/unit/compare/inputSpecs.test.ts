import assert from 'node:assert/strict';
import { checkSameInputs, inputMismatch } from '../../../src/core/compare/inputSpecs';
import type { TensorSpec } from '../../../src/core/onnx/types';

const pixels = (shape: TensorSpec['shape'], dtype = 'float32'): TensorSpec => ({
  name: 'pixels',
  dtype,
  shape,
});

describe('input specs of two checkpoints', () => {
  it('agree when names, dtypes and ranks match and fixed sizes are equal (symbolic dims match anything)', () => {
    assert.equal(inputMismatch([pixels(['batch', 1, 28, 28])], [pixels(['N', 1, 28, 28])]), undefined);
    assert.equal(inputMismatch([pixels([4, 1, 28, 28])], [pixels(['batch', 1, 28, 28])]), undefined);
    assert.equal(inputMismatch([pixels(null)], [pixels(['batch', 1, 28, 28])]), undefined);
  });

  it('agree when float inputs differ only in precision (a float16 export against its float32 original)', () => {
    for (const dtype of ['float16', 'float64'])
      assert.equal(inputMismatch([pixels(['b', 1, 28, 28])], [pixels(['b', 1, 28, 28], dtype)]), undefined);
    assert.match(
      inputMismatch([pixels(['b', 1, 28, 28], 'float16')], [pixels(['b', 1, 28, 28], 'uint8')])!,
      /uint8/,
    );
  });

  it('name the first difference: names, dtype, rank or a fixed size', () => {
    const ids: TensorSpec = { name: 'input_ids', dtype: 'int64', shape: ['batch', 24] };
    assert.equal(
      inputMismatch([pixels(['batch', 1, 28, 28])], [ids]),
      "A takes 'pixels' float32 [batch, 1, 28, 28] but B takes 'input_ids' int64 [batch, 24]",
    );
    assert.match(
      inputMismatch([pixels(['b', 1, 28, 28])], [pixels(['b', 1, 28, 28], 'int64')])!,
      /int64 \[b, 1, 28, 28\] in B/,
    );
    assert.match(inputMismatch([pixels(['b', 1, 28, 28])], [pixels(['b', 28, 28])])!, /\[b, 28, 28\] in B/);
    assert.match(
      inputMismatch([pixels(['b', 1, 28, 28])], [pixels(['b', 1, 32, 32])])!,
      /\[b, 1, 32, 32\] in B/,
    );
  });

  it('checkSameInputs throws BAD_REQUEST naming both files', () => {
    assert.throws(
      () => checkSameInputs('/x/a.onnx', [pixels(['b', 1, 28, 28])], '/y/b.onnx', [pixels(['b', 3, 28, 28])]),
      (e: Error & { code?: string }) =>
        e.code === 'BAD_REQUEST' &&
        /^a\.onnx \(A\) and b\.onnx \(B\) cannot run on the same inputs/.test(e.message),
    );
  });
});
