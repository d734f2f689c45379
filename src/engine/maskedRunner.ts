/**
 * Runs rows of the masked model, each an input of the batch under its own masks (RowPlan), and
 * returns one output row per plan. Rows that repeat one another run once (uniqueRows).
 */
import { MoeScopeError } from '../core/errors';
import { keepInputName, maskInputName, MaskPoint } from '../core/onnx/masks';
import type { Tensor } from '../core/tensor';
import type { MaskedModel } from './maskedModel';
import { toOrt } from './ortTensors';
import { spreadRows, uniqueRows } from './uniqueRows';

export interface RunnerContext {
  model: MaskedModel;
  points: MaskPoint[];
  /** The model output read per row (logits). */
  output: string;
  signal?: AbortSignal;
}

/** One row's masks: for each point, a keep count and an explicit 0/1 mask. */
export interface RowPlan {
  keep: Map<string, number>;
  mask: Map<string, Float32Array>;
}

export class MaskedRunner {
  constructor(private readonly context: RunnerContext) {}

  /** Runs `plans[i]` on input `sources[i]` (indices into the batch `batch`); returns output rows. */
  async run(
    batch: Record<string, Tensor>,
    sources: number[],
    plans: RowPlan[],
    extra: string[] = [],
  ): Promise<{ data: Float32Array; width: number; extra: Record<string, Float32Array> }> {
    const { model, points, output, signal } = this.context;
    if (signal?.aborted) throw new MoeScopeError('CANCELLED', 'Cancelled.');
    const unique = uniqueRows(plans.map((plan, r) => rowKey(sources[r]!, plan, points)));
    const runPlans = unique.first.map((r) => plans[r]!);
    const rows = runPlans.length;
    const feeds: Record<string, ReturnType<typeof toOrt>> = {};
    for (const point of points) {
      const n = point.experts;
      const mask = new Float32Array(rows * n).fill(1);
      const keep = new Float32Array(rows).fill(n);
      runPlans.forEach((plan, r) => {
        const explicit = plan.mask.get(point.layer);
        if (explicit) mask.set(explicit, r * n);
        keep[r] = plan.keep.get(point.layer) ?? n;
      });
      feeds[maskInputName(point.layer)] = toOrt({ dtype: 'float32', shape: [rows, n], data: mask });
      feeds[keepInputName(point.layer)] = toOrt({ dtype: 'float32', shape: [rows, 1], data: keep });
    }
    const runSources = unique.first.map((r) => sources[r]!);
    const results = await model.run(batch, runSources, feeds, [output, ...extra]);
    const result = results[output]!;
    const extras = Object.fromEntries(
      extra.map((name) => [name, spreadRows(results[name]!.data as Float32Array, unique)]),
    );
    return { data: spreadRows(result.data as Float32Array, unique), width: result.shape[1]!, extra: extras };
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
