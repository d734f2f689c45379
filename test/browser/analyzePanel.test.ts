/**
 * "MoE Scope: Analyze Experts" as a person runs it: in code-server's workbench in Chromium, with
 * model.py open, from the command palette, on the checkpoint the workspace settings name. Checks
 * what the panel shows against what the CLI reports for the same file.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import type { ModelSummary } from '../../src/core/onnx/types';
import {
  captureConsole,
  type CodeServer,
  launchChromium,
  LogTail,
  repoRoot,
  saveDiagnostics,
  startCodeServer,
  waitForWorkbench,
} from '../harness/codeServer.mjs';
import { createTestWorkspace, DEMO_MODEL_NAME, demoModelPath } from '../harness/workspace.mjs';

const RESULTS_DIR = join(repoRoot, 'test-results', 'browser');
const COMMAND_TITLE = 'MoE Scope: Analyze Experts';

/** What `moe-scope inspect --json` says about the bundled demo checkpoint. */
function inspectWithCli(path: string): ModelSummary {
  const json = execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'inspect', path, '--json'], {
    encoding: 'utf8',
  });
  return JSON.parse(json) as ModelSummary;
}

function shapeText(shape: ModelSummary['inputs'][number]['shape']): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : 'unknown';
}

/** The `script-src` sources of a Content-Security-Policy value. */
function scriptSources(policy: string): string[] {
  const directive = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([name]) => name === 'script-src');
  assert.ok(directive, `the policy has a script-src directive: ${policy}`);
  return directive.slice(1);
}

/** Opens a file by name through Quick Open and waits for its tab to be the active one. */
async function quickOpen(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: fileName })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ state: 'visible' });
}

/**
 * Runs a command from the palette (F1). The extension's commands join the palette a moment after the
 * workbench looks ready, and an open palette does not pick them up, so look again until it is there.
 */
async function runFromPalette(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.first().waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`"${title}" never appeared in the command palette`, { cause: error });
      }
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
    }
  }
  await row.first().click();
  await input.waitFor({ state: 'hidden' });
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  assert.ok(found, 'the element is laid out');
  return found;
}

describe('MoE Scope in the browser workbench', function () {
  this.timeout(120_000);

  const pageLog = new LogTail(300);
  let workspace: ReturnType<typeof createTestWorkspace> | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let expected: ModelSummary;

  before(async function () {
    this.timeout(180_000);
    rmSync(RESULTS_DIR, { recursive: true, force: true }); // Artefacts describe the latest run only.
    expected = inspectWithCli(demoModelPath());
    // The setting names the checkpoint, so the command needs no pick.
    workspace = createTestWorkspace({
      settings: { 'moeScope.checkpoint': DEMO_MODEL_NAME, 'moeScope.executionProviders': ['cpu'] },
    });
    server = await startCodeServer({ folder: workspace.folder, extensionDevelopmentPath: repoRoot });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(60_000);
    captureConsole(page, pageLog);
    try {
      await page.goto(server.url);
      await waitForWorkbench(page);
    } catch (error) {
      await saveDiagnostics(page, RESULTS_DIR, 'workbench-not-ready', { page: pageLog, server: server.log });
      throw error;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      const name = (this.currentTest.title || 'failure').replace(/[^\w-]+/g, '-').slice(0, 80);
      await saveDiagnostics(page, RESULTS_DIR, name, { page: pageLog, server: server?.log });
    }
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    workspace?.dispose();
  });

  it('opens the analysis panel beside model.py from the command palette, showing the demo model', async () => {
    await quickOpen(page, 'model.py');
    await runFromPalette(page, COMMAND_TITLE);

    const webview: FrameLocator = page
      .frameLocator('iframe.webview.ready')
      .frameLocator('iframe#active-frame');
    const nodeCount = webview.locator('[data-testid="node-count"]');
    await nodeCount.waitFor({ state: 'visible' }); // Present once the summary (not the busy state) is shown.
    assert.equal(await webview.locator('h1').textContent(), DEMO_MODEL_NAME);
    assert.equal(await nodeCount.textContent(), String(expected.nodeCount));

    const inputCells = await webview
      .locator('section[aria-label="Inputs"] vscode-table-body vscode-table-cell')
      .allTextContents();
    const [input] = expected.inputs;
    assert.ok(input);
    assert.equal(input.name, 'pixels');
    assert.deepEqual(
      inputCells.map((t) => t.trim()),
      [input.name, input.dtype, shapeText(input.shape)],
    );
    const outputCells = await webview
      .locator('section[aria-label="Outputs"] vscode-table-body vscode-table-cell')
      .allTextContents();
    assert.equal(outputCells[0]?.trim(), 'logits');

    // Two editor groups side by side: the code on the left, the panel on the right.
    const groups = page.locator('.part.editor .editor-group-container');
    assert.equal(await groups.count(), 2);
    const left = await box(groups.nth(0));
    const right = await box(groups.nth(1));
    assert.ok(
      right.x >= left.x + left.width - 1,
      `the second group is right of the first (${left.x}+${left.width} vs ${right.x})`,
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

    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'analyze-panel.png') });
  });

  it('serves the panel under a nonce-based script policy without unsafe-inline or unsafe-eval', async () => {
    assert.equal(
      await page.locator('iframe.webview.ready').count(),
      1,
      'the panel opened by the previous test is there',
    );
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
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
