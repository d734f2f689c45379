/* global window */
// Benchmark: MoE Scope's canvas heatmap against chartjs-chart-matrix (Chart.js's `matrix` controller)
// drawing the same random 4096 × 1024 matrix on the same size canvas in Debian's Chromium. Prints
// each one's median time from the render call to the end of the frame, and their ratio.
//
//   node bench/heatmap/run.mjs [--reps 5] [--rows 4096] [--cols 1024]
//
// Each page renders once to warm up (the "first render": cold JIT and fresh memory), then `reps` times;
// before every run the previous chart or heatmap is removed and the heap collected, outside the clock.
// A disposed MoE Scope heatmap leaves its image buffers for the next one of the same shape (as when a
// panel switches between layers), so its runs after the first show that path.
//
// The baseline is installed on first use into bench/heatmap/.baseline/ (ignored by git), outside the
// project's dependencies: npm install --prefix bench/heatmap/.baseline chartjs-chart-matrix@3 chart.js@4.6.1
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/harness/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const baselineDir = join(here, '.baseline');
const TARGET_MS = 100;
const TARGET_RATIO = 20;
const WIDTH = 1000; // CSS px of the host, and of both canvases.
const PLOT_HEIGHT = 800; // CSS px of the matrix area.

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    rows: { type: 'string', default: '4096' },
    cols: { type: 'string', default: '1024' },
  },
});
const reps = Number(args.reps);
const rows = Number(args.rows);
const cols = Number(args.cols);

function ensureBaseline() {
  if (existsSync(join(baselineDir, 'node_modules', 'chartjs-chart-matrix', 'package.json'))) return;
  console.log(
    'installing the baseline (chartjs-chart-matrix@3, chart.js@4.6.1) into bench/heatmap/.baseline …',
  );
  execFileSync('npm', ['install', '--prefix', baselineDir, 'chartjs-chart-matrix@3', 'chart.js@4.6.1'], {
    stdio: 'inherit',
  });
}

function version(name) {
  return JSON.parse(readFileSync(join(baselineDir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Resolves Chart.js and the matrix plugin from .baseline, so both pages of the bundle share one Chart.js. */
const fromBaseline = {
  name: 'baseline-packages',
  setup(build) {
    build.onResolve({ filter: /^(chart\.js|chartjs-chart-matrix)(\/.*)?$/ }, (args) => {
      if (args.pluginData === 'baseline') return undefined;
      return build.resolve(args.path, { kind: args.kind, resolveDir: baselineDir, pluginData: 'baseline' });
    });
  },
};

async function bundle(entry, plugins = []) {
  const result = await esbuild.build({
    entryPoints: [join(here, 'pages', entry)],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    minify: true,
    write: false,
    logLevel: 'warning',
    plugins,
  });
  return result.outputFiles[0].text;
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Loads one page, prepares the matrix, warms up once and times `reps` renders. */
async function measure(browser, script, canvasHeight) {
  const page = await browser.newPage({ viewport: { width: WIDTH + 100, height: 1000 } });
  page.on('pageerror', (error) => console.error(`  page error: ${error.message}`));
  try {
    await page.setContent('<!doctype html><html><body style="margin:0"><div id="host"></div></body></html>');
    await page.addScriptTag({ content: script });
    const name = await page.evaluate(() => window.bench.name);
    await page.evaluate(([r, c]) => window.bench.prepare(r, c, 2024), [rows, cols]);
    const height = canvasHeight ?? PLOT_HEIGHT;
    // Each run starts from a collected heap: the previous run's chart or heatmap is removed and
    // collected outside the clock, so no run pays for its predecessor's garbage.
    const run = async () => {
      await page.evaluate(() => {
        window.bench.clear();
        window.gc();
      });
      return page.evaluate(([w, h]) => window.bench.run(w, h), [WIDTH, height]);
    };
    process.stdout.write(`  ${name}: warm-up`);
    const warm = await run();
    process.stdout.write(` ${warm.ms.toFixed(1)} ms; runs`);
    const times = [];
    let canvas = warm.canvas;
    for (let i = 0; i < reps; i++) {
      const result = await run();
      times.push(result.ms);
      canvas = result.canvas;
      process.stdout.write(` ${result.ms.toFixed(1)}`);
    }
    process.stdout.write(' ms\n');
    return { name, first: warm.ms, times, median: median(times), canvas };
  } finally {
    await page.close();
  }
}

async function main() {
  ensureBaseline();
  const [ours, baseline] = await Promise.all([bundle('ours.mjs'), bundle('baseline.mjs', [fromBaseline])]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
  });
  const load = () => loadavg()[0].toFixed(1);
  const startLoad = load();
  try {
    console.log(
      `Heatmap render, ${rows} × ${cols} random cells, Chromium ${browser.version()} headless (software ` +
        `rendering, --disable-gpu), ${reps} runs after one warm-up; ms from the render call to the end of the frame`,
    );
    const a = await measure(browser, ours);
    // The baseline draws on a canvas of exactly the size ours produced (plot, labels and all).
    const b = await measure(browser, baseline, a.canvas[1]);
    const ratio = b.median / a.median;
    console.log();
    console.log(`  canvas ${a.canvas.join(' × ')} (ours) and ${b.canvas.join(' × ')} (baseline) device px`);
    const line = (label, m) =>
      console.log(
        `  ${label.padEnd(44)} median ${m.median.toFixed(1).padStart(9)} ms   (first render ${m.first.toFixed(1)} ms)`,
      );
    line(a.name, a);
    line(`chartjs-chart-matrix ${version('chartjs-chart-matrix')} + Chart.js ${version('chart.js')}`, b);
    console.log(`  ratio: MoE Scope is ${ratio.toFixed(1)}× faster`);
    console.log(
      `  machine: ${cpus().length} cores, 1-minute load average ${startLoad} at the start, ${load()} at the end`,
    );
    console.log(
      `  targets: under ${TARGET_MS} ms: ${a.median < TARGET_MS ? 'met' : 'NOT met'}; ` +
        `at least ${TARGET_RATIO}× faster: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
