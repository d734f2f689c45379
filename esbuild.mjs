// Builds every bundle of MoE Scope. Type-checking is separate (`npm run typecheck`).
//   node esbuild.mjs            extension host, engine, CLI and webviews into dist/
//   node esbuild.mjs --tests    additionally the test suites into out/
//   node esbuild.mjs --bench    additionally the benchmarks into out/bench
//   node esbuild.mjs --watch    rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');
const withBench = process.argv.includes('--bench');
const production = process.argv.includes('--production');

// Native and host-provided modules are never bundled: `vscode` comes from the extension host and
// onnxruntime-node carries native binaries that only the engine process loads, lazily.
const nodeExternal = ['vscode', 'onnxruntime-node'];

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: nodeExternal,
  // web-tree-sitter's ES module finds itself through import.meta.url, which a CommonJS bundle lacks.
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
};

// The Python parser's WebAssembly runtime and grammar are loaded from dist/ at run time.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm');
copyFileSync('node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm');

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { engine: 'src/engine/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    // report.js (+ report.css) is the standalone HTML report's script, inlined by src/core/report/html.ts.
    entryPoints: {
      panel: 'webview/panel/main.ts',
      // The model view: the editor for .onnx files.
      model: 'webview/model/main.ts',
      report: 'webview/report/standalone.ts',
      // The compare panel, and the standalone comparison page's script (+ compare-report.css).
      compare: 'webview/compare/main.ts',
      'compare-report': 'webview/compare/standalone.ts',
    },
    outdir: 'dist/webview',
  },
];

function testEntries(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'fixtures') found.push(...testEntries(path));
    } else if (name.endsWith('.test.ts') || path === join('test', 'vscode', 'index.ts')) {
      found.push(path);
    }
  }
  return found;
}

if (withTests) {
  builds.push({
    ...node,
    entryPoints: testEntries('test'),
    outdir: 'out',
    outbase: '.',
    external: [...nodeExternal, 'mocha', 'playwright-core'],
  });
}

if (withBench) {
  builds.push({
    ...node,
    entryPoints: ['bench/run.ts', 'bench/readDetect.child.ts'],
    outdir: 'out/bench',
  });
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
