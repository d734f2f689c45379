import assert from 'node:assert/strict';
import { CrossCorrelation } from '../../../src/core/compare/correlation';
import { random } from '../analysis/support';

/** Two-pass Pearson correlation of columns i of a and j of b (numpy's corrcoef). */
function pearson(
  a: Float64Array,
  b: Float64Array,
  rows: number,
  nA: number,
  nB: number,
  i: number,
  j: number,
) {
  let ma = 0;
  let mb = 0;
  for (let r = 0; r < rows; r++) {
    ma += a[r * nA + i]!;
    mb += b[r * nB + j]!;
  }
  ma /= rows;
  mb /= rows;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let r = 0; r < rows; r++) {
    const x = a[r * nA + i]! - ma;
    const y = b[r * nB + j]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('streaming cross-correlation', () => {
  it('matches two-pass Pearson for every column pair, however the rows are batched', () => {
    const next = random(9);
    const rows = 300;
    const [nA, nB] = [5, 7];
    const a = Float64Array.from({ length: rows * nA }, () => next());
    const b = Float64Array.from(
      { length: rows * nB },
      (_, x) => 0.6 * a[Math.floor(x / nB) * nA + (x % nA)]! + next(),
    );
    for (const sizes of [[300], [1, 299], [37, 100, 163], Array.from({ length: 300 }, () => 1)]) {
      const acc = new CrossCorrelation(nA, nB);
      let at = 0;
      for (const size of sizes) {
        acc.add(a.subarray(at * nA, (at + size) * nA), b.subarray(at * nB, (at + size) * nB), size);
        at += size;
      }
      assert.equal(acc.rows, rows);
      const r = acc.matrix();
      for (let i = 0; i < nA; i++)
        for (let j = 0; j < nB; j++) {
          const expected = pearson(a, b, rows, nA, nB, i, j);
          assert.ok(
            Math.abs(r[i * nB + j]! - expected) < 1e-12,
            `(${i}, ${j}) ${r[i * nB + j]} vs ${expected}`,
          );
        }
    }
  });

  it('closed forms: y = 2x + 1 gives 1, y = −x gives −1, a constant column gives 0', () => {
    const acc = new CrossCorrelation(1, 3);
    const x = [0.1, 0.7, 0.3, 0.9, 0.2];
    acc.add(Float64Array.from(x), Float64Array.from(x.flatMap((v) => [2 * v + 1, -v, 0.5])), x.length);
    const r = acc.matrix();
    assert.ok(Math.abs(r[0]! - 1) < 1e-12);
    assert.ok(Math.abs(r[1]! + 1) < 1e-12);
    assert.equal(r[2], 0);
  });

  it('stays accurate for values far from zero (no one-pass cancellation)', () => {
    const acc = new CrossCorrelation(1, 1);
    const x = Float64Array.from({ length: 1000 }, (_, i) => 1e8 + (i % 10));
    const y = Float64Array.from(x, (v) => 3 * v);
    for (let start = 0; start < 1000; start += 100)
      acc.add(x.subarray(start, start + 100), y.subarray(start, start + 100), 100);
    assert.ok(Math.abs(acc.matrix()[0]! - 1) < 1e-9);
  });
});
