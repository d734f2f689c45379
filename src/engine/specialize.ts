/**
 * Expert-subset specialization (Chung et al.): how well the model does when each input keeps only
 * its k best experts per layer (ranked by Algorithm 1), against random subsets of the same size,
 * the exhaustive optimum for small layers, and single-expert knockouts.
 *
 * Every evaluation is a row of one batched run of the masked model: an input is replicated once
 * per (k, seed) and each row carries its own mask and k, so the whole k = 1…n curve for a batch of
 * inputs costs one `run`, not n (and, split at the masks, the unmasked prefix once per input).
 */
import type { InputSet } from '../core/data';
import { MaskPoint, scoresTensorName } from '../core/onnx/masks';
import { CurveBuilder } from '../core/specialization/curves';
import { argmax, klFromLogs, logSoftmax } from '../core/specialization/outputs';
import { seededRandom } from '../core/data/random';
import { choose, combinations, randomSubset } from '../core/specialization/subsets';
import type {
  Knockout,
  OptimalSearch,
  Specialization,
  SpecializationCurve,
} from '../core/specialization/types';
import type { MaskedModel } from './maskedModel';
import { MaskedRunner, NEUTRAL, RowPlan } from './maskedRunner';

export interface SpecializeOptions {
  scope?: 'layer' | 'all' | 'both';
  seeds?: number;
  /** Exhaustive optimum for layers with at most this many experts (0 turns it off). */
  maxExhaustiveExperts?: number;
  /** Subsets tried per input and layer before the exhaustive search gives up. */
  exhaustiveCap?: number;
  knockout?: boolean;
  /** Rows per run of the masked model. */
  rowsPerRun?: number;
  /**
   * per-input (Algorithm 1): every input ranks its own experts. shared (the batch variant): one
   * ranking per group from the scores summed over the group's inputs on the full model; the group
   * is every input, or each class when `sharedBy` is "class" and labels are given.
   */
  subsets?: 'per-input' | 'shared';
  sharedBy?: 'all' | 'class';
  /** Drop experts by −∞ logits before both softmaxes (combine renormalised) instead of zeroing their outputs. */
  renormalize?: boolean;
  /** Split the model at its masks and run the unmasked prefix once per input (default true). */
  sharedPrefix?: boolean;
}

export interface SpecializeContext {
  model: MaskedModel;
  points: MaskPoint[];
  inputs: InputSet;
  count: number;
  labels?: Int32Array;
  output: string;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  /** Overrides how many bytes of shared tensors one session run may copy (see MaskedRunner). */
  rowBytesPerRun?: number;
}

export async function runSpecialization(
  context: SpecializeContext,
  options: SpecializeOptions = {},
): Promise<Specialization> {
  const seeds = Math.max(1, options.seeds ?? 10);
  const scope = options.scope ?? 'both';
  const rowsPerRun = options.rowsPerRun ?? 2048;
  const { points, labels, count } = context;
  const runner = new MaskedRunner(context);
  const notes: string[] = [];
  const groups: { name: string; layers: MaskPoint[] }[] = [];
  // With one maskable layer, its own curve is the all-layers curve.
  if (scope !== 'all' || points.length === 1)
    for (const p of points) groups.push({ name: p.layer, layers: [p] });
  if (scope === 'all' && points.length === 1)
    notes.push(`${points[0]!.layer} is the only maskable MoE layer, so its curve is the all-layers curve.`);
  if (scope !== 'layer' && points.length > 1) {
    const n = points[0]!.experts;
    if (points.every((p) => p.experts === n)) groups.push({ name: 'all', layers: points });
    else notes.push('The all-layers curve needs the same number of experts in every layer; skipped.');
  }
  const builders = groups.map((g) => new CurveBuilder(g.name, g.layers[0]!.experts, seeds));
  const perInputRows = groups.reduce((sum, g) => sum + g.layers[0]!.experts * (1 + seeds), 1);
  const inputsPerRun = Math.max(1, Math.floor(rowsPerRun / perInputRows));
  const knockout = options.knockout ?? true;
  const knock = new Map(
    points.map((p) => [
      p.layer,
      {
        acc: new Float64Array(p.experts),
        agree: new Float64Array(p.experts),
        kl: new Float64Array(p.experts),
      },
    ]),
  );
  let baselineCorrect = 0;
  let logFull = new Float64Array(0);
  let logMasked = new Float64Array(0);
  const fullPredictions = new Int32Array(count);
  const shared =
    options.subsets === 'shared'
      ? await sharedScores(context, runner, options, inputsPerRun, notes)
      : undefined;
  const groupKey = (index: number) =>
    options.sharedBy === 'class' && labels ? `class ${labels[index]}` : 'all';
  for (let start = 0; start < count; start += inputsPerRun) {
    const end = Math.min(count, start + inputsPerRun);
    const batch = context.inputs.batch(start, end);
    const sources: number[] = [];
    const plans: RowPlan[] = [];
    for (let j = 0; j < end - start; j++) {
      const index = start + j;
      sources.push(j);
      plans.push(NEUTRAL);
      groups.forEach((group, g) => {
        const n = group.layers[0]!.experts;
        for (let k = 1; k <= n; k++) {
          sources.push(j);
          plans.push(
            shared
              ? {
                  keep: new Map(),
                  mask: new Map(
                    group.layers.map((p) => [
                      p.layer,
                      topKMask(shared.get(groupKey(index))!.get(p.layer)!, k),
                    ]),
                  ),
                }
              : { keep: new Map(group.layers.map((p) => [p.layer, k])), mask: new Map() },
          );
        }
        for (let s = 0; s < seeds; s++) {
          for (let k = 1; k <= n; k++) {
            const mask = new Map<string, Float32Array>();
            group.layers.forEach((p, l) => {
              // Seeded by (seed, input, layer, k): the same subsets however the inputs are batched.
              const random = seededRandom(((s * 1_000_003 + index) * 131 + l * 17 + g) * 64 + k);
              const m = new Float32Array(p.experts);
              randomSubset(p.experts, k, random, m);
              mask.set(p.layer, m);
            });
            sources.push(j);
            plans.push({ keep: new Map(), mask });
          }
        }
      });
      if (knockout) {
        for (const p of points) {
          for (let e = 0; e < p.experts; e++) {
            const m = new Float32Array(p.experts).fill(1);
            m[e] = 0;
            sources.push(j);
            plans.push({ keep: new Map(), mask: new Map([[p.layer, m]]) });
          }
        }
      }
    }
    const { data, width } = await runner.run(batch, sources, plans);
    if (logFull.length !== width) [logFull, logMasked] = [new Float64Array(width), new Float64Array(width)];
    let row = 0;
    for (let j = 0; j < end - start; j++) {
      const index = start + j;
      const label = labels?.[index];
      const full = argmax(data, row * width, width);
      fullPredictions[index] = full;
      if (label !== undefined && full === label) baselineCorrect++;
      logSoftmax(data, row * width, width, logFull);
      row++;
      const readRow = () => {
        logSoftmax(data, row * width, width, logMasked);
        const result = { pred: argmax(data, row * width, width), kl: klFromLogs(logFull, logMasked) };
        row++;
        return result;
      };
      groups.forEach((group, g) => {
        const n = group.layers[0]!.experts;
        const ranked = Array.from({ length: n }, readRow);
        const random = Array.from({ length: seeds }, () => Array.from({ length: n }, readRow));
        builders[g]!.add(
          full,
          label,
          ranked.map((r) => r.pred),
          ranked.map((r) => r.kl),
          random.map((s) => s.map((r) => r.pred)),
          random.map((s) => s.map((r) => r.kl)),
        );
      });
      if (knockout) {
        for (const p of points) {
          const t = knock.get(p.layer)!;
          for (let e = 0; e < p.experts; e++) {
            const r = readRow();
            t.agree[e]! += r.pred === full ? 1 : 0;
            t.acc[e]! += label !== undefined && r.pred === label ? 1 : 0;
            t.kl[e]! += r.kl;
          }
        }
      }
    }
    context.progress?.(end, count);
  }
  const curves = builders.map((b) => b.result());
  const hasLabels = labels !== undefined && count > 0;
  const baselineAccuracy = hasLabels ? baselineCorrect / count : undefined;
  // The optimum is searched per layer, so it is compared with the per-layer ranked curves.
  const optimal =
    scope === 'all'
      ? undefined
      : await optimalSearches(context, runner, curves, fullPredictions, options, notes);
  return {
    method: 'combine-mass',
    scope: scope === 'layer' ? 'per-layer' : scope === 'all' ? 'all-layers' : 'both',
    subsets: options.subsets ?? 'per-input',
    renormalized: options.renormalize === true,
    inputs: count,
    evaluation: context.model.mode === 'shared-prefix' ? 'shared-prefix' : 'whole-model',
    baseline: { ...(baselineAccuracy !== undefined ? { accuracy: baselineAccuracy } : {}), agreement: 1 },
    curves,
    ...(optimal ? { optimal } : {}),
    ...(knockout ? { knockout: knockoutSummary(points, knock, count, baselineAccuracy) } : {}),
    fractions: fractionsOf(curves, hasLabels),
    notes,
  };
}

function knockoutSummary(
  points: MaskPoint[],
  knock: Map<string, { acc: Float64Array; agree: Float64Array; kl: Float64Array }>,
  count: number,
  baselineAccuracy: number | undefined,
): Record<string, Knockout> {
  const out: Record<string, Knockout> = {};
  for (const p of points) {
    const t = knock.get(p.layer)!;
    out[p.layer] = {
      ...(baselineAccuracy !== undefined
        ? { accuracyDrop: Array.from(t.acc, (c) => baselineAccuracy - c / count) }
        : {}),
      agreementDrop: Array.from(t.agree, (c) => 1 - c / count),
      klIncrease: Array.from(t.kl, (v) => v / count),
    };
  }
  return out;
}

function fractionsOf(curves: SpecializationCurve[], hasLabels: boolean): Specialization['fractions'] {
  const out: Specialization['fractions'] = [];
  const metric = hasLabels ? 'accuracy' : 'agreement';
  for (const curve of curves) {
    for (const [fraction, divisor] of [
      ['1/2', 2],
      ['1/4', 4],
      ['1/8', 8],
    ] as const) {
      const k = curve.experts / divisor;
      if (!Number.isInteger(k) || k < 1) continue;
      const ranked = (hasLabels ? curve.ranked.accuracy! : curve.ranked.agreement)[k - 1]!;
      const random = (hasLabels ? curve.random.accuracy! : curve.random.agreement)[k - 1]!;
      const randomStd = (hasLabels ? curve.random.std.accuracy! : curve.random.std.agreement)[k - 1]!;
      out.push({
        layer: curve.layer,
        fraction,
        k,
        metric,
        ranked,
        random,
        randomStd,
        rankedKl: curve.ranked.kl[k - 1]!,
        randomKl: curve.random.kl[k - 1]!,
      });
    }
  }
  return out;
}

/**
 * The exhaustive optimum per layer (others kept whole): for k = 1, 2, … the first k for which some
 * k-subset preserves the full prediction. Stops at `exhaustiveCap` subsets per input and says so.
 */
async function optimalSearches(
  context: SpecializeContext,
  runner: MaskedRunner,
  curves: SpecializationCurve[],
  full: Int32Array,
  options: SpecializeOptions,
  notes: string[],
): Promise<Record<string, OptimalSearch> | undefined> {
  const limit = options.maxExhaustiveExperts ?? 16;
  const cap = options.exhaustiveCap ?? 4096;
  const rowsPerRun = options.rowsPerRun ?? 2048;
  const eligible = context.points.filter((p) => p.experts <= limit);
  if (eligible.length === 0) return undefined;
  const skipped = context.points.filter((p) => p.experts > limit).map((p) => p.layer);
  if (skipped.length)
    notes.push(`No exhaustive optimum for ${skipped.join(', ')}: more than ${limit} experts.`);
  const out: Record<string, OptimalSearch> = {};
  for (const point of eligible) {
    const n = point.experts;
    const optimalK: (number | null)[] = [];
    let capped = 0;
    for (let index = 0; index < context.count; index++) {
      const batch = context.inputs.batch(index, index + 1);
      let found: number | null = null;
      let tried = 0;
      for (let k = 1; k <= n && found === null && tried < cap; k++) {
        const subsets = combinations(n, k);
        let pending: RowPlan[] = [];
        const flush = async () => {
          if (pending.length === 0) return;
          const { data, width } = await runner.run(
            batch,
            pending.map(() => 0),
            pending,
          );
          for (let r = 0; r < pending.length; r++)
            if (argmax(data, r * width, width) === full[index]) found = k;
          pending = [];
        };
        for (const subset of subsets) {
          if (tried >= cap) break;
          const m = new Float32Array(n);
          for (const e of subset) m[e] = 1;
          pending.push({ keep: new Map(), mask: new Map([[point.layer, m]]) });
          tried++;
          if (pending.length >= Math.min(rowsPerRun, choose(n, k))) await flush();
          if (found !== null) break;
        }
        await flush();
      }
      if (found === null && tried >= cap) capped++;
      optimalK.push(found);
    }
    const ranked = curves.find((c) => c.layer === point.layer)?.smallestK ?? [];
    const gap = optimalK.flatMap((o, i) =>
      o !== null && ranked[i] !== null && ranked[i] !== undefined ? [ranked[i]! - o] : [],
    );
    out[point.layer] = { optimalK, gap, capped, cap };
    if (capped)
      notes.push(`${point.layer}: the exhaustive search stopped at ${cap} subsets for ${capped} input(s).`);
  }
  return out;
}

/** A 0/1 mask keeping the k best-scored experts (lower index first among equal scores). */
function topKMask(scores: Float64Array, k: number): Float32Array {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const mask = new Float32Array(scores.length);
  for (const e of order.slice(0, k)) mask[e] = 1;
  return mask;
}

/**
 * The batch variant's shared rankings: per group (all inputs, or each class), per layer, the
 * Algorithm 1 scores of the full model summed over the group's inputs.
 */
async function sharedScores(
  context: SpecializeContext,
  runner: MaskedRunner,
  options: SpecializeOptions,
  inputsPerRun: number,
  notes: string[],
): Promise<Map<string, Map<string, Float64Array>>> {
  const byClass = options.sharedBy === 'class' && context.labels !== undefined;
  if (options.sharedBy === 'class' && !byClass)
    notes.push('Shared subsets per class need labels; one subset is shared by all inputs.');
  const names = context.points.map((p) => scoresTensorName(p.layer));
  const sums = new Map<string, Map<string, Float64Array>>();
  for (let start = 0; start < context.count; start += inputsPerRun) {
    const end = Math.min(context.count, start + inputsPerRun);
    const rows = Array.from({ length: end - start }, (_, j) => j);
    const { extra } = await runner.run(
      context.inputs.batch(start, end),
      rows,
      rows.map(() => NEUTRAL),
      names,
    );
    for (let j = 0; j < rows.length; j++) {
      const key = byClass ? `class ${context.labels![start + j]}` : 'all';
      const group =
        sums.get(key) ?? new Map(context.points.map((p) => [p.layer, new Float64Array(p.experts)]));
      sums.set(key, group);
      context.points.forEach((p, i) => {
        const scores = extra[names[i]!]!;
        const total = group.get(p.layer)!;
        for (let e = 0; e < p.experts; e++) total[e]! += scores[j * p.experts + e]!;
      });
    }
  }
  notes.push(
    `Shared subsets: one ranking per ${byClass ? 'class' : 'set of inputs'} from summed Algorithm 1 scores of the full model.`,
  );
  return sums;
}
