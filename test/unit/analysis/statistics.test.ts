import assert from 'node:assert/strict';
import {
  argmax,
  coefficientOfVariation,
  countNonFinite,
  entropyNats,
  natsToBits,
  normalisedEntropy,
  shares,
  switchBalance,
} from '../../../src/core/analysis/statistics';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

describe('routing statistics', () => {
  it('entropy of a uniform distribution over n is ln n, of a one-hot 0 (0·ln 0 = 0)', () => {
    close(entropyNats([0.25, 0.25, 0.25, 0.25], 0, 4), Math.log(4));
    assert.equal(entropyNats([0, 1, 0], 0, 3), 0);
    close(normalisedEntropy(Math.log(7), 7), 1);
    assert.equal(normalisedEntropy(0, 1), 0, 'a single category is one-hot');
  });

  it('entropy reads strided columns in place and converts to bits', () => {
    // Column 1 of the 3 × 2 matrix [[.9, .5], [.05, .25], [.05, .25]] is (.5, .25, .25): 1.5 bits.
    const m = [0.9, 0.5, 0.05, 0.25, 0.05, 0.25];
    close(natsToBits(entropyNats(m, 1, 3, 2)), 1.5);
  });

  it('argmax takes the first of tied maxima, like numpy', () => {
    assert.equal(argmax([0.2, 0.4, 0.4], 0, 3), 1);
    assert.equal(argmax([1, 5, 2, 5, 3, 0], 1, 3, 2), 0, 'strided (5, 5, 0)');
  });

  it('counts NaN and ±Infinity but not finite values', () => {
    assert.equal(countNonFinite([0, NaN, Infinity, -Infinity, 1e308], 0, 5), 3);
  });

  it('cv is population std / mean: 0 for equal loads, sqrt(n − 1) for one loaded expert', () => {
    assert.equal(coefficientOfVariation([0.25, 0.25, 0.25, 0.25]), 0);
    close(coefficientOfVariation([1, 0, 0, 0, 0]), 2);
    // np.std([1, 2, 3, 6]) / np.mean([1, 2, 3, 6]) = 1.8708286933869707 / 3
    close(coefficientOfVariation([1, 2, 3, 6]), 1.8708286933869707 / 3);
  });

  it('Switch balance is 1 when balanced, n when collapsed', () => {
    // 4 tokens, 4 experts, each token to its own expert with certainty: f = P = 1/4.
    close(switchBalance([1, 1, 1, 1], [1, 1, 1, 1], 4), 1);
    // Every token to expert 0 with certainty: f_0 = P_0 = 1.
    close(switchBalance([4, 0, 0, 0], [4, 0, 0, 0], 4), 4);
    assert.equal(switchBalance([0, 0], [0, 0], 0), 0);
  });

  it('shares sum to 1 and are all zero for zero mass', () => {
    assert.deepEqual(shares([1, 3]), [0.25, 0.75]);
    assert.deepEqual(shares([0, 0]), [0, 0]);
  });
});
