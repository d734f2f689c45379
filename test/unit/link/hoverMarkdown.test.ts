/**
 * Guards the hover text against a real report: the CLI analyses the bundled demo checkpoint (with
 * the specialization study), and every number the hover shows must be the report's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hoverMarkdown, type HoverCommands } from '../../../src/core/link/hoverMarkdown';
import { viridis } from '../../../src/core/link/svgFigures';
import { reportFromJson } from '../../../src/core/report/read';
import type { Report } from '../../../src/core/report/types';
import { PNG } from 'pngjs';
import { DEMO_MODEL, REPO_ROOT } from '../../support/fixtures';

const commands: HoverCommands = {
  reveal: (modelPath, layer) =>
    `command:reveal?${encodeURIComponent(JSON.stringify([{ modelPath, layer }]))}`,
  analyze: (modelPath) => `command:analyze?${encodeURIComponent(JSON.stringify([modelPath]))}`,
};

function svgImages(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/g)].map((m) =>
    Buffer.from(m[1]!, 'base64').toString('utf8'),
  );
}

describe('link: hover Markdown from a real report', function () {
  this.timeout(60_000);
  let report: Report;
  before(() => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-scope-hover-'));
    try {
      const out = join(dir, 'report.json');
      execFileSync(process.execPath, [
        join(REPO_ROOT, 'dist', 'cli.js'),
        'analyze',
        DEMO_MODEL,
        '--inputs',
        join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz'),
        '--limit',
        '16',
        '--samples',
        '0',
        '--specialization',
        '--scope',
        'layer',
        '--seeds',
        '2',
        '--json',
        out,
        '--quiet',
      ]);
      report = reportFromJson(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows each layer's kind, shape, balance, entropy and busiest experts as the report has them", () => {
    assert.deepEqual(
      report.layers.map((l) => l.id),
      ['blocks.2.mlp', 'blocks.3.mlp'],
    );
    const markdown = hoverMarkdown([{ report, layers: report.layers, stale: false }], commands);
    for (const layer of report.layers) {
      assert.equal(layer.summary.kind, 'soft_moe');
      if (layer.summary.kind !== 'soft_moe') continue;
      const row = markdown.split('\n').find((l) => l.startsWith(`| [\`${layer.id}\`]`));
      assert.ok(row, `a table row for ${layer.id}`);
      const cells = row
        .replace(/\u00a0/g, ' ')
        .split(' | ')
        .slice(1);
      assert.equal(cells[0], 'Soft MoE');
      assert.equal(cells[1], `${layer.experts} × ${layer.slotsPerExpert} slots`);
      assert.equal(Number(cells[2]), Number(layer.summary.balance.cv.toFixed(3)));
      assert.equal(Number(cells[3]), Number(layer.summary.balance.switchAux.toFixed(3)));
      assert.equal(Number(cells[4]), Number(layer.summary.combineEntropy.toFixed(3)));
      const load = layer.summary.expertLoad;
      const busiest = load.indexOf(Math.max(...load));
      assert.ok(
        cells[5]!.startsWith(`${busiest} (${(load[busiest]! * 100).toFixed(1)}%)`),
        `the busiest expert comes first: ${cells[5]}`,
      );
      assert.ok(
        row.includes(commands.reveal(report.model.path, layer.id)),
        'the layer id opens it in MoE Scope',
      );
    }
    assert.ok(markdown.includes(`[$(refresh) Analyze again](${commands.analyze(report.model.path)})`));
    assert.ok(!markdown.includes('Stale'), 'a fresh report carries no stale warning');
  });

  it('draws the expert load heatmap on one colour scale and the specialization curve of each layer', () => {
    const markdown = hoverMarkdown([{ report, layers: report.layers, stale: true }], commands);
    assert.match(markdown, /\$\(warning\) \*\*Stale:\*\* `softmoe_vit\.onnx` changed since this analysis/);
    const [heatmap, ...curves] = svgImages(markdown);
    assert.ok(heatmap);
    const png = /href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(heatmap);
    assert.ok(png, 'the cells are an embedded PNG');
    const image = PNG.sync.read(Buffer.from(png[1]!, 'base64'));
    assert.deepEqual(
      [image.width, image.height],
      [8, report.layers.length],
      'one pixel per expert and layer',
    );
    const colour = (i: number) =>
      `#${[...image.data.subarray(i * 4, i * 4 + 3)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    const cells = Array.from({ length: image.width * image.height }, (_, i) => ['', colour(i)]);
    const all = report.layers.flatMap((l) => l.summary.expertLoad);
    const [min, max] = [Math.min(...all), Math.max(...all)];
    cells.forEach((cell, i) => {
      assert.equal(
        cell[1],
        viridis((all[i]! - min) / (max - min)),
        `cell ${i} is coloured between the extremes`,
      );
      assert.equal(image.data[i * 4 + 3], 255, 'opaque');
    });
    assert.equal(cells[all.indexOf(max)]?.[1], viridis(1), 'the busiest expert is the brightest colour');
    assert.equal(cells[all.indexOf(min)]?.[1], viridis(0), 'the idlest expert is the darkest');
    const caption = `dark ${(min * 100).toFixed(1)}% to bright ${(max * 100).toFixed(1)}%; balanced: 12.5%`;
    assert.ok(markdown.includes(caption), caption);

    assert.equal(curves.length, 2, 'one specialization figure per layer');
    const curve = report.specialization?.curves.find((c) => c.layer === 'blocks.2.mlp');
    assert.ok(curve?.ranked.accuracy && curve.random.accuracy, 'labels give accuracy curves');
    const accuracy = curve.ranked.accuracy;
    const flat = accuracy.every((v, i) => v === accuracy[0] && v === curve.random.accuracy![i]);
    // Flat, equal accuracy says nothing about the ranking: the figure shows KL instead.
    const [drawn, metric] = flat ? [curve.ranked.kl, 'KL (nats)'] : [accuracy, 'accuracy'];
    assert.ok(curves[0]!.includes(`>${metric}</text>`), `the figure is labelled ${metric}`);
    const polyline = /<polyline points="([^"]+)"[^>]*stroke="#3794ff"/.exec(curves[0]!);
    const ys = polyline?.[1]?.split(' ').map((p) => Number(p.split(',')[1]));
    assert.equal(ys?.length, curve.k.length, 'the ranked curve has a point per k');
    // SVG y grows downwards: a larger value is drawn higher (steps under 2% of the range may round away).
    const span = Math.max(...drawn) - Math.min(...drawn);
    for (let i = 1; i < drawn.length; i++) {
      const step = drawn[i]! - drawn[i - 1]!;
      if (Math.abs(step) > span / 50)
        assert.equal(Math.sign(ys![i - 1]! - ys![i]!), Math.sign(step), `k = ${i + 1}`);
    }
    const says = flat ? 'KL(full ‖ kept) in nats' : 'accuracy against the labels';
    assert.ok(
      markdown.includes(
        `*\`blocks.2.mlp\`: keeping the k best experts per input (ranked) vs k random ones; ${says}`,
      ),
      says,
    );
  });

  it('says nothing for an entry without layers', () => {
    assert.equal(hoverMarkdown([{ report, layers: [], stale: false }], commands), '');
  });
});
