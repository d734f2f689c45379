import assert from 'node:assert/strict';
import { topKIndices, topKOverlap } from '../../../src/core/compare/overlap';
import { random, randomSoftmax, topIndices } from '../analysis/support';

describe('top-k sets and overlap (router saturation)', () => {
  it('top-k indices: largest first, lower index first on ties, read in place', () => {
    const out = new Int32Array(3);
    topKIndices([0.1, 0.4, 0.2, 0.3], 0, 4, 3, out);
    assert.deepEqual([...out], [1, 3, 2]);
    topKIndices([9, 0.25, 0.5, 0.25, 0], 1, 4, 3, out);
    assert.deepEqual([...out], [1, 0, 2]);
    assert.throws(() => topKIndices([1, 2], 0, 2, 3, out), /k = 3 does not fit 2 values/);
  });

  it('top-k indices agree with a stable descending sort on random rows', () => {
    const next = random(4);
    const rows = randomSoftmax(next, 50, 9);
    const out = new Int32Array(4);
    for (let r = 0; r < 50; r++) {
      topKIndices(rows, r * 9, 9, 4, out);
      assert.deepEqual([...out], topIndices(rows, r * 9, 9, 4));
    }
  });

  it('overlap: |A ∩ B| / k, order inside a set does not matter', () => {
    assert.equal(topKOverlap([0, 1], [1, 0]), 1);
    assert.equal(topKOverlap([0, 1], [1, 2]), 0.5);
    assert.equal(topKOverlap([0, 1], [2, 3]), 0);
    assert.equal(topKOverlap([4, 2, 7, 1], [1, 5, 4, 6]), 0.5);
    assert.equal(topKOverlap([3], [3]), 1);
  });

  it("overlap after renaming B's experts into A's numbering", () => {
    // B's expert j is A's expert bToA[j]: B's {0, 1} are A's {2, 0}.
    const bToA = [2, 0, 1];
    assert.equal(topKOverlap([0, 2], [0, 1], bToA), 1);
    assert.equal(topKOverlap([0, 1], [0, 1], bToA), 0.5);
    // An expert of B without a partner (−1) never overlaps.
    assert.equal(topKOverlap([0, 1], [0, 1], [-1, 1]), 0.5);
  });

  it('rejects lists of different lengths', () => {
    assert.throws(() => topKOverlap([0, 1], [0]), /2 and 1 indices/);
  });
});
