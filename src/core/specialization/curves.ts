/**
 * Accumulates ranked and random keep-k curves over inputs: accuracy (with labels), agreement with
 * the full model's prediction, and KL(full ‖ masked), plus each input's smallest preserving k.
 * Memory is O(seeds · n) plus one entry per input for the smallest k.
 */
import type { SpecializationCurve } from './types';

interface Tally {
  correct: Float64Array;
  agree: Float64Array;
  kl: Float64Array;
}

function tally(n: number): Tally {
  return { correct: new Float64Array(n), agree: new Float64Array(n), kl: new Float64Array(n) };
}

export class CurveBuilder {
  private readonly ranked: Tally;
  private readonly random: Tally[];
  private readonly smallest: (number | null)[] = [];
  private inputs = 0;
  private labelled = 0;

  constructor(
    readonly layer: string,
    readonly experts: number,
    readonly seeds: number,
  ) {
    this.ranked = tally(experts);
    this.random = Array.from({ length: seeds }, () => tally(experts));
  }

  /**
   * One input's results. `rankedPred[k-1]`, `rankedKl[k-1]` for k = 1…n; `randomPred[s][k-1]`,
   * `randomKl[s][k-1]` per seed. `label` is undefined without labels.
   */
  add(
    full: number,
    label: number | undefined,
    rankedPred: number[],
    rankedKl: number[],
    randomPred: number[][],
    randomKl: number[][],
  ): void {
    this.inputs++;
    if (label !== undefined) this.labelled++;
    let smallest: number | null = null;
    for (let k = 0; k < this.experts; k++) {
      this.ranked.agree[k]! += rankedPred[k] === full ? 1 : 0;
      this.ranked.correct[k]! += label !== undefined && rankedPred[k] === label ? 1 : 0;
      this.ranked.kl[k]! += rankedKl[k]!;
      if (smallest === null && rankedPred[k] === full) smallest = k + 1;
      for (let s = 0; s < this.seeds; s++) {
        this.random[s]!.agree[k]! += randomPred[s]![k] === full ? 1 : 0;
        this.random[s]!.correct[k]! += label !== undefined && randomPred[s]![k] === label ? 1 : 0;
        this.random[s]!.kl[k]! += randomKl[s]![k]!;
      }
    }
    this.smallest.push(smallest);
  }

  result(): SpecializationCurve {
    const n = this.experts;
    const ks = Array.from({ length: n }, (_, i) => i + 1);
    const per = (values: Float64Array, count: number) =>
      Array.from(values, (v) => (count > 0 ? v / count : 0));
    const labels = this.labelled === this.inputs && this.inputs > 0;
    const seedCurves = (pick: (t: Tally) => Float64Array, count: number) =>
      this.random.map((t) => per(pick(t), count));
    const meanStd = (curves: number[][]) => {
      const mean = ks.map((_, k) => curves.reduce((a, c) => a + c[k]!, 0) / curves.length);
      const std = ks.map((_, k) =>
        Math.sqrt(curves.reduce((a, c) => a + (c[k]! - mean[k]!) ** 2, 0) / curves.length),
      );
      return { mean, std };
    };
    const agree = meanStd(seedCurves((t) => t.agree, this.inputs));
    const kl = meanStd(seedCurves((t) => t.kl, this.inputs));
    const accuracy = labels ? meanStd(seedCurves((t) => t.correct, this.inputs)) : undefined;
    return {
      layer: this.layer,
      experts: n,
      k: ks,
      ranked: {
        ...(labels ? { accuracy: per(this.ranked.correct, this.inputs) } : {}),
        agreement: per(this.ranked.agree, this.inputs),
        kl: per(this.ranked.kl, this.inputs),
      },
      random: {
        ...(accuracy ? { accuracy: accuracy.mean } : {}),
        agreement: agree.mean,
        kl: kl.mean,
        std: { ...(accuracy ? { accuracy: accuracy.std } : {}), agreement: agree.std, kl: kl.std },
        seeds: this.seeds,
      },
      smallestK: this.smallest,
    };
  }
}
