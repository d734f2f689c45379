/**
 * The shared-prefix masked model: builds the rows model (core/onnx/rowsModel) once the cut checks
 * out on two real inputs, and runs rows through it, each in the entry its masks call for.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { GraphIndex } from '../core/onnx/graph';
import {
  buildRowsModel,
  Crossing,
  entryTag,
  gathersOf,
  MaskInput,
  planRows,
  RowsPlan,
  rowIndices,
  rowsInputName,
} from '../core/onnx/rowsModel';
import { sizeOf, Tensor, TYPED_ARRAYS } from '../core/tensor';
import { crossingOf } from './cutProbe';
import type { MaskedModel, OpenSession } from './maskedModel';
import { toOrt } from './ortTensors';
import { batchSize, feedsFor, replicateAlong, runAll } from './rowTensors';

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

/** Which entry each row runs in and at which of its rows, and each entry's rows in order. */
interface Routing {
  entryOf: number[];
  slot: number[];
  members: number[][];
}

/** Each row runs in the latest entry that starts at or before its first non-neutral mask. */
function routeRows(plan: RowsPlan, maskFeeds: Record<string, OrtTensor>, rows: number): Routing {
  const neutral = (m: MaskInput, r: number) =>
    (maskFeeds[m.name]!.data as Float32Array)
      .subarray(r * m.width, (r + 1) * m.width)
      .every((v) => v === m.neutral);
  const members: number[][] = plan.entries.map(() => []);
  const slot: number[] = [];
  const entryOf = Array.from({ length: rows }, (_, r) => {
    const first = plan.points.findIndex((point) => point.some((m) => !neutral(m, r)));
    const at = first < 0 ? plan.points.length : first;
    let e = 0;
    while (e + 1 < plan.entries.length && plan.entries[e + 1]!.start <= at) e++;
    slot.push(members[e]!.push(r) - 1);
    return e;
  });
  return { entryOf, slot, members };
}

/** Each entry's mask inputs (its rows' masks) and row indices (the inputs they copy). */
function entryFeeds(
  plan: RowsPlan,
  gathers: { block: number }[][],
  routing: Routing,
  maskFeeds: Record<string, OrtTensor>,
  sources: number[],
): Record<string, OrtTensor> {
  const inputs = new Map(plan.points.flat().map((m) => [m.name, m] as const));
  const feeds: Record<string, OrtTensor> = {};
  plan.entries.forEach((entry, e) => {
    // An entry without rows still needs its inputs: one neutral row, read by nobody.
    const rows = routing.members[e]!.length > 0 ? routing.members[e]! : [-1];
    for (const name of entry.masks) {
      const m = inputs.get(name)!;
      const data = new Float32Array(rows.length * m.width);
      const from = maskFeeds[name]!.data as Float32Array;
      rows.forEach((row, j) => copyRow(data, j, from, row, m.width, m.neutral));
      feeds[name + entryTag(e)] = toOrt({ dtype: 'float32', shape: [rows.length, m.width], data });
    }
    const copies = rows.map((row) => (row < 0 ? 0 : sources[row]!));
    for (const block of new Set(gathers[e]!.map((g) => g.block))) {
      const indices = rowIndices(copies, block);
      feeds[rowsInputName(e, block)] = toOrt({ dtype: 'int64', shape: [indices.length], data: indices });
    }
  });
  return feeds;
}

/** Output `name` of every row, from the entry each ran in, back in row order. */
function rowsInOrder(results: Record<string, Tensor>, name: string, routing: Routing): Tensor {
  const first = results[name + entryTag(0)]!;
  const width = sizeOf(first.shape.slice(1));
  const data = new TYPED_ARRAYS[first.dtype](routing.entryOf.length * width) as Float32Array;
  routing.entryOf.forEach((e, r) => {
    const from = results[name + entryTag(e)]!.data as Float32Array;
    const row = routing.slot[r]!;
    data.set(from.subarray(row * width, (row + 1) * width), r * width);
  });
  return { dtype: first.dtype, shape: [routing.entryOf.length, ...first.shape.slice(1)], data } as Tensor;
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
    const model: MaskedModel = {
      mode: 'shared-prefix',
      rowBytes,
      async run(batch, sources, maskFeeds, wanted) {
        const routing = routeRows(plan, maskFeeds, sources.length);
        const feeds: Record<string, OrtTensor> = {
          ...feedsFor(session, batch),
          ...neutralFeeds(session, points, batchSize(batch)),
          ...entryFeeds(plan, gathers, routing, maskFeeds, sources),
        };
        const perRow = wanted.filter((name) => outputs.includes(name));
        const fromBase = wanted.filter((name) => !outputs.includes(name));
        const fetch = [
          ...fromBase,
          ...perRow.flatMap((name) => plan.entries.map((_, e) => name + entryTag(e))),
        ];
        const results = await runAll(session, feeds, fetch);
        const assembled: Record<string, Tensor> = {};
        for (const name of fromBase) assembled[name] = replicateAlong(results[name]!, 0, 1, sources);
        for (const name of perRow) assembled[name] = rowsInOrder(results, name, routing);
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
