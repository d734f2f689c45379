import assert from 'node:assert/strict';
import { parseNpy } from '../../../src/core/data/npy';
import { assertMatches, bytesOf, ExpectedArray, expected, fixtureBytes, isError, npyBytes } from './support';

describe('.npy reader', () => {
  for (const name of ['float32', 'float64', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']) {
    it(`reads ${name} exactly as numpy wrote it`, () => {
      const t = parseNpy(fixtureBytes(`${name}.npy`), `${name}.npy`);
      assertMatches(t, expected()[`${name}.npy`] as ExpectedArray);
    });
  }

  it('reads format versions 2.0 and 3.0', () => {
    for (const name of ['v2.npy', 'v3.npy']) {
      const bytes = fixtureBytes(name);
      assert.equal(bytes[6], Number(name[1]), 'the fixture has the intended major version');
      assertMatches(parseNpy(bytes, name), expected()[name] as ExpectedArray);
    }
  });

  it('returns a view over the file bytes when the data is aligned (no copy)', () => {
    const bytes = fixtureBytes('float32.npy');
    const t = parseNpy(bytes, 'float32.npy');
    assert.equal(t.data.buffer, bytes.buffer);
  });

  it('copies once when the data is not aligned, with the same values', () => {
    const inner = npyBytes('<f4', [3], bytesOf(new Float32Array([1.5, -2, 7])));
    const shifted = new Uint8Array(inner.length + 1);
    shifted.set(inner, 1);
    const t = parseNpy(shifted.subarray(1), 'odd.npy');
    assert.notEqual(t.data.buffer, shifted.buffer);
    assert.deepEqual(Array.from(t.data as Float32Array), [1.5, -2, 7]);
  });

  it('reads a scalar (shape ()) and an empty array', () => {
    const scalar = parseNpy(npyBytes('<i4', [], bytesOf(new Int32Array([42]))), 's.npy');
    assert.deepEqual(scalar.shape, []);
    assert.deepEqual(Array.from(scalar.data as Int32Array), [42]);
    const empty = parseNpy(npyBytes('<f8', [0, 3], new Uint8Array(0)), 'e.npy');
    assert.deepEqual(empty.shape, [0, 3]);
    assert.equal(empty.data.length, 0);
  });

  it('rejects Fortran order with the fix', () => {
    assert.throws(
      () => parseNpy(fixtureBytes('fortran.npy'), 'fortran.npy'),
      isError('BAD_REQUEST', /fortran\.npy/, /Fortran \(column-major\) order/),
    );
    try {
      parseNpy(fixtureBytes('fortran.npy'), 'fortran.npy');
    } catch (error) {
      assert.match((error as { hint: string }).hint, /ascontiguousarray/);
    }
  });

  it('rejects big-endian data and says how to convert it', () => {
    assert.throws(
      () => parseNpy(fixtureBytes('bigendian.npy'), 'bigendian.npy'),
      isError('BAD_REQUEST', /bigendian\.npy/, /big-endian \(>f4\)/),
    );
  });

  it('rejects unsupported element types, listing the supported ones', () => {
    const bytes = npyBytes('<u4', [1], new Uint8Array(4));
    assert.throws(
      () => parseNpy(bytes, 'u4.npy'),
      isError('BAD_REQUEST', /element type <u4 is not supported/),
    );
    const structured = npyBytes("[('a', '<f4')]", [1], new Uint8Array(4));
    assert.throws(() => parseNpy(structured, 'rec.npy'), isError('BAD_REQUEST', /structured/));
  });

  it('rejects a truncated header without reading past the end', () => {
    const bytes = fixtureBytes('float32.npy');
    for (const cut of [0, 5, 9, 40]) {
      assert.throws(() => parseNpy(bytes.subarray(0, cut), 'cut.npy'), isError('BAD_REQUEST', /cut\.npy/));
    }
    assert.throws(
      () => parseNpy(bytes.subarray(0, 40), 'cut.npy'),
      isError('BAD_REQUEST', /header is truncated/),
    );
  });

  it('rejects truncated or oversized data, naming the byte counts', () => {
    const bytes = fixtureBytes('float32.npy');
    assert.throws(
      () => parseNpy(bytes.subarray(0, bytes.length - 3), 'short.npy'),
      isError('BAD_REQUEST', /float32 \[2, 3\] needs 24 data bytes but the file has 21/),
    );
    const long = new Uint8Array(bytes.length + 4);
    long.set(bytes);
    assert.throws(() => parseNpy(long, 'long.npy'), isError('BAD_REQUEST', /has 28/));
  });

  it('rejects bad magic, unknown versions and malformed headers', () => {
    assert.throws(
      () => parseNpy(new TextEncoder().encode('PK\u0003\u0004 not npy'), 'x.npy'),
      isError('BAD_REQUEST', /magic/),
    );
    const v9 = fixtureBytes('float32.npy').slice();
    v9[6] = 9;
    assert.throws(() => parseNpy(v9, 'v9.npy'), isError('BAD_REQUEST', /version 9\.0/));
    const garbage = npyBytes('<f4', [1], new Uint8Array(4)).slice();
    garbage[10] = 0x3f; // '?' instead of the opening brace
    assert.throws(() => parseNpy(garbage, 'g.npy'), isError('BAD_REQUEST', /header is malformed/));
    const negative = npyBytes('<f4', [-1], new Uint8Array(0));
    assert.throws(() => parseNpy(negative, 'n.npy'), isError('BAD_REQUEST', /shape/));
  });
});
