/**
 * Guards linking module paths to Python code: the layer ids of the real fixture checkpoints
 * (from their references) against model code shaped like the code that exported them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkPython } from '../../../src/core/link/linkPython';
import type { PythonParser } from '../../../src/core/link/pythonParser';
import type { LayerLink, LinkTarget } from '../../../src/core/link/types';
import { loadFixtures, REPO_ROOT } from '../../support/fixtures';
import { fixtureText, positionOf, pythonParser } from './support';

function targetsOf(fixture: string): LinkTarget[] {
  const found = loadFixtures().find((f) => f.name === fixture);
  assert.ok(found, `fixture ${fixture}`);
  return found.reference.layers.map((l) => ({ id: l.id, tensors: [] }));
}

function where(links: LayerLink[], kind: LayerLink['kind']): string[] {
  return links
    .filter((l) => l.kind === kind)
    .map((l) => `${l.layerId}@${l.anchor.line}:${l.anchor.start}`)
    .sort();
}

describe('link: Python module paths', () => {
  let parser: PythonParser;
  before(async () => {
    parser = await pythonParser();
  });
  after(() => parser.dispose());

  it('links blocks.2.mlp and blocks.3.mlp to the one `self.mlp` line of Block, through ViT.blocks', () => {
    const targets = targetsOf('softmoe_vit');
    assert.deepEqual(
      targets.map((t) => t.id),
      ['blocks.2.mlp', 'blocks.3.mlp'],
    );
    const text = fixtureText('vit_moe.py');
    const links = linkPython(parser.index(text), targets, '/ws/vit_moe.py', text.split('\n'));
    const mlp = positionOf(text, 'self.mlp = SoftMoE', 5);
    const blocks = positionOf(text, 'self.blocks = ', 5);
    assert.deepEqual(where(links, 'attribute'), [
      `blocks.2.mlp@${mlp.line}:${mlp.column}`,
      `blocks.3.mlp@${mlp.line}:${mlp.column}`,
    ]);
    assert.deepEqual(where(links, 'container'), [
      `blocks.2.mlp@${blocks.line}:${blocks.column}`,
      `blocks.3.mlp@${blocks.line}:${blocks.column}`,
    ]);
    assert.deepEqual(where(links, 'class'), [], 'SoftMoE(d) if moe else Mlp(d) names no one class');
    const attribute = links.find((l) => l.kind === 'attribute');
    assert.equal(
      attribute?.score,
      1000 + 3 * 10 + 1,
      'a full path of 3 segments, `blocks` confirmed by its element class',
    );
  });

  it('links the setattr name and the ONNX node names of softmoe_vit_plain in vit_mixer.py', () => {
    const targets = targetsOf('softmoe_vit_plain');
    assert.deepEqual(
      targets.map((t) => t.id),
      ['blocks.2.mixer', 'blocks.3.mixer'],
    );
    const text = fixtureText('vit_mixer.py');
    const links = linkPython(parser.index(text), targets, '/ws/vit_mixer.py', text.split('\n'));
    const setattr = positionOf(text, 'setattr(self, ffn_name', 14);
    assert.deepEqual(where(links, 'attribute'), [
      `blocks.2.mixer@${setattr.line}:${setattr.column}`,
      `blocks.3.mixer@${setattr.line}:${setattr.column}`,
    ]);
    const node2 = positionOf(text, '/blocks.2/mixer/Softmax');
    const node3 = positionOf(text, '/blocks.3/mixer/Softmax_1');
    assert.deepEqual(where(links, 'string'), [
      `blocks.2.mixer@${node2.line}:${node2.column}`,
      `blocks.3.mixer@${node3.line}:${node3.column}`,
    ]);
  });

  it("links the fixtures' own models.py through setattr(self, ffn_name, ffn)", () => {
    const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'models.py'), 'utf8');
    const links = linkPython(parser.index(text), targetsOf('topk_vit'), 'models.py', text.split('\n'));
    const line = positionOf(text, 'setattr(self, ffn_name, ffn)').line;
    const attributes = links.filter((l) => l.kind === 'attribute');
    assert.deepEqual(
      attributes.map((l) => [l.layerId, l.anchor.line]),
      [
        ['blocks.2.mlp', line],
        ['blocks.3.mlp', line],
      ],
    );
  });

  it('prefers a full path over an attribute that only shares the last name', () => {
    const text = [
      'class Other(nn.Module):',
      '    def __init__(self):',
      '        self.moe = TopK()',
      'class Block(nn.Module):',
      '    def __init__(self):',
      '        self.moe = TopK()',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        self.layers = nn.ModuleList([Block() for _ in range(4)])',
      'class TopK(nn.Module):',
      '    pass',
    ].join('\n');
    const links = linkPython(
      parser.index(text),
      [{ id: 'layers.1.moe', tensors: [] }],
      'net.py',
      text.split('\n'),
    );
    assert.deepEqual(
      links.map((l) => [l.kind, l.anchor.line]),
      [
        ['attribute', 5],
        ['container', 8],
        ['class', 9],
      ],
    );
  });

  it('links the last name alone when the parent model is defined elsewhere', () => {
    const text = 'class Block(nn.Module):\n    def __init__(self):\n        self.moe = TopK()\n';
    const links = linkPython(
      parser.index(text),
      [{ id: 'encoder.layers.5.moe', tensors: [] }],
      'b.py',
      text.split('\n'),
    );
    assert.deepEqual(
      links.map((l) => [l.kind, l.anchor.line, l.score]),
      [['attribute', 2, 10]],
    );
  });

  it("links the exporter's file:line when the document is that file, wherever it was exported", () => {
    const text = fixtureText('vit_moe.py');
    const lines = text.split('\n');
    const target: LinkTarget = {
      id: 'blocks.2.mlp',
      tensors: [],
      source: { file: '/home/trainer/project/vit_moe.py', line: 61 },
    };
    const links = linkPython(parser.index(text), [target], '/work/checkout/vit_moe.py', lines);
    const source = links.find((l) => l.kind === 'source');
    const indent = lines[60]!.length - lines[60]!.trimStart().length;
    assert.deepEqual(source?.anchor, { line: 60, start: indent, end: lines[60]!.trimEnd().length });
    const elsewhere = linkPython(parser.index(text), [target], '/work/checkout/other.py', lines);
    assert.equal(elsewhere.filter((l) => l.kind === 'source').length, 0);
  });
});
