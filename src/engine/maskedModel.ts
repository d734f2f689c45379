/**
 * Runs rows of a masked model: each row is one input of a batch (by index) with its own expert
 * masks. Two ways, same numbers:
 *   whole:         every row runs the whole model (inputs replicated per row);
 *   shared-prefix: the model is split where the masks first act (core/onnx/split); the prefix runs
 *                  once per input and Gather nodes copy its outputs to the rows the suffix runs
 *                  (core/onnx/rowsModel), all in one session run, so a k = 1…n curve pays for the
 *                  unmasked part of the network once, not n times.
 * The split is used when a probe shows that every tensor crossing the cut either follows the batch
 * along one axis or does not depend on the input; otherwise the whole model runs.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { InputSet } from '../core/data';
import { indexGraph, GraphIndex } from '../core/onnx/graph';
import { keepInputName, maskInputName, MaskPoint } from '../core/onnx/masks';
import {
  buildRowsModel,
  Crossing,
  entryTag,
  gathersOf,
  MaskInput,
  planRows,
  rowIndices,
  rowsInputName,
} from '../core/onnx/rowsModel';
import { sizeOf, Tensor, TYPED_ARRAYS } from '../core/tensor';
import { fromOrt, toOrt } from './ortTensors';

export interface MaskedModel {
  readonly mode: 'whole' | 'shared-prefix';
  /** Why the split is not used (whole mode only). */
  readonly reason?: string;
  /** Bytes each row copies from the shared prefix (shared-prefix mode only). */
  readonly rowBytes?: number;
  /**
   * Runs row r on input sources[r] of `batch` with mask feeds of rows.length rows; returns
   * `outputs`, one row each (extra tensors the split model reads from the full model per input).
   */
  run(
    batch: Record<string, Tensor>,
    sources: number[],
    maskFeeds: Record<string, OrtTensor>,
    outputs: string[],
  ): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

type OpenSession = (bytes: Uint8Array) => Promise<InferenceSession>;

/** Rows of `t` along `axis`, in blocks of `block` per input: block sources[r] becomes row block r. */
export function replicateAlong(t: Tensor, axis: number, block: number, sources: number[]): Tensor {
  const outer = sizeOf(t.shape.slice(0, axis));
  const inner = sizeOf(t.shape.slice(axis + 1)) * block;
  const total = t.shape[axis]!;
  const data = new TYPED_ARRAYS[t.dtype](outer * sources.length * inner) as Float32Array;
  const from = t.data as Float32Array;
  for (let o = 0; o < outer; o++) {
    const base = o * total * (inner / block);
    sources.forEach((source, r) =>
      data.set(
        from.subarray(base + source * inner, base + (source + 1) * inner),
        (o * sources.length + r) * inner,
      ),
    );
  }
  const shape = [...t.shape];
  shape[axis] = sources.length * block;
  return { dtype: t.dtype, shape, data } as Tensor;
}

function feedsFor(session: InferenceSession, tensors: Record<string, Tensor>): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const name of session.inputNames) if (tensors[name]) feeds[name] = toOrt(tensors[name]);
  return feeds;
}

async function runAll(
  session: InferenceSession,
  feeds: Record<string, OrtTensor>,
  outputs: string[],
): Promise<Record<string, Tensor>> {
  const results = await session.run(feeds, outputs);
  return Object.fromEntries(outputs.map((name) => [name, fromOrt(name, results[name]!)]));
}

export function wholeModel(session: InferenceSession, reason?: string): MaskedModel {
  return {
    mode: 'whole',
    ...(reason ? { reason } : {}),
    async run(batch, sources, maskFeeds, outputs) {
      const feeds: Record<string, OrtTensor> = { ...maskFeeds };
      for (const [name, t] of Object.entries(batch)) feeds[name] = toOrt(replicateAlong(t, 0, 1, sources));
      return runAll(session, feeds, outputs);
    },
    release: () => session.release(),
  };
}

function close(a: Tensor, b: Tensor, offsetA: number, offsetB: number, length: number): boolean {
  const x = a.data as ArrayLike<number | bigint>;
  const y = b.data as ArrayLike<number | bigint>;
  for (let i = 0; i < length; i++) {
    const u = x[offsetA + i]!;
    const v = y[offsetB + i]!;
    if (typeof u === 'bigint' || typeof v === 'bigint') {
      if (u !== v) return false;
    } else if (!(Math.abs(u - v) <= 1e-4 * (1 + Math.abs(v))) && !(Number.isNaN(u) && Number.isNaN(v))) {
      return false;
    }
  }
  return true;
}

/** Does `both` (inputs 0 and 1 as a batch) hold `one` then `two` along `axis`? */
function concatenates(both: Tensor, one: Tensor, two: Tensor, axis: number): boolean {
  const outer = sizeOf(one.shape.slice(0, axis));
  const part = sizeOf(one.shape.slice(axis));
  for (let o = 0; o < outer; o++) {
    if (!close(one, both, o * part, o * 2 * part, part)) return false;
    if (!close(two, both, o * part, o * 2 * part + part, part)) return false;
  }
  return true;
}

function crossingOf(one: Tensor, two: Tensor, both: Tensor): Crossing | undefined {
  const same = (p: number[], q: number[]) => p.length === q.length && p.every((d, i) => d === q[i]);
  if (!same(one.shape, two.shape) || one.shape.length !== both.shape.length) return undefined;
  if (same(one.shape, both.shape)) {
    const n = sizeOf(one.shape);
    return close(one, both, 0, 0, n) && close(two, both, 0, 0, n) ? 'constant' : undefined;
  }
  const axes = one.shape.flatMap((d, i) => (both.shape[i] === 2 * d && d > 0 ? [i] : []));
  const other = both.shape.every((d, i) => axes.includes(i) || d === one.shape[i]);
  if (axes.length !== 1 || !other) return undefined;
  return concatenates(both, one, two, axes[0]!) ? { axis: axes[0]!, block: one.shape[axes[0]!]! } : undefined;
}

/** Rows of a batch of model inputs. */
function batchSize(batch: Record<string, Tensor>): number {
  return Object.values(batch)[0]?.shape[0] ?? 0;
}

/** The base's masks, for those `session` reads: every input neutral, one row per input. */
function neutralFeeds(
  session: InferenceSession,
  points: MaskInput[][],
  rows: number,
): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const m of points.flat())
    if (session.inputNames.includes(m.name))
      feeds[m.name] = toOrt({
        dtype: 'float32',
        shape: [rows, m.width],
        data: new Float32Array(rows * m.width).fill(m.neutral),
      });
  return feeds;
}

/** Copies row `from` of a [rows, width] tensor's data (or `neutral` for -1) into row `to` of `into`. */
function copyRow(
  into: Float32Array,
  to: number,
  from: Float32Array,
  row: number,
  width: number,
  neutral: number,
): void {
  if (row < 0) into.fill(neutral, to * width, (to + 1) * width);
  else into.set(from.subarray(row * width, (row + 1) * width), to * width);
}

/**
 * Builds the rows model (core/onnx/rowsModel) for masked points given by their mask inputs, with
 * an entry at the `first` point or at `each`, after checking the cut on `probe` (two inputs, or
 * one given twice); returns it, or why the whole model must run. `outputs` come per row; `extras`
 * are the full model's, one per input, copied to its rows.
 */
export async function openSharedPrefix(
  bytes: Uint8Array,
  index: GraphIndex,
  points: MaskInput[][],
  outputs: string[],
  extras: string[],
  probe: [Record<string, Tensor>, Record<string, Tensor>],
  open: OpenSession,
  entriesAt: 'first' | 'each' = 'first',
): Promise<MaskedModel | string> {
  const plan = planRows(index, points, extras, entriesAt);
  if (typeof plan === 'string') return plan;
  let base: InferenceSession | undefined;
  try {
    const probed = [...new Set([...plan.cuts, ...extras])];
    base = await open(buildRowsModel(bytes, index, plan, probed));
    const both = Object.fromEntries(
      Object.entries(probe[0]).map(([name, t]) => {
        const joined = replicateAlong(t, 0, 1, [0, 0]);
        const second = probe[1][name]!;
        (joined.data as Float32Array).set(second.data as Float32Array, sizeOf(t.shape.slice(1)));
        return [name, joined];
      }),
    );
    const run = (inputs: Record<string, Tensor>) =>
      runAll(
        base!,
        { ...feedsFor(base!, inputs), ...neutralFeeds(base!, points, batchSize(inputs)) },
        probed,
      );
    const [one, two, joined] = [await run(probe[0]), await run(probe[1]), await run(both)];
    // Check the cut before building and loading the rows model, which a failed check would not use.
    const crossings = new Map<string, Crossing>();
    for (const name of probed) {
      const crossing = crossingOf(one[name]!, two[name]!, joined[name]!);
      if (!crossing) throw new Error(`${name} does not follow the batch`);
      crossings.set(name, crossing);
    }
    for (const name of extras) {
      const crossing = crossings.get(name);
      if (crossing === 'constant' || crossing?.axis !== 0 || crossing.block !== 1)
        throw new Error(`${name} is not one row per input`);
    }
    await base.release();
    base = undefined;
    const session = await open(buildRowsModel(bytes, index, plan, extras, { crossings, outputs }));
    const gathers = plan.entries.map((_, e) => gathersOf(plan, e, crossings));
    // What one row copies from the base: the largest entry's cut.
    const rowBytes = Math.max(
      ...gathers.map((list) =>
        list.reduce((sum, g) => sum + (one[g.name] ?? probe[0][g.name]!).data.byteLength, 0),
      ),
    );
    const inputs = new Map(plan.points.flat().map((m) => [m.name, m] as const));
    const model: MaskedModel = {
      mode: 'shared-prefix',
      rowBytes,
      async run(batch, sources, maskFeeds, wanted) {
        const masks = (m: MaskInput) => maskFeeds[m.name]!.data as Float32Array;
        const neutral = (m: MaskInput, r: number) =>
          masks(m)
            .subarray(r * m.width, (r + 1) * m.width)
            .every((v) => v === m.neutral);
        // Each row runs in the latest entry that starts at or before its first non-neutral mask.
        const members: number[][] = plan.entries.map(() => []);
        const entryOf = sources.map((_, r) => {
          const first = plan.points.findIndex((point) => point.some((m) => !neutral(m, r)));
          const at = first < 0 ? plan.points.length : first;
          let e = 0;
          while (e + 1 < plan.entries.length && plan.entries[e + 1]!.start <= at) e++;
          members[e]!.push(r);
          return e;
        });
        const feeds: Record<string, OrtTensor> = {
          ...feedsFor(session, batch),
          ...neutralFeeds(session, points, batchSize(batch)),
        };
        plan.entries.forEach((entry, e) => {
          // An entry without rows still needs its inputs: one neutral row, read by nobody.
          const rows = members[e]!.length > 0 ? members[e]! : [-1];
          for (const name of entry.masks) {
            const m = inputs.get(name)!;
            const data = new Float32Array(rows.length * m.width);
            rows.forEach((row, j) => copyRow(data, j, masks(m), row, m.width, m.neutral));
            feeds[name + entryTag(e)] = toOrt({ dtype: 'float32', shape: [rows.length, m.width], data });
          }
          const from = rows.map((row) => (row < 0 ? 0 : sources[row]!));
          for (const block of new Set(gathers[e]!.map((g) => g.block))) {
            const indices = rowIndices(from, block);
            feeds[rowsInputName(e, block)] = toOrt({
              dtype: 'int64',
              shape: [indices.length],
              data: indices,
            });
          }
        });
        const perRow = wanted.filter((name) => outputs.includes(name));
        const fromBase = wanted.filter((name) => !outputs.includes(name));
        const fetch = [
          ...fromBase,
          ...perRow.flatMap((name) => plan.entries.map((_, e) => name + entryTag(e))),
        ];
        const results = await runAll(session, feeds, fetch);
        const assembled: Record<string, Tensor> = {};
        for (const name of fromBase) assembled[name] = replicateAlong(results[name]!, 0, 1, sources);
        const position = new Map(members.flatMap((rows) => rows.map((row, j) => [row, j] as const)));
        for (const name of perRow) {
          const first = results[name + entryTag(0)]!;
          const width = sizeOf(first.shape.slice(1));
          const data = new TYPED_ARRAYS[first.dtype](sources.length * width) as Float32Array;
          entryOf.forEach((e, r) => {
            const from = results[name + entryTag(e)]!.data as Float32Array;
            const row = position.get(r)!;
            data.set(from.subarray(row * width, (row + 1) * width), r * width);
          });
          assembled[name] = {
            dtype: first.dtype,
            shape: [sources.length, ...first.shape.slice(1)],
            data,
          } as Tensor;
        }
        return assembled;
      },
      release: () => session.release(),
    };
    return model;
  } catch (error) {
    await base?.release();
    return (error as Error).message.split('\n')[0]!;
  }
}

/** Each point's mask inputs (addExpertMasks) with their neutral values: mask ones, keep = n. */
export function maskInputsOf(points: readonly MaskPoint[]): MaskInput[][] {
  return points.map((p) => [
    { name: maskInputName(p.layer), width: p.experts, neutral: 1 },
    { name: keepInputName(p.layer), width: 1, neutral: p.experts },
  ]);
}

/**
 * The masked model, split at its masks when the cut checks out on the first two inputs, else
 * whole (`reason` says why).
 */
export async function openMaskedModel(options: {
  bytes: Uint8Array;
  path: string;
  points: MaskPoint[];
  output: string;
  inputs: InputSet;
  count: number;
  open: OpenSession;
  split?: boolean;
  /** Tensors read per input from the full model (the shared-subsets study's scores). */
  extras?: string[];
  /** One entry per point for per-layer rows, or only at the first for all-layers rows. */
  entriesAt?: 'first' | 'each';
}): Promise<MaskedModel> {
  const { bytes, points, inputs, count, open } = options;
  let reason = 'turned off';
  if (options.split !== false && count > 0) {
    try {
      const probe: [Record<string, Tensor>, Record<string, Tensor>] = [
        inputs.batch(0, 1),
        inputs.batch(Math.min(1, count - 1), Math.min(2, count)),
      ];
      const shared = await openSharedPrefix(
        bytes,
        indexGraph(bytes, options.path),
        maskInputsOf(points),
        [options.output],
        options.extras ?? [],
        probe,
        open,
        options.entriesAt,
      );
      if (typeof shared !== 'string') return shared;
      reason = shared;
    } catch (error) {
      reason = (error as Error).message.split('\n')[0]!;
    }
  }
  return wholeModel(await open(bytes), reason);
}
