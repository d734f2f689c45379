/**
 * MoE Scope's heatmap renderer in real Chromium: the test page (test/browser/pages) is bundled with
 * esbuild, served from 127.0.0.1 under the webview's script and style policy, and driven through
 * `window.heatmapPage`. Colours are checked against `colorFor` computed here in Node, so a pixel on
 * screen is compared with the colour table, not with the renderer's own opinion of it.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  autoRange,
  colorFor,
  colorLut,
  fillPixels,
  lutIndex,
  lutMapping,
  NAN_RGBA,
  packRgba,
} from '../../webview/heatmap/colorScale';
import { COLORMAP_NAMES } from '../../webview/heatmap/colormaps';
import {
  BROWSER_RESULTS_DIR as RESULTS_DIR,
  launchChromium,
  saveDiagnosticsIfFailed,
} from '../harness/chromium.mjs';
import { openTestPage, pageApi, PAGES_DIR, type PageSite, startPageSite } from '../harness/pageServer.mjs';
import { LogTail } from '../harness/support.mjs';
import { float32Extent as extent } from './colorRange';
import type { HeatmapPageApi, PageHeatmapSpec } from './pages/heatmapPageApi';

/** Calls `window.heatmapPage[method](...args)` in the page. */
const call = pageApi<HeatmapPageApi>('heatmapPage');

/** A rows × cols matrix, row-major: v(r, c) = f(r, c). */
function matrix(rows: number, cols: number, f: (r: number, c: number) => number): number[] {
  return Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols));
}

const labels = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('MoE Scope heatmap renderer in Chromium', function () {
  this.timeout(60_000);

  const pageLog = new LogTail(200);
  let site: PageSite | undefined;
  let browser: Browser | undefined;
  let page: Page;

  async function openPage(deviceScaleFactor: number): Promise<Page> {
    assert.ok(browser && site);
    return openTestPage(browser, site.url, pageLog, {
      viewport: { width: 1280, height: 720 },
      deviceScaleFactor,
    });
  }

  before(async function () {
    site = await startPageSite({
      prefix: 'moe-scope-heatmap-',
      index: 'heatmap.html',
      bundles: { heatmapPage: join(PAGES_DIR, 'heatmapPage.ts') },
      files: ['heatmap.html', 'heatmap.css'].map((file) => join(PAGES_DIR, file)),
    });
    browser = await launchChromium();
    page = await openPage(1);
  });

  afterEach(async function () {
    await saveDiagnosticsIfFailed(this.currentTest, page, 'heatmap', { page: pageLog });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await site?.close();
  });

  it('fills every pixel with the colour lutIndex picks, NaN, infinities and out-of-range values included', () => {
    // Runs in Node: the renderer's inlined, chunked loops against the one-line formula, across chunks.
    const n = 70_000;
    const values = Float32Array.from(
      { length: n },
      (_, i) => Math.sin(i * 0.37) * 2 + (i % 9 === 0 ? 1e-3 : 0),
    );
    for (const [i, v] of [
      [0, NaN],
      [1, Infinity],
      [2, -Infinity],
      [3, 0],
      [65_535, NaN],
      [65_536, -5],
      [n - 1, 9],
    ]) {
      values[i!] = v!;
    }
    for (const [colormap, scale, min, max] of [
      ['viridis', 'linear', -1.5, 1.5],
      ['magma', 'log', 0.01, 1],
      ['diverging', 'linear', -0.5, 2],
    ] as const) {
      const out = new Uint32Array(n);
      const lut = colorLut(colormap);
      const mapping = lutMapping(min, max, colormap, scale);
      const missing = fillPixels(values, out, lut, packRgba(NAN_RGBA), mapping);
      assert.equal(missing, 2, 'two NaN cells');
      for (let i = 0; i < n; i++) {
        const expected = Number.isNaN(values[i]) ? packRgba(NAN_RGBA) : lut[lutIndex(values[i]!, mapping)];
        if (out[i] !== expected)
          assert.fail(`${colormap}/${scale}: cell ${i} = ${values[i]} got ${out[i]}, expected ${expected}`);
      }
    }
    // The measured range skips NaN and infinities (and, on a log scale, values ≤ 0).
    assert.deepEqual(autoRange(values, 'linear', undefined, undefined), { min: -5, max: 9 });
    const positive = values.filter((v) => v > 0 && Number.isFinite(v));
    assert.deepEqual(autoRange(values, 'log', undefined, undefined), {
      min: Math.min(...positive),
      max: Math.max(...positive),
    });
  });

  /** Renders `spec` and asserts the pixel at each listed cell's centre is colorFor of its value. */
  async function assertCellPixels(spec: PageHeatmapSpec, cells: [number, number][], range: [number, number]) {
    await call(page, 'render', spec);
    const colormap = spec.colormap ?? 'viridis';
    for (const [row, col] of cells) {
      const value = Math.fround(spec.values[row * spec.cols + col]!);
      const expected = [...colorFor(value, range[0], range[1], colormap, spec.scale ?? 'linear')];
      const where = `cell (${row}, ${col}) = ${value} on ${colormap}`;
      assert.deepEqual(await call(page, 'pixelAtCell', row, col), expected, `pixel of ${where}`);
      assert.deepEqual(await call(page, 'cellColor', row, col), expected, `cellColor of ${where}`);
    }
  }

  it('draws each cell in the colour colorFor gives its value (viridis, linear, auto range)', async () => {
    const rows = 12;
    const cols = 16;
    const values = matrix(rows, cols, (r, c) => 0.25 + (r * cols + c) / 100);
    const spec: PageHeatmapSpec = { values, rows, cols, colGroups: { size: 4 }, width: 640 };
    await assertCellPixels(
      spec,
      [
        [0, 0],
        [0, 15],
        [5, 7],
        [11, 0],
        [11, 15],
        [6, 12],
      ],
      extent(values),
    );
    // The range ends take the table's ends: viridis's first and last colours (matplotlib's data).
    assert.deepEqual(await call(page, 'pixelAtCell', 0, 0), [68, 1, 84, 255]);
    assert.deepEqual(await call(page, 'pixelAtCell', 11, 15), [253, 231, 37, 255]);
  });

  it('draws magma on a log scale and the diverging map centred at 0 with the colours colorFor gives', async () => {
    const rows = 8;
    const cols = 10;
    const logValues = matrix(rows, cols, (r, c) => 10 ** (-4 + (4 * (r * cols + c)) / (rows * cols - 1)));
    logValues[3] = 0; // Zero has no logarithm: it takes the bottom colour.
    await assertCellPixels(
      { values: logValues, rows, cols, colormap: 'magma', scale: 'log', width: 600 },
      [
        [0, 3],
        [0, 4],
        [2, 5],
        [7, 9],
        [4, 0],
      ],
      extent(logValues, true),
    );
    assert.deepEqual(await call(page, 'pixelAtCell', 0, 3), await call(page, 'pixelAtCell', 0, 0));

    const diffValues = matrix(rows, cols, (r, c) => (c - 4.5) * 0.01 * (r + 1));
    await assertCellPixels(
      { values: diffValues, rows, cols, colormap: 'diverging', width: 600 },
      [
        [0, 0],
        [7, 0],
        [7, 9],
        [3, 4],
        [3, 5],
      ],
      extent(diffValues),
    );
    // Symmetric about 0: the largest negative and positive differences take the two ends of the map.
    const [r0, g0, b0] = await call(page, 'pixelAtCell', 7, 0);
    const [r9, , b9] = await call(page, 'pixelAtCell', 7, 9);
    assert.ok(b0 > r0 && b0 > g0, `-max is blue: ${[r0, g0, b0]}`);
    assert.ok(r9 > b9, `+max is red: ${[r9, b9]}`);
  });

  it('maps every cell centre to its own cell at a device pixel ratio of 2', async () => {
    const sharp = await openPage(2);
    const previous = page;
    page = sharp;
    try {
      const rows = 9;
      const cols = 13;
      const values = matrix(rows, cols, (r, c) => Math.sin(r * 1.7 + c * 0.9));
      await assertCellPixels(
        { values, rows, cols, colormap: 'viridis', width: 500 },
        [
          [0, 0],
          [4, 6],
          [8, 12],
          [2, 11],
          [7, 1],
        ],
        extent(values),
      );
      const info = await call(page, 'canvasInfo');
      assert.equal(info.dpr, 2);
      assert.equal(
        info.width,
        Math.round(info.box.width * 2),
        'the backing store has two pixels per CSS pixel',
      );
    } finally {
      page = previous;
      await sharp.close();
    }
  });

  it('paints NaN cells in the neutral NaN colour, which no colour table contains', async () => {
    const rows = 6;
    const cols = 8;
    const values = matrix(rows, cols, (r, c) => r * cols + c);
    for (const i of [0, 13, 47]) values[i] = NaN;
    await call(page, 'render', { values, rows, cols, width: 480 });
    for (const [row, col] of [
      [0, 0],
      [1, 5],
      [5, 7],
    ] as const) {
      assert.deepEqual(await call(page, 'pixelAtCell', row, col), [...NAN_RGBA], `NaN cell (${row}, ${col})`);
    }
    const [min, max] = extent(values);
    assert.deepEqual([min, max], [1, 46]);
    assert.deepEqual(await call(page, 'pixelAtCell', 0, 1), [...colorFor(1, min, max, 'viridis')]);
    const nan = packRgba(NAN_RGBA);
    for (const name of COLORMAP_NAMES)
      assert.ok(!colorLut(name).includes(nan), `${name} has no NaN-coloured entry`);
    assert.equal(await page.locator('.heatmap-legend').getByText('NaN', { exact: true }).isVisible(), true);
  });

  it("shows the hovered cell's row label, column label and value in the tooltip", async () => {
    const rows = 10;
    const cols = 12;
    const values = matrix(rows, cols, (r, c) => Math.exp(-((r - 4) ** 2 + (c - 6) ** 2) / 9) / 3.7);
    await call(page, 'render', {
      values,
      rows,
      cols,
      rowLabels: labels('tok ', rows),
      colLabels: labels('s', cols),
      rowName: 'token',
      colName: 'slot',
      colGroups: { size: 4, labels: ['E0', 'E1', 'E2'] },
      width: 600,
    });
    const { box: canvas } = await call(page, 'canvasInfo');
    const cell = await call(page, 'cellBox', 5, 7);
    await page.mouse.move(canvas.x + cell.x + cell.width / 2, canvas.y + cell.y + cell.height / 2);
    await page.locator('[role="tooltip"]').waitFor({ state: 'visible' });
    const value = Math.fround(values[5 * cols + 7]!);
    assert.equal(
      await call(page, 'tooltipText'),
      `token: tok 5\nslot: s7 (E1)\nvalue: ${value.toPrecision(4)}`,
    );
    assert.deepEqual(await call(page, 'lastHover'), { row: 5, col: 7, value });

    await page.mouse.move(canvas.x + canvas.width + 40, canvas.y + 10); // Off the canvas.
    await page.locator('[role="tooltip"]').waitFor({ state: 'hidden' });
    assert.equal(await call(page, 'lastHover'), null);
  });

  it('moves the highlighted cell with the arrow keys, announces it, and selects it with Enter', async () => {
    const rows = 8;
    const cols = 10;
    const values = matrix(rows, cols, (r, c) => r + c / 10);
    await call(page, 'render', {
      values,
      rows,
      cols,
      rowLabels: labels('layer ', rows),
      colLabels: labels('E', cols),
      rowName: 'layer',
      colName: 'expert',
      width: 600,
    });
    const canvas = page.locator('canvas[aria-roledescription="heatmap"]');
    await canvas.focus();
    assert.deepEqual(await call(page, 'highlighted'), { row: 0, col: 0 });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await call(page, 'highlighted'), { row: 1, col: 2 });
    assert.equal(await call(page, 'liveText'), 'layer: layer 1, expert: E2, value: 1.200');
    assert.equal(await call(page, 'tooltipText'), 'layer: layer 1\nexpert: E2\nvalue: 1.200');

    // The focus ring (--vscode-focusBorder, #0078d4) sits just outside the highlighted cell.
    const { dpr } = await call(page, 'canvasInfo');
    const box = await call(page, 'cellBox', 1, 2);
    const ring = await call(
      page,
      'overlayPixel',
      Math.round(box.x * dpr) - 1,
      Math.floor((box.y + box.height / 2) * dpr),
    );
    assert.deepEqual(ring, [0, 120, 212, 255]);

    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp'); // Stays on the first row.
    assert.deepEqual(await call(page, 'highlighted'), { row: 0, col: 1 });
    await page.keyboard.press('End');
    assert.deepEqual(await call(page, 'highlighted'), { row: 0, col: cols - 1 });
    await page.keyboard.press('Control+End');
    assert.deepEqual(await call(page, 'highlighted'), { row: rows - 1, col: cols - 1 });
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    assert.deepEqual(await call(page, 'selections'), [[rows - 1, 0]]);
    assert.equal(await call(page, 'liveText'), 'Selected layer: layer 7, expert: E0, value: 7.000');

    // A click selects too.
    const { box: where } = await call(page, 'canvasInfo');
    const target = await call(page, 'cellBox', 3, 4);
    await page.mouse.click(where.x + target.x + target.width / 2, where.y + target.y + target.height / 2);
    assert.deepEqual(await call(page, 'selections'), [
      [rows - 1, 0],
      [3, 4],
    ]);
    assert.deepEqual(await call(page, 'highlighted'), { row: 3, col: 4 });
  });

  it('redraws at the new width when its container is resized', async () => {
    const rows = 6;
    const cols = 9;
    const values = matrix(rows, cols, (r, c) => (r * 7 + c * 3) % 11);
    await call(page, 'render', { values, rows, cols, width: 700 });
    const before = await call(page, 'canvasInfo');
    assert.equal(Math.round(before.box.width), 700);
    await call(page, 'setContainerWidth', 420);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { heatmapPage: HeatmapPageApi }).heatmapPage.canvasInfo().box.width === 420,
    );
    const [min, max] = extent(values);
    for (const [row, col] of [
      [0, 0],
      [3, 4],
      [5, 8],
    ] as const) {
      const expected = [...colorFor(Math.fround(values[row * cols + col]!), min, max, 'viridis')];
      assert.deepEqual(await call(page, 'pixelAtCell', row, col), expected);
    }
  });

  it('recolours every cell on update(), leaves nothing behind on dispose(), and none of it in the next heatmap', async () => {
    const rows = 7;
    const cols = 11;
    await call(page, 'render', {
      values: matrix(rows, cols, (r, c) => r * cols + c),
      rows,
      cols,
      width: 560,
    });
    const next = matrix(rows, cols, (r, c) => ((r * cols + c) % 5 === 0 ? NaN : -((r * cols + c) ** 2)));
    await call(page, 'update', next);
    const [min, max] = extent(next);
    for (const [row, col] of [
      [0, 1],
      [3, 3],
      [6, 10],
      [0, 5],
    ] as const) {
      const expected = [...colorFor(Math.fround(next[row * cols + col]!), min, max, 'viridis')];
      assert.deepEqual(
        await call(page, 'pixelAtCell', row, col),
        expected,
        `cell (${row}, ${col}) after update`,
      );
    }
    const legend = await page.locator('.heatmap-legend').textContent();
    assert.ok(
      legend?.startsWith(`${min.toPrecision(4)}${max.toPrecision(4)}`),
      `legend shows the new range: ${legend}`,
    );
    assert.deepEqual(await call(page, 'dispose'), { figures: 0, canvases: 0 });

    // The next heatmap of this shape reuses the disposed one's image buffers: none of it may show.
    const third = matrix(rows, cols, (r, c) => Math.cos(r * cols + c));
    await call(page, 'render', { values: third, rows, cols, colormap: 'magma', width: 560 });
    const [lo, hi] = extent(third);
    for (const [row, col] of [
      [0, 0],
      [0, 5],
      [4, 7],
      [6, 10],
    ] as const) {
      const expected = [...colorFor(Math.fround(third[row * cols + col]!), lo, hi, 'magma')];
      assert.deepEqual(
        await call(page, 'pixelAtCell', row, col),
        expected,
        `cell (${row}, ${col}) of the next heatmap`,
      );
    }
  });

  it('draws a 4096 × 1024 matrix as one image whose sampled pixels are their cells’ colours', async () => {
    const range: [number, number] = [0, 1];
    const ms = await call(page, 'renderRandom', 4096, 1024, 1000, range);
    console.log(`      4096 × 1024: ${ms.toFixed(1)} ms from renderHeatmap() to the end of the next frame`);
    const info = await call(page, 'canvasInfo');
    const first = await call(page, 'cellBox', 0, 0);
    const last = await call(page, 'cellBox', 4095, 1023);
    const plot = {
      x: first.x,
      y: first.y,
      w: last.x + last.width - first.x,
      h: last.y + last.height - first.y,
    };
    assert.ok(info.width >= plot.w, 'the plot fits the canvas');
    // Pixels whose centres fall well inside one cell (not within 0.2 of a cell edge).
    const samples: { x: number; y: number; row: number; col: number }[] = [];
    for (let i = 1; samples.length < 12 && i < 400; i++) {
      const x = Math.floor(plot.x + (((i * 37) % 97) / 97) * plot.w);
      const y = Math.floor(plot.y + (((i * 53) % 89) / 89) * plot.h);
      const u = ((x + 0.5 - plot.x) * 1024) / plot.w;
      const v = ((y + 0.5 - plot.y) * 4096) / plot.h;
      if (u % 1 > 0.2 && u % 1 < 0.8 && v % 1 > 0.2 && v % 1 < 0.8) {
        samples.push({ x, y, row: Math.floor(v), col: Math.floor(u) });
      }
    }
    assert.ok(samples.length >= 6, `found ${samples.length} unambiguous pixels`);
    const cellValues = await call(
      page,
      'valuesAt',
      samples.map((s): [number, number] => [s.row, s.col]),
    );
    for (const [i, s] of samples.entries()) {
      const expected = [...colorFor(cellValues[i]!, range[0], range[1], 'viridis')];
      const where = `pixel (${s.x}, ${s.y}) of cell (${s.row}, ${s.col})`;
      assert.deepEqual(await call(page, 'pixel', s.x, s.y), expected, where);
      assert.deepEqual(await call(page, 'cellColor', s.row, s.col), expected, where);
    }
  });

  it('draws a contrast border around the focused cell in a high-contrast theme', async () => {
    const rows = 5;
    const cols = 6;
    await call(page, 'render', { values: matrix(rows, cols, (r, c) => r * c), rows, cols, width: 480 });
    await page.locator('canvas[aria-roledescription="heatmap"]').focus();
    await page.keyboard.press('ArrowDown');
    await call(page, 'useHighContrast');
    const { dpr } = await call(page, 'canvasInfo');
    const box = await call(page, 'cellBox', 1, 0);
    const x = Math.round(box.x * dpr) - 1;
    const y = Math.floor((box.y + box.height / 2) * dpr);
    // The theme switch reaches the heatmap through a mutation observer: wait for its redraw.
    await page.waitForFunction(
      ([px, py]) => {
        const api = (globalThis as unknown as { heatmapPage: HeatmapPageApi }).heatmapPage;
        return api.overlayPixel(px!, py!).join() === '243,133,24,255';
      },
      [x, y],
    );
    assert.deepEqual(await call(page, 'overlayPixel', x, y), [243, 133, 24, 255]); // --vscode-contrastActiveBorder
  });

  it('saves a screenshot of three views (routing, difference, log scale) with the keyboard cursor', async () => {
    const fresh = await openPage(1);
    try {
      await call(fresh, 'renderGallery');
      await fresh.locator('canvas[aria-roledescription="heatmap"]').first().focus();
      for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'ArrowRight', 'ArrowRight']) {
        await fresh.keyboard.press(key);
      }
      await fresh.locator('[role="tooltip"]').first().waitFor({ state: 'visible' });
      mkdirSync(RESULTS_DIR, { recursive: true });
      await fresh.screenshot({ path: join(RESULTS_DIR, 'heatmap.png'), fullPage: true });
      assert.deepEqual(await call(fresh, 'violations'), [], 'no Content-Security-Policy violations');
    } finally {
      await fresh.close();
    }
  });

  it('renders under the webview content security policy without violations', async () => {
    assert.deepEqual(await call(page, 'violations'), []);
  });
});
