/**
 * Streams the routing profiles of one layer pair (A's layer, B's layer, the same positions) into
 * sums from which every agreement metric can be read for ANY expert matching afterwards, so the
 * models run once: the matching is only known when all inputs have been seen.
 *
 * Each metric is a sum over A's experts of a term that depends only on (i, π(i)):
 *   top-1 agreement  = Σ_i T[i, π(i)] / P,        T[i, j] = #positions with top-1 i in A, j in B
 *   top-k overlap    = Σ_i K[i, π(i)] / (k·P),    K[i, j] = #positions with i ∈ top-k(A), j ∈ top-k(B)
 *   JSD (bits)       = Σ_i ½(a_i + b_π(i) − X[i, π(i)]) / P + unmatched mass / (2P),
 *                      a_i = Σ p log₂p, b_j = Σ q log₂q, X[i, j] = Σ (p + q)·log₂((p + q)/2)
 * (P positions), so each is exact, not an approximation. Memory O(nA·nB).
 */
import { countNonFinite } from '../analysis/statistics';
import { CrossCorrelation } from './correlation';
import { crossTerm, xlog2x } from './divergence';
import { topKIndices } from './overlap';
import type { Profile } from './profile';
import type { Agreement } from './types';

export class PairTally {
  readonly correlation: CrossCorrelation;
  private count = 0;
  private skippedCount = 0;
  private readonly top1: Float64Array;
  private readonly topk: Float64Array;
  private readonly cross: Float64Array;
  private readonly selfA: Float64Array;
  private readonly selfB: Float64Array;
  private readonly massA: Float64Array;
  private readonly massB: Float64Array;
  private readonly chosenA: Int32Array;
  private readonly chosenB: Int32Array;

  constructor(
    readonly expertsA: number,
    readonly expertsB: number,
    readonly k: number,
  ) {
    if (!(k >= 1 && k <= Math.min(expertsA, expertsB)))
      throw new RangeError(`k = ${k} does not fit ${expertsA} and ${expertsB} experts`);
    const cells = expertsA * expertsB;
    this.correlation = new CrossCorrelation(expertsA, expertsB);
    this.top1 = new Float64Array(cells);
    this.topk = new Float64Array(cells);
    this.cross = new Float64Array(cells);
    this.selfA = new Float64Array(expertsA);
    this.selfB = new Float64Array(expertsB);
    this.massA = new Float64Array(expertsA);
    this.massB = new Float64Array(expertsB);
    this.chosenA = new Int32Array(k);
    this.chosenB = new Int32Array(k);
  }

  /** Positions added (non-finite ones excluded). */
  get positions(): number {
    return this.count;
  }

  /** Positions skipped because either side held a NaN or ±Inf. */
  get skipped(): number {
    return this.skippedCount;
  }

  /** Adds the same positions seen by both layers. O(P·nA·nB) (one logarithm per cell). */
  add(a: Profile, b: Profile): void {
    const nA = this.expertsA;
    const nB = this.expertsB;
    if (a.experts !== nA || b.experts !== nB)
      throw new RangeError(`profiles have ${a.experts} and ${b.experts} experts, expected ${nA} and ${nB}`);
    if (a.positions !== b.positions)
      throw new RangeError(`A has ${a.positions} routing positions and B ${b.positions}`);
    const keepA = new Float64Array(a.positions * nA);
    const keepB = new Float64Array(b.positions * nB);
    let kept = 0;
    for (let r = 0; r < a.positions; r++) {
      if (countNonFinite(a.rows, r * nA, nA) + countNonFinite(b.rows, r * nB, nB) > 0) {
        this.skippedCount++;
        continue;
      }
      keepA.set(a.rows.subarray(r * nA, (r + 1) * nA), kept * nA);
      keepB.set(b.rows.subarray(r * nB, (r + 1) * nB), kept * nB);
      this.addPosition(keepA, keepB, kept * nA, kept * nB);
      kept++;
    }
    this.correlation.add(keepA, keepB, kept);
    this.count += kept;
  }

  private addPosition(a: Float64Array, b: Float64Array, atA: number, atB: number): void {
    const nA = this.expertsA;
    const nB = this.expertsB;
    const k = this.k;
    topKIndices(a, atA, nA, k, this.chosenA);
    topKIndices(b, atB, nB, k, this.chosenB);
    this.top1[this.chosenA[0]! * nB + this.chosenB[0]!]! += 1;
    for (let s = 0; s < k; s++)
      for (let r = 0; r < k; r++) this.topk[this.chosenA[s]! * nB + this.chosenB[r]!]! += 1;
    for (let i = 0; i < nA; i++) {
      const p = a[atA + i]!;
      this.selfA[i]! += xlog2x(p);
      this.massA[i]! += p;
      for (let j = 0; j < nB; j++) this.cross[i * nB + j]! += crossTerm(p, b[atB + j]!);
    }
    for (let j = 0; j < nB; j++) {
      this.selfB[j]! += xlog2x(b[atB + j]!);
      this.massB[j]! += b[atB + j]!;
    }
  }

  /** The agreement metrics under a matching (for each expert of A, B's expert or −1). O(nA + nB). */
  agreement(matching: ArrayLike<number>): Agreement {
    const nB = this.expertsB;
    const P = this.count;
    if (matching.length !== this.expertsA) throw new RangeError('matching must list every expert of A');
    let top1 = 0;
    let topk = 0;
    let js = 0;
    const matchedB = new Uint8Array(nB);
    for (let i = 0; i < this.expertsA; i++) {
      const j = matching[i]!;
      if (j < 0) {
        js += 0.5 * this.massA[i]!;
        continue;
      }
      matchedB[j] = 1;
      top1 += this.top1[i * nB + j]!;
      topk += this.topk[i * nB + j]!;
      js += 0.5 * (this.selfA[i]! + this.selfB[j]! - this.cross[i * nB + j]!);
    }
    for (let j = 0; j < nB; j++) if (!matchedB[j]) js += 0.5 * this.massB[j]!;
    if (P === 0) return { top1Agreement: 0, topkOverlap: 0, jsDivergence: 0 };
    return { top1Agreement: top1 / P, topkOverlap: topk / (this.k * P), jsDivergence: Math.max(0, js / P) };
  }

  /** Mean normalised entropy of the profiles, H / log₂ n (0 = one-hot, 1 = uniform). O(nA + nB). */
  entropy(): { a: number; b: number } {
    const normalised = (self: Float64Array) => {
      const n = self.length;
      if (this.count === 0 || n < 2) return 0;
      let total = 0;
      for (const v of self) total -= v;
      return total / this.count / Math.log2(n);
    };
    return { a: normalised(this.selfA), b: normalised(this.selfB) };
  }
}
