/**
 * Types of MoE Scope's routing metrics: what one batch of routing tensors looks like, what the
 * per-layer accumulators report, and the options they are created with.
 *
 * Notation used throughout src/core/analysis: B = samples in a batch, m = tokens per sample,
 * n = E = experts, p = slots per expert, S = n·p slots ordered expert-major (slot s belongs to
 * expert ⌊s/p⌋), k = experts per token (top-k), c = tokens per expert (expert-choice capacity).
 */
import type { Tensor } from '../tensor';

export type LayerKind = 'soft_moe' | 'topk' | 'expert_choice' | 'smear';

/** Soft MoE: combine C and dispatch D, both [B, m, S]; C rows and D columns are softmaxes. */
export interface SoftMoeBatch {
  kind: 'soft_moe';
  combine: Tensor<'float32'>;
  dispatch: Tensor<'float32'>;
  experts: number;
  slotsPerExpert: number;
}

/** Token-choice top-k: router probabilities [B, m, E], chosen experts and their weights [B, m, k]. */
export interface TopKBatch {
  kind: 'topk';
  probs: Tensor<'float32'>;
  indices: Tensor<'int64' | 'int32'>;
  weights: Tensor<'float32'>;
}

/** Expert choice: router probabilities [B, m, E]; each expert's chosen token indices and gates [B, E, c]. */
export interface ExpertChoiceBatch {
  kind: 'expert_choice';
  probs: Tensor<'float32'>;
  selected: Tensor<'int64' | 'int32'>;
  gates: Tensor<'float32'>;
}

/** SMEAR: one routing distribution per example, [B, E]. */
export interface SmearBatch {
  kind: 'smear';
  probs: Tensor<'float32'>;
}

export type LayerBatch = SoftMoeBatch | TopKBatch | ExpertChoiceBatch | SmearBatch;

export interface AccumulatorOptions {
  /** Number of experts n (E). */
  experts: number;
  /** Soft MoE slots per expert p; taken from the first batch when omitted. */
  slotsPerExpert?: number;
  /** Top-k k; taken from the first batch when omitted. */
  k?: number;
  /** When given, labels must lie in [0, classes). */
  classes?: number;
}

/** Balance statistics of one layer. */
export interface BalanceSummary {
  /** Coefficient of variation of expertLoad: population std / mean (np.std(load) / np.mean(load)). */
  cv: number;
  /** Switch Transformer balance n·Σ_i f_i·P_i; 1 when perfectly balanced, n when collapsed. */
  switchAux: number;
}

/** Expert load per class label (SMEAR's per-task view). */
export interface ClassLoadSummary {
  /** Label values whose samples routed any mass, ascending. */
  classes: number[];
  /** load[c][i]: expert-load shares of class classes[c], summing to 1 (same definition as expertLoad). */
  load: number[][];
}

interface SummaryBase {
  /** Samples added, including samples whose routing values were skipped as non-finite. */
  samples: number;
  /** Tokens per sample m; always 1 for SMEAR, 0 for the other kinds until the first batch. */
  tokens: number;
  /** Shares of routed mass per expert, summing to 1 (all zero when no mass was seen). */
  expertLoad: number[];
  /** Fraction of (valid) tokens whose top-1 expert is i; the f_i of switchAux. */
  top1Share: number[];
  balance: BalanceSummary;
  /** Count of NaN / ±Inf routing values seen; the tokens (examples) holding them were skipped. */
  nonFinite: number;
  /** Present when labels were given with at least one batch. */
  classLoad?: ClassLoadSummary;
}

/** Soft MoE diagnostics as logged by the reference implementation (google-research/vmoe). */
export interface SoftMoeDiagnostics {
  /** Mean over tokens of min over slots of C[t, s]. */
  combineMinMean: number;
  /** Mean over tokens of max over slots of C[t, s]. */
  combineMaxMean: number;
  /** Mean over (sample, slot) of min over tokens of D[t, s]. */
  dispatchMinMean: number;
  /** Mean over (sample, slot) of max over tokens of D[t, s]. */
  dispatchMaxMean: number;
  /** Mean cosine similarity between C rows of distinct tokens of the same sample. */
  tokenSimilarity: number;
  /** Mean cosine similarity between D columns of distinct slots of the same sample. */
  slotSimilarity: number;
}

export interface SoftMoeSummary extends SummaryBase {
  kind: 'soft_moe';
  /** Mean over tokens of H(C[t, :]) / ln S. */
  combineEntropy: number;
  /** Mean over (sample, slot) of H(D[:, s]) / ln m. */
  dispatchEntropy: number;
  softMoe: SoftMoeDiagnostics;
}

export interface TopKSummary extends SummaryBase {
  kind: 'topk';
  /** Share of token→expert assignments per expert. */
  expertCount: number[];
  /** Mean over tokens of H(p) / ln E. */
  routingEntropy: number;
  /** Mean over tokens of H(p) in bits. */
  routingEntropyBits: number;
  /** OLMoE co-activation: coActivation[i][j] = P(j | i). */
  coActivation: number[][];
  /** Whether every token's k weights summed to 1 within 1e-4. */
  renormalized: boolean;
}

export interface ExpertChoiceSummary extends SummaryBase {
  kind: 'expert_choice';
  /** Share of the token slots taken, per expert. */
  expertCount: number[];
  /** Share of tokens chosen by no expert. */
  tokensDropped: number;
  /** Mean number of experts that chose a token. */
  meanExpertsPerToken: number;
  routingEntropy: number;
  routingEntropyBits: number;
}

export interface SmearSummary extends SummaryBase {
  kind: 'smear';
  /** Mean over examples of H(p) / ln E. */
  routingEntropy: number;
  /** Mean over examples of H(p) in bits. */
  routingEntropyBits: number;
}

export type LayerSummary = SoftMoeSummary | TopKSummary | ExpertChoiceSummary | SmearSummary;

export interface SummaryByKind {
  soft_moe: SoftMoeSummary;
  topk: TopKSummary;
  expert_choice: ExpertChoiceSummary;
  smear: SmearSummary;
}

/**
 * Streams one layer's routing tensors, batch after batch, into bounded memory
 * (O(n² + classes·n) float64 values however many batches are added).
 */
export interface LayerAccumulator<S extends LayerSummary = LayerSummary> {
  readonly kind: S['kind'];
  /**
   * Adds one batch. `labels` holds one class label per sample of this batch. Throws TypeError for
   * a batch of another kind or dtype and RangeError for a shape, index or label that does not fit;
   * a batch that throws leaves the accumulator unchanged.
   */
  add(batch: LayerBatch, labels?: Int32Array): void;
  /** The statistics of everything added so far, as plain JSON-able values. */
  summary(): S;
}
