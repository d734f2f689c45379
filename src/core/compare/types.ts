/**
 * The comparison of two checkpoints run on the same inputs (`moe-scope compare A B`, the
 * `moeScope/compare` engine method): layers paired, experts aligned, routing agreement and
 * divergence per layer pair, and the two models' prediction agreement.
 *
 * Routing profile: per routing position, a distribution over the layer's experts. Soft MoE: the
 * combine mass of each expert (Σ of C[t, s] over the expert's slots, a token's row sums to 1);
 * top-k and expert choice: the router probabilities; SMEAR: the per-example probabilities.
 * Positions are tokens when both layers route per token with the same token count, else examples
 * (per-token profiles averaged over the example's tokens).
 */
import type { LayerKind } from '../analysis/types';
import type { Report } from '../report/types';
import type { SpecializationCurve } from '../specialization/types';

export const COMPARISON_SCHEMA = 'moe-scope/comparison@1';

/** How a layer of A found its partner in B. */
export type PairedBy = 'id' | 'order-and-kind' | 'order';

/** What one routing position is: a token, or a whole example. */
export type Granularity = 'token' | 'example';

/** One side of the comparison, as the comparison needs to name it. */
export interface ComparedModel {
  path: string;
  sha256: string;
  provider: string;
  /** MoE layer ids in graph order. */
  layers: string[];
  /** Top-1 accuracy against the labels, when given. */
  accuracy?: number;
}

/** The optimal one-to-one matching of A's experts to B's, and how good it is. */
export interface ExpertAlignment {
  /** For each expert of A, the aligned expert of B, or null (B has fewer experts). */
  matching: (number | null)[];
  /** Pearson correlation of each matched pair's routing profiles over the shared inputs. */
  correlation: (number | null)[];
  /** Mean correlation over the matched pairs (1 = the same routing up to renumbering). */
  meanCorrelation: number;
  /** The same mean for the identity matching (expert i ↔ expert i), over min(nA, nB) experts. */
  identityCorrelation: number;
  /** The mean matched correlation of uniformly random matchings (seeded draws). */
  random: { mean: number; std: number; draws: number };
  /** (meanCorrelation − random.mean) / random.std; null when random matchings do not vary. */
  zScore: number | null;
  /** Experts of A with no partner (B has fewer experts), and of B (B has more). */
  unmatchedA: number[];
  unmatchedB: number[];
}

/** Routing agreement of a layer pair under one expert matching. */
export interface Agreement {
  /** Share of positions whose top-1 experts are matched partners. */
  top1Agreement: number;
  /** Mean of |top-k(A) ∩ matched(top-k(B))| / k over positions (router saturation, OLMoE). */
  topkOverlap: number;
  /**
   * Mean Jensen–Shannon divergence of the routing profiles, in bits (0 = same, 1 = disjoint).
   * Unmatched experts count as mass the other side puts nowhere.
   */
  jsDivergence: number;
}

export interface LayerComparison extends Agreement {
  /** Layer ids in A and in B. */
  a: string;
  b: string;
  kinds: { a: LayerKind; b: LayerKind };
  experts: { a: number; b: number };
  pairedBy: PairedBy;
  granularity: Granularity;
  /** Routing positions compared (samples × tokens, or samples), after skipping non-finite ones. */
  positions: number;
  /** Positions skipped because either side's profile held a NaN or ±Inf. */
  skipped: number;
  /** The top-k of topkOverlap: min(k of A, k of B, nA, nB), where a layer without k counts 2. */
  k: number;
  /** For each expert of A, the aligned expert of B, or null (= alignment.matching). */
  matching: (number | null)[];
  alignment: ExpertAlignment;
  /** The same agreement without alignment (expert i ↔ expert i): what renumbering hides. */
  unaligned: Agreement;
  /** Mean normalised entropy of the routing profiles (0 = one-hot, 1 = uniform), and B − A. */
  entropy: { a: number; b: number; delta: number };
  /**
   * The reports' expert loads, B's in A's expert order (null where unmatched), and B − A.
   * `unmatchedB` is the load B puts on experts without a partner in A.
   */
  load: { a: number[]; b: (number | null)[]; delta: (number | null)[]; unmatchedB: number };
  /** Coefficient of variation of the loads, and B − A. */
  balance: { a: number; b: number; delta: number };
  /** Per-class load deltas (B − A, B in A's order) for the classes both reports have. */
  classLoad?: { classes: number[]; delta: (number | null)[][] };
  /** The layers' specialization curves, when the study ran. */
  specialization?: { a?: SpecializationCurve; b?: SpecializationCurve };
  /** What cannot be compared, and why. */
  notes: string[];
}

export interface Comparison {
  a: ComparedModel;
  b: ComparedModel;
  /** Inputs both models ran on. */
  samples: number;
  layers: LayerComparison[];
  /** Layer ids left without a partner. */
  unpaired: { a: string[]; b: string[] };
  /** Share of inputs where the argmax of the first output agrees; null when it is not class scores. */
  predictionAgreement: number | null;
  notes: string[];
}

/** What `moeScope/compare` returns and `moe-scope compare --json` writes. */
export interface CompareResult {
  schema: typeof COMPARISON_SCHEMA;
  a: Report;
  b: Report;
  comparison: Comparison;
}
