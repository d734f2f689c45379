/**
 * Expert masks: optional graph inputs that switch experts off, for specialization and ablation.
 * Each masked layer gets two float inputs:
 *   - `moe_scope.mask.<layer>` [batch, experts]: 1 keeps an expert, 0 drops it;
 *   - `moe_scope.keep.<layer>` [batch, 1]: keep only the k best-scored experts of each row.
 * Ones and k = experts leave the model unchanged. (ONNX allows such inputs a default through an
 * initializer of the same name, but onnxruntime-node exposes only plain inputs to its callers, so
 * the masked model is always fed both; see `neutralMaskFeeds`.) Scores are computed inside the graph from the layer's own routing
 *     (Algorithm 1 of Chung et al. for Soft MoE: combine mass per expert), so when several layers
 *     are masked at once each ranks its experts on the already-masked upstream, as the paper does.
 * The routing tensor that mixes the experts' outputs is multiplied by the final mask, so a 0
 * removes that expert's contribution without renormalising the others. Rows of a batch can carry
 * different masks and k: evaluating k = 1…n for one input is one batched run.
 *
 * Nodes are inserted right after the producer of the masked tensor and its consumers are rewired;
 * every other byte of the graph is kept.
 */
import { concatBytes, lengthDelimited, messageField, stringField, varintField } from './encode';
import type { GraphIndex } from './graph';
import { valueInfoField } from './instrument';
import { intAttribute, nodeField, renamedNode } from './nodes';
import type { Tensor } from '../tensor';
import { rewriteGraph } from './splice';

export interface MaskPoint {
  /** Layer id; names the mask input. */
  layer: string;
  /** The tensor to mask (Soft MoE combine, top-k gate matrix, SMEAR probabilities). */
  tensor: string;
  experts: number;
  /**
   * How the mask [B, experts] meets the tensor: `view` reshapes the tensor first (Soft MoE
   * [B, m, S] → [B, m, n, p]) and `back` restores its shape; `mask` is the broadcast shape of the
   * mask, e.g. [-1, 1, n, 1].
   */
  view?: number[];
  mask: number[];
  back?: number[];
  /** Axes of the (viewed) tensor summed into per-expert scores [B, experts]; none: the tensor is the scores. */
  scoreAxes?: number[];
  /**
   * Renormalising variant (Soft MoE): `tensor` is the router logits feeding both softmaxes; dropped
   * experts' logits get −1e9 before both, so the kept experts' combine weights sum to 1 again.
   * Scores still come from the unmasked combine, recomputed by a softmax over `combineAxis`.
   */
  renormalize?: { combineAxis: number };
  /**
   * The masked tensor's dtype when not float32 (half-precision exports). The ranking then runs on
   * its scores widened to float32, and the final mask is cast to this dtype before it applies.
   */
  dtype?: 'float16' | 'float64';
}

export function maskInputName(layer: string): string {
  return `moe_scope.mask.${layer}`;
}

/** The per-expert scores the ranking uses, [batch, experts]; expose it to read them. */
export function scoresTensorName(layer: string): string {
  return `moe_scope.${layer}.scores`;
}

export function keepInputName(layer: string): string {
  return `moe_scope.keep.${layer}`;
}

const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;
const ELEMENT_TYPE = { float16: 10, float64: 11 } as const;

function initializer(name: string, dataType: number, dims: number[], raw: Uint8Array): Uint8Array {
  return messageField(5, [
    ...dims.map((d) => varintField(1, d)),
    varintField(2, dataType),
    stringField(8, name),
    lengthDelimited(9, raw),
  ]);
}

/** tri[i][j] = j < i: among equal scores the lower expert index ranks first, as ONNX TopK orders ties. */
function tieBreakInitializer(name: string, experts: number): Uint8Array {
  const raw = new Uint8Array(experts * experts);
  for (let i = 0; i < experts; i++) for (let j = 0; j < i; j++) raw[i * experts + j] = 1;
  return initializer(name, BOOL, [experts, experts], raw);
}

function int64Initializer(name: string, values: number[]): Uint8Array {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return initializer(name, INT64, [values.length], raw);
}

function floatScalar(name: string, value: number): Uint8Array {
  return initializer(name, FLOAT, [], new Uint8Array(new Float32Array([value]).buffer));
}

export function addExpertMasks(
  bytes: Uint8Array,
  index: GraphIndex,
  points: readonly MaskPoint[],
): Uint8Array {
  const afterProducer = new Map<number, Uint8Array[]>();
  const rewire = new Map<number, Map<string, string>>();
  const appended: Uint8Array[] = [];
  for (const point of points) {
    const producer = index.producer.get(point.tensor);
    if (producer === undefined) throw new RangeError(`cannot mask ${point.tensor}: no node produces it`);
    const n = point.experts;
    const maskIn = maskInputName(point.layer);
    const keepIn = keepInputName(point.layer);
    const p = `moe_scope.${point.layer}`;
    appended.push(
      valueInfoField(11, maskIn, 'float32', ['mask_batch', n]),
      valueInfoField(11, keepIn, 'float32', ['mask_batch', 1]),
      int64Initializer(`${p}.mask_shape`, point.mask),
      int64Initializer(`${p}.axis1`, [1]),
      int64Initializer(`${p}.axis2`, [2]),
      tieBreakInitializer(`${p}.ties`, n),
    );
    const added: Uint8Array[] = [];
    let routed = point.tensor;
    let scored = point.tensor;
    if (point.renormalize) {
      // The ranking reads the combine weights the unmasked logits give.
      const axis = intAttribute('axis', point.renormalize.combineAxis);
      added.push(
        nodeField('Softmax', [point.tensor], `${p}.unmasked_combine`, `${p}/UnmaskedCombine`, [axis]),
      );
      scored = `${p}.unmasked_combine`;
    }
    if (point.view) {
      appended.push(int64Initializer(`${p}.view_shape`, point.view));
      added.push(nodeField('Reshape', [routed, `${p}.view_shape`], `${p}.view`, `${p}/ViewReshape`));
      routed = `${p}.view`;
      if (point.renormalize) {
        added.push(
          nodeField('Reshape', [scored, `${p}.view_shape`], `${p}.scored_view`, `${p}/ScoredReshape`),
        );
        scored = `${p}.scored_view`;
      }
    }
    if (!point.renormalize) scored = routed;
    if (point.dtype) {
      // Rank on float32 scores, whatever the model computes in: summing float16 weights in
      // float16 would blur close experts, and callers read the scores as float32.
      added.push(
        nodeField('Cast', [scored], `${p}.scored_f`, `${p}/ScoredFloat`, [intAttribute('to', FLOAT)]),
      );
      scored = `${p}.scored_f`;
    }
    // Per-expert scores [B, experts], always named `<prefix>.scores` so callers can read them.
    const scores = scoresTensorName(point.layer);
    if (point.scoreAxes) {
      appended.push(int64Initializer(`${p}.score_axes`, point.scoreAxes));
      added.push(
        nodeField('ReduceSum', [scored, `${p}.score_axes`], scores, `${p}/Scores`, [
          intAttribute('keepdims', 0),
        ]),
      );
    } else {
      added.push(nodeField('Identity', [scored], scores, `${p}/Scores`));
    }
    // rank_i = #{ j : s_j > s_i, or s_j = s_i and j < i }; keep expert i when rank_i < k.
    added.push(
      nodeField('Unsqueeze', [scores, `${p}.axis2`], `${p}.s_i`, `${p}/ScoresI`),
      nodeField('Unsqueeze', [scores, `${p}.axis1`], `${p}.s_j`, `${p}/ScoresJ`),
      nodeField('Greater', [`${p}.s_j`, `${p}.s_i`], `${p}.greater`, `${p}/Greater`),
      nodeField('Equal', [`${p}.s_j`, `${p}.s_i`], `${p}.equal`, `${p}/Equal`),
      nodeField('And', [`${p}.equal`, `${p}.ties`], `${p}.tie_wins`, `${p}/TieWins`),
      nodeField('Or', [`${p}.greater`, `${p}.tie_wins`], `${p}.beats`, `${p}/Beats`),
      nodeField('Cast', [`${p}.beats`], `${p}.beats_f`, `${p}/BeatsFloat`, [intAttribute('to', FLOAT)]),
      nodeField('ReduceSum', [`${p}.beats_f`, `${p}.axis2`], `${p}.rank`, `${p}/Rank`, [
        intAttribute('keepdims', 0),
      ]),
      nodeField('Less', [`${p}.rank`, keepIn], `${p}.in_top`, `${p}/InTopK`),
      nodeField('Cast', [`${p}.in_top`], `${p}.in_top_f`, `${p}/InTopKFloat`, [intAttribute('to', FLOAT)]),
      nodeField('Mul', [`${p}.in_top_f`, maskIn], `${p}.mask`, `${p}/Mask`),
      nodeField('Reshape', [`${p}.mask`, `${p}.mask_shape`], `${p}.mask_b`, `${p}/MaskReshape`),
    );
    // What meets the routed tensor, in its dtype.
    const inDtype = (name: string) => {
      if (!point.dtype) return name;
      added.push(
        nodeField('Cast', [name], `${name}_t`, `${p}/MaskCast`, [
          intAttribute('to', ELEMENT_TYPE[point.dtype]),
        ]),
      );
      return `${name}_t`;
    };
    if (point.renormalize) {
      // logits + (mask − 1)·big: unchanged where kept, effectively −∞ where dropped. float16
      // cannot hold 1e9 (its largest value is 65504), so half precision adds −1e4: representable,
      // and still far below any logit a softmax keeps (exp(−1e4) is 0).
      const big = point.dtype === 'float16' ? 1e4 : 1e9;
      appended.push(floatScalar(`${p}.one`, 1), floatScalar(`${p}.big`, big));
      added.push(
        nodeField('Sub', [`${p}.mask_b`, `${p}.one`], `${p}.dropped`, `${p}/Dropped`),
        nodeField('Mul', [`${p}.dropped`, `${p}.big`], `${p}.bias`, `${p}/Bias`),
      );
      added.push(nodeField('Add', [routed, inDtype(`${p}.bias`)], `${p}.masked`, `${p}/MaskAdd`));
    } else {
      added.push(nodeField('Mul', [routed, inDtype(`${p}.mask_b`)], `${p}.masked`, `${p}/MaskMul`));
    }
    let masked = `${p}.masked`;
    if (point.back) {
      appended.push(int64Initializer(`${p}.back_shape`, point.back));
      added.push(nodeField('Reshape', [masked, `${p}.back_shape`], `${p}.masked_back`, `${p}/BackReshape`));
      masked = `${p}.masked_back`;
    }
    afterProducer.set(producer, [...(afterProducer.get(producer) ?? []), ...added]);
    for (const consumer of index.consumers.get(point.tensor) ?? []) {
      rewire.set(consumer, (rewire.get(consumer) ?? new Map()).set(point.tensor, masked));
    }
  }
  let nodeIndex = -1;
  return rewriteGraph(
    bytes,
    index,
    (field) => {
      if (field.number !== 1) return undefined;
      nodeIndex++;
      const renames = rewire.get(nodeIndex);
      const extra = afterProducer.get(nodeIndex);
      if (!renames && !extra) return undefined;
      const own = renames
        ? renamedNode(bytes, field.start, field.end, { inputs: renames })
        : bytes.subarray(field.tagStart, field.end);
      return concatBytes([own, ...(extra ?? [])]);
    },
    appended,
  );
}

/** Mask and keep values that leave every masked layer unchanged, for `rows` rows. */
export function neutralMaskFeeds(
  points: readonly MaskPoint[],
  rows: number,
): Record<string, Tensor<'float32'>> {
  const feeds: Record<string, Tensor<'float32'>> = {};
  for (const point of points) {
    feeds[maskInputName(point.layer)] = {
      dtype: 'float32',
      shape: [rows, point.experts],
      data: new Float32Array(rows * point.experts).fill(1),
    };
    feeds[keepInputName(point.layer)] = {
      dtype: 'float32',
      shape: [rows, 1],
      data: new Float32Array(rows).fill(point.experts),
    };
  }
  return feeds;
}
