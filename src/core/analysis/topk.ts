/**
 * Token-choice top-k routing statistics (Switch, Mixtral, OLMoE, DeepSeek style routers).
 *
 * Per token: router probabilities p [E] (a softmax), the k chosen experts and their k weights.
 * Tokens whose p row or weights hold a NaN or ±Inf are counted in `nonFinite` (values) and skipped
 * from every statistic.
 */
import { ClassLoadTally } from './classLoad';
import { RouterTally } from './routerTally';
import { countNonFinite, fractions, shares } from './statistics';
import type { AccumulatorOptions, LayerAccumulator, LayerBatch, TopKSummary } from './types';
import { checkCount, checkDtype, checkIndexRows, checkLabels, checkShape, dim, indexAt } from './validate';

/** Tolerance of the `renormalized` check: |Σ_j w_j − 1| ≤ 1e-4 for every token. */
export const RENORMALIZED_TOLERANCE = 1e-4;

/**
 * Streams top-k batches. State: O(E²) for co-activation plus O(classes·E). Time per token:
 * O(E + k²).
 *
 * - expertLoad_i: share of routed weight. Each token's k weights are renormalised to sum to 1
 *   (w_j / Σ_q w_q; a no-op for Mixtral-style routers, a one-hot for Switch's raw top-1 weight), so
 *   every token carries the same mass; load_i = Σ_t w̃_t,i / Σ_t Σ_i w̃_t,i. Tokens whose weights
 *   sum to 0 carry no load.
 * - expertCount_i: share of token→expert assignments, #(t: i ∈ top-k(t)) / (k·tokens).
 * - coActivation[i][j] = P(j | i) = #(t: i, j ∈ top-k(t)) / #(t: i ∈ top-k(t)) (OLMoE);
 *   the diagonal is 1 for every expert ever chosen, rows of never-chosen experts are 0.
 * - top1Share and switchAux use argmax p (not the first index), P_i = mean p_i.
 */
export class TopKAccumulator implements LayerAccumulator<TopKSummary> {
  readonly kind = 'topk' as const;
  private readonly experts: number;
  private k: number | undefined;
  private tokens = 0;
  private samples = 0;
  private nonFinite = 0;
  private readonly router: RouterTally;
  private readonly routedWeight: Float64Array;
  private readonly assignments: Float64Array;
  /** E × E counts of tokens routed to both i and j, row-major; the diagonal counts tokens routed to i. */
  private readonly together: Float64Array;
  private renormalized = true;
  private readonly classes: ClassLoadTally;
  private readonly classCount: number | undefined;

  constructor(options: AccumulatorOptions) {
    checkCount('experts', options.experts);
    if (options.k !== undefined) checkCount('k', options.k);
    this.experts = options.experts;
    this.k = options.k;
    this.router = new RouterTally(this.experts);
    this.routedWeight = new Float64Array(this.experts);
    this.assignments = new Float64Array(this.experts);
    this.together = new Float64Array(this.experts * this.experts);
    this.classes = new ClassLoadTally(this.experts);
    this.classCount = options.classes;
  }

  add(batch: LayerBatch, labels?: Int32Array): void {
    if (batch.kind !== 'topk') throw new TypeError(`topk accumulator was given a ${batch.kind} batch`);
    const E = this.experts;
    checkDtype('probs', batch.probs, ['float32']);
    checkDtype('indices', batch.indices, ['int64', 'int32']);
    checkDtype('weights', batch.weights, ['float32']);
    checkShape('probs', batch.probs, [dim('B'), dim('m', this.tokens || undefined), dim('E', E)]);
    const [size, m] = batch.probs.shape as [number, number, number];
    checkShape('indices', batch.indices, [dim('B', size), dim('m', m), dim('k', this.k)]);
    const k = batch.indices.shape[2]!;
    checkCount('k', k);
    if (k > E) throw new RangeError(`indices: k = ${k} exceeds the ${E} experts`);
    checkShape('weights', batch.weights, [dim('B', size), dim('m', m), dim('k', k)]);
    const indices = batch.indices.data;
    checkIndexRows('indices', indices, k, E, (r) => `token ${r % m} of sample ${Math.floor(r / m)}`);
    if (labels) checkLabels(labels, size, this.classCount);

    this.k = k;
    this.tokens = m;
    const probs = batch.probs.data;
    const weights = batch.weights.data;
    for (let b = 0; b < size; b++) {
      const classMass = labels ? this.classes.massOf(labels[b]!) : undefined;
      for (let t = 0; t < m; t++) {
        const token = b * m + t;
        const bad = countNonFinite(probs, token * E, E) + countNonFinite(weights, token * k, k);
        if (bad > 0) {
          this.nonFinite += bad;
          continue;
        }
        this.router.addRow(probs, token * E);
        this.addChoices(indices, weights, token * k, k, classMass);
      }
    }
    this.samples += size;
  }

  /** One token's k choices at `at`: routed weight, assignments, co-activation, renormalisation. */
  private addChoices(
    indices: Int32Array | BigInt64Array,
    weights: Float32Array,
    at: number,
    k: number,
    classMass: Float64Array | undefined,
  ): void {
    const E = this.experts;
    let total = 0;
    for (let j = 0; j < k; j++) total += weights[at + j]!;
    if (Math.abs(total - 1) > RENORMALIZED_TOLERANCE) this.renormalized = false;
    for (let j = 0; j < k; j++) {
      const i = indexAt(indices, at + j);
      if (total > 0) {
        const share = weights[at + j]! / total;
        this.routedWeight[i]! += share;
        if (classMass) classMass[i]! += share;
      }
      this.assignments[i]! += 1;
      for (let q = 0; q < k; q++) this.together[i * E + indexAt(indices, at + q)]! += 1;
    }
  }

  /** P(j | i) rows as plain arrays. O(E²). Parity: `A / np.diag(A)[:, None]` with 0 rows where A_ii = 0. */
  private coActivation(): number[][] {
    const E = this.experts;
    const rows: number[][] = [];
    for (let i = 0; i < E; i++) {
      const routed = this.together[i * E + i]!;
      const row = new Array<number>(E);
      for (let j = 0; j < E; j++) row[j] = routed > 0 ? this.together[i * E + j]! / routed : 0;
      rows.push(row);
    }
    return rows;
  }

  summary(): TopKSummary {
    const load = shares(this.routedWeight);
    const summary: TopKSummary = {
      kind: 'topk',
      samples: this.samples,
      tokens: this.tokens,
      expertLoad: load,
      expertCount: fractions(this.assignments, this.router.count * (this.k ?? 0)),
      top1Share: this.router.top1Share(),
      routingEntropy: this.router.routingEntropy(),
      routingEntropyBits: this.router.routingEntropyBits(),
      balance: this.router.balance(load),
      coActivation: this.coActivation(),
      renormalized: this.renormalized,
      nonFinite: this.nonFinite,
    };
    const classLoad = this.classes.summary();
    if (classLoad) summary.classLoad = classLoad;
    return summary;
  }
}
