/**
 * Running sums over router probability rows p (a distribution over E experts per token, or per
 * example for SMEAR): everything the routing entropy and the Switch balance need. Memory O(E).
 */
import type { BalanceSummary } from './types';
import {
  argmax,
  coefficientOfVariation,
  entropyNats,
  fractions,
  meanOf,
  natsToBits,
  normalisedEntropy,
  switchBalance,
  type NumericArray,
} from './statistics';

export class RouterTally {
  /** Σ over rows of p_i. */
  readonly probabilitySum: Float64Array;
  /** Rows whose argmax is expert i. */
  readonly top1Count: Float64Array;
  /** Σ over rows of H(p) in nats. */
  private entropySum = 0;
  /** Rows added. */
  count = 0;

  constructor(readonly experts: number) {
    this.probabilitySum = new Float64Array(experts);
    this.top1Count = new Float64Array(experts);
  }

  /** Adds the finite row values[offset … offset + E). O(E). */
  addRow(values: NumericArray, offset: number): void {
    const n = this.experts;
    for (let i = 0; i < n; i++) this.probabilitySum[i]! += values[offset + i]!;
    this.top1Count[argmax(values, offset, n)]! += 1;
    this.entropySum += entropyNats(values, offset, n);
    this.count++;
  }

  /** Mean over rows of H(p) / ln E; 0 without rows. Parity: `np.mean(H) / np.log(E)`. */
  routingEntropy(): number {
    return normalisedEntropy(meanOf(this.entropySum, this.count), this.experts);
  }

  /** Mean over rows of H(p) in bits. Parity: `np.mean(H) / np.log(2)`. */
  routingEntropyBits(): number {
    return natsToBits(meanOf(this.entropySum, this.count));
  }

  /** f_i: fraction of rows whose argmax is i. Parity: `np.bincount(p.argmax(-1), minlength=E) / rows`. */
  top1Share(): number[] {
    return fractions(this.top1Count, this.count);
  }

  /** cv of `load` and the Switch balance from f_i and P_i = mean p_i over rows. */
  balance(load: NumericArray): BalanceSummary {
    return {
      cv: coefficientOfVariation(load),
      switchAux: switchBalance(this.top1Count, this.probabilitySum, this.count),
    };
  }
}
