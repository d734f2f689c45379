/**
 * "MoE Scope: Analyze Experts" as a person runs it: in code-server's workbench in Chromium, with
 * model.py open, from the command palette, on the checkpoint the workspace settings name. Checks
 * what the panel shows against what the CLI reports for the same file.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { reportFromJson } from '../../src/core/report/read';
import type { Report } from '../../src/core/report/types';
import { colorFor } from '../../webview/heatmap/colorScale';
import { BROWSER_RESULTS_DIR as RESULTS_DIR, repoRoot } from '../harness/codeServer.mjs';
import { createTestWorkspace, DEMO_MODEL_NAME, demoModelPath } from '../harness/workspace.mjs';
import { extent } from './colorRange';
import {
  box,
  openWorkbench,
  quickOpen,
  runFromPalette,
  sampleCells,
  scriptSources,
  tearDownWorkbench,
  type Workbench,
} from './workbench';

const COMMAND_TITLE = 'MoE Scope: Analyze Experts';

const DEMO_INPUTS = join(repoRoot, 'media', 'demo', 'fashion-mnist-test.npz');
const README_SCREENSHOT = join(repoRoot, 'docs', 'images', 'analyze-panel.png');
/** Settings of the run: the panel's report must equal the CLI's with the same limits. */
const MAX_INPUTS = 256;
const DETAILED = 4;

/** What `moe-scope analyze` reports for the demo on the bundled inputs, with the panel's limits. */
function analyzeWithCli(path: string, out: string): Report {
  execFileSync(
    process.execPath,
    [
      join(repoRoot, 'dist', 'cli.js'),
      'analyze',
      path,
      '--inputs',
      DEMO_INPUTS,
      '--limit',
      String(MAX_INPUTS),
      '--samples',
      String(DETAILED),
      '--provider',
      'cpu',
      '--json',
      out,
      '--quiet',
    ],
    { encoding: 'utf8' },
  );
  return reportFromJson(readFileSync(out, 'utf8'));
}

/** Points across a heatmap where the panel's cells are read: each away from cell edges both ways. */
const CELL_POINTS = { xs: [0.3, 0.45, 0.6, 0.75, 0.9], ys: [0.15, 0.35, 0.55, 0.75], vertical: true };

describe('MoE Scope in the browser workbench', function () {
  this.timeout(180_000);

  let workspace: ReturnType<typeof createTestWorkspace> | undefined;
  let workbench: Workbench | undefined;
  let page: Page;
  let expected: Report;
  let webview: FrameLocator;

  before(async function () {
    this.timeout(240_000);
    mkdirSync(RESULTS_DIR, { recursive: true });
    expected = analyzeWithCli(demoModelPath(), join(RESULTS_DIR, 'analyze-panel.cli.json'));
    // The setting names the checkpoint, so the command asks only for inputs.
    workspace = createTestWorkspace({
      settings: {
        'moeScope.checkpoint': DEMO_MODEL_NAME,
        'moeScope.executionProviders': ['cpu'],
        'moeScope.maxInputs': MAX_INPUTS,
        'moeScope.detailedSamples': DETAILED,
        'moeScope.specialization.inputs': 16,
      },
    });
    workbench = await openWorkbench(workspace.folder, 'analyze');
    ({ page, webview } = workbench);
  });

  tearDownWorkbench(() => ({ workbench, workspace }));

  it('runs Analyze Experts from the palette on the bundled inputs and opens the panel beside model.py', async () => {
    await quickOpen(page, 'model.py');
    await runFromPalette(page, COMMAND_TITLE);
    // The checkpoint comes from the settings; the inputs are picked like a person does.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Fashion-MNIST test set' })
      .first()
      .click();

    const load = webview.locator('[data-figure="expert-load"]');
    await load.locator('canvas[role="application"]').waitFor({ state: 'visible' });
    assert.equal(await webview.locator('h1').first().textContent(), DEMO_MODEL_NAME);

    // Two editor groups side by side: the code on the left, the panel on the right.
    const groups = page.locator('.part.editor .editor-group-container');
    assert.equal(await groups.count(), 2);
    const left = await box(groups.nth(0));
    const right = await box(groups.nth(1));
    assert.ok(
      right.x >= left.x + left.width - 1,
      `the panel is right of the code (${left.x}+${left.width} vs ${right.x})`,
    );
    assert.ok(Math.abs(right.y - left.y) < 1, 'both groups start at the same height');
    assert.equal(await groups.nth(0).locator('.tab', { hasText: 'model.py' }).count(), 1);
    assert.equal(
      await groups
        .nth(1)
        .locator('.tab.active', { hasText: `MoE Scope: ${DEMO_MODEL_NAME}` })
        .count(),
      1,
    );
    // The status bar names the provider that ran.
    await page.locator('.statusbar-item', { hasText: 'MoE: cpu' }).first().waitFor({ state: 'visible' });
  });

  it('draws the layers × experts load in the colours of the report’s numbers, with the tooltip naming the cell', async () => {
    const loads = expected.layers.flatMap((l) => l.summary.expertLoad);
    const [lo, hi] = extent(loads);
    const experts = expected.layers[0]!.experts;
    const cells = await sampleCells(page, webview.locator('[data-figure="expert-load"]'), CELL_POINTS);
    assert.ok(cells.length >= 4, `found ${cells.length} cells away from edges`);
    for (const { lines, pixel } of cells) {
      const row = expected.layers.findIndex((l) => `layer: ${l.id}` === lines[0]);
      const col = Number(/^expert: e(\d+)$/.exec(lines[1] ?? '')?.[1] ?? -1);
      assert.ok(row >= 0 && col >= 0 && col < experts, `a cell of the heatmap: ${lines.join(' | ')}`);
      const value = loads[row * experts + col]!;
      assert.equal(lines[2], `value: ${value.toPrecision(4)}`, 'the tooltip shows the report’s value');
      assert.deepEqual(pixel, [...colorFor(value, lo, hi, 'viridis')], `${lines.join(' | ')}`);
    }
  });

  it('shows a sample’s tokens × slots dispatch weights matching the report, pixel for pixel', async () => {
    await webview.locator('vscode-tab-header[data-view="routing"]').click();
    const sample = expected.perSample![0]!;
    const layer = expected.layers[0]!.id;
    const dispatch = sample.layers[layer]!.dispatch!;
    const figure = webview.locator(`[data-figure="${layer}-dispatch-s${sample.index}"]`);
    await figure.locator('canvas[role="application"]').waitFor({ state: 'visible' });
    const [lo, hi] = extent(dispatch.data);
    const cells = await sampleCells(page, figure, CELL_POINTS);
    assert.ok(cells.length >= 6, `found ${cells.length} cells away from edges`);
    for (const { lines, pixel } of cells) {
      const row = Number(/^token: (\d+)/.exec(lines[0] ?? '')?.[1] ?? -1);
      const col = Number(/^slot: s(\d+)/.exec(lines[1] ?? '')?.[1] ?? -1);
      assert.ok(row >= 0 && row < dispatch.rows && col >= 0 && col < dispatch.cols, lines.join(' | '));
      const value = dispatch.data[row * dispatch.cols + col]!;
      assert.equal(lines[2], `value: ${value.toPrecision(4)}`);
      assert.deepEqual(pixel, [...colorFor(value, lo, hi, 'viridis')], lines.join(' | '));
    }
    await page.mouse.move(5, 5);
  });

  it('saves the panel in a light and a high-contrast theme', async () => {
    const settings = join(workspace!.folder, '.vscode', 'settings.json');
    const base = JSON.parse(readFileSync(settings, 'utf8')) as Record<string, unknown>;
    await webview.locator('vscode-tab-header[data-view="inputs"]').click();
    for (const [theme, file, body] of [
      ['Default Light Modern', 'analyze-panel-light.png', 'vscode-light'],
      ['Default High Contrast', 'analyze-panel-high-contrast.png', 'vscode-high-contrast'],
    ] as const) {
      writeFileSync(settings, JSON.stringify({ ...base, 'workbench.colorTheme': theme }, null, 2));
      // The webview's body carries the theme kind as a class once VS Code has applied it.
      await webview.locator(`body.${body}`).waitFor({ state: 'attached', timeout: 30_000 });
      await page.waitForTimeout(500); // Let the heatmaps redraw in the new colours.
      await page.screenshot({ path: join(RESULTS_DIR, file) });
    }
    await webview.locator('vscode-tab-header[data-view="overview"]').click();
    writeFileSync(
      settings,
      JSON.stringify({ ...base, 'workbench.colorTheme': 'Default Light Modern' }, null, 2),
    );
    await webview.locator('body.vscode-light').waitFor({ state: 'attached' });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(RESULTS_DIR, 'analyze-panel.png') });
    // The README shows this screenshot of the real panel; MOE_SCOPE_UPDATE_SCREENSHOTS=1 refreshes it
    // (a plain test run never changes tracked files).
    if (process.env.MOE_SCOPE_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
      copyFileSync(join(RESULTS_DIR, 'analyze-panel-light.png'), README_SCREENSHOT);
    }
  });

  it('serves the panel under a nonce-based script policy without unsafe-inline or unsafe-eval', async () => {
    assert.equal(
      await page.locator('iframe.webview.ready').count(),
      1,
      'the panel opened by the first test is there',
    );
    const policy = await webview
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    assert.ok(policy, 'the panel declares a Content-Security-Policy');
    const sources = scriptSources(policy);
    const nonces = sources.filter((s) => /^'nonce-[A-Za-z0-9+/_=-]{16,}'$/.test(s));
    assert.equal(nonces.length, 1, `script-src has one nonce: ${sources.join(' ')}`);
    assert.ok(!sources.includes("'unsafe-inline'"), 'no unsafe-inline scripts');
    assert.ok(!sources.includes("'unsafe-eval'"), 'no unsafe-eval');
    assert.ok(!sources.includes('*'), 'no wildcard script source');
    assert.match(policy, /default-src 'none'/);

    // The panel script carries that nonce (the IDL property: browsers hide the attribute).
    const scriptNonce = await webview
      .locator('script[src]')
      .evaluate((script) => (script as unknown as { nonce: string }).nonce);
    assert.equal(`'nonce-${scriptNonce}'`, nonces[0]);
  });
});
