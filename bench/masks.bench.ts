/**
 * Batched masked evaluation: the keep-k curve k = 1…n of one input as ONE run of n rows (each row
 * its own k) against n runs of one row each, on the n = 16 Soft MoE fixture (target ≥ 0.7·n×
 * faster), with the model whole and split at its masks (the prefix no mask reaches runs once);
 * the speed-up's ceiling on this machine (a one-row run over what each added row costs); and the
 * throughput of a full specialization curve (ranked + 10 random seeds, both layers and all layers
 * at once) in inputs per second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../src/core/data';
import { detectLayers } from '../src/core/detect';
import { indexGraph } from '../src/core/onnx/graph';
import { addExpertMasks, keepInputName, maskInputName, MaskPoint } from '../src/core/onnx/masks';
import type { Tensor } from '../src/core/tensor';
import { analyzeModel } from '../src/engine/analyze';
import { softMoeCombinePoint } from '../src/engine/maskPoints';
import { toOrt } from '../src/engine/ortTensors';
import { maskInputsOf } from '../src/engine/maskedModel';
import { openSharedPrefix } from '../src/engine/sharedPrefix';
import { openSession, ProviderName } from '../src/engine/session';
import { line, median, timeMs } from './support';

function filled(value: number, shape: number[]): Tensor<'float32'> {
  return { dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
}

interface KeepCurveTimes {
  /** 16 runs of one row, one per k. */
  perK: number;
  /** One run of 16 rows, whole model. */
  batched: number;
  /** The same 16 rows, the model split at its masks. */
  split: number;
  /**
   * What one more row costs the split model (from 2n and 4n rows): no number of rows per run can
   * beat (one row's run) / (this), the speed-up's ceiling on this machine.
   */
  splitPerRow: number;
}

/**
 * About the most any batching of n rows can gain here: the batched run computes the network at
 * least once (no less than one row's run, T1) and pays each further row's own work after the
 * first mask (r), so n·T1 / (T1 + (n − 1)·r) bounds n runs / one run, however cheap the sharing.
 */
function boundFor(times: KeepCurveTimes, n: number): number {
  const oneRow = times.perK / n;
  return (n * oneRow) / (oneRow + (n - 1) * times.splitPerRow);
}

/** Times k = 1…n of one input with `points` masked: n runs, one batched run, one split run. */
async function keepCurveTimes(
  bytes: Uint8Array,
  modelPath: string,
  points: MaskPoint[],
  one: Record<string, Tensor>,
  n: number,
  providers: ProviderName[],
  intraOpThreads?: number,
): Promise<KeepCurveTimes> {
  const options = intraOpThreads ? { intraOpThreads } : {};
  const graph = indexGraph(bytes, modelPath);
  const masked = addExpertMasks(bytes, graph, points);
  const { session } = await openSession(masked, providers, options);
  const pixels = one.pixels!;
  const feedsFor = (rows: number, keep: (row: number) => number) => {
    const data = new Float32Array(rows * 784);
    for (let r = 0; r < rows; r++) data.set(pixels.data as Float32Array, r * 784);
    const feeds: Record<string, ReturnType<typeof toOrt>> = {
      pixels: toOrt({ dtype: 'float32', shape: [rows, 1, 28, 28], data }),
    };
    for (const p of points) {
      feeds[maskInputName(p.layer)] = toOrt(filled(1, [rows, n]));
      const k = new Float32Array(rows).map((_, r) => keep(r));
      feeds[keepInputName(p.layer)] = toOrt({ dtype: 'float32', shape: [rows, 1], data: k });
    }
    return feeds;
  };
  const batched = feedsFor(n, (r) => r + 1);
  // The same n rows with the model split at its masks: the unmasked prefix runs once.
  const shared = await openSharedPrefix(
    masked,
    indexGraph(masked, modelPath),
    maskInputsOf(points),
    ['logits'],
    [],
    [one, one],
    async (model) => (await openSession(model, providers, options)).session,
  );
  if (typeof shared === 'string') throw new Error(`the fixture did not split: ${shared}`);
  const splitRun = (rows: number) => {
    const masks = Object.fromEntries(
      Object.entries(feedsFor(rows, (r) => (r % n) + 1)).filter(([name]) => name !== 'pixels'),
    );
    const sources = Array.from({ length: rows }, () => 0);
    return async () => shared.run(one, sources, masks, ['logits']);
  };
  const sharedRun = splitRun(n);
  const [twice, four] = [splitRun(2 * n), splitRun(4 * n)];
  const perK = Array.from({ length: n }, (_, k) => feedsFor(1, () => k + 1));
  const oneRun = async () => session.run(batched);
  const nRuns = async () => {
    for (const feeds of perK) await session.run(feeds);
  };
  const times = {
    perK: [] as number[],
    batched: [] as number[],
    split: [] as number[],
    twice: [] as number[],
    four: [] as number[],
  };
  // Rounds interleave the three ways so machine noise hits each alike. The study runs one
  // session back to back, so each timed call follows an untimed call of its own session: three
  // sessions in turn would otherwise each start with the others' weights in the CPU caches.
  const warmThenTime = async (run: () => Promise<unknown>, warm: () => Promise<unknown>) => {
    await warm();
    return timeMs(run);
  };
  const oneRowRun = async () => session.run(perK[0]!);
  for (let round = 0; round < 30; round++) {
    times.batched.push(await warmThenTime(oneRun, oneRun));
    times.perK.push(await warmThenTime(nRuns, oneRowRun));
    times.split.push(await warmThenTime(sharedRun, sharedRun));
    times.twice.push(await warmThenTime(twice, twice));
    times.four.push(await warmThenTime(four, four));
  }
  await session.release();
  await shared.release();
  return {
    perK: median(times.perK),
    batched: median(times.batched),
    split: median(times.split),
    splitPerRow: (median(times.four) - median(times.twice)) / (2 * n),
  };
}

export async function benchMasks(root: string, providers: ProviderName[]): Promise<void> {
  const modelPath = join(root, 'test', 'fixtures', 'models', 'softmoe_vit_plain.onnx');
  const inputsPath = join(root, 'test', 'fixtures', 'models', 'softmoe_vit_plain.ref', 'inputs.npy');
  const bytes = readFileSync(modelPath);
  const graph = indexGraph(bytes, modelPath);
  const n = 16;
  const points: MaskPoint[] = detectLayers(graph, bytes).candidates.map((c) =>
    softMoeCombinePoint(c.id, c.tensors.combine!, n, 1),
  );
  const inputs = await loadInputs(inputsPath, graph.summary.inputs);
  const one = inputs.batch(0, 1);
  const all = await keepCurveTimes(bytes, modelPath, points, one, n, providers);
  line(
    `(d) k = 1…${n} of one input, all layers: n runs / split run`,
    `${(all.perK / all.split).toFixed(1)}×`,
    `≥ ${(0.7 * n).toFixed(1)}×`,
  );
  line('    n runs / one batched run of the whole model', `${(all.perK / all.batched).toFixed(1)}×`);
  line('    ceiling: one-row run / each added split row', `${(all.perK / n / all.splitPerRow).toFixed(1)}×`);
  line('    bound for n rows (see boundFor)', `${boundFor(all, n).toFixed(1)}×`);
  line('    one batched run, split (median of 30)', `${all.split.toFixed(2)} ms`);
  line('    one batched run of 16 rows, whole model', `${all.batched.toFixed(2)} ms`);
  line('    16 runs of one row', `${all.perK.toFixed(2)} ms`);
  // ONNX Runtime's default thread pool costs a one-row run more than it saves; one thread each
  // is the baseline's best case on a small CPU.
  const serial = await keepCurveTimes(bytes, modelPath, points, one, n, providers, 1);
  line('    the same, one thread each: n runs / split run', `${(serial.perK / serial.split).toFixed(1)}×`);
  line(
    '      ceiling (one-row run / each added split row)',
    `${(serial.perK / n / serial.splitPerRow).toFixed(1)}×`,
  );
  line('      bound for n rows (see boundFor)', `${boundFor(serial, n).toFixed(1)}×`);
  line('      16 runs of one row', `${serial.perK.toFixed(2)} ms`);
  // One layer at a time (the per-layer curves): the later the layer, the more the rows share.
  for (const point of points) {
    const single = await keepCurveTimes(bytes, modelPath, [point], one, n, providers);
    line(`    ${point.layer} alone: n runs / split run`, `${(single.perK / single.split).toFixed(1)}×`);
    line(
      '      n runs / one batched run of the whole model',
      `${(single.perK / single.batched).toFixed(1)}×`,
    );
  }

  const curve = async (sharedPrefix: boolean) => {
    const report = await analyzeModel({
      modelPath,
      inputsPath,
      samples: 0,
      providers,
      specialization: {
        scope: 'both',
        seeds: 10,
        knockout: false,
        maxExhaustiveExperts: 0,
        inputs: 64,
        sharedPrefix,
      },
    });
    return 64 / (report.timing.specializationMs! / 1000);
  };
  const whole = await curve(false);
  const split = await curve(true);
  line('(e) full curve (10 seeds, 3 scopes), split', `${split.toFixed(1)} inputs/s`);
  line('    the same, whole model', `${whole.toFixed(1)} inputs/s`);
  line('    split / whole', `${(split / whole).toFixed(2)}×`);
}
