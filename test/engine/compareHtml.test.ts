/**
 * `moe-scope compare --html`: the standalone comparison page the CLI writes, opened from disk in
 * Chromium. It must draw the comparison offline under its own policy (no violation, no request
 * beyond the file), with the numbers of `--json` from the same run, show what cannot be compared
 * when B has twice A's experts, follow a high-contrast preference, and save the comparison JSON.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { CompareResult } from '../../src/core/compare/types';
import { launchChromium, tableCells, waitForExpression } from '../harness/chromium.mjs';
import { MODELS_DIR, REPO_ROOT } from '../support/fixtures';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const INPUTS = join(MODELS_DIR, 'softmoe_vit.ref', 'inputs.npy');
const LABELS = join(MODELS_DIR, 'softmoe_vit.ref', 'labels.npy');
const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'browser');

/** Records what the page reports before any of its own script runs. */
const WATCH = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ': ' + (e.blockedURI || 'inline'));
  });
`;

describe('moe-scope compare --html page', function () {
  this.timeout(120_000);
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-compare-html-'));
  const html = join(scratch, 'comparison.html');
  const json = join(scratch, 'comparison.json');
  let expected: CompareResult;
  let browser: Browser | undefined;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  before(async () => {
    // softmoe_vit (8 experts × 2 slots) against softmoe_vit_plain (16 × 1): half of B is unmatched.
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        'compare',
        join(MODELS_DIR, 'softmoe_vit.onnx'),
        join(MODELS_DIR, 'softmoe_vit_plain.onnx'),
        '--inputs',
        INPUTS,
        '--labels',
        LABELS,
        '--samples',
        '3',
        '--json',
        json,
        '--html',
        html,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(`comparison page written to ${html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    expected = JSON.parse(readFileSync(json, 'utf8')) as CompareResult;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(WATCH);
    await page.goto(pathToFileURL(html).href);
    await page.locator('body[data-ready="true"]').waitFor();
  });

  after(async () => {
    await browser?.close().catch(() => {});
  });

  it('draws offline under its policy: no violation, no error, nothing fetched but the page', async () => {
    assert.deepEqual(await page.evaluate('window.__violations'), []);
    assert.deepEqual(errors, []);
    const fetched = requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(fetched, [pathToFileURL(html).href]);
    assert.equal(await page.locator('h1').textContent(), 'softmoe_vit.onnx ↔ softmoe_vit_plain.onnx');
    for (const figure of ['load-a', 'load-b', 'load-difference']) {
      const drawn = await page
        .locator(`[data-figure="${figure}"] canvas[role="application"]`)
        .evaluate((canvas) => (canvas as unknown as { width: number }).width);
      assert.ok(drawn > 0, `${figure} is drawn`);
    }
    assert.equal(await page.locator('[data-chart="agreement"] canvas').count(), 1);
  });

  it('shows the numbers of --json, and B’s experts without a partner as such', async () => {
    const c = expected.comparison;
    assert.equal(
      await page.locator('[data-testid="prediction-agreement"]').textContent(),
      `predictions agree on ${(100 * c.predictionAgreement!).toFixed(1)}%`,
    );
    const pair = c.layers[0]!;
    assert.deepEqual(pair.experts, { a: 8, b: 16 });
    assert.equal(pair.alignment.unmatchedB.length, 8);
    const rows = await tableCells(page.locator('.alignment-table tbody tr'));
    assert.deepEqual(
      rows.map((cells) => cells.slice(0, 2)),
      [
        ...pair.matching.map((b, a) => [`e${a}`, `e${b}`]),
        ...pair.alignment.unmatchedB.map((b) => ['–', `e${b}`]),
      ],
    );
    const share = `they carry ${(100 * pair.load.unmatchedB).toFixed(1)}% of B's load`;
    assert.ok(
      (await page.locator('.pair-view').textContent())?.includes(share),
      `the pair view says "${share}"`,
    );
  });

  it('follows a high-contrast preference with VS Code’s high-contrast colours', async () => {
    await page.emulateMedia({ colorScheme: 'dark', contrast: 'more' });
    // The page hears of the preference through media-query change events: wait for it to switch.
    await waitForExpression(page, 'document.body.classList.contains("vscode-high-contrast")', 10_000);
    assert.equal(await page.evaluate('document.body.className'), 'vscode-high-contrast');
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'compare-report-high-contrast.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light', contrast: 'no-preference' });
  });

  it('saves the embedded comparison as the JSON download', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-json"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'softmoe_vit-vs-softmoe_vit_plain-comparison.json');
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8')) as CompareResult;
    assert.equal(saved.schema, 'moe-scope/comparison@1');
    assert.deepEqual(saved.comparison, expected.comparison);
  });
});
