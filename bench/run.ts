/**
 * MoE Scope's benchmarks. Every number is a ratio against a baseline measured in the same run, or
 * a throughput; nothing here is a pass/fail test. Run with `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchInstrumentation } from './instrumentation.bench';
import { benchLargeModel } from './largeModel.bench';
import { benchMasks } from './masks.bench';

function repoRoot(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir))
    if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error('package.json not found');
}

async function main(): Promise<void> {
  const root = repoRoot(__dirname);
  console.log(`MoE Scope benchmarks (node ${process.versions.node}, ${process.platform}-${process.arch})\n`);
  await benchInstrumentation(root);
  console.log();
  await benchLargeModel(root);
  console.log();
  await benchMasks(root);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
