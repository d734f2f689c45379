/**
 * Workspace trust in the real workbench: in a folder nobody has trusted (restricted mode), "Analyze
 * Experts" reads the model's structure (and the MoE layers its graph shows) but never runs it, and
 * the panel says why.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tableCells } from '../harness/chromium.mjs';
import { createTestWorkspace, DEMO_MODEL_NAME } from '../harness/workspace.mjs';
import { openWorkbench, runFromPalette, tearDownWorkbench, type Workbench } from './workbench';

describe('workspace trust in the browser workbench', function () {
  this.timeout(180_000);

  let workspace: ReturnType<typeof createTestWorkspace> | undefined;
  let workbench: Workbench | undefined;
  let page: Page;

  before(async function () {
    this.timeout(240_000);
    workspace = createTestWorkspace({
      settings: { 'moeScope.checkpoint': DEMO_MODEL_NAME, 'moeScope.executionProviders': ['cpu'] },
    });
    workbench = await openWorkbench(workspace.folder, 'trust', { workspaceTrust: true });
    page = workbench.page;
  });

  tearDownWorkbench(() => ({ workbench, workspace }));

  it('only inspects a checkpoint of an untrusted folder, and says so in the panel', async () => {
    // VS Code shows restricted mode in the status bar when the folder is not trusted.
    await page
      .locator('.statusbar-item', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ state: 'visible' });
    await runFromPalette(page, 'MoE Scope: Analyze Experts');
    const webview = workbench!.webview;
    const notice = webview.locator('p.notice');
    await notice.waitFor({ state: 'visible' });
    assert.match(
      (await notice.textContent()) ?? '',
      /not trusted.*only read the model.*Trust the workspace to run it/,
    );
    // The structure is there (read without running anything) and no inputs were asked for.
    assert.equal(await webview.locator('h1').first().textContent(), DEMO_MODEL_NAME);
    assert.ok(
      Number(await webview.locator('[data-testid="node-count"]').textContent()) > 0,
      'the node count',
    );
    assert.deepEqual(
      await tableCells(webview.locator('section[aria-label^="MoE layers"] vscode-table-row')),
      [
        ['blocks.2.mlp', 'Soft MoE', '8', '2 slots per expert'],
        ['blocks.3.mlp', 'Soft MoE', '8', '2 slots per expert'],
      ],
      'the layers the graph shows',
    );
    assert.equal(await page.locator('.quick-input-widget:visible').count(), 0, 'no input pick');
    assert.equal(await webview.locator('[data-figure="expert-load"]').count(), 0, 'no analysis drawn');
    assert.equal(
      await page.locator('.statusbar-item', { hasText: 'MoE: cpu' }).count(),
      0,
      'no provider ran a model',
    );
  });
});
