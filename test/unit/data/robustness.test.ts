import assert from 'node:assert/strict';
import { bindArrays, type NamedArrays } from '../../../src/core/data/bind';
import { decodeImage } from '../../../src/core/data/decodeImage';
import { parseNpy } from '../../../src/core/data/npy';
import { readNpz } from '../../../src/core/data/npz';
import { parsePyLiteral, PyLiteralError } from '../../../src/core/data/pyLiteral';
import { readSafetensors } from '../../../src/core/data/safetensors';
import { mulberry32 } from '../../../src/core/data/random';
import { MoeScopeError } from '../../../src/core/errors';
import { fixtureBytes } from './support';

/** Reads every array of a parsed file, as loading would. */
function readAll(arrays: NamedArrays): void {
  for (const key of arrays.keys) arrays.read(key, 'float32');
}

/**
 * Damages `bytes` in `trials` seeded ways (overwritten bytes, truncation) and checks that `read`
 * either succeeds or throws a MoeScopeError: never another exception, and never a hang.
 */
function fuzz(name: string, read: (bytes: Uint8Array) => void, trials = 400): void {
  const original = fixtureBytes(name);
  const next = mulberry32(0x5eed);
  let rejected = 0;
  for (let trial = 0; trial < trials; trial++) {
    let bytes = original.slice();
    if (trial % 4 === 3) {
      bytes = bytes.subarray(0, next() % bytes.length);
    } else {
      const flips = 1 + (next() % 4);
      for (let i = 0; i < flips; i++) bytes[next() % bytes.length] = next() & 0xff;
    }
    try {
      read(bytes);
    } catch (error) {
      if (!(error instanceof MoeScopeError)) {
        assert.fail(`trial ${trial} of ${name} threw ${String(error)}`);
      }
      rejected++;
    }
  }
  assert.ok(rejected > trials / 10, `most damage to ${name} should be noticed (${rejected} of ${trials})`);
}

describe('damaged files', () => {
  it('.npy: damaged files read or fail with a MoeScopeError, nothing else', () => {
    fuzz('int64.npy', (bytes) => void parseNpy(bytes, 'fuzz.npy'));
  });

  it('.npz (stored and deflated): damaged archives read or fail with a MoeScopeError', () => {
    fuzz('stored.npz', (bytes) => readAll(readNpz(bytes, 'fuzz.npz')));
    fuzz('compressed.npz', (bytes) => readAll(readNpz(bytes, 'fuzz.npz')));
  });

  it('.safetensors: damaged files read or fail with a MoeScopeError', () => {
    fuzz('tensors.safetensors', (bytes) => {
      const st = readSafetensors(bytes, 'fuzz.safetensors');
      readAll(st);
      bindArrays(st, [{ name: 'pixels', dtype: 'float32', shape: ['batch', 3] }]);
    });
  });

  it('PNG and JPEG: damaged images decode or fail with a MoeScopeError', () => {
    fuzz('rgb2x2.png', (bytes) => void decodeImage(bytes, 'fuzz.png'));
    fuzz('flat16.jpg', (bytes) => void decodeImage(bytes, 'fuzz.jpg'));
  });

  it('refuses deeply nested header literals instead of overflowing the stack', () => {
    assert.throws(() => parsePyLiteral('('.repeat(100000)), PyLiteralError);
    assert.deepEqual(parsePyLiteral("{'shape': (3L, 4), 'x': [True, None]}"), {
      shape: [3, 4],
      x: [true, null],
    });
  });
});
