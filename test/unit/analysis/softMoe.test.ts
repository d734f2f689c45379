import assert from 'node:assert/strict';
import { createAccumulator, expertScores, type LayerBatch } from '../../../src/core/analysis';
import { f32, random, randomSoftMoe, sliceBatch } from './support';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

/** A Soft MoE batch of B samples, m tokens and S = n·p slots with C(b, t, s) and D(b, t, s). */
function softBatch(
  B: number,
  m: number,
  n: number,
  p: number,
  C: (b: number, t: number, s: number) => number,
  D: (b: number, t: number, s: number) => number,
): LayerBatch {
  const S = n * p;
  const c: number[] = [];
  const d: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < m; t++) {
      for (let s = 0; s < S; s++) {
        c.push(C(b, t, s));
        d.push(D(b, t, s));
      }
    }
  }
  return {
    kind: 'soft_moe',
    combine: f32([B, m, S], c),
    dispatch: f32([B, m, S], d),
    experts: n,
    slotsPerExpert: p,
  };
}

describe('Soft MoE metrics', () => {
  it('uniform routing: entropies 1, cv 0, switchAux 1, every similarity 1', () => {
    // m = 4 tokens, n = 4 experts × p = 2 slots: 1/8 and 1/4 are exact in float32.
    const acc = createAccumulator('soft_moe', { experts: 4, slotsPerExpert: 2 });
    acc.add(
      softBatch(
        2,
        4,
        4,
        2,
        () => 1 / 8,
        () => 1 / 4,
      ),
    );
    const s = acc.summary();
    assert.equal(s.samples, 2);
    assert.equal(s.tokens, 4);
    close(s.combineEntropy, 1);
    close(s.dispatchEntropy, 1);
    assert.deepEqual(s.expertLoad, [0.25, 0.25, 0.25, 0.25]);
    assert.equal(s.balance.cv, 0);
    close(s.balance.switchAux, 1);
    const { tokenSimilarity, slotSimilarity, ...extremes } = s.softMoe;
    assert.deepEqual(extremes, {
      combineMinMean: 0.125,
      combineMaxMean: 0.125,
      dispatchMinMean: 0.25,
      dispatchMaxMean: 0.25,
    });
    close(tokenSimilarity, 1);
    close(slotSimilarity, 1);
    assert.equal(s.nonFinite, 0);
  });

  it('collapsed one-hot routing: entropies 0, switchAux = n, cv = sqrt(n − 1)', () => {
    // Every token puts all its combine weight on slot 1 (expert 0); slot s dispatches token s mod 4.
    const acc = createAccumulator('soft_moe', { experts: 4, slotsPerExpert: 2 });
    acc.add(
      softBatch(
        3,
        4,
        4,
        2,
        (_b, _t, s) => (s === 1 ? 1 : 0),
        (_b, t, s) => (t === s % 4 ? 1 : 0),
      ),
    );
    const s = acc.summary();
    assert.equal(s.combineEntropy, 0);
    assert.equal(s.dispatchEntropy, 0);
    assert.deepEqual(s.expertLoad, [1, 0, 0, 0]);
    assert.deepEqual(s.top1Share, [1, 0, 0, 0]);
    close(s.balance.switchAux, 4);
    close(s.balance.cv, Math.sqrt(3));
    assert.equal(s.softMoe.combineMinMean, 0);
    assert.equal(s.softMoe.combineMaxMean, 1);
    assert.equal(s.softMoe.tokenSimilarity, 1);
    // Columns of D are one-hot on tokens 0,1,2,3,0,1,2,3: 4 of the 28 slot pairs share a token.
    close(s.softMoe.slotSimilarity, 4 / 28);
  });

  it('confident but balanced routing: entropy 0 with switchAux 1 and orthogonal tokens', () => {
    // Token t puts all its weight on slot 2t, the first slot of expert t.
    const acc = createAccumulator('soft_moe', { experts: 4, slotsPerExpert: 2 });
    acc.add(
      softBatch(
        1,
        4,
        4,
        2,
        (_b, t, s) => (s === 2 * t ? 1 : 0),
        () => 1 / 4,
      ),
    );
    const s = acc.summary();
    assert.equal(s.combineEntropy, 0);
    assert.deepEqual(s.top1Share, [0.25, 0.25, 0.25, 0.25]);
    close(s.balance.switchAux, 1);
    assert.equal(s.balance.cv, 0);
    assert.equal(s.softMoe.tokenSimilarity, 0);
  });

  it('Algorithm 1 scores sum C over tokens and over each expert’s slots', () => {
    // m = 3 tokens, n = 2 experts × p = 2 slots; expert 0 owns slots 0-1, expert 1 slots 2-3.
    const C = f32([3, 4], [0.1, 0.2, 0.3, 0.4, 0.7, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25]);
    const scores = expertScores(C, 2, 2);
    assert.ok(scores instanceof Float64Array);
    close(scores[0]!, 0.1 + 0.2 + 0.7 + 0.1 + 0.25 + 0.25, 1e-7);
    close(scores[1]!, 0.3 + 0.4 + 0.1 + 0.1 + 0.25 + 0.25, 1e-7);
    // The same sample as a [1, m, S] slice of a batch gives the same scores.
    assert.deepEqual(expertScores(f32([1, 3, 4], C.data), 2, 2), scores);
    assert.throws(() => expertScores(C, 3, 2), /combine: expected shape \[m, S\] = \[m, 6\], got \[3, 4\]/);
  });

  it('Algorithm 1 scores of a token-summed load equal the expert mass used by expertLoad', () => {
    const batch = randomSoftMoe(random(7), 1, 5, 3, 2);
    const scores = expertScores(batch.combine, 3, 2);
    const acc = createAccumulator('soft_moe', { experts: 3, slotsPerExpert: 2 });
    acc.add(batch);
    const total = scores.reduce((a, b) => a + b, 0);
    close(total, 5, 1e-6);
    acc.summary().expertLoad.forEach((load, i) => close(load, scores[i]! / total, 1e-15));
  });

  it('skips the tokens and slots a NaN logit poisons, and counts the values', () => {
    // A NaN logit at (token 2, slot 5) makes C row 2 and D column 5 NaN in a real softmax.
    const C = (_b: number, t: number, s: number) => (t === 2 && s === 5 ? NaN : 1 / 8);
    const D = (_b: number, _t: number, s: number) => (s === 5 ? NaN : 1 / 4);
    const acc = createAccumulator('soft_moe', { experts: 4, slotsPerExpert: 2 });
    acc.add(softBatch(1, 4, 4, 2, C, D));
    const s = acc.summary();
    assert.equal(s.nonFinite, 1 + 4);
    close(s.combineEntropy, 1);
    close(s.dispatchEntropy, 1);
    assert.deepEqual(s.expertLoad, [0.25, 0.25, 0.25, 0.25]);
    close(s.softMoe.tokenSimilarity, 1);
    close(s.softMoe.slotSimilarity, 1);
    assert.ok(JSON.stringify(s).indexOf('null') < 0, 'no NaN reaches the JSON');
  });

  it('class loads sum to 1 per class and equal the load of that class’s samples alone', () => {
    const batch = randomSoftMoe(random(11), 3, 4, 3, 2);
    const acc = createAccumulator('soft_moe', { experts: 3, slotsPerExpert: 2, classes: 3 });
    acc.add(batch, Int32Array.from([2, 0, 2]));
    const { classLoad } = acc.summary();
    assert.ok(classLoad);
    assert.deepEqual(classLoad.classes, [0, 2]);
    for (const load of classLoad.load)
      close(
        load.reduce((a, b) => a + b, 0),
        1,
        1e-15,
      );
    const alone = createAccumulator('soft_moe', { experts: 3, slotsPerExpert: 2 });
    alone.add(sliceBatch(batch, 1, 2));
    assert.deepEqual(classLoad.load[0], alone.summary().expertLoad);
  });
});
