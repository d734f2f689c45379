import assert from 'node:assert/strict';
import { bindArrays } from '../../../src/core/data/bind';
import { readSafetensors } from '../../../src/core/data/safetensors';
import { assertMatches, ExpectedArray, expected, fixtureBytes, isError } from './support';

const want = (key: string): ExpectedArray =>
  (expected()['tensors.safetensors'] as Record<string, ExpectedArray>)[key]!;

/** A safetensors file from a header object and raw data bytes. */
function safetensors(header: unknown, data: Uint8Array, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, declaredLength ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('.safetensors reader', () => {
  it('reads every supported dtype exactly as written, skipping __metadata__', () => {
    const st = readSafetensors(fixtureBytes('tensors.safetensors'), 'tensors.safetensors');
    assert.deepEqual(st.keys, ['pixels', 'ids', 'halfs', 'flags', 'doubles', 'labels']);
    for (const key of st.keys) assertMatches(st.read(key, 'float32'), want(key));
  });

  it('returns views into the file bytes when aligned', () => {
    const bytes = fixtureBytes('tensors.safetensors');
    const st = readSafetensors(bytes, 'tensors.safetensors');
    assert.equal(st.read('ids', 'int64').data.buffer, bytes.buffer);
  });

  it('binds tensors to model inputs with labels', () => {
    const set = bindArrays(readSafetensors(fixtureBytes('tensors.safetensors'), 't.safetensors'), [
      { name: 'pixels', dtype: 'float32', shape: ['batch', 3] },
      { name: 'ids', dtype: 'int64', shape: ['batch', 2] },
    ]);
    assert.equal(set.count, 2);
    assert.deepEqual(Array.from(set.labels!), [4, 1]);
  });

  it('copies unaligned tensors instead of failing', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setFloat32(1, 2.5, true);
    new DataView(data.buffer).setFloat32(5, -1, true);
    const bytes = safetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [1, 9] } }, data);
    const t = readSafetensors(bytes, 'odd.safetensors').read('x', 'float32');
    assert.deepEqual(Array.from(t.data as Float32Array), [2.5, -1]);
  });

  it('rejects a header length beyond the file', () => {
    const bytes = safetensors(
      { x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      new Uint8Array(4),
      1_000_000,
    );
    assert.throws(
      () => readSafetensors(bytes, 'long.safetensors'),
      isError('BAD_REQUEST', /long\.safetensors/, /header length 1000000 runs beyond the end of the file/),
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 0xffffffff, true); // 2^64-ish
    assert.throws(() => readSafetensors(huge, 'huge.safetensors'), isError('BAD_REQUEST', /beyond the end/));
    assert.throws(
      () => readSafetensors(new Uint8Array(5), 'stub.safetensors'),
      isError('BAD_REQUEST', /fewer than the 8-byte/),
    );
  });

  it('rejects offsets outside the data, sizes that disagree with the shape, and unknown dtypes', () => {
    const four = new Uint8Array(4);
    assert.throws(
      () =>
        readSafetensors(
          safetensors({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 8] } }, four),
          'a.safetensors',
        ),
      isError('BAD_REQUEST', /tensor 'x' data_offsets \[0, 8\] lie outside the 4 data bytes/),
    );
    assert.throws(
      () =>
        readSafetensors(
          safetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, four),
          'b.safetensors',
        ),
      isError('BAD_REQUEST', /float32 \[2\] \(8 bytes\) but data_offsets span 4 bytes/),
    );
    assert.throws(
      () =>
        readSafetensors(
          safetensors({ x: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, four),
          'c.safetensors',
        ),
      isError('BAD_REQUEST', /dtype "BF16"/),
    );
    assert.throws(
      () =>
        readSafetensors(
          safetensors({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, four),
          'd.safetensors',
        ),
      isError('BAD_REQUEST', /lie outside/),
    );
    assert.throws(
      () =>
        readSafetensors(
          safetensors({ x: { dtype: 'F32', shape: 'one', data_offsets: [0, 4] } }, four),
          'e.safetensors',
        ),
      isError('BAD_REQUEST', /shape is not a list/),
    );
  });

  it('rejects a header that is not a JSON object', () => {
    assert.throws(
      () => readSafetensors(safetensors([1, 2], new Uint8Array(0)), 'arr.safetensors'),
      isError('BAD_REQUEST', /not a JSON object/),
    );
    const bytes = safetensors({}, new Uint8Array(0));
    bytes[8] = 0x7e; // '~'
    assert.throws(() => readSafetensors(bytes, 'junk.safetensors'), isError('BAD_REQUEST', /not valid JSON/));
  });
});
