import assert from 'node:assert/strict';
import { createAccumulator, type LayerBatch } from '../../../src/core/analysis';
import { f32, i64 } from './support';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

/** One sample: probability rows per token, and per expert its chosen tokens and their gates. */
function ecBatch(probs: number[][], selected: number[][], gates: number[][]): LayerBatch {
  const m = probs.length;
  const E = probs[0]!.length;
  const c = selected[0]!.length;
  return {
    kind: 'expert_choice',
    probs: f32([1, m, E], probs.flat()),
    selected: i64([1, E, c], selected.flat()),
    gates: f32([1, E, c], gates.flat()),
  };
}

describe('expert-choice metrics', () => {
  it('uniform routing: entropy 1, cv 0, switchAux 1, every token taken once', () => {
    const acc = createAccumulator('expert_choice', { experts: 4 });
    acc.add(
      ecBatch(
        Array.from({ length: 8 }, () => [0.25, 0.25, 0.25, 0.25]),
        [0, 1, 2, 3].map((i) => [2 * i, 2 * i + 1]),
        [0, 1, 2, 3].map(() => [0.25, 0.25]),
      ),
    );
    const s = acc.summary();
    close(s.routingEntropy, 1);
    close(s.routingEntropyBits, 2);
    assert.deepEqual(s.expertLoad, [0.25, 0.25, 0.25, 0.25]);
    assert.deepEqual(s.expertCount, [0.25, 0.25, 0.25, 0.25]);
    assert.equal(s.balance.cv, 0);
    close(s.balance.switchAux, 1);
    assert.equal(s.tokensDropped, 0);
    assert.equal(s.meanExpertsPerToken, 1);
  });

  it('collapsed routing: entropy 0, switchAux = n, all gate mass on one expert', () => {
    const acc = createAccumulator('expert_choice', { experts: 4 });
    acc.add(
      ecBatch(
        Array.from({ length: 4 }, () => [1, 0, 0, 0]),
        [0, 1, 2, 3].map(() => [0, 1]),
        [
          [1, 1],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      ),
    );
    const s = acc.summary();
    assert.equal(s.routingEntropy, 0);
    assert.deepEqual(s.expertLoad, [1, 0, 0, 0]);
    close(s.balance.switchAux, 4);
    assert.equal(s.tokensDropped, 0.5);
    assert.equal(s.meanExpertsPerToken, 2);
  });

  it('counts tokens chosen twice and tokens dropped (hand-computed)', () => {
    // Expert 0 takes tokens 0 and 1, expert 1 tokens 0 and 2: token 0 twice, token 3 never.
    const acc = createAccumulator('expert_choice', { experts: 2 });
    acc.add(
      ecBatch(
        [
          [0.5, 0.5],
          [1, 0],
          [0, 1],
          [1, 0],
        ],
        [
          [0, 1],
          [0, 2],
        ],
        [
          [0.5, 0.25],
          [0.5, 0.25],
        ],
      ),
    );
    const s = acc.summary();
    assert.equal(s.tokensDropped, 0.25);
    assert.equal(s.meanExpertsPerToken, 1);
    assert.deepEqual(s.expertLoad, [0.5, 0.5]);
    assert.deepEqual(s.expertCount, [0.5, 0.5]);
    close(s.routingEntropy, 0.25);
    assert.deepEqual(s.top1Share, [0.75, 0.25]);
    // f = (3/4, 1/4), P = (5/8, 3/8): 2 · (15/32 + 3/32) = 1.125.
    close(s.balance.switchAux, 1.125);
  });

  it('a NaN gate removes its token from every statistic', () => {
    const acc = createAccumulator('expert_choice', { experts: 2 });
    acc.add(
      ecBatch(
        [
          [0.5, 0.5],
          [1, 0],
          [0, 1],
          [1, 0],
        ],
        [
          [0, 1],
          [0, 2],
        ],
        [
          [0.5, 0.25],
          [NaN, 0.25],
        ],
      ),
    );
    const s = acc.summary();
    assert.equal(s.nonFinite, 1);
    assert.deepEqual(s.expertLoad, [0.5, 0.5]);
    assert.deepEqual(s.expertCount, [0.5, 0.5]);
    close(s.tokensDropped, 1 / 3);
    close(s.meanExpertsPerToken, 2 / 3);
    assert.deepEqual(s.top1Share, [2 / 3, 1 / 3]);
    assert.equal(s.routingEntropy, 0);
  });
});
