// Benchmark: hover latency over model code (see hoverBench.ts). Bundles the benchmark with the
// same esbuild settings as the extension and runs it in plain Node.
//
//   node bench/hover/run.mjs [--hovers 3000] [--edits 60]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import * as esbuild from 'esbuild';

const outfile = 'out/bench/hover/hoverBench.js';
await esbuild.build({
  entryPoints: ['bench/hover/hoverBench.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  logLevel: 'warning',
  // As in esbuild.mjs: web-tree-sitter's ES module needs import.meta.url, which CommonJS lacks.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
});
console.log(`${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadavg()[0].toFixed(2)}`);
execFileSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
