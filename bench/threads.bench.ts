/**
 * (f) ONNX Runtime's spinning worker threads (its default) against MoE Scope's setting, spinning
 *     off, in what users run: Compare Checkpoints (two sessions running side by side, batch by
 *     batch) and one model's analysis, on the bundled demo inputs. Each is measured in wall time
 *     and in the CPU time taken from the machine's cores, which VS Code shares. Ratios are
 *     default / MoE Scope: above 1, spinning off is faster or cheaper. Rounds alternate which
 *     setting goes first, so machine noise and cache warmth hit both alike.
 */
import { join } from 'node:path';
import { analyzeModel } from '../src/engine/analyze';
import { compareModels } from '../src/engine/compare';
import type { ProviderName } from '../src/engine/session';
import { line, median } from './support';

interface Cost {
  wall: number;
  cpu: number;
}

async function measure(run: () => Promise<unknown>): Promise<Cost> {
  const [start, used] = [performance.now(), process.cpuUsage()];
  await run();
  const spent = process.cpuUsage(used);
  return { wall: performance.now() - start, cpu: (spent.user + spent.system) / 1000 };
}

export async function benchThreads(root: string, providers: ProviderName[]): Promise<void> {
  const inputsPath = join(root, 'media', 'demo', 'fashion-mnist-test.npz');
  const modelA = join(root, 'test', 'fixtures', 'models', 'softmoe_vit.onnx');
  const modelB = join(root, 'test', 'fixtures', 'compare', 'softmoe_vit_seed7.onnx');
  const workloads = [
    {
      label: 'Compare Checkpoints, 512 inputs',
      run: (spinning: boolean) =>
        compareModels({ modelA, modelB, inputsPath, samples: 8, providers, spinning }),
    },
    {
      label: 'Analyze Experts, 512 inputs',
      run: (spinning: boolean) =>
        analyzeModel({
          modelPath: join(root, 'media', 'demo', 'softmoe_vit.onnx'),
          inputsPath,
          providers,
          spinning,
        }),
    },
  ];
  for (const workload of workloads) {
    const costs = { spinning: [] as Cost[], off: [] as Cost[] };
    await workload.run(true);
    await workload.run(false);
    for (let round = 0; round < 8; round++)
      for (const spinning of round % 2 ? [false, true] : [true, false])
        costs[spinning ? 'spinning' : 'off'].push(await measure(() => workload.run(spinning)));
    const of = (list: Cost[], key: keyof Cost) => median(list.map((c) => c[key]));
    const [wallOn, wallOff] = [of(costs.spinning, 'wall'), of(costs.off, 'wall')];
    const [cpuOn, cpuOff] = [of(costs.spinning, 'cpu'), of(costs.off, 'cpu')];
    line(`(f) ${workload.label}`, '');
    line('    time, spinning / off', `${(wallOn / wallOff).toFixed(2)}×`);
    line('      median ms, spinning / off', `${wallOn.toFixed(0)} / ${wallOff.toFixed(0)}`);
    line('    CPU time, spinning / off', `${(cpuOn / cpuOff).toFixed(2)}×`);
  }
}
