import assert from 'node:assert/strict';
import { alignExperts } from '../../../src/core/compare/alignment';
import { jsDivergence } from '../../../src/core/compare/divergence';
import { topKIndices, topKOverlap } from '../../../src/core/compare/overlap';
import { PairTally } from '../../../src/core/compare/pairTally';
import type { Profile } from '../../../src/core/compare/profile';
import { random, randomSoftmax } from '../analysis/support';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

function profile(rows: Float64Array, experts: number): Profile {
  return { rows, positions: rows.length / experts, experts };
}

/** B's expert j takes A's expert perm[j]'s column. */
function permuteColumns(rows: Float64Array, n: number, perm: number[]): Float64Array {
  return Float64Array.from(rows, (_, x) => rows[Math.floor(x / n) * n + perm[x % n]!]!);
}

function shuffled(next: () => number, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Feeds the rows in uneven batches. */
function tallyOf(a: Float64Array, nA: number, b: Float64Array, nB: number, k: number): PairTally {
  const tally = new PairTally(nA, nB, k);
  const positions = a.length / nA;
  for (let start = 0; start < positions; start += 37) {
    const end = Math.min(positions, start + 37);
    tally.add(profile(a.slice(start * nA, end * nA), nA), profile(b.slice(start * nB, end * nB), nB));
  }
  return tally;
}

describe('layer-pair tally', () => {
  it('B = A with experts renumbered: alignment recovers the renumbering; agreement 1 and JSD 0 after it', () => {
    const next = random(21);
    const n = 8;
    const a = randomSoftmax(next, 400, n, 2);
    const perm = shuffled(next, n);
    const b = permuteColumns(a, n, perm);
    const tally = tallyOf(a, n, b, n, 2);
    const alignment = alignExperts(tally.correlation.matrix(), n, n);
    const aToB = perm.map((_, i) => perm.indexOf(i));
    assert.deepEqual(alignment.matching, aToB);
    for (const r of alignment.correlation) close(r!, 1, 1e-9);
    const aligned = tally.agreement(aToB);
    assert.equal(aligned.top1Agreement, 1);
    assert.equal(aligned.topkOverlap, 1);
    close(aligned.jsDivergence, 0, 1e-12);
    const unaligned = tally.agreement(Array.from({ length: n }, (_, i) => i));
    assert.ok(unaligned.top1Agreement < 0.5 && unaligned.jsDivergence > 0.01);
    assert.ok(alignment.zScore! > 3, `z = ${alignment.zScore}`);
  });

  it('for any matching, the sums give exactly the per-position top-1, top-k and JSD computed directly', () => {
    const next = random(22);
    const [n, k, positions] = [6, 3, 250];
    const a = randomSoftmax(next, positions, n, 3);
    const b = randomSoftmax(next, positions, n, 3);
    const tally = tallyOf(a, n, b, n, k);
    for (let trial = 0; trial < 5; trial++) {
      const matching = shuffled(next, n);
      const bToA = matching.map((_, j) => matching.indexOf(j));
      let top1 = 0;
      let overlap = 0;
      let js = 0;
      const ka = new Int32Array(k);
      const kb = new Int32Array(k);
      for (let t = 0; t < positions; t++) {
        topKIndices(a, t * n, n, k, ka);
        topKIndices(b, t * n, n, k, kb);
        top1 += bToA[kb[0]!] === ka[0] ? 1 : 0;
        overlap += topKOverlap(ka, kb, bToA);
        const q = Array.from({ length: n }, (_, i) => b[t * n + matching[i]!]!);
        js += jsDivergence(a.subarray(t * n, (t + 1) * n), q);
      }
      const got = tally.agreement(matching);
      close(got.top1Agreement, top1 / positions);
      close(got.topkOverlap, overlap / positions);
      close(got.jsDivergence, js / positions, 1e-12);
    }
  });

  it('different expert counts: JSD is taken on the union of experts, unmatched ones holding no mass on the other side', () => {
    const next = random(23);
    const [nA, nB, positions] = [3, 5, 120];
    const a = randomSoftmax(next, positions, nA);
    const b = randomSoftmax(next, positions, nB);
    const tally = tallyOf(a, nA, b, nB, 2);
    const matching = [4, 0, 2]; // B's experts 1 and 3 have no partner
    let js = 0;
    for (let t = 0; t < positions; t++) {
      // Union support ordered as A's experts, then B's unmatched 1 and 3.
      const p = [...a.subarray(t * nA, (t + 1) * nA), 0, 0];
      const q = [...matching.map((j) => b[t * nB + j]!), b[t * nB + 1]!, b[t * nB + 3]!];
      js += jsDivergence(p, q);
    }
    close(tally.agreement(matching).jsDivergence, js / positions, 1e-12);
    // With an A expert unmatched (nA > nB), its mass counts the same way.
    const flipped = tallyOf(b, nB, a, nA, 2);
    close(flipped.agreement([1, -1, 2, -1, 0]).jsDivergence, js / positions, 1e-12);
  });

  it('entropy: mean H(profile) / log₂ n for each side; uniform rows give 1, one-hot rows 0', () => {
    const uniform = new Float64Array(40).fill(0.25);
    const oneHot = Float64Array.from({ length: 40 }, (_, x) => (x % 4 === Math.floor(x / 4) % 4 ? 1 : 0));
    const tally = tallyOf(uniform, 4, oneHot, 4, 1);
    close(tally.entropy().a, 1);
    close(tally.entropy().b, 0);
  });

  it('skips positions where either side is non-finite and counts them', () => {
    const a = Float64Array.from([0.5, 0.5, NaN, 0.5, 1, 0]);
    const b = Float64Array.from([0.5, 0.5, 0.5, 0.5, 1, 0]);
    const tally = new PairTally(2, 2, 1);
    tally.add(profile(a, 2), profile(b, 2));
    assert.equal(tally.positions, 2);
    assert.equal(tally.skipped, 1);
    close(tally.agreement([0, 1]).jsDivergence, 0);
  });

  it('rejects profiles of the wrong shape and a k that does not fit', () => {
    assert.throws(() => new PairTally(2, 3, 3), /k = 3 does not fit/);
    const tally = new PairTally(2, 2, 1);
    assert.throws(
      () => tally.add(profile(new Float64Array(4), 2), profile(new Float64Array(6), 2)),
      /2 routing positions and B 3/,
    );
  });
});
