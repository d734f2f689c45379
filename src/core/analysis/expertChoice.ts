/**
 * Expert-choice routing statistics (Zhou et al. 2022): within each sample, every expert takes its
 * top-c tokens by router probability and weighs them by its gates.
 *
 * Non-finite values: a token is skipped from every statistic when its probability row holds a
 * NaN or ±Inf, or when any gate on it (from any expert) does; its slots then count as not taken.
 * `nonFinite` counts the values.
 */
import { ClassLoadTally } from './classLoad';
import { RouterTally } from './routerTally';
import { countNonFinite, fractions, meanOf, shares } from './statistics';
import type { AccumulatorOptions, ExpertChoiceSummary, LayerAccumulator, LayerBatch } from './types';
import { checkCount, checkDtype, checkIndexRows, checkLabels, checkShape, dim, indexAt } from './validate';

/**
 * Streams expert-choice batches. State: O(E + classes·E); scratch O(m). Time per sample:
 * O(m·E + E·c).
 *
 * - expertLoad_i: share of total gate mass, Σ gates of expert i / Σ all gates.
 * - expertCount_i: share of the token slots taken, (#slots of expert i holding a valid token) /
 *   (# slots holding a valid token); uniform unless tokens were skipped.
 * - tokensDropped: share of tokens chosen by no expert; meanExpertsPerToken: mean number of
 *   experts that chose a token.
 * - routingEntropy, top1Share and switchAux come from the probability rows, as for top-k.
 */
export class ExpertChoiceAccumulator implements LayerAccumulator<ExpertChoiceSummary> {
  readonly kind = 'expert_choice' as const;
  private readonly experts: number;
  private capacity: number | undefined;
  private tokens = 0;
  private samples = 0;
  private nonFinite = 0;
  private readonly router: RouterTally;
  private readonly gateMass: Float64Array;
  private readonly slotsTaken: Float64Array;
  private droppedTokens = 0;
  private choicesSum = 0;
  private readonly classes: ClassLoadTally;
  private readonly classCount: number | undefined;
  private scratch: { tokenOk: Uint8Array; chosenBy: Int32Array } | undefined;

  constructor(options: AccumulatorOptions) {
    checkCount('experts', options.experts);
    this.experts = options.experts;
    this.router = new RouterTally(this.experts);
    this.gateMass = new Float64Array(this.experts);
    this.slotsTaken = new Float64Array(this.experts);
    this.classes = new ClassLoadTally(this.experts);
    this.classCount = options.classes;
  }

  add(batch: LayerBatch, labels?: Int32Array): void {
    if (batch.kind !== 'expert_choice') {
      throw new TypeError(`expert_choice accumulator was given a ${batch.kind} batch`);
    }
    const E = this.experts;
    checkDtype('probs', batch.probs, ['float32']);
    checkDtype('selected', batch.selected, ['int64', 'int32']);
    checkDtype('gates', batch.gates, ['float32']);
    checkShape('probs', batch.probs, [dim('B'), dim('m', this.tokens || undefined), dim('E', E)]);
    const [size, m] = batch.probs.shape as [number, number, number];
    checkShape('selected', batch.selected, [dim('B', size), dim('E', E), dim('c', this.capacity)]);
    const c = batch.selected.shape[2]!;
    checkCount('capacity c', c);
    checkShape('gates', batch.gates, [dim('B', size), dim('E', E), dim('c', c)]);
    const selected = batch.selected.data;
    checkIndexRows('selected', selected, c, m, (r) => `expert ${r % E} of sample ${Math.floor(r / E)}`);
    if (labels) checkLabels(labels, size, this.classCount);

    this.capacity = c;
    this.tokens = m;
    const scratch = (this.scratch ??= { tokenOk: new Uint8Array(m), chosenBy: new Int32Array(m) });
    for (let b = 0; b < size; b++) {
      const classMass = labels ? this.classes.massOf(labels[b]!) : undefined;
      this.addSample(batch.probs.data, selected, batch.gates.data, b, m, c, scratch, classMass);
    }
    this.samples += size;
  }

  private addSample(
    probs: Float32Array,
    selected: Int32Array | BigInt64Array,
    gates: Float32Array,
    b: number,
    m: number,
    c: number,
    scratch: { tokenOk: Uint8Array; chosenBy: Int32Array },
    classMass: Float64Array | undefined,
  ): void {
    const E = this.experts;
    const { tokenOk, chosenBy } = scratch;
    for (let t = 0; t < m; t++) {
      const bad = countNonFinite(probs, (b * m + t) * E, E);
      this.nonFinite += bad;
      tokenOk[t] = bad === 0 ? 1 : 0;
      chosenBy[t] = 0;
    }
    const first = b * E * c;
    for (let at = first; at < first + E * c; at++) {
      if (!Number.isFinite(gates[at]!)) {
        this.nonFinite++;
        tokenOk[indexAt(selected, at)] = 0;
      }
    }
    for (let at = first; at < first + E * c; at++) {
      const t = indexAt(selected, at);
      if (!tokenOk[t]) continue;
      const expert = Math.floor((at - first) / c);
      this.gateMass[expert]! += gates[at]!;
      if (classMass) classMass[expert]! += gates[at]!;
      this.slotsTaken[expert]! += 1;
      chosenBy[t]! += 1;
    }
    for (let t = 0; t < m; t++) {
      if (!tokenOk[t]) continue;
      this.router.addRow(probs, (b * m + t) * E);
      this.choicesSum += chosenBy[t]!;
      if (chosenBy[t] === 0) this.droppedTokens++;
    }
  }

  summary(): ExpertChoiceSummary {
    const load = shares(this.gateMass);
    const count = this.router.count;
    let taken = 0;
    for (const v of this.slotsTaken) taken += v;
    const summary: ExpertChoiceSummary = {
      kind: 'expert_choice',
      samples: this.samples,
      tokens: this.tokens,
      expertLoad: load,
      expertCount: fractions(this.slotsTaken, taken),
      tokensDropped: meanOf(this.droppedTokens, count),
      meanExpertsPerToken: meanOf(this.choicesSum, count),
      top1Share: this.router.top1Share(),
      routingEntropy: this.router.routingEntropy(),
      routingEntropyBits: this.router.routingEntropyBits(),
      balance: this.router.balance(load),
      nonFinite: this.nonFinite,
    };
    const classLoad = this.classes.summary();
    if (classLoad) summary.classLoad = classLoad;
    return summary;
  }
}
