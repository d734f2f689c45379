/** Guards the Python side of the linker: what tree-sitter's syntax tree yields for model code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PythonParser } from '../../../src/core/link/pythonParser';
import { REPO_ROOT } from '../../support/fixtures';
import { fixtureText, positionOf, pythonParser } from './support';

describe('link: Python index', () => {
  let parser: PythonParser;
  before(async () => {
    parser = await pythonParser();
  });
  after(() => parser.dispose());

  it('reads module attributes with their owner class, value classes and containers (vit_moe.py)', () => {
    const text = fixtureText('vit_moe.py');
    const index = parser.index(text);
    assert.deepEqual(
      index.classes.map((c) => c.name),
      ['Mlp', 'SoftMoE', 'Attention', 'Block', 'ViT'],
    );
    const mlp = index.attributes.find((a) => a.owner === 'Block' && a.name === 'mlp');
    assert.ok(mlp, 'Block.mlp is found');
    assert.deepEqual(mlp.types, ['SoftMoE', 'Mlp'], 'both branches of the conditional');
    assert.equal(mlp.container, false);
    const at = positionOf(text, 'self.mlp = SoftMoE', 5);
    assert.deepEqual(mlp.anchor, { line: at.line, start: at.column, end: at.column + 3 });

    const blocks = index.attributes.find((a) => a.name === 'blocks');
    assert.equal(blocks?.owner, 'ViT');
    assert.equal(blocks?.container, true);
    assert.deepEqual(blocks?.types, ['ModuleList']);
    assert.deepEqual(blocks?.elementTypes, ['Block'], 'the element class comes from the comprehension');

    const experts = index.attributes.find((a) => a.owner === 'SoftMoE' && a.name === 'experts');
    assert.deepEqual(experts?.elementTypes, ['Mlp']);
    assert.equal(
      index.attributes.find((a) => a.name === 'n'),
      undefined,
      'tuple targets are not modules',
    );
  });

  it('reads setattr with a parameter default and nn.Sequential(*[...]) (vit_mixer.py)', () => {
    const text = fixtureText('vit_mixer.py');
    const index = parser.index(text);
    const mixer = index.attributes.find((a) => a.name === 'mixer');
    assert.ok(mixer, 'setattr(self, ffn_name, ffn) with ffn_name="mixer" names the attribute');
    assert.equal(mixer.owner, 'Block');
    const at = positionOf(text, 'setattr(self, ffn_name', 14);
    assert.deepEqual(mixer.anchor, { line: at.line, start: at.column, end: at.column + 'ffn_name'.length });
    const blocks = index.attributes.find((a) => a.name === 'blocks');
    assert.deepEqual(blocks?.types, ['Sequential']);
    assert.deepEqual(blocks?.elementTypes, ['Block']);
    assert.deepEqual(
      index.strings.filter((s) => s.value.startsWith('/')).map((s) => s.value),
      ['/blocks.2/mixer/Softmax', '/blocks.3/mixer/Softmax_1'],
    );
  });

  it("reads the fixture generator's own model code (test/fixtures/models.py)", () => {
    const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'models.py'), 'utf8');
    const index = parser.index(text);
    const ffn = index.attributes.find((a) => a.owner === 'Block' && a.name === 'mlp');
    assert.ok(ffn, 'setattr(self, ffn_name, ffn) resolves to the default "mlp"');
    assert.equal(ffn.anchor.line, positionOf(text, 'setattr(self, ffn_name, ffn)').line);
    const vitBlocks = index.attributes.find((a) => a.owner === 'ViT' && a.name === 'blocks');
    assert.deepEqual(vitBlocks?.elementTypes, ['Block']);
  });

  it('measures columns in UTF-16 code units, as editors do', () => {
    const text = 'x = "é€😀"\nclass A:\n    def __init__(self):\n        self.moe = B()\n';
    const index = parser.index(text);
    const literal = index.strings.find((s) => s.value === 'é€😀');
    assert.deepEqual(literal?.anchor, { line: 0, start: 5, end: 9 });
    assert.deepEqual(index.attributes[0]?.anchor, { line: 3, start: 13, end: 16 });
  });

  it('indexes a file that does not parse cleanly as far as it can', () => {
    const index = parser.index('class Half(nn.Module):\n    def __init__(self):\n        self.moe = TopK(\n');
    assert.deepEqual(
      index.classes.map((c) => c.name),
      ['Half'],
    );
  });
});
