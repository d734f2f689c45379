import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { bindArrays } from '../../../src/core/data/bind';
import { readNpz } from '../../../src/core/data/npz';
import { crc32, listZip } from '../../../src/core/data/zip';
import { assertMatches, bytesOf, ExpectedArray, expected, fixtureBytes, isError, npyBytes } from './support';

const want = (file: string, key: string): ExpectedArray =>
  (expected()[file] as Record<string, ExpectedArray>)[key]!;

describe('.npz reader', () => {
  it('reads an np.savez (stored) archive exactly', () => {
    const npz = readNpz(fixtureBytes('stored.npz'), 'stored.npz');
    assert.deepEqual(npz.keys, ['pixels', 'labels']);
    assertMatches(npz.read('pixels', 'float32'), want('stored.npz', 'pixels'));
    assertMatches(npz.read('labels', 'int64'), want('stored.npz', 'labels'));
  });

  it('reads an np.savez_compressed (deflated) archive exactly, float16 and bool included', () => {
    const npz = readNpz(fixtureBytes('compressed.npz'), 'compressed.npz');
    assert.deepEqual([...npz.keys].sort(), ['attention_mask', 'flags', 'halfs', 'input_ids', 'labels']);
    for (const key of npz.keys) assertMatches(npz.read(key, 'float32'), want('compressed.npz', key));
  });

  it('binds arrays to model inputs by name and converts labels of any integer dtype to Int32Array', () => {
    const set = bindArrays(readNpz(fixtureBytes('compressed.npz'), 'compressed.npz'), [
      { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] },
    ]);
    assert.equal(set.count, 2);
    assert.equal(set.source, 'compressed.npz');
    assert.ok(set.labels instanceof Int32Array);
    assert.deepEqual(Array.from(set.labels), [1, 0]);
    const rows = set.batch(1, 2);
    assert.deepEqual(rows.input_ids!.shape, [1, 5]);
    assert.deepEqual(
      Array.from(rows.input_ids!.data as BigInt64Array, String),
      want('compressed.npz', 'input_ids').flat.slice(5),
    );
    assert.deepEqual(Object.keys(rows).sort(), ['attention_mask', 'input_ids']);
  });

  it('feeds a one-input model from the only non-label array whatever its name', () => {
    const set = bindArrays(readNpz(fixtureBytes('stored.npz'), 'stored.npz'), [
      { name: 'image', dtype: 'float32', shape: ['N', 1, 2, 2] },
    ]);
    assert.equal(set.count, 3);
    assert.deepEqual(Array.from(set.labels!), [2, 0, 9]);
    const rows = set.batch(0, 3);
    assertMatches(rows.image!, want('stored.npz', 'pixels'));
  });

  it('batches are views into the decoded arrays (no copies)', () => {
    const set = bindArrays(readNpz(fixtureBytes('stored.npz'), 'stored.npz'), [
      { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 2, 2] },
    ]);
    const a = set.batch(0, 1).pixels!;
    const b = set.batch(2, 3).pixels!;
    assert.equal(a.data.buffer, b.data.buffer);
  });

  it('names the missing inputs and the keys it found', () => {
    assert.throws(
      () =>
        bindArrays(readNpz(fixtureBytes('compressed.npz'), 'compressed.npz'), [
          { name: 'input_ids', dtype: 'int64', shape: ['batch', 5] },
          { name: 'position_ids', dtype: 'int64', shape: ['batch', 5] },
          { name: 'pixel_mask', dtype: 'int64', shape: ['batch', 5] },
        ]),
      isError(
        'BAD_REQUEST',
        /compressed\.npz has no array for model inputs 'position_ids', 'pixel_mask'/,
        /it holds 'input_ids', 'attention_mask', 'halfs', 'flags', 'labels'/,
      ),
    );
  });

  it('reads a zip written by another writer (fflate, deflated) and ignores non-.npy entries', () => {
    const zip = zipSync({
      'x.npy': npyBytes('<i4', [2], bytesOf(new Int32Array([3, -4]))),
      'README.txt': new TextEncoder().encode('not an array'),
    });
    const npz = readNpz(zip, 'other.npz');
    assert.deepEqual(npz.keys, ['x']);
    assert.deepEqual(Array.from(npz.read('x', 'int32').data as Int32Array), [3, -4]);
  });

  it('rejects a corrupt zip with a clear message, never hanging', () => {
    const good = fixtureBytes('stored.npz');
    assert.throws(
      () => readNpz(good.subarray(0, 100), 'cut.npz'),
      isError('BAD_REQUEST', /cut\.npz is not a readable \.npz archive/),
    );
    assert.throws(() => readNpz(new Uint8Array(10), 'tiny.npz'), isError('BAD_REQUEST', /too short/));
    assert.throws(
      () => readNpz(new Uint8Array(200), 'zeros.npz'),
      isError('BAD_REQUEST', /end-of-central-directory/),
    );

    // Central directory offset pointing past the end.
    const badOffset = good.slice();
    const eocd = badOffset.length - 22;
    new DataView(badOffset.buffer).setUint32(eocd + 16, 0x7fffffff, true);
    assert.throws(
      () => readNpz(badOffset, 'offset.npz'),
      isError('BAD_REQUEST', /central directory lies outside the file/),
    );

    // An entry count the directory cannot hold.
    const badCount = good.slice();
    new DataView(badCount.buffer).setUint16(eocd + 10, 60000, true);
    assert.throws(
      () => readNpz(badCount, 'count.npz'),
      isError('BAD_REQUEST', /cannot hold the 60000 entries/),
    );
  });

  it('detects flipped data bytes by CRC-32 and corrupt deflate streams', () => {
    const stored = fixtureBytes('stored.npz').slice();
    stored[200] = (stored[200]! ^ 0xff) & 0xff; // inside pixels.npy's data
    const npz = readNpz(stored, 'flipped.npz');
    assert.throws(
      () => npz.read('pixels', 'float32'),
      isError('BAD_REQUEST', /CRC-32 of pixels\.npy does not match/),
    );

    const deflated = fixtureBytes('compressed.npz').slice();
    const entry = listZip(deflated).find((e) => e.name === 'input_ids.npy')!;
    const local = new DataView(deflated.buffer, entry.localOffset);
    const dataStart = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    for (let i = 0; i < 12; i++) deflated[dataStart + i] = 0xff;
    const broken = readNpz(deflated, 'broken.npz');
    assert.throws(() => broken.read('input_ids', 'int64'), isError('BAD_REQUEST', /broken\.npz/));
  });

  it('computes the standard CRC-32', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });
});
