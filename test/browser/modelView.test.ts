/**
 * The model view in code-server's workbench: opening a .onnx file shows what MoE Scope reads from
 * it without running anything (the MoE layers its graph shows, inputs, operators), "Analyze
 * Experts" from the view runs it, and the view then shows the latest analysis. A file that is not
 * ONNX gets the error in the view.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { ModelInspection } from '../../src/core/detect/outline';
import { statsLine } from '../../src/core/link/layerStats';
import { reportFromJson } from '../../src/core/report/read';
import { tableCells } from '../harness/chromium.mjs';
import { BROWSER_RESULTS_DIR as RESULTS_DIR, repoRoot } from '../harness/codeServer.mjs';
import { createTestWorkspace, DEMO_MODEL_NAME } from '../harness/workspace.mjs';
import {
  openWorkbench,
  quickOpen,
  scriptSources,
  tearDownWorkbench,
  webviewWith,
  type Workbench,
} from './workbench';

const CLI = join(repoRoot, 'dist', 'cli.js');
const DEMO_INPUTS = join(repoRoot, 'media', 'demo', 'fashion-mnist-test.npz');
const MAX_INPUTS = 64;
const VIEW = '[data-action="analyze"]';
const LAYER_ROWS = 'section[aria-label^="MoE layers"] vscode-table-row';

describe('model view in the browser workbench', function () {
  this.timeout(180_000);

  let workspace: ReturnType<typeof createTestWorkspace> | undefined;
  let workbench: Workbench | undefined;
  let page: Page;
  let inspection: ModelInspection;

  before(async function () {
    this.timeout(240_000);
    mkdirSync(RESULTS_DIR, { recursive: true });
    workspace = createTestWorkspace({
      settings: {
        // .onnx files open as users get them: in the model view.
        'workbench.editorAssociations': {},
        'moeScope.executionProviders': ['cpu'],
        'moeScope.maxInputs': MAX_INPUTS,
        'moeScope.specialization.inputs': 0,
      },
    });
    writeFileSync(join(workspace.folder, 'notes.onnx'), 'these are my notes, not a model\n'.repeat(20));
    inspection = JSON.parse(
      execFileSync(process.execPath, [CLI, 'inspect', workspace.modelPath, '--json'], { encoding: 'utf8' }),
    ) as ModelInspection;
    workbench = await openWorkbench(workspace.folder, 'model-view');
    page = workbench.page;
  });

  tearDownWorkbench(() => ({ workbench, workspace }));

  it('opens a .onnx file in the model view: its MoE layers, inputs and operators, read without running it', async () => {
    await quickOpen(page, DEMO_MODEL_NAME);
    const view: Frame = await webviewWith(page, VIEW);
    await view.locator(LAYER_ROWS).first().waitFor();
    assert.equal(await view.locator('h1').textContent(), DEMO_MODEL_NAME);
    assert.deepEqual(
      await tableCells(view.locator(LAYER_ROWS)),
      inspection.layers.map((l) => [
        l.id,
        'Soft MoE',
        String(l.experts),
        `${l.slotsPerExpert} slots per expert`,
      ]),
    );
    assert.equal(inspection.layers.length, 2);
    assert.equal(
      await view.locator('[data-testid="node-count"]').textContent(),
      String(inspection.nodeCount),
    );
    assert.equal(await view.locator('[data-testid="latest"]').count(), 0, 'not analysed yet');
    assert.equal(await view.locator('[data-action="openReport"]').count(), 0, 'no report to open');
    // Nothing ran: no provider in the status bar.
    assert.equal(await page.locator('.statusbar-item', { hasText: 'MoE: cpu' }).count(), 0);
    const policy =
      (await view.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
    assert.match(policy, /default-src 'none'/);
    assert.ok(
      scriptSources(policy).every((source) => /^'nonce-[\w-]+'$/.test(source)),
      policy,
    );
    await page.screenshot({ path: join(RESULTS_DIR, 'model-view.png') });
  });

  it('runs Analyze Experts from the view, then shows the latest analysis beside each layer', async () => {
    const view = await webviewWith(page, VIEW);
    await view.locator(VIEW).click();
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', {
        hasText: 'Fashion-MNIST test set',
      })
      .first()
      .click();
    await page.locator('.statusbar-item', { hasText: 'MoE: cpu' }).first().waitFor({ state: 'visible' });
    await page
      .locator('.tab', { hasText: `MoE Scope: ${DEMO_MODEL_NAME}` })
      .first()
      .waitFor();

    const latest = view.locator('[data-testid="latest"]');
    await latest.waitFor();
    assert.match(
      (await latest.textContent()) ?? '',
      new RegExp(`^Latest analysis: ${MAX_INPUTS} samples from .+ on cpu, .+\\.$`),
    );
    const out = join(RESULTS_DIR, 'model-view.cli.json');
    execFileSync(process.execPath, [
      CLI,
      'analyze',
      workspace!.modelPath,
      '--inputs',
      DEMO_INPUTS,
      '--limit',
      String(MAX_INPUTS),
      '--provider',
      'cpu',
      '--json',
      out,
      '--quiet',
    ]);
    const expected = reportFromJson(readFileSync(out, 'utf8'));
    await view.locator('[data-action="openReport"]').waitFor();
    assert.deepEqual(
      (await tableCells(view.locator(LAYER_ROWS))).map((cells) => [cells[0], cells[4]]),
      expected.layers.map((layer) => [layer.id, statsLine(layer)]),
    );
    await page.screenshot({ path: join(RESULTS_DIR, 'model-view-analysed.png') });
  });

  it('shows why a .onnx file that is not a model cannot be read, in the view', async () => {
    await quickOpen(page, 'notes.onnx');
    const error = await webviewWith(page, '.error[role="alert"]');
    assert.match(
      (await error.locator('.error').textContent()) ?? '',
      /notes\.onnx is not (an|a readable) ONNX model/,
    );
  });
});
