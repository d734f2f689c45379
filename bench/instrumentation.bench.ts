/**
 * (a) Instrumented vs plain model on the same inputs: the cost of exposing routing tensors as extra
 *     graph outputs (target ≤ 1.10×).
 * (b) Engine throughput: a whole analysis of the bundled demo, in samples per second.
 * Plain and instrumented runs alternate, so machine noise hits both equally; the ratio of medians
 * is reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../src/core/data';
import { detectLayers } from '../src/core/detect';
import { indexGraph } from '../src/core/onnx/graph';
import { exposeTensors } from '../src/core/onnx/instrument';
import { analyzeModel } from '../src/engine/analyze';
import { toOrt } from '../src/engine/ortTensors';
import { openSession, ProviderName } from '../src/engine/session';
import { line, median, timeMs } from './support';

export async function benchInstrumentation(root: string, providers: ProviderName[]): Promise<void> {
  const modelPath = join(root, 'media', 'demo', 'softmoe_vit.onnx');
  const inputsPath = join(root, 'media', 'demo', 'fashion-mnist-test.npz');
  const bytes = readFileSync(modelPath);
  const graph = indexGraph(bytes, modelPath);
  const names = detectLayers(graph, bytes).candidates.flatMap((c) =>
    Object.values(c.tensors).filter((t): t is string => !!t),
  );
  const instrumented = exposeTensors(
    bytes,
    graph,
    names.map((name) => ({ name })),
  );
  const plain = await openSession(bytes, providers);
  const probed = await openSession(instrumented, providers);
  // The provider that actually runs (a missing GPU provider falls back to the CPU, and says why).
  line('execution provider', plain.provider);
  for (const note of plain.fallbacks) console.log(`    ${note}`);
  const inputs = await loadInputs(inputsPath, graph.summary.inputs, { modelPath });
  const batches = Array.from({ length: inputs.count / 64 }, (_, i) =>
    Object.fromEntries(Object.entries(inputs.batch(i * 64, (i + 1) * 64)).map(([k, v]) => [k, toOrt(v)])),
  );
  const runAll = (session: typeof plain.session) => async () => {
    for (const feeds of batches) await session.run(feeds);
  };
  await runAll(plain.session)();
  await runAll(probed.session)();
  const plainMs: number[] = [];
  const probedMs: number[] = [];
  for (let round = 0; round < 7; round++) {
    plainMs.push(await timeMs(runAll(plain.session)));
    probedMs.push(await timeMs(runAll(probed.session)));
  }
  await plain.session.release();
  await probed.session.release();
  const ratio = median(probedMs) / median(plainMs);
  line('(a) instrumented / plain model time', `${ratio.toFixed(3)}×`, '≤ 1.10×');
  line('    plain model, 512 samples (median of 7)', `${median(plainMs).toFixed(1)} ms`);
  line('    instrumented model, same inputs', `${median(probedMs).toFixed(1)} ms`);

  const runs: number[] = [];
  for (let round = 0; round < 3; round++) {
    const report = await analyzeModel({ modelPath, inputsPath, batchSize: 64, samples: 8, providers });
    runs.push(report.samples / (report.timing.totalMs / 1000));
  }
  line('(b) engine throughput, full analysis of the demo', `${median(runs).toFixed(0)} samples/s`);
  line(
    '    analysis / plain inference time',
    `${(((512 / median(runs)) * 1000) / median(plainMs)).toFixed(2)}×`,
  );
}
