/**
 * Runs rows of the masked model, each an input of the batch under its own masks (RowPlan), and
 * returns one output row per plan. Rows that repeat one another run once (uniqueRows), and a
 * batch whose rows would copy more than ROW_BYTES_PER_RUN of shared tensors runs in parts.
 */
import { MoeScopeError } from '../core/errors';
import { keepInputName, maskInputName, MaskPoint } from '../core/onnx/masks';
import { asFloat32, type Tensor } from '../core/tensor';
import type { MaskedModel } from './maskedModel';
import { toOrt } from './ortTensors';
import { spreadRows, uniqueRows } from './uniqueRows';

export interface RunnerContext {
  model: MaskedModel;
  points: MaskPoint[];
  /** The model output read per row (logits). */
  output: string;
  signal?: AbortSignal;
  /** Overrides ROW_BYTES_PER_RUN (tests). */
  rowBytesPerRun?: number;
}

/** One row's masks: for each point, a keep count and an explicit 0/1 mask. */
export interface RowPlan {
  keep: Map<string, number>;
  mask: Map<string, Float32Array>;
}

/**
 * Bytes of shared-prefix tensors the rows of one session run may copy (the suffix's activations
 * grow with them): a batch of rows beyond this runs in parts, so large models do not run out of
 * memory however many rows a study asks for at once.
 */
export const ROW_BYTES_PER_RUN = 256 * 2 ** 20;

interface Rows {
  data: Float32Array;
  width: number;
  extra: Record<string, Float32Array>;
}

function concatRows(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export class MaskedRunner {
  constructor(private readonly context: RunnerContext) {}

  /** Runs `plans[i]` on input `sources[i]` (indices into the batch `batch`); returns output rows. */
  async run(
    batch: Record<string, Tensor>,
    sources: number[],
    plans: RowPlan[],
    extra: string[] = [],
  ): Promise<Rows> {
    const { model, points } = this.context;
    const unique = uniqueRows(plans.map((plan, r) => rowKey(sources[r]!, plan, points)));
    const budget = this.context.rowBytesPerRun ?? ROW_BYTES_PER_RUN;
    const perRun = model.rowBytes ? Math.max(1, Math.floor(budget / model.rowBytes)) : unique.first.length;
    const parts: Rows[] = [];
    for (let from = 0; from < unique.first.length; from += perRun) {
      const chosen = unique.first.slice(from, from + perRun);
      parts.push(
        await this.runRows(
          batch,
          chosen.map((r) => sources[r]!),
          chosen.map((r) => plans[r]!),
          extra,
        ),
      );
    }
    const joined = (pick: (part: Rows) => Float32Array) => spreadRows(concatRows(parts.map(pick)), unique);
    return {
      data: joined((part) => part.data),
      width: parts[0]?.width ?? 0,
      extra: Object.fromEntries(extra.map((name) => [name, joined((part) => part.extra[name]!)])),
    };
  }

  /** One session run of distinct rows. */
  private async runRows(
    batch: Record<string, Tensor>,
    sources: number[],
    plans: RowPlan[],
    extra: string[],
  ): Promise<Rows> {
    const { model, points, output, signal } = this.context;
    if (signal?.aborted) throw new MoeScopeError('CANCELLED', 'Cancelled.');
    const rows = plans.length;
    const feeds: Record<string, ReturnType<typeof toOrt>> = {};
    for (const point of points) {
      const n = point.experts;
      const mask = new Float32Array(rows * n).fill(1);
      const keep = new Float32Array(rows).fill(n);
      plans.forEach((plan, r) => {
        const explicit = plan.mask.get(point.layer);
        if (explicit) mask.set(explicit, r * n);
        keep[r] = plan.keep.get(point.layer) ?? n;
      });
      feeds[maskInputName(point.layer)] = toOrt({ dtype: 'float32', shape: [rows, n], data: mask });
      feeds[keepInputName(point.layer)] = toOrt({ dtype: 'float32', shape: [rows, 1], data: keep });
    }
    const results = await model.run(batch, sources, feeds, [output, ...extra]);
    const result = results[output]!;
    // A half-precision model's logits (and any float output) are read as float32.
    const floats = (name: string) => {
      const t = results[name]!;
      const widened = asFloat32(t);
      if (!widened) throw new MoeScopeError('INTERNAL', `${name} is ${t.dtype}, not a float tensor`);
      return widened.data;
    };
    return {
      data: floats(output),
      width: result.shape[1]!,
      extra: Object.fromEntries(extra.map((name) => [name, floats(name)])),
    };
  }
}

/** The unmasked model. */
export const NEUTRAL: RowPlan = { keep: new Map(), mask: new Map() };

/** What a row computes: its input, and per layer the effective keep count and mask (none = all ones). */
function rowKey(source: number, plan: RowPlan, points: readonly MaskPoint[]): string {
  let key = String(source);
  for (const p of points) {
    const keep = Math.min(plan.keep.get(p.layer) ?? p.experts, p.experts);
    const mask = plan.mask.get(p.layer);
    let bits = '';
    for (let e = 0; e < p.experts; e++) {
      const v = mask ? mask[e]! : 1;
      bits += v === 1 ? '1' : v === 0 ? '0' : `(${v})`;
    }
    key += `|${keep}:${bits}`;
  }
  return key;
}
