/** Fixture access, byte builders and error assertions for the input-data tests. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MoeScopeError, type ErrorCode } from '../../../src/core/errors';
import type { Tensor } from '../../../src/core/tensor';

/** The repository root: the nearest folder above `from` with a package.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const DATA_DIR = join(repoRoot(), 'test', 'fixtures', 'data');
export const MODELS_DIR = join(repoRoot(), 'test', 'fixtures', 'models');
export const DEMO_NPZ = join(repoRoot(), 'media', 'demo', 'fashion-mnist-test.npz');

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

/** A function that asserts a MoeScopeError with `code` whose message matches every pattern. */
export function isError(code: ErrorCode, ...patterns: RegExp[]): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof MoeScopeError, `expected a MoeScopeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const p of patterns) assert.match(error.message, p);
    return true;
  };
}

/** Writes a version-1.0 .npy by hand: header dict padded to a 64-byte boundary, then `data`. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { fortran?: boolean } = {},
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const descrText = descr.startsWith('[') ? descr : `'${descr}'`; // structured descrs are lists
  let header = `{'descr': ${descrText}, 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A fresh temporary folder, removed by the returned cleanup function. */
export function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'moe-scope-data-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
