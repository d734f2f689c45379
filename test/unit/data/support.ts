/** Fixture access, byte builders and error assertions for the input-data tests. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS_DIR, REPO_ROOT } from '../../support/fixtures';
import type { Tensor } from '../../../src/core/tensor';

export const DATA_DIR = join(REPO_ROOT, 'test', 'fixtures', 'data');
export const DEMO_NPZ = join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz');
export { MODELS_DIR, REPO_ROOT };
export { bytesOf, npyBytes } from '../../support/npy';
export { isError } from '../../support/errors';

export function fixture(name: string): string {
  return join(DATA_DIR, name);
}

export function fixtureBytes(name: string): Uint8Array {
  const b = readFileSync(fixture(name));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One array as numpy wrote it, from test/fixtures/data/expected.json (see make_data.py). */
export interface ExpectedArray {
  dtype: string;
  shape: number[];
  /** Floats as numbers ('nan', 'inf', '-inf' as strings), int64 as decimal strings, bool as 0/1. */
  flat: (number | string)[];
  bits?: number[];
}

let expectedCache: Record<string, unknown> | undefined;
export function expected(): Record<string, unknown> {
  expectedCache ??= JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Record<string, unknown>;
  return expectedCache;
}

const SPECIAL: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity };

/** Asserts that a tensor holds exactly the values numpy wrote. */
export function assertMatches(t: Tensor, want: ExpectedArray): void {
  assert.equal(t.dtype, want.dtype);
  assert.deepEqual(t.shape, want.shape);
  if (t.dtype === 'int64') {
    assert.deepEqual(
      Array.from(t.data as BigInt64Array, (v) => v.toString()),
      want.flat,
    );
  } else if (t.dtype === 'float16') {
    assert.deepEqual(Array.from(t.data as Uint16Array), want.bits);
  } else {
    const values = want.flat.map((v) => (typeof v === 'string' ? SPECIAL[v]! : v));
    assert.deepEqual(Array.from(t.data as ArrayLike<number>), values);
  }
}

/** A fresh temporary folder, removed by the returned cleanup function. */
export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'moe-scope-data-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
