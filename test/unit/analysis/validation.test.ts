import assert from 'node:assert/strict';
import { createAccumulator, type LayerKind } from '../../../src/core/analysis';
import { tensor } from '../../../src/core/tensor';
import { f32, i64, random, randomExpertChoice, randomSoftMoe, randomTopK } from './support';

describe('routing metrics input checks', () => {
  it('rejects bad options and unknown kinds', () => {
    assert.throws(() => createAccumulator('topk', { experts: 0 }), /experts must be an integer ≥ 1, got 0/);
    assert.throws(() => createAccumulator('smear', { experts: 2.5 }), RangeError);
    assert.throws(() => createAccumulator('soft_moe', { experts: 4, slotsPerExpert: 0 }), RangeError);
    assert.throws(() => createAccumulator('smear', { experts: 4, classes: 0 }), /classes must be/);
    assert.throws(
      () => createAccumulator('dense' as LayerKind, { experts: 4 }),
      /unknown layer kind "dense"/,
    );
  });

  it('rejects a batch of another kind with a TypeError', () => {
    const acc = createAccumulator('smear', { experts: 4 });
    assert.throws(() => acc.add(randomTopK(random(1), 1, 2, 4, 1)), {
      name: 'TypeError',
      message: 'smear accumulator was given a topk batch',
    });
  });

  it('names the expected and the given shape', () => {
    const acc = createAccumulator('soft_moe', { experts: 4, slotsPerExpert: 2 });
    const wrongSlots = randomSoftMoe(random(1), 2, 3, 4, 1);
    assert.throws(() => acc.add({ ...wrongSlots, slotsPerExpert: 2 }), {
      name: 'RangeError',
      message: 'combine: expected shape [B, m, S] = [B, m, 8], got [2, 3, 4]',
    });
    const topk = createAccumulator('topk', { experts: 4, k: 2 });
    assert.throws(
      () =>
        topk.add({
          kind: 'topk',
          probs: f32([1, 2, 4], new Float32Array(8)),
          indices: i64([1, 2, 1], [0, 1]),
          weights: f32([1, 2, 1], [1, 1]),
        }),
      { name: 'RangeError', message: 'indices: expected shape [B, m, k] = [1, 2, 2], got [1, 2, 1]' },
    );
    const smear = createAccumulator('smear', { experts: 4 });
    assert.throws(() => smear.add({ kind: 'smear', probs: f32([2, 3], new Float32Array(6)) }), {
      message: 'probs: expected shape [B, E] = [B, 4], got [2, 3]',
    });
  });

  it('holds the token count fixed after the first batch', () => {
    const acc = createAccumulator('topk', { experts: 4 });
    acc.add(randomTopK(random(1), 2, 5, 4, 2));
    assert.throws(
      () => acc.add(randomTopK(random(2), 2, 6, 4, 2)),
      /probs: expected shape \[B, m, E\] = \[B, 5, 4\], got \[2, 6, 4\]/,
    );
    assert.throws(
      () => acc.add(randomTopK(random(2), 2, 5, 4, 3)),
      /indices: expected shape \[B, m, k\] = \[2, 5, 2\]/,
    );
  });

  it('rejects float64 routing tensors with a TypeError', () => {
    const acc = createAccumulator('smear', { experts: 2 });
    const probs = tensor('float64', [1, 2], Float64Array.from([0.5, 0.5])) as unknown as ReturnType<
      typeof f32
    >;
    assert.throws(() => acc.add({ kind: 'smear', probs }), {
      name: 'TypeError',
      message: 'probs: expected dtype float32, got float64',
    });
  });

  it('rejects out-of-range and repeated indices, naming the token or expert', () => {
    const acc = createAccumulator('topk', { experts: 3 });
    const batch = (indices: number[]) => ({
      kind: 'topk' as const,
      probs: f32([1, 2, 3], [0.2, 0.3, 0.5, 0.6, 0.3, 0.1]),
      indices: i64([1, 2, 2], indices),
      weights: f32([1, 2, 2], [0.5, 0.5, 0.5, 0.5]),
    });
    assert.throws(
      () => acc.add(batch([2, 1, 0, 3])),
      /indices: token 1 of sample 0 holds index 3, outside \[0, 3\)/,
    );
    assert.throws(() => acc.add(batch([2, 2, 0, 1])), /indices: token 0 of sample 0 repeats index 2/);
    const ec = createAccumulator('expert_choice', { experts: 2 });
    const good = randomExpertChoice(random(3), 1, 4, 2, 2);
    assert.throws(
      () => ec.add({ ...good, selected: i64([1, 2, 2], [0, 1, 2, -1]) }),
      /selected: expert 1 of sample 0 holds index -1, outside \[0, 4\)/,
    );
  });

  it('checks labels: one per sample, inside [0, classes) when classes is given', () => {
    const acc = createAccumulator('soft_moe', { experts: 2, slotsPerExpert: 1, classes: 3 });
    const batch = randomSoftMoe(random(4), 2, 3, 2, 1);
    assert.throws(() => acc.add(batch, Int32Array.from([0])), /labels: expected one per sample \(2\), got 1/);
    assert.throws(() => acc.add(batch, Int32Array.from([0, 3])), /labels\[1\] = 3 is outside \[0, 3\)/);
  });

  it('leaves the accumulator unchanged when a batch is rejected', () => {
    const acc = createAccumulator('topk', { experts: 4 });
    acc.add(randomTopK(random(5), 2, 3, 4, 2));
    const before = acc.summary();
    const bad = randomTopK(random(6), 2, 3, 4, 2);
    bad.indices.data[bad.indices.data.length - 1] = 9n;
    assert.throws(() => acc.add(bad), RangeError);
    assert.deepEqual(acc.summary(), before);
  });

  it('reports zeros, not NaN, before any batch', () => {
    for (const kind of ['soft_moe', 'topk', 'expert_choice', 'smear'] as const) {
      const s = createAccumulator(kind, { experts: 3, slotsPerExpert: 1 }).summary();
      assert.equal(s.samples, 0);
      assert.equal(s.balance.switchAux, 0);
      assert.ok(!JSON.stringify(s).includes('null'), `${kind}: ${JSON.stringify(s)}`);
    }
  });
});
