/** What detection finds: structural candidates, confirmed later on real tensors. */
import type { LayerKind } from '../analysis/types';

export type { LayerKind };

/** ONNX tensor names a layer's routing is read from. */
export interface LayerTensors {
  /** Soft MoE: softmax over tokens (each slot's column sums to 1). */
  dispatch?: string;
  /** Soft MoE: softmax over all slots (each token's row sums to 1). */
  combine?: string;
  /** Router logits, when they are a distinct tensor. */
  logits?: string;
  /** Top-k, expert choice, SMEAR: the softmax over experts. */
  probs?: string;
  /**
   * Top-k with sigmoid affinities (DeepSeek-V3): one score in (0, 1) per expert. MoE Scope's
   * routing distribution is these scores normalised over the experts.
   */
  scores?: string;
  /** Top-k: chosen expert indices and their (possibly renormalised) weights. */
  topkIndices?: string;
  topkWeights?: string;
  /** Expert choice: token indices each expert took, and their gate values. */
  selected?: string;
  gates?: string;
}

export interface LayerCandidate {
  /** Module path, e.g. "blocks.2.mlp"; a stable fallback when the graph has no scopes. */
  id: string;
  kind: LayerKind;
  /** Index of the node that anchors the layer (graph order), to sort layers. */
  anchor: number;
  tensors: LayerTensors;
  /** Axis of the routing softmax in its own output (normalised to be non-negative when known). */
  softmaxAxis: number;
  /** Structural hints on the expert count, resolved once tensor shapes are known. */
  hints: ExpertHints;
  /** Top-k k or expert-choice capacity, when a constant in the graph. */
  k?: number;
  /** Fused operators keep top-k inside the kernel: MoE Scope recomputes it from the probabilities. */
  computeTopK?: { k: number; renormalize: boolean };
  /** Where the evidence came from, for the report and for "why was this not detected" messages. */
  evidence: string;
  source?: { file: string; line: number };
}

export interface Detection {
  candidates: LayerCandidate[];
  /** What was searched, said when nothing is found. */
  searched: string;
}

/** What the graph says about experts, before shapes are known. */
export interface ExpertHints {
  /** Distinct expert indices in node names under the layer's scope (`experts.3`, `expert_3`). */
  namedExperts?: number;
  /** Dims of rank ≥ 3 weights the layer uses (e.g. Φ (d, n, p), stacked W1 (n, d, h)). */
  weightDims: number[][];
}
