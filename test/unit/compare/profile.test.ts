import assert from 'node:assert/strict';
import { routingProfile } from '../../../src/core/compare/profile';
import { random, randomSmear, randomSoftMoe, randomTopK } from '../analysis/support';

describe('routing profiles', () => {
  it("Soft MoE: a token's combine mass per expert (Σ over its slots); rows sum to 1", () => {
    const next = random(41);
    const [B, m, n, p] = [3, 5, 4, 2];
    const batch = randomSoftMoe(next, B, m, n, p);
    const profile = routingProfile(batch, 'token');
    assert.equal(profile.positions, B * m);
    assert.equal(profile.experts, n);
    const c = batch.combine.data;
    for (let row = 0; row < B * m; row++) {
      let total = 0;
      for (let e = 0; e < n; e++) {
        const expected = c[row * n * p + e * p]! + c[row * n * p + e * p + 1]!;
        assert.ok(Math.abs(profile.rows[row * n + e]! - expected) < 1e-12);
        total += profile.rows[row * n + e]!;
      }
      assert.ok(Math.abs(total - 1) < 1e-6);
    }
  });

  it('example granularity averages the tokens of each example', () => {
    const next = random(42);
    const batch = randomTopK(next, 2, 4, 3, 2);
    const perToken = routingProfile(batch, 'token');
    const perExample = routingProfile(batch, 'example');
    assert.equal(perExample.positions, 2);
    for (let b = 0; b < 2; b++)
      for (let e = 0; e < 3; e++) {
        let mean = 0;
        for (let t = 0; t < 4; t++) mean += perToken.rows[(b * 4 + t) * 3 + e]! / 4;
        assert.ok(Math.abs(perExample.rows[b * 3 + e]! - mean) < 1e-15);
      }
  });

  it('top-k and SMEAR profiles are the router probabilities as given', () => {
    const next = random(43);
    const topk = randomTopK(next, 2, 3, 5, 2);
    assert.deepEqual(Array.from(routingProfile(topk, 'token').rows), Array.from(topk.probs.data));
    const smear = randomSmear(next, 4, 6);
    const profile = routingProfile(smear, 'example');
    assert.equal(profile.positions, 4);
    assert.deepEqual(Array.from(profile.rows), Array.from(smear.probs.data));
  });
});
