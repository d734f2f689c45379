import assert from 'node:assert/strict';
import { createAccumulator, type LayerBatch } from '../../../src/core/analysis';
import { f32 } from './support';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

function smearBatch(rows: number[][]): LayerBatch {
  return { kind: 'smear', probs: f32([rows.length, rows[0]!.length], rows.flat()) };
}

describe('SMEAR metrics', () => {
  it('uniform routing: entropy 1 (3 bits over 8 experts), cv 0, switchAux 1, one token', () => {
    const acc = createAccumulator('smear', { experts: 8 });
    acc.add(smearBatch(Array.from({ length: 5 }, () => Array<number>(8).fill(0.125))));
    const s = acc.summary();
    assert.equal(s.samples, 5);
    assert.equal(s.tokens, 1);
    close(s.routingEntropy, 1);
    close(s.routingEntropyBits, 3);
    assert.deepEqual(s.expertLoad, Array<number>(8).fill(0.125));
    assert.equal(s.balance.cv, 0);
    close(s.balance.switchAux, 1);
  });

  it('collapsed routing: entropy 0 and switchAux = n', () => {
    const acc = createAccumulator('smear', { experts: 4 });
    acc.add(
      smearBatch([
        [0, 0, 1, 0],
        [0, 0, 1, 0],
      ]),
    );
    const s = acc.summary();
    assert.equal(s.routingEntropy, 0);
    assert.deepEqual(s.expertLoad, [0, 0, 1, 0]);
    assert.deepEqual(s.top1Share, [0, 0, 1, 0]);
    close(s.balance.switchAux, 4);
  });

  it('class loads are the mean routing distribution of each task', () => {
    const acc = createAccumulator('smear', { experts: 4 });
    acc.add(
      smearBatch([
        [1, 0, 0, 0],
        [0, 0, 1, 0],
        [0.5, 0.5, 0, 0],
        [0, 0, 0, 1],
      ]),
      Int32Array.from([3, 7, 3, 7]),
    );
    assert.deepEqual(acc.summary().classLoad, {
      classes: [3, 7],
      load: [
        [0.75, 0.25, 0, 0],
        [0, 0, 0.5, 0.5],
      ],
    });
  });

  it('skips examples with NaN or Infinity and counts the values', () => {
    const rows = [
      [0.5, 0.25, 0.25],
      [0.1, 0.2, 0.7],
    ];
    const clean = createAccumulator('smear', { experts: 3 });
    clean.add(smearBatch(rows));
    const dirty = createAccumulator('smear', { experts: 3 });
    dirty.add(smearBatch([rows[0]!, [NaN, Infinity, 0], rows[1]!]), Int32Array.from([0, 1, 0]));
    const s = dirty.summary();
    assert.equal(s.nonFinite, 2);
    assert.equal(s.samples, 3);
    const { classLoad, ...rest } = s;
    assert.deepEqual({ ...rest, samples: 2, nonFinite: 0 }, clean.summary());
    // Class 1 routed no mass (its only example was skipped), so only class 0 is listed.
    assert.deepEqual(classLoad, { classes: [0], load: [clean.summary().expertLoad] });
  });
});
