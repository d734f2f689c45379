import assert from 'node:assert/strict';
import { bindArrays } from '../../../src/core/data/bind';
import { parseJsonInputs, tensorFromJson } from '../../../src/core/data/jsonInputs';
import type { TensorSpec } from '../../../src/core/onnx/types';
import { isError } from './support';

const PIXELS: TensorSpec = { name: 'pixels', dtype: 'float32', shape: ['batch', 2] };
const IDS: TensorSpec = { name: 'ids', dtype: 'int64', shape: ['batch', 3] };

function load(value: unknown, specs: TensorSpec[], options: { allowNonFinite?: boolean } = {}) {
  return bindArrays(parseJsonInputs(JSON.stringify(value), 'in.json', specs), specs, options);
}

describe('JSON inputs', () => {
  it('reads {input: nested arrays, labels} in each input dtype', () => {
    const set = load(
      {
        pixels: [
          [0.5, -1],
          [2, 3.25],
        ],
        ids: [
          [1, 2, 3],
          [4, 5, '9007199254740993'],
        ],
        labels: [7, 0],
      },
      [PIXELS, IDS],
    );
    assert.equal(set.count, 2);
    assert.equal(set.source, 'in.json');
    const rows = set.batch(0, 2);
    assert.equal(rows.pixels!.dtype, 'float32');
    assert.deepEqual(Array.from(rows.pixels!.data as Float32Array), [0.5, -1, 2, 3.25]);
    assert.equal(rows.ids!.dtype, 'int64');
    assert.deepEqual(Array.from(rows.ids!.data as BigInt64Array), [1n, 2n, 3n, 4n, 5n, 9007199254740993n]);
    assert.deepEqual(Array.from(set.labels!), [7, 0]);
  });

  it('feeds a bare nested array to a one-input model', () => {
    const set = load(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [PIXELS],
    );
    assert.equal(set.count, 3);
    assert.deepEqual(set.batch(2, 3).pixels!.shape, [1, 2]);
    assert.equal(set.labels, undefined);
  });

  it('builds float16 and bool inputs from numbers and booleans', () => {
    const half = tensorFromJson([0.1, 65504, 1e6], 'float16', 'h');
    assert.deepEqual(Array.from(half.data as Uint16Array), [11878, 31743, 0x7c00]);
    const flags = tensorFromJson([true, 0, 1, false], 'bool', 'b');
    assert.deepEqual(Array.from(flags.data as Uint8Array), [1, 0, 1, 0]);
  });

  it('accepts "NaN"/"Infinity" strings in float inputs only when non-finite values are allowed', () => {
    const value = {
      pixels: [
        ['NaN', 1],
        ['Infinity', '-Infinity'],
      ],
    };
    assert.throws(
      () => load(value, [PIXELS]),
      isError(
        'BAD_REQUEST',
        /input 'pixels' from in\.json\['pixels'\] has 3 non-finite values; the first is NaN at \[0, 0\]/,
      ),
    );
    const set = load(value, [PIXELS], { allowNonFinite: true });
    assert.deepEqual(Array.from(set.batch(0, 2).pixels!.data as Float32Array), [NaN, 1, Infinity, -Infinity]);
  });

  it("explains that Python's bare NaN is not JSON", () => {
    try {
      parseJsonInputs('{"pixels": [[NaN, 1]]}', 'py.json', [PIXELS]);
      assert.fail('expected an error');
    } catch (error) {
      isError('BAD_REQUEST', /py\.json is not valid JSON/)(error);
      assert.match((error as { hint: string }).hint, /strings "NaN", "Infinity", "-Infinity"/);
    }
  });

  it('rejects ragged arrays, non-integers for integer inputs and out-of-range values, with the position', () => {
    assert.throws(
      () => load({ pixels: [[1, 2], [3]] }, [PIXELS]),
      isError('BAD_REQUEST', /in\.json\['pixels'\] at \[1\]: is ragged: expected 2 elements, found 1/),
    );
    assert.throws(
      () => load({ ids: [[1, 2.5, 3]] }, [IDS]),
      isError('BAD_REQUEST', /at \[0, 1\]: 2\.5 is not an int64 value/),
    );
    assert.throws(
      () => load({ x: [[300]] }, [{ name: 'x', dtype: 'uint8', shape: ['b', 1] }]),
      isError('BAD_REQUEST', /300 is not a uint8 value \(an integer in \[0, 255\]\)/),
    );
    assert.throws(
      () => load({ pixels: [[1, 'a']] }, [PIXELS]),
      isError('BAD_REQUEST', /"a" is not a number/),
    );
    assert.throws(
      () => load({ ids: [[1, 2, 3]], labels: [0.5] }, [IDS]),
      isError('BAD_REQUEST', /labels'\] at \[0\]: 0\.5 is not an int32 value/),
    );
  });

  it('rejects a bare array for a multi-input model and non-array JSON', () => {
    assert.throws(
      () => parseJsonInputs('[[1, 2]]', 'bare.json', [PIXELS, IDS]),
      isError(
        'BAD_REQUEST',
        /bare\.json holds one bare array but the model has 2 inputs \('pixels', 'ids'\)/,
      ),
    );
    assert.throws(
      () => parseJsonInputs('42', 'n.json', [PIXELS]),
      isError('BAD_REQUEST', /holds number, not arrays/),
    );
  });
});
