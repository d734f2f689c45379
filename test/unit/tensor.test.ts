/** Reading float tensors of any precision as float32 (half-precision exports hand MoE Scope float16). */
import assert from 'node:assert/strict';
import { float32ToFloat16 } from '../../src/core/data/dtypes';
import { asFloat32, float16ToFloat32, type Tensor } from '../../src/core/tensor';

describe('asFloat32', () => {
  it('widens float16 bits to their exact values, subnormals and infinities included', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x7c00, 0xfc00, 0x7e00]);
    const t = asFloat32({ dtype: 'float16', shape: [2, 4], data: bits })!;
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [2, 4]);
    assert.deepEqual(Array.from(t.data).slice(0, 7), [
      1,
      -2,
      0.333251953125,
      2 ** -24,
      65504,
      Infinity,
      -Infinity,
    ]);
    assert.ok(Number.isNaN(t.data[7]));
  });

  it('agrees with the bit-by-bit conversion on every one of the 65,536 half values', () => {
    const every = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const t = asFloat32({ dtype: 'float16', shape: [65536], data: every })!;
    for (let bits = 0; bits < 65536; bits++) {
      const want = float16ToFloat32(bits);
      assert.ok(
        Object.is(t.data[bits], want) || (Number.isNaN(want) && Number.isNaN(t.data[bits])),
        `0x${bits.toString(16)}`,
      );
      // …and float32 → float16 → float32 round-trips every finite half value.
      if (Number.isFinite(want)) assert.equal(float32ToFloat16(t.data[bits]!), bits);
    }
  });

  it('keeps float32 as it is, rounds float64 to float32 and refuses integers', () => {
    const f32: Tensor = { dtype: 'float32', shape: [1], data: Float32Array.from([0.1]) };
    assert.equal(asFloat32(f32), f32);
    const f64 = asFloat32({ dtype: 'float64', shape: [2], data: Float64Array.from([0.1, 1e300]) })!;
    assert.deepEqual(Array.from(f64.data), [Math.fround(0.1), Infinity]);
    assert.equal(asFloat32({ dtype: 'int64', shape: [1], data: new BigInt64Array(1) }), undefined);
    assert.equal(asFloat32({ dtype: 'bool', shape: [1], data: new Uint8Array(1) }), undefined);
  });
});
