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
import { keepInputName, maskInputName, MaskPoint, scoresTensorName } from '../core/onnx/masks';
import { buildRowsModel, Crossing, rowIndices, rowsInputName } from '../core/onnx/rowsModel';
import { buildPrefix, planMaskSplit } from '../core/onnx/split';
import { sizeOf, Tensor, TYPED_ARRAYS } from '../core/tensor';
import { fromOrt, toOrt } from './ortTensors';

export interface MaskedModel {
  readonly mode: 'whole' | 'shared-prefix';
  /** Why the split is not used (whole mode only). */
  readonly reason?: string;
  /** Bytes each row copies from the shared prefix (shared-prefix mode only). */
  readonly rowBytes?: number;
  /** Runs row r on input sources[r] of `batch` with mask feeds of rows.length rows; returns `outputs`. */
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

/**
 * Splits the masked model and checks the cut on `probe` (two inputs, or one given twice); returns
 * the shared-prefix model, or why the whole model must run.
 */
export async function openSharedPrefix(
  bytes: Uint8Array,
  index: GraphIndex,
  masks: ReadonlySet<string>,
  outputs: string[],
  extras: string[],
  probe: [Record<string, Tensor>, Record<string, Tensor>],
  open: OpenSession,
): Promise<MaskedModel | string> {
  const plan = planMaskSplit(index, masks, extras);
  if (typeof plan === 'string') return plan;
  const built = buildPrefix(bytes, index, plan);
  let prefix: InferenceSession | undefined;
  try {
    prefix = await open(built.bytes);
    const both = Object.fromEntries(
      Object.entries(probe[0]).map(([name, t]) => {
        const joined = replicateAlong(t, 0, 1, [0, 0]);
        const second = probe[1][name]!;
        (joined.data as Float32Array).set(second.data as Float32Array, sizeOf(t.shape.slice(1)));
        return [name, joined];
      }),
    );
    const run = (inputs: Record<string, Tensor>) => runAll(prefix!, feedsFor(prefix!, inputs), built.outputs);
    const [one, two, joined] = [await run(probe[0]), await run(probe[1]), await run(both)];
    // Check the cut before building and loading the rows model, which a failed check would not use.
    const crossings = new Map<string, Crossing>();
    for (const name of built.outputs) {
      const crossing = crossingOf(one[name]!, two[name]!, joined[name]!);
      if (!crossing) throw new Error(`${name} does not follow the batch`);
      crossings.set(name, crossing);
    }
    for (const name of plan.prefixExtras) {
      const crossing = crossings.get(name);
      if (crossing === 'constant' || crossing?.axis !== 0 || crossing.block !== 1)
        throw new Error(`${name} is not one row per input`);
    }
    await prefix.release();
    prefix = undefined;
    const rows = buildRowsModel(bytes, index, plan, crossings, outputs);
    const session = await open(rows.bytes);
    // What one row copies: each cut tensor that follows the batch, and the model inputs the suffix reads.
    let rowBytes = 0;
    for (const name of plan.cut) {
      const crossing = crossings.get(name);
      if (crossing === 'constant') continue;
      rowBytes += (crossing ? one[name]! : probe[0][name]!).data.byteLength;
    }
    const model: MaskedModel = {
      mode: 'shared-prefix',
      rowBytes,
      async run(batch, sources, maskFeeds, wanted) {
        const feeds: Record<string, OrtTensor> = { ...feedsFor(session, batch) };
        for (const name of session.inputNames) if (maskFeeds[name]) feeds[name] = maskFeeds[name];
        for (const block of rows.blocks) {
          const indices = rowIndices(sources, block);
          feeds[rowsInputName(block)] = toOrt({ dtype: 'int64', shape: [indices.length], data: indices });
        }
        const results = await runAll(session, feeds, wanted);
        // The prefix's extras come out one row per input.
        for (const name of wanted)
          if (plan.prefixExtras.includes(name)) results[name] = replicateAlong(results[name]!, 0, 1, sources);
        return results;
      },
      release: () => session.release(),
    };
    return model;
  } catch (error) {
    await prefix?.release();
    return (error as Error).message.split('\n')[0]!;
  }
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
}): Promise<MaskedModel> {
  const { bytes, points, inputs, count, open } = options;
  let reason = 'turned off';
  if (options.split !== false && count > 0) {
    try {
      const probe: [Record<string, Tensor>, Record<string, Tensor>] = [
        inputs.batch(0, 1),
        inputs.batch(Math.min(1, count - 1), Math.min(2, count)),
      ];
      const masks = new Set(points.flatMap((p) => [maskInputName(p.layer), keepInputName(p.layer)]));
      const scores = points.map((p) => scoresTensorName(p.layer));
      const index = indexGraph(bytes, options.path);
      const shared = await openSharedPrefix(bytes, index, masks, [options.output], scores, probe, open);
      if (typeof shared !== 'string') return shared;
      reason = shared;
    } catch (error) {
      reason = (error as Error).message.split('\n')[0]!;
    }
  }
  return wholeModel(await open(bytes), reason);
}
