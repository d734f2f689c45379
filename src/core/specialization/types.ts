/**
 * The `specialization` section of the report: how much of a model's behaviour survives when only
 * a few experts per layer are kept (Chung et al., "expert-subset specialization").
 */

/** A metric over k = 1…n. */
export interface RankedCurve {
  accuracy?: number[];
  agreement: number[];
  /** Mean KL(full ‖ masked) of the output distributions, in nats. */
  kl: number[];
}

export interface RandomCurve {
  /** Means over seeds. */
  accuracy?: number[];
  agreement: number[];
  kl: number[];
  /** Standard deviations over seeds (population), per metric. */
  std: { accuracy?: number[]; agreement: number[]; kl: number[] };
  seeds: number;
}

export interface SpecializationCurve {
  /** A layer id, or "all" when every MoE layer keeps k experts at once. */
  layer: string;
  experts: number;
  k: number[];
  ranked: RankedCurve;
  random: RandomCurve;
  /** Per input: the smallest k whose ranked subset preserves the full model's prediction (null: none). */
  smallestK: (number | null)[];
}

export interface OptimalSearch {
  /** Per input: the smallest k for which SOME subset preserves the prediction (null: none within the cap). */
  optimalK: (number | null)[];
  /** Ranked smallest k − optimal k, per input where both exist. */
  gap: number[];
  /** Inputs whose search stopped at the subset cap before finding the optimum. */
  capped: number;
  cap: number;
}

export interface Knockout {
  /** Per expert: accuracy (or agreement without labels) lost when that expert alone is dropped. */
  accuracyDrop?: number[];
  agreementDrop: number[];
  klIncrease: number[];
}

export interface Specialization {
  /** Algorithm 1: experts ranked by the combine mass their slots receive. */
  method: 'combine-mass';
  scope: 'per-layer' | 'all-layers' | 'both';
  /** per-input: each input ranks its own experts (Algorithm 1); shared: one subset per group from summed scores (the batch variant). */
  subsets: 'per-input' | 'shared';
  /**
   * false: dropped experts' outputs are zeroed and the combine weights are not renormalised (the
   * paper's rule). true: dropped experts' logits are −∞ before both softmaxes (the variant).
   */
  renormalized: boolean;
  inputs: number;
  /**
   * How masked rows ran: `shared-prefix` computes the part of the network no mask reaches once per
   * input (the model split at its masks); `whole-model` runs every row through the whole model.
   */
  evaluation?: 'shared-prefix' | 'whole-model';
  baseline: { accuracy?: number; agreement: 1 };
  curves: SpecializationCurve[];
  /** Exhaustive optimum per layer, for layers with at most `maxExhaustiveExperts` experts. */
  optimal?: Record<string, OptimalSearch>;
  knockout?: Record<string, Knockout>;
  /** Keeping 1/2, 1/4 and 1/8 of the experts, where n allows: ranked vs random, per curve. */
  fractions: {
    layer: string;
    fraction: string;
    k: number;
    metric: 'accuracy' | 'agreement';
    ranked: number;
    random: number;
    randomStd: number;
    /** KL(full ‖ masked): separates ranked from random even where argmax metrics are flat. */
    rankedKl: number;
    randomKl: number;
  }[];
  notes: string[];
}
