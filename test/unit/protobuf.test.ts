import assert from 'node:assert/strict';
import { forEachField, ProtobufError, readVarint } from '../../src/core/onnx/protobuf';
import { bytesField, concat, stringField, varintField } from '../support/protoWriter';

describe('protobuf reader', () => {
  it('decodes varints at the 7-bit boundaries, beyond 2^32, and negative int64', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x7f], 127],
      [[0x80, 0x01], 128],
      [[0xac, 0x02], 300],
      [[0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 32 - 1],
      [[0x80, 0x80, 0x80, 0x80, 0x10], 2 ** 32],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 53 - 1],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], -1],
    ];
    for (const [bytes, expected] of cases) {
      const [value, next] = readVarint(Uint8Array.from(bytes), 0, bytes.length);
      assert.equal(value, expected, `bytes ${bytes.join(',')}`);
      assert.equal(next, bytes.length);
    }
  });

  it('walks fields and returns payload bounds without copying', () => {
    const buffer = concat(varintField(1, 7), stringField(2, 'abc'), bytesField(3, new Uint8Array(1000)));
    const seen: [number, number, number][] = [];
    forEachField(buffer, 0, buffer.length, (f) => {
      seen.push([f.number, f.value, f.end - f.start]);
    });
    assert.deepEqual(seen, [
      [1, 7, 1],
      [2, 0, 3],
      [3, 0, 1000],
    ]);
  });

  it('reports a truncated varint and a field running past the end with their offsets', () => {
    assert.throws(
      () => readVarint(Uint8Array.from([0x80, 0x80]), 0, 2),
      (e: unknown) => e instanceof ProtobufError && /truncated varint/.test(e.message) && e.offset === 0,
    );
    const cut = stringField(2, 'hello').subarray(0, 4);
    assert.throws(
      () => forEachField(cut, 0, cut.length, () => undefined),
      (e: unknown) => e instanceof ProtobufError && /runs past the end/.test(e.message),
    );
  });

  it('rejects group wire types and field number 0, which ONNX never uses', () => {
    assert.throws(
      () => forEachField(Uint8Array.from([0x0b]), 0, 1, () => undefined),
      /unsupported wire type 3/,
    );
    assert.throws(
      () => forEachField(Uint8Array.from([0x00, 0x00]), 0, 2, () => undefined),
      /invalid field number 0/,
    );
  });
});
