import assert from 'node:assert/strict';
import { alignExperts } from '../../../src/core/compare/alignment';
import { random } from '../analysis/support';

describe('expert alignment', () => {
  it('picks the matching with the largest summed correlation and reports each pair', () => {
    // A's expert 0 behaves like B's 2, 1 like 0, 2 like 1.
    const r = Float64Array.from([0.1, -0.2, 0.9, 0.8, 0.3, 0.0, 0.2, 0.7, 0.1]);
    const alignment = alignExperts(r, 3, 3);
    assert.deepEqual(alignment.matching, [2, 0, 1]);
    assert.deepEqual(alignment.correlation, [0.9, 0.8, 0.7]);
    assert.ok(Math.abs(alignment.meanCorrelation - 0.8) < 1e-12);
    assert.ok(Math.abs(alignment.identityCorrelation - (0.1 + 0.3 + 0.1) / 3) < 1e-12);
    assert.deepEqual([alignment.unmatchedA, alignment.unmatchedB], [[], []]);
  });

  it('the random baseline estimates the mean over all one-to-one matchings (= mean of all entries)', () => {
    const next = random(31);
    for (const [nA, nB] of [
      [6, 6],
      [4, 9],
      [9, 4],
    ] as const) {
      const r = Float64Array.from({ length: nA * nB }, () => next() * 2 - 1);
      const alignment = alignExperts(r, nA, nB, 4000, 5);
      const all = r.reduce((s, v) => s + v, 0) / r.length;
      // Monte Carlo error of the mean: std / √draws.
      const tolerance = (4 * alignment.random.std) / Math.sqrt(4000);
      assert.ok(
        Math.abs(alignment.random.mean - all) < tolerance,
        `${nA}×${nB}: ${alignment.random.mean} vs ${all}`,
      );
      assert.ok(alignment.meanCorrelation >= alignment.random.mean);
      assert.equal(alignment.random.draws, 4000);
      // Seeded: the same numbers every time.
      assert.deepEqual(alignExperts(r, nA, nB, 4000, 5).random, alignment.random);
    }
  });

  it('different expert counts: min(nA, nB) pairs, the rest listed as unmatched', () => {
    const r = Float64Array.from([0.1, 0.9, 0.0, 0.2, 0.8, 0.1, 0.3, 0.2]); // 2 × 4
    const wide = alignExperts(r, 2, 4);
    assert.deepEqual(wide.matching, [1, 0]);
    assert.deepEqual(wide.unmatchedB, [2, 3]);
    assert.deepEqual(wide.unmatchedA, []);
    const tall = alignExperts(Float64Array.from([0.1, 0.8, 0.9, 0.1, 0.0, 0.2, 0.3, 0.2]), 4, 2);
    assert.deepEqual(tall.matching, [1, 0, null, null]);
    assert.deepEqual(tall.correlation, [0.8, 0.9, null, null]);
    assert.deepEqual(tall.unmatchedA, [2, 3]);
  });

  it('a z-score is only given when random matchings vary', () => {
    const flat = alignExperts(new Float64Array(9).fill(0.5), 3, 3);
    assert.equal(flat.random.std, 0);
    assert.equal(flat.zScore, null);
  });
});
