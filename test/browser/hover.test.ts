/**
 * The hover over a layer in model code as a person sees it: code-server's workbench in Chromium,
 * the demo model's PyTorch code open, "MoE Scope: Analyze Experts" run from the palette on the
 * bundled inputs, then the mouse over `mlp` in `self.mlp = SoftMoE(...)`. Checks the hover (its
 * rows against the CLI's numbers for the same inputs, the heatmap and specialization images, the
 * command links), the CodeLens and the MoE Layers tree, and saves a screenshot.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { reportFromJson } from '../../src/core/report/read';
import type { Report } from '../../src/core/report/types';
import { BROWSER_RESULTS_DIR as RESULTS_DIR, repoRoot } from '../harness/codeServer.mjs';
import { createTestWorkspace, DEMO_MODEL_NAME, demoModelPath } from '../harness/workspace.mjs';
import { openWorkbench, quickOpen, runFromPalette, tearDownWorkbench, type Workbench } from './workbench';

const INPUTS = 64;

/** What `moe-scope analyze` reports for the demo on the first INPUTS bundled images. */
function analyzeWithCli(): Report {
  const dir = mkdtempSync(join(tmpdir(), 'moe-scope-hover-'));
  try {
    const out = join(dir, 'report.json');
    execFileSync(process.execPath, [
      join(repoRoot, 'dist', 'cli.js'),
      'analyze',
      demoModelPath(),
      '--inputs',
      join(repoRoot, 'media', 'demo', 'fashion-mnist-test.npz'),
      '--limit',
      String(INPUTS),
      '--samples',
      '0',
      '--json',
      out,
      '--quiet',
    ]);
    return reportFromJson(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Moves the cursor to the line of the demo code holding `text` (Ctrl+G), which scrolls it into view. */
async function goToLine(page: Page, text: string): Promise<void> {
  const source = readFileSync(join(repoRoot, 'media', 'demo', 'softmoe_vit.py'), 'utf8').split('\n');
  const line = source.findIndex((l) => l.includes(text)) + 1;
  assert.ok(line > 0, `"${text}" is in the demo code`);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** What the test reads of an <img> (the test code has no DOM types). */
interface Picture {
  naturalWidth: number;
}

/**
 * The screen point of a character of a code line: the editor font is monospaced, so characters
 * are the line's width divided evenly (tokens may split `self.mlp` into spans or not).
 */
async function textPosition(
  line: Locator,
  needle: string,
  offset: number,
): Promise<{ x: number; y: number }> {
  const content = line.locator(':scope > span');
  const text = (await content.textContent()) ?? '';
  const box = await content.boundingBox();
  assert.ok(box && text.includes(needle), `the line shows "${needle}"`);
  const width = box.width / text.length;
  return { x: box.x + (text.indexOf(needle) + offset + 0.5) * width, y: box.y + box.height / 2 };
}

describe('hover in the browser workbench', function () {
  this.timeout(240_000);

  let workspace: ReturnType<typeof createTestWorkspace> | undefined;
  let workbench: Workbench | undefined;
  let page: Page;
  let expected: Report;

  before(async function () {
    this.timeout(180_000);
    expected = analyzeWithCli();
    workspace = createTestWorkspace({
      settings: {
        'moeScope.checkpoint': DEMO_MODEL_NAME,
        'moeScope.executionProviders': ['cpu'],
        'moeScope.maxInputs': INPUTS,
        'moeScope.specialization.inputs': 16,
      },
    });
    copyFileSync(join(repoRoot, 'media', 'demo', 'softmoe_vit.py'), join(workspace.folder, 'softmoe_vit.py'));
    workbench = await openWorkbench(workspace.folder, 'hover');
    ({ page } = workbench);
  });

  tearDownWorkbench(() => ({ workbench, workspace }));

  it('shows the layers of `self.mlp` with their numbers, heatmap, specialization curve and links', async () => {
    await quickOpen(page, 'softmoe_vit.py');
    await runFromPalette(page, 'MoE Scope: Analyze Experts');
    const demo = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Fashion-MNIST test set' });
    await demo.first().click();

    // Back to the code (the panel opened beside it), on the line that creates the MoE layers.
    await page.locator('.tabs-container .tab', { hasText: 'softmoe_vit.py' }).first().click();
    await goToLine(page, 'self.mlp = SoftMoE(');
    const line = page.locator('.view-line', { hasText: 'self.mlp = SoftMoE(d, experts=8, slots=2)' });
    await line.waitFor({ state: 'visible' });
    const hover = page.locator('.monaco-hover:visible', { hasText: 'MoE Scope' });
    const curve = hover.locator('img[alt="Specialization of blocks.2.mlp"]');

    // The report arrives when the routing analysis ends; the curve once the specialization study has.
    const deadline = Date.now() + 60_000;
    for (;;) {
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
      // The CodeLens that appears with the report moves the line: find the name again each time.
      const mlp = await textPosition(line, 'self.mlp', 'self.'.length + 1);
      // Several mouse moves ending on the name, as a hand makes: the editor hovers where the mouse rests.
      await page.mouse.move(mlp.x - 24, mlp.y);
      await page.mouse.move(mlp.x, mlp.y, { steps: 4 });
      try {
        await curve.waitFor({ state: 'visible', timeout: 3_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          const shown = await page.locator('.monaco-hover:visible').allTextContents();
          throw new Error(
            `no hover with a specialization curve over \`mlp\`; hovers shown: ${shown.join(' | ')}`,
            {
              cause: error,
            },
          );
        }
      }
    }

    const rows = hover.locator('table tbody tr');
    assert.equal(await rows.count(), 2, 'one row per block sharing the line');
    for (const [i, layer] of expected.layers.entries()) {
      const cells = (await rows.nth(i).locator('td').allTextContents()).map((t) =>
        t.replace(/\u00a0/g, ' ').trim(),
      );
      assert.equal(cells[0], layer.id);
      assert.deepEqual(cells.slice(1, 3), ['Soft MoE', '8 × 2 slots']);
      // The extension ran the same INPUTS images; batches may differ, the third decimal may not.
      assert.ok(
        Math.abs(Number(cells[3]) - layer.summary.balance.cv) <= 1.5e-3,
        `${layer.id} CV ${cells[3]}`,
      );
      assert.ok(
        Math.abs(Number(cells[4]) - layer.summary.balance.switchAux) <= 1.5e-3,
        `${layer.id} Switch ${cells[4]}`,
      );
    }
    const heatmap = hover.locator('img[alt^="Expert load of blocks.2.mlp, blocks.3.mlp"]');
    const drawn = await heatmap.evaluate((img) => (img as unknown as Picture).naturalWidth);
    assert.ok(drawn > 100, `the heatmap image is drawn (${drawn} px wide)`);
    const curveWidth = await curve.evaluate((img) => (img as unknown as Picture).naturalWidth);
    assert.ok(curveWidth > 100, `the curve is drawn (${curveWidth} px wide)`);
    assert.equal(await hover.locator('a', { hasText: 'Open in MoE Scope' }).count(), 1);
    assert.equal(await hover.locator('a', { hasText: 'Analyze again' }).count(), 1);

    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: join(RESULTS_DIR, 'hover.png') });
    await curve.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS_DIR, 'hover-specialization.png') });
  });

  it('puts a CodeLens above `self.mlp` and lists the layers in the MoE Layers view', async () => {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    const lens = page.locator('.codelens-decoration', { hasText: 'MoE Scope: blocks.2.mlp, blocks.3.mlp' });
    await lens.first().waitFor({ state: 'visible' });
    assert.match((await lens.first().textContent()) ?? '', /Soft MoE 8 experts × 2 slots · CV /);

    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'MoE Layers' }) });
    await view.waitFor({ state: 'visible' });
    const header = view.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const layerRow = view.locator('.monaco-list-row', { hasText: 'blocks.3.mlp' });
    await layerRow.waitFor({ state: 'visible' });
    assert.match((await layerRow.textContent()) ?? '', /Soft MoE 8 experts × 2 slots · CV \d\.\d{3}/);
    await page.screenshot({ path: join(RESULTS_DIR, 'hover-codelens-tree.png') });
  });
});
