/**
 * `moe-scope analyze --html`: the real CLI on the bundled demo writes one self-contained page, which
 * opens in Chromium from a file (no server, no network) under its own strict policy, draws the
 * report's heatmaps and charts, and saves exports as downloads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { writeHtmlReport } from '../../src/cli/htmlReport';
import { MoeScopeError } from '../../src/core/errors';
import { reportFromJson } from '../../src/core/report/read';
import { colorFor } from '../../webview/heatmap/colorScale';
import { CHROMIUM_PATH, captureConsole, launchChromium, waitForExpression } from '../harness/chromium.mjs';
import { LogTail } from '../harness/support.mjs';
import { DEMO_MODEL, REPO_ROOT } from '../support/fixtures';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const DEMO_INPUTS = join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz');

// Page-side code is given as source text: this suite is type-checked without the DOM's types.

/** Waits until the canvas matched by `selector` has a backing store. */
function canvasLaidOut(page: Page, selector: string): Promise<unknown> {
  return waitForExpression(page, `(document.querySelector(${JSON.stringify(selector)})?.width ?? 0) > 0`);
}

/** The distinct opaque colours of a canvas, as "r,g,b" strings. */
async function canvasColours(page: Page, selector: string): Promise<Set<string>> {
  const colours = (await page.evaluate(`(() => {
    const c = document.querySelector(${JSON.stringify(selector)});
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255) seen.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
    return [...seen];
  })()`)) as string[];
  return new Set(colours);
}

describe('moe-scope analyze --html', function () {
  this.timeout(180_000);
  const scratch = mkdtempSync(join(tmpdir(), 'moe-scope-cli-html-'));
  const htmlPath = join(scratch, 'demo report.html');
  const jsonPath = join(scratch, 'demo.json');
  const log = new LogTail(200);
  let browser: Browser | undefined;
  let page: Page;

  before(function () {
    this.timeout(300_000);
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        'analyze',
        DEMO_MODEL,
        '--inputs',
        DEMO_INPUTS,
        '--limit',
        '64',
        '--samples',
        '4',
        '--specialization',
      ].concat(['--json', jsonPath, '--html', htmlPath]),
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /HTML report written to .*demo report\.html/);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  });

  it('writes one page that embeds the same report the --json file holds', () => {
    const html = readFileSync(htmlPath, 'utf8');
    const embedded = /<script type="application\/json" id="moe-scope-report">([^<]*)<\/script>/.exec(
      html,
    )?.[1];
    assert.ok(embedded, 'the report is embedded as a JSON block');
    const fromHtml = reportFromJson(embedded);
    const fromJson = reportFromJson(readFileSync(jsonPath, 'utf8'));
    assert.deepEqual(fromHtml, fromJson);
    // Outside the inlined code, no element names anything to load.
    const markup = html.replace(/(<(script|style)[^>]*>)[\s\S]*?(<\/\2>)/g, '$1$3');
    assert.deepEqual(
      markup.match(/<[a-z]+/g)?.filter((t) => /^<(link|img|iframe|object|embed)$/.test(t)) ?? [],
      [],
    );
    assert.ok(!/\s(src|href)=/.test(markup), markup);
  });

  it('opens offline in Chromium without policy violations and draws heatmaps, image maps and charts', async function () {
    if (!existsSync(CHROMIUM_PATH)) this.skip();
    const report = reportFromJson(readFileSync(jsonPath, 'utf8'));
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    page = await context.newPage();
    captureConsole(page, log);
    await page.addInitScript(`
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
    `);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`file://${htmlPath}`);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    assert.equal(await page.locator('h1').textContent(), 'softmoe_vit.onnx');

    // The layer overview: every cell's colour (colorFor of the report's load) is on the canvas.
    const overview = 'figure.heatmap canvas[aria-roledescription="heatmap"]';
    await canvasLaidOut(page, overview);
    const colours = await canvasColours(page, overview);
    const loads = report.layers.flatMap((l) => l.summary.expertLoad.map(Math.fround));
    const [min, max] = [Math.min(...loads), Math.max(...loads)];
    for (const v of loads) {
      const [r, g, b] = colorFor(v, min, max, 'viridis');
      assert.ok(colours.has(`${r},${g},${b}`), `the colour of load ${v} is drawn`);
    }

    await page.locator('vscode-tab-header[data-view="routing"]').click();
    const combine =
      '.heatmap-figure[data-figure="blocks.2.mlp-combine-s0"] canvas[aria-roledescription="heatmap"]';
    await canvasLaidOut(page, combine);
    assert.ok((await canvasColours(page, combine)).size > 16, 'the combine weights are drawn');
    await page.locator('vscode-tab-header[data-view="inputs"]').click();
    assert.equal(
      await page.locator('canvas[data-map]').count(),
      2 + 16,
      'input, top expert and one map per slot',
    );
    await page.locator('vscode-tab-header[data-view="specialization"]').click();
    await canvasLaidOut(page, '[data-chart] canvas');
    const charts = await page.locator('[data-chart] canvas').count();
    assert.equal(charts, 9, 'curves, KL, smallest k and knockouts for the layer, and the all-layers curves');
    const kl = '[data-chart="blocks.2.mlp-specialization-kl"] canvas';
    await canvasLaidOut(page, kl);
    assert.ok((await canvasColours(page, kl)).size > 2, 'the KL chart drew its lines');

    assert.deepEqual(await page.evaluate('window.violations'), []);
    assert.deepEqual(errors, []);
    assert.ok(!log.text().includes('Content Security Policy'), log.text());
  });

  it('saves the report JSON and a figure CSV as downloads from blob URLs', async function () {
    if (!page) this.skip();
    await page.locator('vscode-tab-header[data-view="overview"]').click();
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-json').click(),
    ]);
    assert.equal(json.suggestedFilename(), 'softmoe_vit-report.json');
    const saved = reportFromJson(readFileSync((await json.path())!, 'utf8'));
    assert.deepEqual(saved, reportFromJson(readFileSync(jsonPath, 'utf8')));
    const tools = page.locator('.heatmap-figure[data-figure="expert-load"] .figure-tools');
    const [csv] = await Promise.all([page.waitForEvent('download'), tools.getByText('CSV').click()]);
    assert.equal(csv.suggestedFilename(), 'softmoe_vit-expert-load.csv');
    const rows = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\r\n');
    const report = reportFromJson(readFileSync(jsonPath, 'utf8'));
    assert.equal(rows.length, 1 + report.layers.length);
    const cells = rows[1]!.split(',');
    assert.equal(cells[0], report.layers[0]!.id);
    assert.deepEqual(
      cells.slice(1).map((v) => Math.fround(Number(v))),
      report.layers[0]!.summary.expertLoad.map(Math.fround),
    );
  });

  it('names the missing bundle and the fix when the views were never built', async () => {
    await assert.rejects(
      writeHtmlReport(
        reportFromJson(readFileSync(jsonPath, 'utf8')),
        join(scratch, 'x.html'),
        join(scratch, 'nowhere'),
      ),
      (error: unknown) =>
        error instanceof MoeScopeError &&
        error.code === 'FILE_NOT_FOUND' &&
        /npm run build/.test(error.hint ?? ''),
    );
  });
});
