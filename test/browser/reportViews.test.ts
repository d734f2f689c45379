/**
 * MoE Scope's report views in real Chromium, on reports the real CLI writes in before(): the demo
 * Soft MoE ViT on Fashion-MNIST (with the specialization study), the top-k text model on licence
 * text, and the SMEAR, expert-choice and fused top-k fixtures. The test page (test/browser/pages/
 * report*) is bundled with esbuild and served under the webview's script and style policy; the page
 * is the views' host and records what they send it. Pixels are compared with `colorFor` of the
 * report's own numbers, computed here in Node; curves with the report's arrays.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { reportFromJson } from '../../src/core/report/read';
import type { Report } from '../../src/core/report/types';
import { colorFor, NAN_RGBA } from '../../webview/heatmap/colorScale';
import { csvField, matrixCsv } from '../../webview/report/csv';
import { smallestKCounts } from '../../webview/report/curves';
import { expertColor } from '../../webview/report/expertColors';
import { inferPatchGrid, patchIndex } from '../../webview/report/patchGrid';
import { argmaxRows, expertMass, repeatRate } from '../../webview/report/routing';
import {
  BROWSER_RESULTS_DIR as RESULTS_DIR,
  captureConsole,
  launchChromium,
  saveDiagnosticsIfFailed,
  tableCells,
  waitForExpression,
} from '../harness/chromium.mjs';
import { openTestPage, pageApi, PAGES_DIR, type PageSite, startPageSite } from '../harness/pageServer.mjs';
import { LogTail, repoRoot, scratchDir } from '../harness/support.mjs';
import type { ModelInspection } from '../../src/core/detect/outline';
import { isFromPanel, type FromPanel, type PanelState } from '../../src/protocol/webview';
import { float32Extent as extent } from './colorRange';
import type { PanelHostApi, ReportPageApi, Rgba } from './pages/reportPageApi';

const MODELS = join(repoRoot, 'test', 'fixtures', 'models');
const CLI = join(repoRoot, 'dist', 'cli.js');
const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** The maps of an 8-expert layer's experts, in order: e0 … e7. */
const EIGHT_EXPERTS = Array.from({ length: 8 }, (_, e) => `e${e}`);

/** Calls `window.reportPage[method](...args)` in the report views' test page. */
const call = pageApi<ReportPageApi>('reportPage');
/** Calls `window.panelHost[method](...args)` in the analysis panel's test page. */
const host = pageApi<PanelHostApi>('panelHost');

/** Runs `moe-scope analyze` and returns the JSON report it wrote. */
function analyze(dir: string, name: string, model: string, args: string[]): string {
  const out = join(dir, `${name}.json`);
  execFileSync(process.execPath, [CLI, 'analyze', model, ...args, '--json', out, '--quiet'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return readFileSync(out, 'utf8');
}

/** round((1 − α)·pixel + α·colour) per channel: the overlay's blend, stated independently. */
function blend(grey: number, colour: readonly number[], alpha: number): Rgba {
  const mix = (c: number) => Math.round((1 - alpha) * grey + alpha * c);
  return [mix(colour[0]!), mix(colour[1]!), mix(colour[2]!), 255];
}

function argmax(values: ArrayLike<number>, start: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[start + i]! > values[start + best]!) best = i;
  return best;
}

/** RFC 4180: rows of fields, quoted fields unquoted ("" is a quote). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') [row, field] = [[...row, field], ''];
    else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      [row, field] = [[], ''];
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('report views in Chromium', function () {
  this.timeout(90_000);

  const pageLog = new LogTail(300);
  let work: ReturnType<typeof scratchDir> | undefined;
  let site: PageSite | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const json: Record<'demo' | 'text' | 'smear' | 'expertChoice' | 'fused', string> = {
    demo: '',
    text: '',
    smear: '',
    expertChoice: '',
    fused: '',
  };
  let demo: Report;
  let text: Report;
  let summary: ModelInspection;

  before(async function () {
    this.timeout(300_000);
    work = scratchDir('moe-scope-report-views-');
    const demoModel = join(repoRoot, 'media', 'demo', 'softmoe_vit.onnx');
    const demoInputs = join(repoRoot, 'media', 'demo', 'fashion-mnist-test.npz');
    json.demo = analyze(work.path, 'demo', demoModel, [
      ...['--inputs', demoInputs, '--limit', '64', '--samples', '4', '--specialization'],
    ]);
    // Four windows of the licence texts the text model was tested on, one per line.
    const snippets = JSON.parse(readFileSync(join(MODELS, 'text_topk.ref', 'snippets.json'), 'utf8')) as {
      references: { text: string }[];
    };
    const textFile = join(work.path, 'licences.txt');
    writeFileSync(
      textFile,
      snippets.references
        .slice(0, 4)
        .map((r) => r.text.replace(/\s+/g, ' '))
        .join('\n'),
    );
    json.text = analyze(work.path, 'text', join(MODELS, 'text_topk.onnx'), [
      ...['--inputs', textFile, '--tokenizer', join(MODELS, 'text_topk.tokenizer.json'), '--samples', '4'],
    ]);
    const small = ['--inputs', demoInputs, '--limit', '32', '--samples', '2'];
    json.smear = analyze(work.path, 'smear', join(MODELS, 'smear_vit.onnx'), small);
    json.expertChoice = analyze(work.path, 'ec', join(MODELS, 'expert_choice_vit.onnx'), small);
    json.fused = analyze(work.path, 'fused', join(MODELS, 'fused_moe.onnx'), small);
    demo = reportFromJson(json.demo);
    text = reportFromJson(json.text);

    summary = JSON.parse(
      execFileSync(process.execPath, [CLI, 'inspect', demoModel, '--json'], { encoding: 'utf8' }),
    ) as ModelInspection;
    site = await startPageSite({
      prefix: 'moe-scope-report-pages-',
      index: 'report.html',
      bundles: {
        reportPage: join(PAGES_DIR, 'reportPage.ts'),
        reportPanelHost: join(PAGES_DIR, 'reportPanelHost.ts'),
        panel: join(repoRoot, 'webview', 'panel', 'main.ts'),
      },
      files: [
        ...['report.html', 'reportPanel.html'].map((html) => join(PAGES_DIR, html)),
        ...['standalone.css', 'panel.css'].map((css) => join(repoRoot, 'media', css)),
      ],
    });
    browser = await launchChromium();
    page = await openTestPage(browser, site.url, pageLog, { viewport: { width: 1280, height: 900 } });
  });

  afterEach(async function () {
    await saveDiagnosticsIfFailed(this.currentTest, page, 'report', { page: pageLog });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await site?.close();
    work?.dispose();
  });

  async function showView(view: string): Promise<void> {
    await page.locator(`vscode-tab-header[data-view="${view}"]`).click();
    await page.waitForFunction(
      (v) => (globalThis as unknown as { reportPage: ReportPageApi }).reportPage.state().view === v,
      view,
    );
  }

  it('draws the layers × experts load heatmap in the colours colorFor gives the report’s expertLoad', async () => {
    const { views } = await call(page, 'load', json.demo);
    assert.deepEqual(views, ['overview', 'routing', 'inputs', 'classes', 'specialization']);
    await call(page, 'ready', 'expert-load');
    const loads = demo.layers.flatMap((l) => l.summary.expertLoad);
    const [min, max] = extent(loads);
    assert.deepEqual(await call(page, 'range', 'expert-load'), { min, max });
    for (const [r, layer] of demo.layers.entries()) {
      for (let e = 0; e < layer.experts; e++) {
        const expected = [...colorFor(Math.fround(layer.summary.expertLoad[e]!), min, max, 'viridis')];
        assert.deepEqual(await call(page, 'pixelAtCell', 'expert-load', r, e), expected, `${layer.id} e${e}`);
      }
    }
    // The frame takes the theme's widget border (#c8c8c8 in the light theme): the heatmap read the
    // theme where it stands, not from a detached element.
    assert.deepEqual(await call(page, 'framePixel', 'expert-load', 0), [200, 200, 200, 255]);
    // Each layer's shares sum to 1 (the contract), and the table shows its balance numbers.
    for (const layer of demo.layers) {
      assert.ok(Math.abs(layer.summary.expertLoad.reduce((s, v) => s + v, 0) - 1) < 1e-9);
    }
    const cells = await page.locator('.layer-table tbody tr').first().locator('td').allTextContents();
    assert.equal(cells[5], demo.layers[0]!.summary.balance.cv.toPrecision(4));
    assert.equal(cells[6], demo.layers[0]!.summary.balance.switchAux.toPrecision(4));
  });

  it('selects a layer from the layer table by click and by keyboard, and tells the host', async () => {
    await call(page, 'load', json.demo);
    assert.deepEqual(
      await call(page, 'selections'),
      [['blocks.2.mlp', 0]],
      'the initial selection is announced',
    );
    await page.locator('.layer-table tr[data-layer="blocks.3.mlp"]').click();
    assert.equal((await call(page, 'state')).layer, 'blocks.3.mlp');
    assert.equal(
      await page.locator('.layer-table tr[aria-selected="true"]').getAttribute('data-layer'),
      'blocks.3.mlp',
    );
    await page.locator('.layer-table tr[data-layer="blocks.3.mlp"]').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.deepEqual(await call(page, 'selections'), [
      ['blocks.2.mlp', 0],
      ['blocks.3.mlp', 0],
      ['blocks.2.mlp', 0],
    ]);
    // The selection is shared: the routing view opens on that layer.
    await showView('routing');
    assert.deepEqual(await call(page, 'figures'), [
      'blocks.2.mlp-dispatch-s0',
      'blocks.2.mlp-combine-s0',
      'blocks.2.mlp-expert-scores-s0',
    ]);
  });

  it('draws Soft MoE dispatch and combine (tokens × slots, grouped by expert) with colorFor of the weights', async () => {
    await call(page, 'load', json.demo, { view: 'routing', layer: 'blocks.3.mlp', sample: 1 });
    const sample = demo.perSample![1]!;
    const detail = sample.layers['blocks.3.mlp']!;
    for (const which of ['dispatch', 'combine'] as const) {
      const m = detail[which]!;
      const name = `blocks.3.mlp-${which}-s${sample.index}`;
      await call(page, 'ready', name);
      const [min, max] = extent(m.data);
      for (const [t, s] of [
        [0, 0],
        [5, 3],
        [9, 10],
        [15, 15],
        [12, 7],
      ] as const) {
        const expected = [...colorFor(m.data[t * m.cols + s]!, min, max, 'viridis')];
        assert.deepEqual(await call(page, 'pixelAtCell', name, t, s), expected, `${which} (${t}, ${s})`);
      }
    }
    // The invariants the captions state: combine rows and dispatch columns sum to 1.
    const { combine, dispatch } = detail;
    for (let t = 0; t < combine!.rows; t++) {
      let sum = 0;
      for (let s = 0; s < combine!.cols; s++) sum += combine!.data[t * combine!.cols + s]!;
      assert.ok(Math.abs(sum - 1) < 1e-5, `combine row ${t} sums to ${sum}`);
    }
    for (let s = 0; s < dispatch!.cols; s++) {
      let sum = 0;
      for (let t = 0; t < dispatch!.rows; t++) sum += dispatch!.data[t * dispatch!.cols + s]!;
      assert.ok(Math.abs(sum - 1) < 1e-5, `dispatch column ${s} sums to ${sum}`);
    }
  });

  it('shows token (with its patch), slot (with its expert) and value in the tooltip', async () => {
    await call(page, 'load', json.demo, { view: 'routing', layer: 'blocks.2.mlp', sample: 0 });
    const name = 'blocks.2.mlp-combine-s0';
    await call(page, 'ready', name);
    const box = await call(page, 'cellBoxInPage', name, 5, 3);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page
      .locator(`.heatmap-figure[data-figure="${name}"] [role="tooltip"]`)
      .waitFor({ state: 'visible' });
    const combine = demo.perSample![0]!.layers['blocks.2.mlp']!.combine!;
    const value = combine.data[5 * combine.cols + 3]!;
    assert.equal(
      await call(page, 'tooltipText', name),
      `token: 5 (1, 1)\nslot: s3 (e1)\nvalue: ${value.toPrecision(4)}`,
    );
    await page.mouse.move(5, 5);
  });

  it('draws the input image, patches coloured by top expert, and each slot’s dispatch weights over the 4 × 4 patch grid', async () => {
    await call(page, 'load', json.demo, { view: 'inputs', layer: 'blocks.2.mlp', sample: 0 });
    const sample = demo.perSample![0]!;
    const image = sample.image!;
    assert.deepEqual([image.height, image.width, image.channels], [28, 28, 1]);
    const names = await call(page, 'mapNames');
    assert.deepEqual(names.slice(0, 3), ['input', 'top-expert', 's0']);
    assert.equal(names.length, 2 + 16, 'one map per slot (8 experts × 2)');

    const { dispatch, combine } = sample.layers['blocks.2.mlp']!;
    const [min, max] = extent(dispatch!.data);
    // 16 tokens on 28 × 28 pixels: 7 × 7 patches, token t = 4·row + column, no class token.
    for (const [x, y] of [
      [3, 3],
      [10, 17],
      [20, 9],
      [27, 27],
      [14, 21],
    ] as const) {
      const grey = image.data[y * 28 + x]!;
      assert.deepEqual(
        await call(page, 'mapPixel', 'input', x, y),
        [grey, grey, grey, 255],
        `input (${x}, ${y})`,
      );
      const t = Math.floor(y / 7) * 4 + Math.floor(x / 7);
      for (const slot of [3, 12]) {
        const colour = colorFor(dispatch!.data[t * 16 + slot]!, min, max, 'viridis');
        assert.deepEqual(
          await call(page, 'mapPixel', `s${slot}`, x, y),
          blend(grey, colour, 0.65),
          `s${slot} (${x}, ${y})`,
        );
      }
      // Top expert: the most combine mass over the expert's two slots.
      const mass = Array.from(
        { length: 8 },
        (_, e) => combine!.data[t * 16 + 2 * e]! + combine!.data[t * 16 + 2 * e + 1]!,
      );
      const top = argmax(mass, 0, 8);
      assert.deepEqual(
        await call(page, 'mapPixel', 'top-expert', x, y),
        blend(grey, expertColor(top, 8), 0.55),
      );
    }

    // Per expert: the sum of its slots' dispatch weights.
    await call(page, 'load', json.demo, {
      view: 'inputs',
      layer: 'blocks.2.mlp',
      sample: 0,
      maps: 'experts',
    });
    assert.deepEqual((await call(page, 'mapNames')).slice(2), EIGHT_EXPERTS);
    const perExpert = Float32Array.from({ length: 16 * 8 }, (_, i) => {
      const [t, e] = [Math.floor(i / 8), i % 8];
      return dispatch!.data[t * 16 + 2 * e]! + dispatch!.data[t * 16 + 2 * e + 1]!;
    });
    const [lo, hi] = extent(perExpert);
    const grey = image.data[10 * 28 + 17]!;
    const t = Math.floor(10 / 7) * 4 + Math.floor(17 / 7);
    assert.deepEqual(
      await call(page, 'mapPixel', 'e5', 17, 10),
      blend(grey, colorFor(perExpert[t * 8 + 5]!, lo, hi, 'viridis'), 0.65),
    );
  });

  it('colours text tokens by their top expert (first choice), folding the padding', async () => {
    const { views } = await call(page, 'load', json.text, { view: 'inputs' });
    assert.deepEqual(views, ['overview', 'routing', 'inputs', 'classes']);
    const sample = text.perSample![0]!;
    const tokens = sample.tokens!;
    const probs = sample.layers['blocks.0.moe']!.probs!;
    const rows = await call(page, 'tokenRows');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.layer, 'blocks.0.moe');
    const shown = tokens.indexOf('[PAD]') < 0 ? tokens.length : tokens.indexOf('[PAD]');
    const chips = rows[0]!.tokens;
    for (let t = 0; t < shown; t++) {
      const [r, g, b] = expertColor(argmax(probs.data, t * probs.cols, probs.cols), probs.cols);
      assert.equal(chips[t]!.text, tokens[t]);
      assert.equal(chips[t]!.background, `rgb(${r}, ${g}, ${b})`, `token ${t} "${tokens[t]}"`);
    }
    if (shown < tokens.length) assert.equal(chips[shown]!.text, `… ${tokens.length - shown} × [PAD]`);
    assert.equal(chips.length, shown + (shown < tokens.length ? 1 : 0));
  });

  it('draws classes × experts from summary.classLoad and its difference from the overall load', async () => {
    await call(page, 'load', json.demo, { view: 'classes', layer: 'blocks.3.mlp' });
    const layer = demo.layers[1]!;
    const classLoad = layer.summary.classLoad!;
    const name = 'blocks.3.mlp-class-load';
    await call(page, 'ready', name);
    const values = classLoad.load.flat();
    const [min, max] = extent(values);
    for (const [c, e] of [
      [0, 0],
      [4, 7],
      [9, 3],
    ] as const) {
      const expected = [...colorFor(Math.fround(classLoad.load[c]![e]!), min, max, 'viridis')];
      assert.deepEqual(await call(page, 'pixelAtCell', name, c, e), expected, `class ${c} e${e}`);
    }
    const difference = classLoad.load.flatMap((row) =>
      row.map((v, e) => Math.fround(Math.fround(v) - layer.summary.expertLoad[e]!)),
    );
    const [dlo, dhi] = extent(difference);
    await call(page, 'ready', 'blocks.3.mlp-class-load-difference');
    assert.deepEqual(await call(page, 'pixelAtCell', 'blocks.3.mlp-class-load-difference', 2, 5), [
      ...colorFor(difference[2 * 8 + 5]!, dlo, dhi, 'diverging'),
    ]);
  });

  it('draws top-k co-activation P(j | i) with its colour range taken off the diagonal', async () => {
    await call(page, 'load', json.text, { view: 'classes' });
    const summary = text.layers[0]!.summary;
    assert.equal(summary.kind, 'topk');
    const co = summary.kind === 'topk' ? summary.coActivation : [];
    const name = 'blocks.0.moe-co-activation';
    await call(page, 'ready', name);
    const off = co.flatMap((row, i) => row.filter((_, j) => i !== j));
    const [min, max] = extent(off);
    assert.deepEqual(await call(page, 'range', name), { min, max });
    for (const [i, j] of [
      [0, 1],
      [3, 6],
      [7, 2],
      [4, 4],
    ] as const) {
      const expected = [...colorFor(Math.fround(co[i]![j]!), min, max, 'viridis')];
      assert.deepEqual(await call(page, 'pixelAtCell', name, i, j), expected, `P(${j} | ${i})`);
    }
  });

  it('plots specialization with Chart.js: ranked vs random ± std per k, KL, smallest k and knockouts', async () => {
    await call(page, 'load', json.demo, { view: 'specialization', layer: 'blocks.2.mlp' });
    const spec = demo.specialization!;
    const curve = spec.curves.find((c) => c.layer === 'blocks.2.mlp')!;
    const charts = await call(page, 'charts');
    assert.deepEqual(Object.keys(charts).sort(), [
      'all-smallest-k',
      'all-specialization-accuracy',
      'all-specialization-agreement',
      'all-specialization-kl',
      'blocks.2.mlp-knockout',
      'blocks.2.mlp-smallest-k',
      'blocks.2.mlp-specialization-accuracy',
      'blocks.2.mlp-specialization-agreement',
      'blocks.2.mlp-specialization-kl',
    ]);
    for (const name of Object.keys(charts))
      assert.ok(await call(page, 'chartDrawn', name), `${name} drew pixels`);
    const close = (a: number[], b: number[], what: string) =>
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-9, `${what}[${i}]: ${v} vs ${b[i]}`));

    const accuracy = charts['blocks.2.mlp-specialization-accuracy']!;
    assert.deepEqual(accuracy.labels, curve.k.map(String));
    const [ranked, random, upper, lower, full] = accuracy.datasets;
    close(
      ranked!.data,
      curve.ranked.accuracy!.map((v) => 100 * v),
      'ranked accuracy',
    );
    close(
      random!.data,
      curve.random.accuracy!.map((v) => 100 * v),
      'random accuracy',
    );
    const std = curve.random.std.accuracy!;
    close(
      upper!.data,
      curve.random.accuracy!.map((v, i) => 100 * (v + std[i]!)),
      'random + std',
    );
    close(
      lower!.data,
      curve.random.accuracy!.map((v, i) => 100 * (v - std[i]!)),
      'random − std',
    );
    close(
      full!.data,
      curve.k.map(() => 100 * spec.baseline.accuracy!),
      'full model',
    );

    const kl = charts['blocks.2.mlp-specialization-kl']!;
    close(kl.datasets[0]!.data, curve.ranked.kl, 'ranked KL');
    close(kl.datasets[1]!.data, curve.random.kl, 'random KL');
    assert.equal(curve.ranked.kl[curve.k.length - 1], 0, 'keeping every expert is the full model');

    const histogram = charts['blocks.2.mlp-smallest-k']!;
    assert.deepEqual(histogram.labels, ['1', '2', '3', '4', '5', '6', '7', '8', 'none']);
    const counts = new Array<number>(9).fill(0);
    for (const k of curve.smallestK) counts[k === null ? 8 : k - 1]!++;
    assert.deepEqual(histogram.datasets[0]!.data, counts);
    assert.equal(
      counts.reduce((s, c) => s + c, 0),
      spec.inputs,
    );
    const optimal = spec.optimal!['blocks.2.mlp']!.optimalK;
    assert.equal(
      histogram.datasets[1]!.data.reduce((s, c) => s + c, 0),
      optimal.length,
    );

    const knockout = charts['blocks.2.mlp-knockout']!;
    close(knockout.datasets[0]!.data, spec.knockout!['blocks.2.mlp']!.klIncrease, 'knockout KL');
  });

  it('exports PNG bytes of the drawn heatmap and CSV whose numbers equal the matrix; report exports carry no data', async () => {
    await call(page, 'load', json.demo, { view: 'routing', layer: 'blocks.2.mlp', sample: 0 });
    const name = 'blocks.2.mlp-combine-s0';
    await call(page, 'ready', name);
    const tools = page.locator(`.heatmap-figure[data-figure="${name}"] .figure-tools`);
    await tools.getByText('PNG', { exact: true }).click();
    await page.waitForFunction(
      () => (globalThis as unknown as { reportPage: ReportPageApi }).reportPage.exports().length === 1,
    );
    await tools.getByText('CSV', { exact: true }).click();
    await page.getByTestId('export-json').click();
    await page.getByTestId('export-html').click();
    const [png, csv, report, html] = await call(page, 'exports');

    assert.equal(png!.format, 'png');
    assert.equal(png!.fileName, 'softmoe_vit-blocks.2.mlp-combine-s0.png');
    assert.deepEqual(png!.bytes!.slice(0, 8), PNG_SIGNATURE);
    // The PNG holds the heatmap as drawn: the cell centres have the colours colorFor gives.
    const decoded = PNG.sync.read(Buffer.from(png!.bytes!));
    const combine = demo.perSample![0]!.layers['blocks.2.mlp']!.combine!;
    const [min, max] = extent(combine.data);
    const canvas = await page
      .locator(`.heatmap-figure[data-figure="${name}"] canvas[aria-roledescription="heatmap"]`)
      .boundingBox();
    assert.equal(decoded.width, Math.round(canvas!.width));
    for (const [t, s] of [
      [2, 4],
      [11, 13],
    ] as const) {
      const box = await call(page, 'cellBoxInPage', name, t, s);
      const x = Math.floor(box.x - canvas!.x + box.width / 2);
      const y = Math.floor(box.y - canvas!.y + box.height / 2);
      const i = 4 * (y * decoded.width + x);
      assert.deepEqual(
        [...decoded.data.subarray(i, i + 4)],
        [...colorFor(combine.data[t * 16 + s]!, min, max, 'viridis')],
      );
    }

    assert.equal(csv!.format, 'csv');
    assert.equal(csv!.fileName, 'softmoe_vit-blocks.2.mlp-combine-s0.csv');
    const rows = parseCsv(csv!.text!);
    assert.deepEqual(rows[0], ['token \\ slot', ...Array.from({ length: 16 }, (_, s) => `s${s}`)]);
    assert.equal(rows.length, 1 + combine.rows);
    for (let t = 0; t < combine.rows; t++) {
      assert.equal(rows[t + 1]![0], `${t} (${Math.floor(t / 4)}, ${t % 4})`);
      for (let s = 0; s < combine.cols; s++) {
        assert.equal(
          Math.fround(Number(rows[t + 1]![s + 1])),
          combine.data[t * combine.cols + s],
          `CSV (${t}, ${s})`,
        );
      }
    }
    assert.deepEqual(report, { format: 'json', fileName: 'softmoe_vit-report.json' });
    assert.deepEqual(html, { format: 'html', fileName: 'softmoe_vit-report.html' });
  });

  it('restores view, layer and sample from saved state, ignores state that does not fit, and moves on reveal', async () => {
    await call(page, 'load', json.demo, { view: 'routing', layer: 'blocks.3.mlp', sample: 2 });
    assert.deepEqual(await call(page, 'state'), {
      view: 'routing',
      layer: 'blocks.3.mlp',
      sample: 2,
      maps: 'slots',
    });
    assert.equal(
      await page
        .locator('vscode-tabs')
        .evaluate((t) => (t as unknown as { selectedIndex: number }).selectedIndex),
      1,
    );
    assert.deepEqual((await call(page, 'figures'))[0], 'blocks.3.mlp-dispatch-s2');

    await call(page, 'reveal', 'blocks.2.mlp', 3);
    assert.deepEqual(await call(page, 'state'), {
      view: 'routing',
      layer: 'blocks.2.mlp',
      sample: 3,
      maps: 'slots',
    });
    assert.deepEqual((await call(page, 'selections')).at(-1), ['blocks.2.mlp', 3]);
    assert.deepEqual((await call(page, 'states')).at(-1), {
      view: 'routing',
      layer: 'blocks.2.mlp',
      sample: 3,
      maps: 'slots',
    });
    assert.deepEqual((await call(page, 'figures'))[0], 'blocks.2.mlp-dispatch-s3');
    await call(page, 'reveal', 'no.such.layer', 99); // Unknown targets leave the selection alone.
    assert.equal((await call(page, 'state')).layer, 'blocks.2.mlp');

    await call(page, 'load', json.demo, { view: 'compare', layer: 'blocks.9', sample: -1, maps: 'zz' });
    assert.deepEqual(await call(page, 'state'), {
      view: 'overview',
      layer: 'blocks.2.mlp',
      sample: 0,
      maps: 'slots',
    });
  });

  it('handles layers of every kind in one report, NaN loads, no per-sample detail and 64 layers', async () => {
    // Mixed kinds: the demo's Soft MoE layers with SMEAR, expert-choice and fused top-k layers (4 experts).
    const mixed = JSON.parse(json.demo) as Record<string, unknown> & {
      layers: { id: string }[];
      perSample: { layers: Record<string, unknown> }[];
    };
    for (const [prefix, other] of [
      ['smear', json.smear],
      ['ec', json.expertChoice],
      ['fused', json.fused],
    ] as const) {
      const parsed = JSON.parse(other) as typeof mixed;
      for (const layer of parsed.layers) {
        const id = `${prefix}.${layer.id}`;
        mixed.layers.push({ ...layer, id });
        parsed.perSample.forEach((s, j) => (mixed.perSample[j]!.layers[id] = s.layers[layer.id]));
      }
    }
    (mixed.layers[0] as unknown as { summary: { expertLoad: (number | null)[] } }).summary.expertLoad[3] =
      null;
    await call(page, 'load', JSON.stringify(mixed));
    await call(page, 'ready', 'expert-load');
    assert.equal(await page.locator('.layer-table tbody tr').count(), 7);
    assert.deepEqual(
      await call(page, 'pixelAtCell', 'expert-load', 0, 3),
      [...NAN_RGBA],
      'a NaN load is grey',
    );
    const fusedRow = mixed.layers.findIndex((l) => l.id === 'fused.moe');
    assert.deepEqual(
      await call(page, 'pixelAtCell', 'expert-load', fusedRow, 6),
      [...NAN_RGBA],
      'no expert 6 in a 4-expert layer',
    );

    const fused = reportFromJson(json.fused);
    const detail = fused.perSample![0]!.layers.moe!;
    await call(page, 'reveal', 'fused.moe', 0);
    await showView('routing');
    assert.deepEqual(await call(page, 'figures'), ['fused.moe-probs-s0', 'fused.moe-chosen-s0']);
    await page
      .locator('.heatmap-figure[data-figure="fused.moe-chosen-s0"] .figure-tools')
      .getByText('CSV')
      .click();
    const chosen = parseCsv((await call(page, 'exports')).at(-1)!.text!);
    const { probs, topk } = detail;
    for (let t = 0; t < probs!.rows; t++) {
      const picked = new Set([topk!.data[t * 2]!, topk!.data[t * 2 + 1]!]);
      for (let e = 0; e < 4; e++) {
        const expected = picked.has(e) ? probs!.data[t * 4 + e]! : 0;
        assert.equal(Math.fround(Number(chosen[t + 1]![e + 1])), expected, `chosen (${t}, e${e})`);
      }
    }
    await call(page, 'reveal', 'ec.blocks.2.mlp', 0);
    assert.deepEqual(await call(page, 'figures'), ['ec.blocks.2.mlp-probs-s0', 'ec.blocks.2.mlp-chosen-s0']);
    await call(page, 'reveal', 'smear.blocks.3.mlp', 0);
    assert.deepEqual(await call(page, 'figures'), ['smear.blocks.3.mlp-probs-s0']);
    await showView('inputs');
    await call(page, 'reveal', 'ec.blocks.3.mlp', 1);
    assert.deepEqual((await call(page, 'mapNames')).slice(2), EIGHT_EXPERTS);

    // No per-sample detail at all (--samples 0): the routing view says why, nothing breaks.
    const bare = JSON.parse(json.demo) as Record<string, unknown>;
    delete bare.perSample;
    const { views } = await call(page, 'load', JSON.stringify(bare), { view: 'routing' });
    assert.deepEqual(views, ['overview', 'routing', 'classes', 'specialization']);
    assert.match(
      (await page.locator('vscode-tab-panel[data-view="routing"]').textContent()) ?? '',
      /--samples N/,
    );

    // No layers and no samples: every view says so instead of drawing.
    const empty = {
      ...(JSON.parse(json.demo) as Record<string, unknown>),
      layers: [],
      samples: 0,
      perSample: [],
    };
    delete (empty as Record<string, unknown>).specialization;
    assert.deepEqual((await call(page, 'load', JSON.stringify(empty))).views, ['overview', 'routing']);
    assert.equal(
      await page.locator('vscode-tab-panel[data-view="overview"] .note').textContent(),
      'This report has no MoE layers.',
    );

    // 64 layers (the demo's, repeated under new ids): one heatmap row and one table row each.
    const deep = JSON.parse(json.demo) as typeof mixed;
    const base = deep.layers.slice();
    deep.layers = Array.from({ length: 64 }, (_, i) => ({
      ...base[i % 2]!,
      id: `blocks.${i}.mlp`,
      index: i,
    }));
    await call(page, 'load', JSON.stringify(deep), { layer: 'blocks.63.mlp' });
    await call(page, 'ready', 'expert-load');
    assert.equal(await page.locator('.layer-table tbody tr').count(), 64);
    const loads = demo.layers.flatMap((l) => l.summary.expertLoad);
    const [min, max] = extent(loads);
    assert.deepEqual(await call(page, 'pixelAtCell', 'expert-load', 63, 5), [
      ...colorFor(Math.fround(demo.layers[1]!.summary.expertLoad[5]!), min, max, 'viridis'),
    ]);
    assert.equal(
      await page.locator('.layer-table tr[aria-selected="true"]').getAttribute('data-layer'),
      'blocks.63.mlp',
    );
    assert.deepEqual(await call(page, 'errors'), [], 'no script errors');
  });

  /** Opens the analysis panel's real script under a stand-in for VS Code, with a saved state. */
  async function openPanel(state?: PanelState): Promise<Page> {
    const panel = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    captureConsole(panel, pageLog);
    const query = state ? `?state=${encodeURIComponent(JSON.stringify(state))}` : '';
    await panel.goto(site!.url.replace('report.html', `reportPanel.html${query}`));
    await panel.waitForFunction(
      () => (globalThis as unknown as { panelHost: PanelHostApi }).panelHost.posted().length > 0,
    );
    return panel;
  }

  /** What the panel posted, each checked by the host's guard. */
  async function posted(panel: Page): Promise<FromPanel[]> {
    const messages = await host(panel, 'posted');
    for (const m of messages)
      assert.ok(isFromPanel(m), `the host accepts ${JSON.stringify(m).slice(0, 120)}`);
    return messages as FromPanel[];
  }

  it('panel: shows busy progress (done / total), the inspect-only summary with its notice, and errors', async () => {
    const panel = await openPanel();
    try {
      assert.deepEqual(await posted(panel), [{ type: 'ready' }]);
      const modelPath = summary.path;
      await host(panel, 'send', {
        type: 'busy',
        modelPath,
        message: 'Running on 64 samples…',
        done: 16,
        total: 64,
      });
      const bar = panel.locator('vscode-progress-bar');
      await bar.waitFor();
      assert.equal(await bar.getAttribute('value'), '16');
      assert.equal(await bar.getAttribute('max'), '64');
      assert.equal(await panel.locator('.busy p').textContent(), 'Running on 64 samples… 16 / 64 (25%)');

      const notice = 'Trust this workspace to run the model.';
      await host(panel, 'send', { type: 'summary', summary, provider: null, notice });
      await panel.locator('[data-testid="node-count"]').waitFor();
      assert.equal(await panel.locator('h1').textContent(), 'softmoe_vit.onnx');
      assert.equal(await panel.locator('.notice').textContent(), notice);
      assert.equal(
        await panel.locator('[data-testid="node-count"]').textContent(),
        String(summary.nodeCount),
      );
      // The MoE layers inspection found in the graph, before any run.
      assert.deepEqual(
        await tableCells(panel.locator('section[aria-label^="MoE layers"] vscode-table-row')),
        summary.layers.map((l) => [
          l.id,
          'Soft MoE',
          String(l.experts),
          `${l.slotsPerExpert} slots per expert`,
        ]),
      );
      assert.deepEqual(
        summary.layers.map((l) => [l.id, l.experts, l.slotsPerExpert]),
        [
          ['blocks.2.mlp', 8, 2],
          ['blocks.3.mlp', 8, 2],
        ],
      );

      const error = { code: 'NOT_ONNX' as const, message: 'notes.onnx is not an ONNX model.' };
      await host(panel, 'send', { type: 'error', modelPath, error });
      await panel.locator('.error[role="alert"]').waitFor();
      assert.match((await panel.locator('.error').textContent()) ?? '', /notes\.onnx is not an ONNX model/);
      assert.deepEqual((await host(panel, 'state'))?.modelPath, modelPath);
    } finally {
      await panel.close();
    }
  });

  it('panel: draws a report, keeps view, layer and sample in PanelState.ui, and restores them after a reload', async () => {
    const first = await openPanel();
    let saved: PanelState | undefined;
    try {
      await host(first, 'send', { type: 'report', json: json.demo });
      await first.locator('.layer-table').waitFor();
      assert.deepEqual((await posted(first)).at(-1), { type: 'select', layer: 'blocks.2.mlp', sample: 0 });
      await first.locator('vscode-tab-header[data-view="classes"]').click();
      await first.locator('.layer-table').waitFor({ state: 'detached' });
      // The sample picker by keyboard, as a person uses it: open, down twice, choose.
      await first.getByTestId('sample-select').focus();
      for (const key of ['Enter', 'ArrowDown', 'ArrowDown', 'Enter']) await first.keyboard.press(key);
      saved = await host(first, 'state');
      assert.deepEqual(saved, {
        modelPath: demo.model.path,
        ui: { view: 'classes', layer: 'blocks.2.mlp', sample: 2, maps: 'slots' },
      });
      assert.deepEqual((await posted(first)).at(-1), { type: 'select', layer: 'blocks.2.mlp', sample: 2 });
    } finally {
      await first.close();
    }
    // A reload: the webview starts again with the saved state and the host re-sends the report.
    const second = await openPanel({ ...saved!, ui: { ...saved!.ui, layer: 'blocks.3.mlp' } });
    try {
      await host(second, 'send', { type: 'report', json: json.demo, stale: true });
      await second.locator('.heatmap-figure[data-figure="blocks.3.mlp-class-load"]').waitFor();
      assert.equal(
        await second
          .locator('vscode-tabs')
          .evaluate((t) => (t as unknown as { selectedIndex: number }).selectedIndex),
        3,
      );
      assert.match((await second.locator('.notice').textContent()) ?? '', /earlier run/);
      assert.deepEqual((await posted(second)).at(-1), { type: 'select', layer: 'blocks.3.mlp', sample: 2 });
    } finally {
      await second.close();
    }
  });

  it('panel: applies reveal (also one sent before its report) and keeps the report under a new run’s progress', async () => {
    const panel = await openPanel();
    try {
      await host(panel, 'send', { type: 'reveal', layer: 'blocks.3.mlp', sample: 1 });
      await host(panel, 'send', { type: 'report', json: json.demo });
      await panel.locator('.layer-table tr[aria-selected="true"][data-layer="blocks.3.mlp"]').waitFor();
      assert.deepEqual((await posted(panel)).at(-1), { type: 'select', layer: 'blocks.3.mlp', sample: 1 });
      await host(panel, 'send', { type: 'reveal', layer: 'blocks.2.mlp' });
      await panel.locator('.layer-table tr[aria-selected="true"][data-layer="blocks.2.mlp"]').waitFor();

      await host(panel, 'send', {
        type: 'busy',
        modelPath: demo.model.path,
        message: 'Running…',
        done: 3,
        total: 4,
      });
      await panel.locator('.busy-banner').waitFor();
      assert.equal(await panel.locator('.layer-table').count(), 1, 'the report stays under the progress');
      assert.equal(await panel.locator('.busy-banner p').textContent(), 'Running… 3 / 4 (75%)');
      await host(panel, 'send', { type: 'report', json: json.demo });
      await panel.locator('.busy-banner').waitFor({ state: 'detached' });
    } finally {
      await panel.close();
    }
  });

  it('panel: sends exports, refresh and go-to-source the host’s guards accept', async () => {
    const panel = await openPanel();
    try {
      // A layer whose module the exporter located in the model's source.
      const located = JSON.parse(json.demo) as { layers: { source?: { file: string; line: number } }[] };
      located.layers[1]!.source = { file: '/work/model.py', line: 42 };
      await host(panel, 'send', { type: 'report', json: JSON.stringify(located) });
      const tools = panel.locator('.heatmap-figure[data-figure="expert-load"] .figure-tools');
      await panel
        .locator('.heatmap-figure[data-figure="expert-load"] canvas[aria-roledescription="heatmap"]')
        .waitFor();
      await waitForExpression(
        panel,
        'document.querySelector(\'.heatmap-figure canvas[aria-roledescription="heatmap"]\').width > 0',
      );
      await tools.getByText('PNG', { exact: true }).click();
      await panel.waitForFunction(() =>
        (globalThis as unknown as { panelHost: PanelHostApi }).panelHost
          .posted()
          .some((m) => (m as { format?: string }).format === 'png'),
      );
      await tools.getByText('CSV', { exact: true }).click();
      await panel.getByTestId('export-html').click();
      await panel.getByTestId('pick-inputs').click();
      await panel.getByTestId('refresh').click();
      // Without an exporter file:line the button still asks the host, which finds the code by name.
      assert.equal(await panel.getByTestId('go-to-source').textContent(), 'Go to source');
      await panel.locator('.layer-table tr[data-layer="blocks.3.mlp"]').click();
      await panel.getByTestId('go-to-source').getByText('Go to model.py:42').click();
      const messages = await posted(panel);
      const png = messages.find((m) => m.type === 'export' && m.format === 'png') as Extract<
        FromPanel,
        { type: 'export' }
      >;
      assert.ok(png.data instanceof Uint8Array, 'PNG bytes cross as a typed array');
      assert.deepEqual([...png.data.subarray(0, 8)], PNG_SIGNATURE);
      assert.equal(png.fileName, 'softmoe_vit-expert-load.png');
      const csv = messages.find((m) => m.type === 'export' && m.format === 'csv') as Extract<
        FromPanel,
        { type: 'export' }
      >;
      assert.equal(parseCsv(csv.data as string).length, 1 + demo.layers.length);
      assert.deepEqual(messages.slice(-5), [
        { type: 'export', format: 'html', fileName: 'softmoe_vit-report.html' },
        { type: 'refresh', pickInputs: true },
        { type: 'refresh' },
        { type: 'select', layer: 'blocks.3.mlp', sample: 0 },
        { type: 'goToSource', layer: 'blocks.3.mlp' },
      ]);
    } finally {
      await panel.close();
    }
  });

  it('saves a screenshot of every view in the light and high-contrast themes, without policy violations', async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const shots: [string, string, Record<string, unknown>][] = [
      ['overview', json.demo, { view: 'overview' }],
      ['routing', json.demo, { view: 'routing', layer: 'blocks.2.mlp', sample: 0 }],
      ['image', json.demo, { view: 'inputs', layer: 'blocks.2.mlp', sample: 0 }],
      ['text', json.text, { view: 'inputs', sample: 1 }],
      ['classes', json.demo, { view: 'classes', layer: 'blocks.3.mlp' }],
      ['coactivation', json.text, { view: 'classes' }],
      ['specialization', json.demo, { view: 'specialization', layer: 'blocks.2.mlp' }],
    ];
    for (const theme of ['light', 'high-contrast'] as const) {
      await call(page, theme === 'light' ? 'useLight' : 'useHighContrast');
      for (const [name, report, state] of shots) {
        await call(page, 'load', report, state);
        for (const figure of await call(page, 'figures')) await call(page, 'ready', figure);
        for (const chart of Object.keys(await call(page, 'charts'))) await call(page, 'chartDrawn', chart);
        await page.screenshot({ path: join(RESULTS_DIR, `report-${name}-${theme}.png`), fullPage: true });
      }
    }
    await call(page, 'useLight');
    assert.deepEqual(await call(page, 'violations'), [], 'no Content-Security-Policy violations');
    assert.deepEqual(await call(page, 'errors'), [], 'no script errors');
    assert.equal(await call(page, 'dispose'), 0, 'disposing the views leaves no canvas behind');
  });
});

describe('report views: the arithmetic behind the pictures, in Node', () => {
  it('infers ViT patch grids from token counts, with and without a class token', () => {
    assert.deepEqual(inferPatchGrid(16, 28, 28), { rows: 4, cols: 4, offset: 0 });
    assert.deepEqual(inferPatchGrid(197, 224, 224), { rows: 14, cols: 14, offset: 1 });
    assert.deepEqual(inferPatchGrid(50, 224, 224), { rows: 7, cols: 7, offset: 1 });
    assert.deepEqual(
      inferPatchGrid(8, 32, 64),
      { rows: 2, cols: 4, offset: 0 },
      'square patches on a wide image',
    );
    assert.equal(inferPatchGrid(7, 28, 28), null, '7 tokens fit no grid of square patches');
    // Pixel → patch: ⌊(y + ½)·rows / h⌋, so 7-pixel patches on 28 pixels split at 7, 14, 21.
    assert.deepEqual(
      [0, 6, 7, 13, 14, 27].map((y) => patchIndex(y, 4, 28)),
      [0, 0, 1, 1, 2, 3],
    );
  });

  it('sums slot weights per expert (expert-major slots) and picks each token’s top expert', () => {
    // 2 tokens × (3 experts × 2 slots); rows are softmaxes (sum 1).
    const data = Float32Array.from([0.1, 0.2, 0.05, 0.05, 0.3, 0.3, 0.4, 0.1, 0.2, 0.2, 0.05, 0.05]);
    const combine = { rows: 2, cols: 6, data };
    const mass = expertMass(combine, 3, 2);
    assert.deepEqual(
      [...mass].map((v) => +v.toFixed(6)),
      [0.3, 0.1, 0.6, 0.5, 0.4, 0.1],
    );
    assert.deepEqual([...argmaxRows(mass, 2, 3)], [2, 0]);
    assert.deepEqual([...argmaxRows(Float32Array.from([NaN, NaN]), 1, 2)], [-1], 'no number, no expert');
    assert.throws(() => expertMass(combine, 4, 2), RangeError);
    // Repeat rate: neighbouring pairs with one top expert; 2 of 4 pairs here.
    assert.equal(repeatRate(Int32Array.from([1, 1, 2, 2, 0])), 0.5);
  });

  it('counts smallest k per input, with "none" for inputs no k preserved', () => {
    assert.deepEqual(smallestKCounts([1, 1, 3, null, 2, 9], 4), [2, 1, 1, 0, 2]);
  });

  it('writes CSV that reads back to the same float32 values, NaN included', () => {
    const values = Float32Array.from([0.1, 1 / 3, NaN, 1e-7]);
    const rows = parseCsv(matrixCsv(values, 2, 2, ['t0', 't1'], ['s0', 's1'], 'token'));
    assert.deepEqual(rows[0], ['token', 's0', 's1']);
    assert.deepEqual(
      rows.slice(1).map((r) => r[0]),
      ['t0', 't1'],
    );
    const back = rows.slice(1).flatMap((r) => r.slice(1).map((v) => Math.fround(Number(v))));
    back.forEach((v, i) => assert.ok(Object.is(v, values[i]), `cell ${i}: ${v} vs ${values[i]}`));
    assert.equal(csvField('a,"b"'), '"a,""b"""');
  });
});
