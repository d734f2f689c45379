/**
 * (g) A half-precision export against its float32 original: the whole analysis of the same 512
 *     inputs (float32 data, rounded to float16 on the way in for the half model), alternating,
 *     median of 7, and the inference part alone. On a CPU, ONNX Runtime builds the half model's
 *     session with casts around the float16 kernels it lacks.
 */
import { join } from 'node:path';
import { analyzeModel } from '../src/engine/analyze';
import type { ProviderName } from '../src/engine/session';
import { line, median } from './support';

export async function benchPrecision(root: string, providers: ProviderName[]): Promise<void> {
  const inputsPath = join(root, 'media', 'demo', 'fashion-mnist-test.npz');
  const models = {
    float32: join(root, 'test', 'fixtures', 'models', 'softmoe_vit.onnx'),
    float16: join(root, 'test', 'fixtures', 'half', 'softmoe_vit_fp16.onnx'),
  };
  const run = async (modelPath: string) => {
    const started = performance.now();
    const report = await analyzeModel({ modelPath, inputsPath, providers, samples: 8 });
    return { total: performance.now() - started, inference: report.timing.inferenceMs };
  };
  const times: Record<'float32' | 'float16', { total: number; inference: number }[]> = {
    float32: [],
    float16: [],
  };
  await run(models.float32);
  await run(models.float16);
  for (let round = 0; round < 7; round++)
    for (const precision of round % 2 ? (['float16', 'float32'] as const) : (['float32', 'float16'] as const))
      times[precision].push(await run(models[precision]));
  const of = (precision: 'float32' | 'float16', key: 'total' | 'inference') =>
    median(times[precision].map((t) => t[key]));
  line(
    '(g) float16 export / float32 original, analysis',
    `${(of('float16', 'total') / of('float32', 'total')).toFixed(2)}×`,
  );
  line(
    '      median ms, float16 / float32',
    `${of('float16', 'total').toFixed(0)} / ${of('float32', 'total').toFixed(0)}`,
  );
  line(
    '    inference alone, float16 / float32',
    `${(of('float16', 'inference') / of('float32', 'inference')).toFixed(2)}×`,
  );
}
