import assert from 'node:assert/strict';
import { crossTerm, jsDivergence, jsTerm, xlog2x } from '../../../src/core/compare/divergence';
import { random, randomSoftmax } from '../analysis/support';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

/** ½ KL(p ‖ m) + ½ KL(q ‖ m) in bits, written out from the definition. */
function definition(p: number[], q: number[]): number {
  const kl = (x: number[], m: number[]) =>
    x.reduce((s, v, i) => (v > 0 ? s + v * Math.log2(v / m[i]!) : s), 0);
  const m = p.map((v, i) => (v + q[i]!) / 2);
  return 0.5 * kl(p, m) + 0.5 * kl(q, m);
}

describe('Jensen–Shannon divergence (bits)', () => {
  it('is 0 for equal distributions', () => {
    close(jsDivergence([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 0);
    close(jsDivergence([1, 0, 0], [1, 0, 0]), 0);
  });

  it('is exactly 1 bit for disjoint supports', () => {
    close(jsDivergence([1, 0], [0, 1]), 1);
    close(jsDivergence([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75]), 1);
  });

  it('JSD([1, 0], [½, ½]) = 3/2 − ¾·log₂3 (closed form)', () => {
    close(jsDivergence([1, 0], [0.5, 0.5]), 1.5 - 0.75 * Math.log2(3));
  });

  it('JSD(one-hot, uniform over n) = ½·log₂(2n/(n+1)) + ½·[(1/n)·log₂(2/(n+1)) + (n−1)/n], n = 2…16', () => {
    for (let n = 2; n <= 16; n++) {
      const p = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
      const q = Array.from({ length: n }, () => 1 / n);
      // m = ((n+1)/2n, 1/2n, …): KL(p‖m) = log₂(2n/(n+1)), KL(q‖m) = (1/n)·log₂(2/(n+1)) + ((n−1)/n)·1.
      const expected =
        0.5 * Math.log2((2 * n) / (n + 1)) + 0.5 * ((1 / n) * Math.log2(2 / (n + 1)) + (n - 1) / n);
      close(jsDivergence(p, q), expected);
    }
  });

  it('matches the definition on random softmaxes, is symmetric and lies in [0, 1]', () => {
    const next = random(2);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + (trial % 15);
      const rows = randomSoftmax(next, 2, n, 4);
      const p = Array.from(rows.subarray(0, n));
      const q = Array.from(rows.subarray(n));
      const js = jsDivergence(p, q);
      close(js, definition(p, q), 1e-12);
      close(js, jsDivergence(q, p), 1e-15);
      assert.ok(js >= 0 && js <= 1);
    }
  });

  it('reads rows in place at offsets', () => {
    const flat = [0.9, 0.1, 0.5, 0.5];
    close(jsDivergence(flat, flat, 2, 0, 2), definition([0.9, 0.1], [0.5, 0.5]));
  });

  it('coordinate terms: jsTerm(p, 0) = p/2 and the terms rebuild the sum', () => {
    close(jsTerm(0.3, 0), 0.15);
    close(jsTerm(0, 0.8), 0.4);
    close(xlog2x(0), 0);
    close(crossTerm(0, 0), 0);
    close(crossTerm(0.25, 0.25), 0.5 * Math.log2(0.25));
    close(jsTerm(0.6, 0.1) + jsTerm(0.4, 0.9), definition([0.6, 0.4], [0.1, 0.9]));
  });
});
