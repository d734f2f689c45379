/**
 * Routing arithmetic the views need beyond what the report stores: per-expert sums of slot weights,
 * each token's top expert, the chosen-expert mask, the layers × experts load matrix. Pure functions of
 * typed arrays (no DOM), so Node tests check them against hand-computed values.
 *
 * Slots are expert-major throughout: slot s belongs to expert ⌊s/p⌋.
 */
import type { Matrix, ReportLayer, SampleLayer } from '../../src/core/report/types';

/** A matrix's values as float32 (index matrices are converted, weight matrices shared). */
export function floatValues(m: Matrix): Float32Array {
  return m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
}

/**
 * tokens × experts: out[t, i] = Σ over the p slots of expert i of m[t, s]. On the combine weights this
 * is the mass token t sends to expert i (each row sums to 1); on dispatch, expert i's share of token t
 * summed over its slots. O(tokens · slots).
 */
export function expertMass(m: Matrix, experts: number, slotsPerExpert: number): Float32Array {
  if (experts * slotsPerExpert !== m.cols) {
    throw new RangeError(`${m.cols} slots are not ${experts} experts × ${slotsPerExpert} slots`);
  }
  const out = new Float32Array(m.rows * experts);
  for (let t = 0; t < m.rows; t++) {
    for (let i = 0; i < experts; i++) {
      let sum = 0;
      for (let j = 0; j < slotsPerExpert; j++) sum += m.data[t * m.cols + i * slotsPerExpert + j]!;
      out[t * experts + i] = sum;
    }
  }
  return out;
}

/** Per row, the column of the largest value (first on ties); −1 for a row with no number. */
export function argmaxRows(values: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows).fill(-1);
  for (let r = 0; r < rows; r++) {
    let best = -Infinity;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c]!;
      if (v > best) {
        best = v;
        out[r] = c;
      }
    }
  }
  return out;
}

/** Each token's top expert and the weight it gives that expert. */
export interface TopExperts {
  expert: Int32Array;
  weight: Float32Array;
  /** tokens × experts weights the choice was made from. */
  weights: Float32Array;
  experts: number;
}

/**
 * Soft MoE: the expert whose slots get most of the token's combine weight (what the token's output
 * is mostly made of). Top-k and expert choice: the largest router probability (Mixtral's first
 * choice). SMEAR: the example's largest routing probability (one "token"). Null without detail.
 */
export function topExperts(layer: ReportLayer, detail: SampleLayer | undefined): TopExperts | null {
  let weights: Float32Array;
  let rows: number;
  if (layer.kind === 'soft_moe' && detail?.combine) {
    const p = layer.slotsPerExpert ?? detail.combine.cols / layer.experts;
    weights = expertMass(detail.combine, layer.experts, p);
    rows = detail.combine.rows;
  } else if (detail?.probs) {
    weights = floatValues(detail.probs);
    rows = detail.probs.rows;
  } else {
    return null;
  }
  const experts = layer.experts;
  const expert = argmaxRows(weights, rows, experts);
  const weight = new Float32Array(rows);
  for (let t = 0; t < rows; t++) weight[t] = expert[t]! >= 0 ? weights[t * experts + expert[t]!]! : NaN;
  return { expert, weight, weights, experts };
}

/** Share of neighbouring token pairs routed to the same top expert (Mixtral's repeat rate); NaN with < 2. */
export function repeatRate(expert: Int32Array, count = expert.length): number {
  let same = 0;
  let pairs = 0;
  for (let t = 1; t < count; t++) {
    if (expert[t] === -1 || expert[t - 1] === -1) continue;
    pairs++;
    if (expert[t] === expert[t - 1]) same++;
  }
  return pairs ? same / pairs : NaN;
}

/**
 * tokens × experts: the router probability where the token was routed to the expert, 0 elsewhere.
 * Top-k from the chosen indices; expert choice from each expert's chosen tokens. Null otherwise.
 */
export function chosenWeights(layer: ReportLayer, detail: SampleLayer | undefined): Float32Array | null {
  const probs = detail?.probs;
  if (!probs) return null;
  const n = probs.cols;
  const out = new Float32Array(probs.rows * n);
  const mark = (t: number, e: number): void => {
    if (t >= 0 && t < probs.rows && e >= 0 && e < n) out[t * n + e] = probs.data[t * n + e]!;
  };
  if (layer.kind === 'topk' && detail.topk) {
    const { rows, cols, data } = detail.topk;
    for (let t = 0; t < rows; t++) for (let j = 0; j < cols; j++) mark(t, data[t * cols + j]!);
    return out;
  }
  if (layer.kind === 'expert_choice' && detail.selected) {
    const { rows, cols, data } = detail.selected;
    for (let e = 0; e < rows; e++) for (let j = 0; j < cols; j++) mark(data[e * cols + j]!, e);
    return out;
  }
  return null;
}

/** layers × (most experts of any layer) expert-load shares; NaN where a layer has fewer experts. */
export function loadMatrix(layers: readonly ReportLayer[]): { values: Float32Array; cols: number } {
  const cols = Math.max(1, ...layers.map((l) => l.summary.expertLoad.length));
  const values = new Float32Array(Math.max(1, layers.length) * cols).fill(NaN);
  layers.forEach((layer, r) => {
    layer.summary.expertLoad.forEach((v, c) => (values[r * cols + c] = v ?? NaN));
  });
  return { values, cols };
}

/** Nested rows (a summary's number[][]) as one row-major Float32Array; null entries become NaN. */
export function flatten(rows: readonly (readonly (number | null)[])[], cols: number): Float32Array {
  const out = new Float32Array(rows.length * cols).fill(NaN);
  rows.forEach((row, r) => row.forEach((v, c) => c < cols && (out[r * cols + c] = v ?? NaN)));
  return out;
}
