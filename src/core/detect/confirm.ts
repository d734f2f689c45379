/**
 * Numeric confirmation: a structural candidate becomes a MoE layer only when its tensors on the
 * first real batch behave like routing (softmaxes sum to one along the axis detection expects,
 * shapes agree). Confirmation also fixes the layout every later batch is read in.
 */
import type { LayerBatch } from '../analysis/types';
import { axisFirstThenRest, axisLastThenFold, normalizeAxis, reshape } from '../layout';
import { asFloat32, type Tensor } from '../tensor';
import { resolveSlots } from './hints';
import { topK } from './topkCompute';
import type { LayerCandidate, LayerKind, LayerTensors } from './types';

export interface MoeLayer {
  id: string;
  /** Position among the model's MoE layers, in graph order. */
  index: number;
  kind: LayerKind;
  experts: number;
  slotsPerExpert?: number;
  k?: number;
  capacity?: number;
  tokens: number;
  tensors: LayerTensors;
  source?: { file: string; line: number };
  /** How the layer was recognised and how its experts were counted. */
  evidence: string;
  /** The dtype the graph routes in, when not float32 (half-precision exports); read as float32. */
  dtype?: RoutingDtype;
  /** Top-k recomputed from the probabilities (fused operators), with the operator's renormalisation. */
  computeTopK?: { k: number; renormalize: boolean };
  /** Token axis of the dispatch and combine tensors (Soft MoE), or the experts axis of probs. */
  layout: {
    dispatchTokenAxis?: number;
    combineTokenAxis?: number;
    /** The combine tensor's dims after the batch axis, as the graph produces it. */
    combineDims?: number[];
    probsAxis?: number;
    /** The probabilities' rank as the graph produces them. */
    probsRank?: number;
  };
}

export type Outputs = Record<string, Tensor>;

export type RoutingDtype = 'float16' | 'float64';

const TOLERANCE = 1e-3;

/** Sums of routing weights may miss 1 by rounding: a few units in the last place of their dtype. */
function tolerance(dtype: RoutingDtype | undefined): number {
  // float16 rounds each weight to 2^-11 relative: eight such steps, where float32 gets 1e-3.
  return dtype === 'float16' ? 4e-3 : TOLERANCE;
}

/** A routing tensor as float32 (float16 and float64 models' tensors widened or rounded to it). */
function float(outputs: Outputs, name: string | undefined, role: string): Tensor<'float32'> {
  const t = name ? outputs[name] : undefined;
  if (!t) throw new Error(`${role} tensor ${name ?? '(none)'} was not produced`);
  const widened = asFloat32(t);
  if (!widened) throw new Error(`${role} tensor ${name} is ${t.dtype}, expected a float tensor`);
  return widened;
}

/** The dtype the graph computes a routing tensor in, when it is not float32. */
function routingDtype(outputs: Outputs, name: string | undefined): RoutingDtype | undefined {
  const dtype = name ? outputs[name]?.dtype : undefined;
  return dtype === 'float16' || dtype === 'float64' ? dtype : undefined;
}

function indices(outputs: Outputs, name: string | undefined, role: string): Tensor<'int64' | 'int32'> {
  const t = name ? outputs[name] : undefined;
  if (!t) throw new Error(`${role} tensor ${name ?? '(none)'} was not produced`);
  if (t.dtype !== 'int64' && t.dtype !== 'int32')
    throw new Error(`${role} tensor ${name} is ${t.dtype}, expected int64`);
  return t as Tensor<'int64' | 'int32'>;
}

/** Largest |Σ − 1| over finite groups of a [B, m, rest] tensor summed over `over` (1 = m, 2 = rest). */
function sumDeviation(t: Tensor<'float32'>, over: 1 | 2): number {
  const [b, m, r] = t.shape as [number, number, number];
  let worst = 0;
  const outer = over === 1 ? r : m;
  const inner = over === 1 ? m : r;
  for (let i = 0; i < b; i++) {
    for (let o = 0; o < outer; o++) {
      let sum = 0;
      for (let n = 0; n < inner; n++) {
        sum += over === 1 ? t.data[(i * m + n) * r + o]! : t.data[(i * m + o) * r + n]!;
      }
      if (Number.isFinite(sum)) worst = Math.max(worst, Math.abs(sum - 1));
    }
  }
  return worst;
}

/** Softmax along the last axis, in float64 for stability; used when only router logits exist. */
export function softmaxLast(t: Tensor<'float32'>): Tensor<'float32'> {
  const width = t.shape[t.shape.length - 1]!;
  const out = new Float32Array(t.data.length);
  for (let row = 0; row < t.data.length; row += width) {
    let max = -Infinity;
    for (let i = 0; i < width; i++) max = Math.max(max, t.data[row + i]!);
    let sum = 0;
    for (let i = 0; i < width; i++) sum += Math.exp(t.data[row + i]! - max);
    for (let i = 0; i < width; i++) out[row + i] = Math.exp(t.data[row + i]! - max) / sum;
  }
  return { dtype: 'float32', shape: t.shape, data: out };
}

/** Probabilities as [B, m, E] (SMEAR: [B, 1, E]) with the experts axis last. */
function probsTokensExperts(
  layer: Pick<MoeLayer, 'tensors' | 'layout'>,
  outputs: Outputs,
  batch: number,
): Tensor<'float32'> {
  const { probs, scores, logits } = layer.tensors;
  const raw = probs
    ? float(outputs, probs, 'probs')
    : scores
      ? float(outputs, scores, 'affinity')
      : softmaxLast(float(outputs, logits, 'logits'));
  const axis = probs || scores ? (layer.layout.probsAxis ?? -1) : -1;
  // Exporters sometimes fold batch and tokens into one axis ([B·m, E]); unfold it.
  const tokensExperts =
    raw.shape.length === 2 && raw.shape[0] !== batch && raw.shape[0]! % batch === 0
      ? reshape(raw, [batch, raw.shape[0]! / batch, raw.shape[1]!])
      : axisLastThenFold(raw, axis);
  return scores ? normalizeLast(tokensExperts) : tokensExperts;
}

/** Sigmoid affinities as a distribution over the experts: each row divided by its sum. */
function normalizeLast(t: Tensor<'float32'>): Tensor<'float32'> {
  const width = t.shape[t.shape.length - 1]!;
  const out = new Float32Array(t.data.length);
  for (let row = 0; row < t.data.length; row += width) {
    let sum = 0;
    for (let i = 0; i < width; i++) sum += t.data[row + i]!;
    for (let i = 0; i < width; i++) out[row + i] = t.data[row + i]! / sum;
  }
  return { dtype: 'float32', shape: t.shape, data: out };
}

/** Largest distance of a tensor's finite values outside [0, 1] (sigmoid affinities lie inside). */
function outsideUnit(t: Tensor<'float32'>): number {
  let worst = 0;
  for (const v of t.data) if (Number.isFinite(v)) worst = Math.max(worst, -v, v - 1);
  return worst;
}

export function confirmCandidate(
  candidate: LayerCandidate,
  outputs: Outputs,
  batch: number,
  index: number,
): MoeLayer {
  const base = {
    id: candidate.id,
    index,
    kind: candidate.kind,
    tensors: candidate.tensors,
    ...(candidate.source ? { source: candidate.source } : {}),
  };
  switch (candidate.kind) {
    case 'soft_moe': {
      const dispatchRaw = float(outputs, candidate.tensors.dispatch, 'dispatch');
      const combineRaw = float(outputs, candidate.tensors.combine, 'combine');
      const tokenAxis = normalizeAxis(candidate.softmaxAxis, dispatchRaw.shape.length);
      const dispatch = axisFirstThenRest(dispatchRaw, tokenAxis);
      const tokens = dispatch.shape[1]!;
      const slots = dispatch.shape[2]!;
      const combineTokenAxis =
        combineRaw.shape.length === dispatchRaw.shape.length
          ? tokenAxis
          : combineRaw.shape.findIndex((d, i) => i > 0 && d === tokens);
      if (combineTokenAxis < 1)
        throw new Error(`combine tensor [${combineRaw.shape}] has no ${tokens}-token axis`);
      const combine = axisFirstThenRest(combineRaw, combineTokenAxis);
      if (combine.shape[2] !== slots)
        throw new Error(`dispatch has ${slots} slots but combine has ${combine.shape[2]}`);
      const dtype = routingDtype(outputs, candidate.tensors.combine);
      const dispatchOff = sumDeviation(dispatch, 1);
      const combineOff = sumDeviation(combine, 2);
      if (dispatchOff > tolerance(dtype) || combineOff > tolerance(dtype)) {
        throw new Error(
          `dispatch columns deviate from 1 by ${dispatchOff.toExponential(1)} and combine rows by ${combineOff.toExponential(1)}`,
        );
      }
      // A rank-4 dispatch [B, m, n, p] states the split outright.
      const split =
        dispatchRaw.shape.length === 4 && tokenAxis === 1
          ? {
              experts: dispatchRaw.shape[2]!,
              slotsPerExpert: dispatchRaw.shape[3]!,
              how: 'dispatch shape [B, m, n, p]',
            }
          : resolveSlots(candidate.hints, slots);
      return {
        ...base,
        experts: split.experts,
        slotsPerExpert: split.slotsPerExpert,
        tokens,
        ...(dtype ? { dtype } : {}),
        evidence: `${candidate.evidence}; ${split.experts} experts × ${split.slotsPerExpert} slots from ${split.how}`,
        layout: { dispatchTokenAxis: tokenAxis, combineTokenAxis, combineDims: combineRaw.shape.slice(1) },
      };
    }
    case 'topk':
    case 'expert_choice': {
      const layer = { tensors: candidate.tensors, layout: { probsAxis: candidate.softmaxAxis } };
      const probs = probsTokensExperts(layer, outputs, batch);
      const { scores } = candidate.tensors;
      const dtype = routingDtype(outputs, candidate.tensors.probs ?? scores ?? candidate.tensors.logits);
      const deviation = sumDeviation(probs, 2);
      if (deviation > tolerance(dtype))
        throw new Error(`router probabilities deviate from summing to 1 by ${deviation.toExponential(1)}`);
      const outside = scores ? outsideUnit(float(outputs, scores, 'affinity')) : 0;
      if (outside > tolerance(dtype))
        throw new Error(
          `affinities leave [0, 1] by ${outside.toExponential(1)}; a sigmoid router's stay inside`,
        );
      const [, tokens, experts] = probs.shape as [number, number, number];
      if (candidate.kind === 'topk') {
        const k =
          candidate.computeTopK?.k ??
          indices(outputs, candidate.tensors.topkIndices, 'top-k indices').shape.at(-1)!;
        if (k < 1 || k > experts) throw new Error(`k = ${k} does not fit ${experts} experts`);
        return {
          ...base,
          experts,
          k,
          tokens,
          ...(dtype ? { dtype } : {}),
          ...(candidate.computeTopK ? { computeTopK: candidate.computeTopK } : {}),
          evidence: `${candidate.evidence}; ${experts} experts, k = ${k}`,
          layout: layer.layout,
        };
      }
      const selected = indices(outputs, candidate.tensors.selected, 'selected tokens');
      const capacity = selected.shape[selected.shape.length - 1]!;
      if (selected.shape.length !== 3 || selected.shape[1] !== experts) {
        throw new Error(`selected tokens [${selected.shape}] are not [B, ${experts} experts, capacity]`);
      }
      return {
        ...base,
        experts,
        capacity,
        tokens,
        ...(dtype ? { dtype } : {}),
        evidence: `${candidate.evidence}; ${experts} experts, capacity ${capacity}`,
        layout: layer.layout,
      };
    }
    case 'smear': {
      const probs = float(outputs, candidate.tensors.probs, 'probs');
      const rows = axisLastThenFold(probs, candidate.softmaxAxis);
      if (rows.shape[1] !== 1)
        throw new Error(`SMEAR routes per example, but probs [${probs.shape}] vary per token`);
      const dtype = routingDtype(outputs, candidate.tensors.probs);
      const deviation = sumDeviation(rows, 2);
      if (deviation > tolerance(dtype))
        throw new Error(`routing probabilities deviate from summing to 1 by ${deviation.toExponential(1)}`);
      const experts = rows.shape[2]!;
      return {
        ...base,
        experts,
        tokens: 1,
        ...(dtype ? { dtype } : {}),
        evidence: `${candidate.evidence}; ${experts} experts`,
        layout: { probsAxis: candidate.softmaxAxis, probsRank: probs.shape.length },
      };
    }
  }
}

/** Reads one batch of a confirmed layer in the canonical layout the metrics expect. */
export function extractBatch(layer: MoeLayer, outputs: Outputs, batch: number): LayerBatch {
  switch (layer.kind) {
    case 'soft_moe':
      return {
        kind: 'soft_moe',
        dispatch: axisFirstThenRest(
          float(outputs, layer.tensors.dispatch, 'dispatch'),
          layer.layout.dispatchTokenAxis!,
        ),
        combine: axisFirstThenRest(
          float(outputs, layer.tensors.combine, 'combine'),
          layer.layout.combineTokenAxis!,
        ),
        experts: layer.experts,
        slotsPerExpert: layer.slotsPerExpert!,
      };
    case 'topk': {
      const probs = probsTokensExperts(layer, outputs, batch);
      if (layer.computeTopK)
        return { kind: 'topk', probs, ...topK(probs, layer.computeTopK.k, layer.computeTopK.renormalize) };
      const chosen = indices(outputs, layer.tensors.topkIndices, 'top-k indices');
      const weights = float(outputs, layer.tensors.topkWeights, 'top-k weights');
      const shape = [batch, layer.tokens, layer.k!];
      return { kind: 'topk', probs, indices: reshape(chosen, shape), weights: reshape(weights, shape) };
    }
    case 'expert_choice':
      return {
        kind: 'expert_choice',
        probs: probsTokensExperts(layer, outputs, batch),
        selected: indices(outputs, layer.tensors.selected, 'selected tokens'),
        gates: float(outputs, layer.tensors.gates, 'gates'),
      };
    case 'smear': {
      const rows = axisLastThenFold(float(outputs, layer.tensors.probs, 'probs'), layer.layout.probsAxis!);
      return { kind: 'smear', probs: reshape(rows, [batch, layer.experts]) };
    }
  }
}
