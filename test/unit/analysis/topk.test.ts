import assert from 'node:assert/strict';
import { createAccumulator, type LayerBatch } from '../../../src/core/analysis';
import { tensor } from '../../../src/core/tensor';
import { f32, i64 } from './support';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

function oneHot(E: number, hot: number): number[] {
  return Array.from({ length: E }, (_, i) => (i === hot ? 1 : 0));
}

/** One sample of m tokens: probability rows, top-k indices and weights per token. */
function topkBatch(E: number, probs: number[][], indices: number[][], weights: number[][]): LayerBatch {
  const m = probs.length;
  const k = indices[0]!.length;
  return {
    kind: 'topk',
    probs: f32([1, m, E], probs.flat()),
    indices: i64([1, m, k], indices.flat()),
    weights: f32([1, m, k], weights.flat()),
  };
}

describe('top-k metrics', () => {
  it('uniform routing: entropy 1 (2 bits over 4 experts), cv 0, switchAux 1', () => {
    const m = 8;
    const acc = createAccumulator('topk', { experts: 4, k: 2 });
    acc.add(
      topkBatch(
        4,
        Array.from({ length: m }, () => [0.25, 0.25, 0.25, 0.25]),
        Array.from({ length: m }, (_, t) => [t % 4, (t + 1) % 4]),
        Array.from({ length: m }, () => [0.5, 0.5]),
      ),
    );
    const s = acc.summary();
    close(s.routingEntropy, 1);
    close(s.routingEntropyBits, 2);
    assert.deepEqual(s.expertLoad, [0.25, 0.25, 0.25, 0.25]);
    assert.deepEqual(s.expertCount, [0.25, 0.25, 0.25, 0.25]);
    assert.equal(s.balance.cv, 0);
    close(s.balance.switchAux, 1);
    assert.equal(s.renormalized, true);
  });

  it('collapsed routing: entropy 0, switchAux = n, all routed weight on one expert', () => {
    const m = 6;
    const acc = createAccumulator('topk', { experts: 4 });
    acc.add(
      topkBatch(
        4,
        Array.from({ length: m }, () => oneHot(4, 0)),
        Array.from({ length: m }, () => [0, 1]),
        Array.from({ length: m }, () => [1, 0]),
      ),
    );
    const s = acc.summary();
    assert.equal(s.routingEntropy, 0);
    assert.equal(s.routingEntropyBits, 0);
    assert.deepEqual(s.expertLoad, [1, 0, 0, 0]);
    assert.deepEqual(s.top1Share, [1, 0, 0, 0]);
    close(s.balance.switchAux, 4);
    close(s.balance.cv, Math.sqrt(3));
  });

  it('co-activation is OLMoE’s P(j | i), with zero rows for experts never chosen', () => {
    // Tokens choose {0,1}, {0,2}, {1,0}, {3,1}; expert 4 is never chosen.
    const acc = createAccumulator('topk', { experts: 5, k: 2 });
    acc.add(
      topkBatch(
        5,
        [oneHot(5, 0), oneHot(5, 0), oneHot(5, 1), oneHot(5, 3)],
        [
          [0, 1],
          [0, 2],
          [1, 0],
          [3, 1],
        ],
        [
          [0.75, 0.25],
          [0.5, 0.5],
          [0.6, 0.4],
          [0.9, 0.1],
        ],
      ),
    );
    const s = acc.summary();
    assert.deepEqual(s.coActivation, [
      [1, 2 / 3, 1 / 3, 0, 0],
      [2 / 3, 1, 0, 1 / 3, 0],
      [1, 0, 1, 0, 0],
      [0, 1, 0, 1, 0],
      [0, 0, 0, 0, 0],
    ]);
    assert.deepEqual(s.expertCount, [3 / 8, 3 / 8, 1 / 8, 1 / 8, 0]);
    [1.65, 0.95, 0.5, 0.9, 0].forEach((mass, i) => close(s.expertLoad[i]!, mass / 4, 1e-7));
    assert.deepEqual(s.top1Share, [0.5, 0.25, 0, 0.25, 0]);
    // f = P = (1/2, 1/4, 0, 1/4, 0): 5 · (1/4 + 1/16 + 1/16) = 1.875.
    close(s.balance.switchAux, 1.875);
    assert.equal(s.renormalized, true);
  });

  it('renormalises raw Switch weights for the load and reports that the model did not', () => {
    const acc = createAccumulator('topk', { experts: 2, k: 1 });
    acc.add(topkBatch(2, [[0.7, 0.3]], [[0]], [[0.7]]));
    const s = acc.summary();
    assert.equal(s.renormalized, false);
    assert.deepEqual(s.expertLoad, [1, 0]);
  });

  it('accepts int32 indices', () => {
    const acc = createAccumulator('topk', { experts: 2 });
    acc.add({
      kind: 'topk',
      probs: f32([1, 1, 2], [0.4, 0.6]),
      indices: tensor('int32', [1, 1, 1], Int32Array.from([1])),
      weights: f32([1, 1, 1], [1]),
    });
    assert.deepEqual(acc.summary().expertLoad, [0, 1]);
  });

  it('skips tokens with NaN or Infinity in probs or weights, and counts the values', () => {
    const acc = createAccumulator('topk', { experts: 4, k: 2 });
    acc.add(
      topkBatch(
        4,
        [[NaN, NaN, NaN, NaN], oneHot(4, 1), oneHot(4, 2)],
        [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
        [
          [0.5, 0.5],
          [1, 0],
          [Infinity, 0],
        ],
      ),
    );
    const s = acc.summary();
    assert.equal(s.nonFinite, 4 + 1);
    assert.deepEqual(s.expertLoad, [0, 1, 0, 0]);
    assert.deepEqual(s.top1Share, [0, 1, 0, 0]);
    assert.deepEqual(s.expertCount, [0, 0.5, 0.5, 0]);
    assert.equal(s.routingEntropy, 0);
  });
});
