/**
 * MoE Scope's benchmarks. Every number is a ratio against a baseline measured in the same run, or
 * a throughput; nothing here is a pass/fail test. Run with `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchInstrumentation } from './instrumentation.bench';
import { benchLargeModel } from './largeModel.bench';
import { benchMasks } from './masks.bench';
import type { ProviderName } from '../src/engine/session';

function repoRoot(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir))
    if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error('package.json not found');
}

/** `--provider cuda|webgpu|cpu` (default cpu): the execution provider every model runs on. */
function providers(argv: string[]): ProviderName[] {
  const at = argv.indexOf('--provider');
  if (at < 0) return ['cpu'];
  const name = argv[at + 1];
  if (name !== 'cpu' && name !== 'cuda' && name !== 'webgpu') {
    console.error(`--provider takes cpu, cuda or webgpu, not ${name ?? 'nothing'}`);
    process.exit(2);
  }
  return [name];
}

async function main(): Promise<void> {
  const root = repoRoot(__dirname);
  const chosen = providers(process.argv.slice(2));
  console.log(`MoE Scope benchmarks (node ${process.versions.node}, ${process.platform}-${process.arch})\n`);
  await benchInstrumentation(root, chosen);
  console.log();
  await benchLargeModel(root);
  console.log();
  await benchMasks(root, chosen);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
