/**
 * Soft MoE routing statistics (Puigcerver et al., arXiv 2308.00951) and the expert ranking of
 * Algorithm 1 of Chung et al. (arXiv 2409.00879).
 *
 * Per sample, combine C [m, S] has rows that are softmaxes over all S = n·p slots and dispatch
 * D [m, S] has columns that are softmaxes over the m tokens; slot s belongs to expert ⌊s/p⌋.
 *
 * Non-finite values: a NaN logit poisons the token's C row and the slot's D column, so combine
 * statistics (load, combine entropy, min/max, token similarity, top-1, class load) skip tokens
 * whose C row holds a NaN or ±Inf, and dispatch statistics (dispatch entropy, min/max, slot
 * similarity) skip (sample, slot) columns of D that hold one. `nonFinite` counts the values.
 */
import type { Tensor } from '../tensor';
import { ClassLoadTally } from './classLoad';
import { addPairwiseCosines, type PairTally } from './similarity';
import {
  argmax,
  coefficientOfVariation,
  countNonFinite,
  entropyNats,
  fractions,
  meanOf,
  normalisedEntropy,
  shares,
  switchBalance,
} from './statistics';
import type { AccumulatorOptions, LayerAccumulator, LayerBatch, SoftMoeSummary } from './types';
import { checkCount, checkDtype, checkLabels, checkShape, dim } from './validate';

/**
 * Algorithm 1 of Chung et al. (Best Expert Subset Selection) for ONE sample:
 * score_i = Σ_t Σ_{s ∈ slots(i)} C[t, s], with slots(i) = {i·p, …, i·p + p − 1}. Sorting the scores
 * in descending order ranks the experts; dispatch weights are not used. `combine` is [m, S] or
 * [1, m, S]; tokens whose C row holds a non-finite value are skipped.
 * O(m·S). Parity: `C.reshape(m, n, p).sum(axis=(0, 2))`.
 */
export function expertScores(
  combine: Tensor<'float32'>,
  experts: number,
  slotsPerExpert: number,
): Float64Array {
  checkCount('experts', experts);
  checkCount('slotsPerExpert', slotsPerExpert);
  checkDtype('combine', combine, ['float32']);
  const slots = experts * slotsPerExpert;
  const rank =
    combine.shape.length === 3 ? [dim('1', 1), dim('m'), dim('S', slots)] : [dim('m'), dim('S', slots)];
  checkShape('combine', combine, rank);
  const c = combine.data;
  const tokens = c.length / slots;
  const scores = new Float64Array(experts);
  for (let t = 0; t < tokens; t++) {
    const row = t * slots;
    if (countNonFinite(c, row, slots) > 0) continue;
    for (let s = 0; s < slots; s++) scores[Math.floor(s / slotsPerExpert)]! += c[row + s]!;
  }
  return scores;
}

/** Per-sample work space: validity flags, C rows and D columns as float64, norms. */
interface Scratch {
  tokenOk: Uint8Array;
  slotOk: Uint8Array;
  rows: Float64Array;
  columns: Float64Array;
  norms: Float64Array;
}

/**
 * Streams Soft MoE batches. State: O(n + classes·n) float64 sums; scratch for one sample,
 * O(m·S), reused. Time per sample: O(m·S) for load, entropies and min/max, plus O(m²·S) for token
 * similarity and O(S²·m) for slot similarity (fine for m ≤ 256).
 */
export class SoftMoeAccumulator implements LayerAccumulator<SoftMoeSummary> {
  readonly kind = 'soft_moe' as const;
  private readonly experts: number;
  private slotsPerExpert: number | undefined;
  private tokens = 0;
  private samples = 0;
  private nonFinite = 0;
  /** Σ over valid tokens of the combine mass on expert i (P_i·count and the load's numerator). */
  private readonly expertMass: Float64Array;
  private readonly top1Count: Float64Array;
  private validTokens = 0;
  private combineEntropySum = 0;
  private combineMinSum = 0;
  private combineMaxSum = 0;
  private validColumns = 0;
  private dispatchEntropySum = 0;
  private dispatchMinSum = 0;
  private dispatchMaxSum = 0;
  private readonly tokenPairs: PairTally = { sum: 0, pairs: 0 };
  private readonly slotPairs: PairTally = { sum: 0, pairs: 0 };
  private readonly classes: ClassLoadTally;
  private readonly classCount: number | undefined;
  private scratch: Scratch | undefined;

  constructor(options: AccumulatorOptions) {
    checkCount('experts', options.experts);
    if (options.slotsPerExpert !== undefined) checkCount('slotsPerExpert', options.slotsPerExpert);
    this.experts = options.experts;
    this.slotsPerExpert = options.slotsPerExpert;
    this.expertMass = new Float64Array(this.experts);
    this.top1Count = new Float64Array(this.experts);
    this.classes = new ClassLoadTally(this.experts);
    this.classCount = options.classes;
  }

  add(batch: LayerBatch, labels?: Int32Array): void {
    if (batch.kind !== 'soft_moe') {
      throw new TypeError(`soft_moe accumulator was given a ${batch.kind} batch`);
    }
    const n = this.experts;
    if (batch.experts !== n) throw new RangeError(`batch has ${batch.experts} experts, layer has ${n}`);
    const p = this.slotsPerExpert ?? batch.slotsPerExpert;
    checkCount('slotsPerExpert', batch.slotsPerExpert);
    if (batch.slotsPerExpert !== p) {
      throw new RangeError(`batch has ${batch.slotsPerExpert} slots per expert, layer has ${p}`);
    }
    const slots = n * p;
    checkDtype('combine', batch.combine, ['float32']);
    checkDtype('dispatch', batch.dispatch, ['float32']);
    checkShape('combine', batch.combine, [dim('B'), dim('m', this.tokens || undefined), dim('S', slots)]);
    const [size, m] = batch.combine.shape as [number, number, number];
    checkShape('dispatch', batch.dispatch, [dim('B', size), dim('m', m), dim('S', slots)]);
    if (m < 1) throw new RangeError('combine: a sample needs at least one token');
    if (labels) checkLabels(labels, size, this.classCount);

    this.slotsPerExpert = p;
    this.tokens = m;
    const scratch = (this.scratch ??= {
      tokenOk: new Uint8Array(m),
      slotOk: new Uint8Array(slots),
      rows: new Float64Array(m * slots),
      columns: new Float64Array(slots * m),
      norms: new Float64Array(Math.max(m, slots)),
    });
    for (let b = 0; b < size; b++) {
      const classMass = labels ? this.classes.massOf(labels[b]!) : undefined;
      this.addCombine(batch.combine.data, b * m * slots, m, p, scratch, classMass);
      this.addDispatch(batch.dispatch.data, b * m * slots, m, slots, scratch);
    }
    this.samples += size;
  }

  /** One sample's C [m, S] at `offset`: load, top-1, combine entropy, min/max, token similarity. */
  private addCombine(
    c: Float32Array,
    offset: number,
    m: number,
    p: number,
    scratch: Scratch,
    classMass: Float64Array | undefined,
  ): void {
    const { tokenOk, rows, norms } = scratch;
    const slots = this.experts * p;
    for (let t = 0; t < m; t++) {
      const row = offset + t * slots;
      const bad = countNonFinite(c, row, slots);
      tokenOk[t] = bad === 0 ? 1 : 0;
      if (bad > 0) {
        this.nonFinite += bad;
        continue;
      }
      let min = Infinity;
      let max = -Infinity;
      for (let s = 0; s < slots; s++) {
        const v = c[row + s]!;
        rows[t * slots + s] = v;
        const expert = Math.floor(s / p);
        this.expertMass[expert]! += v;
        if (classMass) classMass[expert]! += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      this.top1Count[Math.floor(argmax(c, row, slots) / p)]! += 1;
      this.combineEntropySum += entropyNats(c, row, slots);
      this.combineMinSum += min;
      this.combineMaxSum += max;
      this.validTokens++;
    }
    addPairwiseCosines(this.tokenPairs, rows, 0, m, slots, tokenOk, norms);
  }

  /** One sample's D [m, S] at `offset`, column by column: entropy, min/max, slot similarity. */
  private addDispatch(d: Float32Array, offset: number, m: number, slots: number, scratch: Scratch): void {
    const { slotOk, columns, norms } = scratch;
    for (let s = 0; s < slots; s++) {
      const bad = countNonFinite(d, offset + s, m, slots);
      slotOk[s] = bad === 0 ? 1 : 0;
      if (bad > 0) {
        this.nonFinite += bad;
        continue;
      }
      let min = Infinity;
      let max = -Infinity;
      for (let t = 0; t < m; t++) {
        const v = d[offset + t * slots + s]!;
        columns[s * m + t] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      this.dispatchEntropySum += entropyNats(columns, s * m, m);
      this.dispatchMinSum += min;
      this.dispatchMaxSum += max;
      this.validColumns++;
    }
    addPairwiseCosines(this.slotPairs, columns, 0, slots, m, slotOk, norms);
  }

  summary(): SoftMoeSummary {
    const load = shares(this.expertMass);
    const count = this.validTokens;
    const columns = this.validColumns;
    const summary: SoftMoeSummary = {
      kind: 'soft_moe',
      samples: this.samples,
      tokens: this.tokens,
      expertLoad: load,
      top1Share: fractions(this.top1Count, count),
      combineEntropy: normalisedEntropy(
        meanOf(this.combineEntropySum, count),
        this.experts * (this.slotsPerExpert ?? 1),
      ),
      dispatchEntropy: normalisedEntropy(meanOf(this.dispatchEntropySum, columns), this.tokens),
      balance: {
        cv: coefficientOfVariation(load),
        switchAux: switchBalance(this.top1Count, this.expertMass, count),
      },
      softMoe: {
        combineMinMean: meanOf(this.combineMinSum, count),
        combineMaxMean: meanOf(this.combineMaxSum, count),
        dispatchMinMean: meanOf(this.dispatchMinSum, columns),
        dispatchMaxMean: meanOf(this.dispatchMaxSum, columns),
        tokenSimilarity: meanOf(this.tokenPairs.sum, this.tokenPairs.pairs),
        slotSimilarity: meanOf(this.slotPairs.sum, this.slotPairs.pairs),
      },
      nonFinite: this.nonFinite,
    };
    const classLoad = this.classes.summary();
    if (classLoad) summary.classLoad = classLoad;
    return summary;
  }
}
