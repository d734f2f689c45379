/**
 * SMEAR routing statistics (Muqeeth et al., arXiv 2306.03745): one routing distribution p [E] per
 * example, used to average the experts' parameters. Examples whose p holds a NaN or ±Inf are
 * counted in `nonFinite` (values) and skipped from every statistic.
 */
import { ClassLoadTally } from './classLoad';
import { RouterTally } from './routerTally';
import { countNonFinite, shares } from './statistics';
import type { AccumulatorOptions, LayerAccumulator, LayerBatch, SmearSummary } from './types';
import { checkCount, checkDtype, checkLabels, checkShape, dim } from './validate';

/**
 * Streams SMEAR batches. State: O(E + classes·E). Time per example: O(E).
 *
 * - expertLoad_i = Σ_x p_i(x) / Σ_x Σ_j p_j(x): the mean routing probability, rescaled to sum to
 *   exactly 1 (rows of a softmax already sum to 1 up to rounding).
 * - classLoad: the same per label, the task × expert view of the SMEAR paper.
 * - routingEntropy, top1Share and switchAux are over examples (tokens = 1).
 */
export class SmearAccumulator implements LayerAccumulator<SmearSummary> {
  readonly kind = 'smear' as const;
  private readonly experts: number;
  private samples = 0;
  private nonFinite = 0;
  private readonly router: RouterTally;
  private readonly classes: ClassLoadTally;
  private readonly classCount: number | undefined;

  constructor(options: AccumulatorOptions) {
    checkCount('experts', options.experts);
    this.experts = options.experts;
    this.router = new RouterTally(this.experts);
    this.classes = new ClassLoadTally(this.experts);
    this.classCount = options.classes;
  }

  add(batch: LayerBatch, labels?: Int32Array): void {
    if (batch.kind !== 'smear') throw new TypeError(`smear accumulator was given a ${batch.kind} batch`);
    const E = this.experts;
    checkDtype('probs', batch.probs, ['float32']);
    checkShape('probs', batch.probs, [dim('B'), dim('E', E)]);
    const size = batch.probs.shape[0]!;
    if (labels) checkLabels(labels, size, this.classCount);

    const probs = batch.probs.data;
    for (let b = 0; b < size; b++) {
      const classMass = labels ? this.classes.massOf(labels[b]!) : undefined;
      const bad = countNonFinite(probs, b * E, E);
      if (bad > 0) {
        this.nonFinite += bad;
        continue;
      }
      this.router.addRow(probs, b * E);
      if (classMass) for (let i = 0; i < E; i++) classMass[i]! += probs[b * E + i]!;
    }
    this.samples += size;
  }

  summary(): SmearSummary {
    const load = shares(this.router.probabilitySum);
    const summary: SmearSummary = {
      kind: 'smear',
      samples: this.samples,
      tokens: 1,
      expertLoad: load,
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
