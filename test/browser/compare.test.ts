/**
 * "MoE Scope: Compare Checkpoints" as a person runs it: in code-server's workbench in Chromium, two
 * checkpoints selected in the explorer (the demo and the same recipe trained with seed 7), "Compare
 * Checkpoints" from the context menu, the bundled Fashion-MNIST inputs from the quick pick. What the
 * panel shows is checked against `moe-scope compare --json` on the same files and inputs: the
 * header's numbers, the agreement chart, and pixels of the B − A load heatmap against `colorFor`.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { CompareResult } from '../../src/core/compare/types';
import { colorFor } from '../../webview/heatmap/colorScale';
import { loadGrids } from '../../webview/compare/matrices';
import {
  BROWSER_RESULTS_DIR as RESULTS_DIR,
  repoRoot,
  tableCells,
  waitForExpression,
  waitForWorkbench,
} from '../harness/codeServer.mjs';
import { createTestWorkspace, DEMO_MODEL_NAME } from '../harness/workspace.mjs';
import { extent } from './colorRange';
import {
  box,
  openWorkbench,
  sampleCells,
  scriptSources,
  tearDownWorkbench,
  type Workbench,
} from './workbench';

const SEED7 = 'softmoe_vit_seed7.onnx';
const INPUTS = join(repoRoot, 'media', 'demo', 'fashion-mnist-test.npz');
const MAX_INPUTS = 128;
const DETAILED = 4;

/** What `moe-scope compare --json` finds for the two workspace checkpoints on the panel's inputs. */
function compareWithCli(a: string, b: string, out: string): CompareResult {
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'dist', 'cli.js'),
      'compare',
      a,
      b,
      '--inputs',
      INPUTS,
      '--limit',
      String(MAX_INPUTS),
      '--samples',
      String(DETAILED),
      '--json',
      out,
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return JSON.parse(readFileSync(out, 'utf8')) as CompareResult;
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

/** Whether a canvas has any drawn (non-transparent) pixel. */
function drewSomething(canvas: Locator): Promise<boolean> {
  return canvas.evaluate((element) => {
    const c = element as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: number[] };
      };
    };
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
    return false;
  });
}

/** Resolves once a file exists: the host writes exports after the save dialog closes. */
async function waitForFile(path: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let size = -1;
  for (;;) {
    // Written once the file exists with the same, non-zero size on two looks 100 ms apart.
    const now = existsSync(path) ? statSync(path).size : -1;
    if (now > 0 && now === size) return;
    size = now;
    if (Date.now() > deadline) throw new Error(`${path} was not written`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('compare checkpoints in the browser workbench', function () {
  this.timeout(180_000);

  let workspace: ReturnType<typeof createTestWorkspace> | undefined;
  let workbench: Workbench | undefined;
  let page: Page;
  let expected: CompareResult;
  let webview: FrameLocator;

  before(async function () {
    this.timeout(240_000);
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createTestWorkspace({
      settings: {
        'moeScope.executionProviders': ['cpu'],
        'moeScope.maxInputs': MAX_INPUTS,
        'moeScope.detailedSamples': DETAILED,
      },
    });
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'compare', SEED7), join(workspace.folder, SEED7));
    expected = compareWithCli(
      workspace.modelPath,
      join(workspace.folder, SEED7),
      join(workspace.folder, 'expected-comparison.json'),
    );
    workbench = await openWorkbench(workspace.folder, 'compare');
    ({ page, webview } = workbench);
  });

  tearDownWorkbench(() => ({ workbench, workspace }));

  it('compares two checkpoints selected in the explorer, from its context menu, on the bundled inputs', async () => {
    const row = (name: string) =>
      page.locator('.explorer-folders-view .monaco-list-row', { has: page.getByText(name, { exact: true }) });
    // Menu entries exist once the workbench has read MoE Scope's contributions; its "MoE Layers"
    // view in the explorer shows that moment (a slow machine can open the menu before it).
    await page.locator('.pane-header', { hasText: 'MoE Layers' }).waitFor({ state: 'visible' });
    const selected = page.locator('.explorer-folders-view .monaco-list-row.selected');
    const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Compare Checkpoints' });
    const picks = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const demoInputs = picks.filter({ hasText: 'Fashion-MNIST test set' }).first();
    const menu = page.locator('.context-view .monaco-menu');
    // The first click opens the file, which can take the focus back from the list while the second
    // click lands, and a menu can close, or ignore a mouse click, while the workbench re-renders.
    // The entry is chosen the way the keyboard does it (focus it, Enter), and the whole gesture is
    // repeated until the menu closes on it, which is when the command runs.
    for (let attempt = 1; ; attempt++) {
      await row(DEMO_MODEL_NAME).click();
      await page.locator('.tabs-container .tab', { hasText: DEMO_MODEL_NAME }).first().waitFor();
      await row(SEED7).click({ modifiers: ['ControlOrMeta'] });
      try {
        assert.equal(await selected.count(), 2, 'two files selected in the explorer');
        // The right-clicked file (the demo) is A; the entry shows for a multi-selection of .onnx files.
        await row(DEMO_MODEL_NAME).click({ button: 'right' });
        await entry.waitFor({ state: 'visible', timeout: 5_000 });
        await entry.hover();
        await menu
          .locator('.action-item.focused', { hasText: 'Compare Checkpoints' })
          .waitFor({ timeout: 5_000 });
        await page.keyboard.press('Enter');
        await menu.waitFor({ state: 'hidden', timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt >= 6) throw error;
        console.log(
          `      (explorer menu, attempt ${attempt}: ${String(error).split('\n')[0]}; trying again)`,
        );
      }
      await page.keyboard.press('Escape');
    }
    // The command inspects checkpoint A in the engine (started cold on a slow machine) first.
    await demoInputs.waitFor({ state: 'visible', timeout: 90_000 });
    await demoInputs.click();

    await webview.locator('[data-figure="load-difference"] canvas[role="application"]').waitFor();
    assert.equal(await webview.locator('h1').textContent(), `${DEMO_MODEL_NAME} ↔ ${SEED7}`);
    const agreement = expected.comparison.predictionAgreement;
    assert.ok(agreement !== null && agreement > 0.8 && agreement < 1, `predictions agree on ${agreement}`);
    assert.equal(
      await webview.locator('[data-testid="prediction-agreement"]').textContent(),
      `predictions agree on ${percent(agreement)}`,
    );
    assert.match(
      (await webview.locator('[data-testid="run-facts"]').textContent()) ?? '',
      new RegExp(`^${MAX_INPUTS} samples from Fashion-MNIST test set \\(bundled\\) · provider cpu$`),
    );

    // Both checkpoints' load heatmaps and the per-sample routing, side by side, all drawn.
    const first = expected.comparison.layers[0]!;
    for (const figure of ['load-a', 'load-b', `${first.a}-s0-a`, `${first.a}-s0-b`]) {
      const canvas = webview.locator(`[data-figure="${figure}"] canvas[role="application"]`);
      assert.ok(await drewSomething(canvas), `${figure} drew pixels`);
    }
    const loadA = await box(webview.locator('[data-figure="load-a"]'));
    const loadB = await box(webview.locator('[data-figure="load-b"]'));
    assert.ok(loadB.x > loadA.x + loadA.width - 1 && Math.abs(loadB.y - loadA.y) < 1, 'A and B side by side');

    // The agreement chart: drawn, and naming the comparison's numbers for screen readers.
    const chart = webview.locator('[data-chart="agreement"] canvas');
    assert.ok(await drewSomething(chart), 'the agreement chart drew pixels');
    const label = (await chart.getAttribute('aria-label')) ?? '';
    for (const layer of expected.comparison.layers) {
      assert.ok(
        label.includes(
          `${layer.a}: top-1 ${percent(layer.top1Agreement)} aligned, ${percent(layer.unaligned.top1Agreement)} unaligned`,
        ),
        label,
      );
    }

    const alignment = webview.locator('[data-testid="alignment-quality"]');
    assert.match(
      (await alignment.textContent()) ?? '',
      new RegExp(`^Matched r ${first.alignment.meanCorrelation.toPrecision(4).replace('.', '\\.')} against `),
    );
    const pairs = await tableCells(webview.locator('.alignment-table tbody tr'));
    assert.deepEqual(
      pairs.map((cells) => cells.slice(0, 2)),
      first.matching.map((b, a) => [`e${a}`, `e${b}`]),
    );

    await page.screenshot({ path: join(RESULTS_DIR, 'compare-panel.png') });
  });

  it('draws B − A of the expert loads in the diverging colours of the comparison’s numbers', async () => {
    const pairs = expected.comparison.layers;
    const grids = loadGrids(pairs, expected.a.layers, expected.b.layers);
    const [lo, hi] = extent(grids.difference.values);
    const checked = new Set<string>();
    // Points across the plot (right of the row labels, above the column labels); each is used only
    // when the cell under it is the same 3 px to either side, so no point sits on a cell edge.
    const cells = await sampleCells(page, webview.locator('[data-figure="load-difference"]'), {
      xs: [0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
      ys: [0.2, 0.55],
      vertical: false,
    });
    for (const { lines, pixel } of cells) {
      const layer = /^layer pair: (.+)$/.exec(lines[0]!)?.[1];
      const expert = /^expert of A: e(\d+)$/.exec(lines[1]!)?.[1];
      const row = pairs.findIndex((p) => p.a === layer);
      assert.ok(row >= 0 && expert !== undefined, `a cell of the heatmap: ${lines.join(' | ')}`);
      const col = Number(expert);
      const value = grids.difference.values[row * grids.difference.cols + col]!;
      // The load delta of the comparison itself (B's matched expert minus A's).
      assert.ok(Math.abs(value - pairs[row]!.load.delta[col]!) < 1e-7, `${layer} e${col}: ${value}`);
      assert.deepEqual(pixel, [...colorFor(value, lo, hi, 'diverging')], `${layer} e${col} = ${value}`);
      checked.add(`${row},${col}`);
    }
    assert.ok(checked.size >= 4, `checked ${checked.size} cells`);
  });

  it('moves every view to the pair chosen with the keyboard in the layer pairs table', async () => {
    const second = expected.comparison.layers[1]!;
    const rows = webview.locator('.pair-table tbody tr');
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await webview.locator(`.pair-view[data-layer="${second.a}"]`).waitFor();
    assert.equal(await rows.nth(1).getAttribute('aria-selected'), 'true');
    assert.equal(await webview.locator('.pair-view h2').textContent(), `Layer pair ${second.a}`);
    const sample = webview.locator(`[data-figure="${second.a}-s0-difference"] canvas[role="application"]`);
    assert.ok(await drewSomething(sample), 'the sample difference of the new pair is drawn');
    await webview.locator('.pair-view').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'compare-panel-pair.png') });
  });

  it('saves a PNG of the B − A heatmap and the comparison JSON beside checkpoint A', async () => {
    const folder = workspace!.folder;
    const save = async (button: Locator, name: string): Promise<Buffer> => {
      await button.click();
      // VS Code's save dialog, proposing the file name the panel chose, next to checkpoint A.
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      // The dialog fills its path in steps (folder, then name): wait for the whole proposal.
      const proposed = join(folder, name);
      await waitForExpression(
        page,
        `document.querySelector('.quick-input-widget .quick-input-box input')?.value === ${JSON.stringify(proposed)}`,
        10_000,
      );
      await page.keyboard.press('Enter');
      await waitForFile(proposed);
      return readFileSync(proposed);
    };
    const difference = webview.locator('[data-figure="load-difference"]');
    const png = await save(
      difference.locator('vscode-button', { hasText: 'PNG' }),
      'softmoe_vit-vs-softmoe_vit_seed7-load-difference.png',
    );
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG file');
    const width = await difference
      .locator('canvas[role="application"]')
      .evaluate((canvas) => (canvas as unknown as { width: number }).width);
    assert.equal(png.readUInt32BE(16), width, 'the image is the heatmap canvas, pixel for pixel');

    const json = await save(
      webview.locator('[data-testid="export-json"]'),
      'softmoe_vit-vs-softmoe_vit_seed7-comparison.json',
    );
    const saved = JSON.parse(json.toString('utf8')) as CompareResult;
    assert.equal(saved.schema, 'moe-scope/comparison@1');
    assert.deepEqual(saved.comparison, expected.comparison, 'the same comparison as the CLI’s');
  });

  it('compares again from the panel, showing progress, then the same numbers', async () => {
    const agreement = webview.locator('[data-testid="prediction-agreement"]');
    await webview.locator('[data-testid="rerun"]').click();
    await agreement.waitFor({ state: 'detached' }); // The busy view replaces the comparison.
    await agreement.waitFor({ state: 'visible' });
    assert.equal(
      await agreement.textContent(),
      `predictions agree on ${percent(expected.comparison.predictionAgreement!)}`,
    );
  });

  it('serves the compare panel under a nonce-based script policy', async () => {
    const policy = await webview
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    assert.ok(policy);
    assert.match(policy, /default-src 'none'/);
    const script = scriptSources(policy);
    assert.equal(script.length, 1, `one script source: ${script.join(' ')}`);
    assert.match(script[0]!, /^'nonce-[A-Za-z0-9+/_=-]{16,}'$/);
  });

  it('shows the stored comparison again after the window reloads, without running either model', async () => {
    await page.reload();
    await waitForWorkbench(page);
    const restored = webview.locator('[data-testid="restored"]');
    await restored.waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(
      await restored.textContent(),
      'This comparison is from an earlier session; the checkpoints are unchanged.',
    );
    assert.equal(
      await webview.locator('[data-testid="prediction-agreement"]').textContent(),
      `predictions agree on ${percent(expected.comparison.predictionAgreement!)}`,
    );
    const difference = webview.locator('[data-figure="load-difference"] canvas[role="application"]');
    assert.ok(await drewSomething(difference), 'the B − A heatmap drew pixels');
    // Nothing ran: a reload starts without a provider in the status bar.
    assert.equal(await page.locator('.statusbar-item', { hasText: 'MoE: cpu' }).count(), 0);
  });
});
