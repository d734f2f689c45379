/**
 * MoE Scope's benchmarks. Every number is a ratio against a baseline measured in the same run, or
 * a throughput; nothing here is a pass/fail test. Run with `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchInstrumentation } from './instrumentation.bench';
import { benchLargeModel } from './largeModel.bench';
import { benchMasks } from './masks.bench';
import { benchPrecision } from './precision.bench';
import { benchThreads } from './threads.bench';
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

/** `--only a,b` runs those parts: instrumentation, large, masks, threads, precision (default all). */
function chosenParts(argv: string[]): Set<string> {
  const at = argv.indexOf('--only');
  const parts = ['instrumentation', 'large', 'masks', 'threads', 'precision'];
  if (at < 0) return new Set(parts);
  const asked = (argv[at + 1] ?? '').split(',');
  const unknown = asked.filter((part) => !parts.includes(part));
  if (unknown.length) {
    console.error(`--only takes ${parts.join(', ')}, not ${unknown.join(', ') || 'nothing'}`);
    process.exit(2);
  }
  return new Set(asked);
}

async function main(): Promise<void> {
  const root = repoRoot(__dirname);
  const argv = process.argv.slice(2);
  const chosen = providers(argv);
  const parts = chosenParts(argv);
  console.log(`MoE Scope benchmarks (node ${process.versions.node}, ${process.platform}-${process.arch})`);
  const benches: [string, () => Promise<void>][] = [
    ['instrumentation', () => benchInstrumentation(root, chosen)],
    ['large', () => benchLargeModel(root)],
    ['masks', () => benchMasks(root, chosen)],
    ['threads', () => benchThreads(root, chosen)],
    ['precision', () => benchPrecision(root, chosen)],
  ];
  for (const [name, bench] of benches) {
    if (!parts.has(name)) continue;
    console.log();
    await bench();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
