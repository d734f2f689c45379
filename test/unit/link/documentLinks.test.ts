/** Guards merging links of several checkpoints into anchors, and finding the anchor under the cursor. */
import assert from 'node:assert/strict';
import { DocumentLinks } from '../../../src/core/link/documentLinks';
import type { LayerLink } from '../../../src/core/link/types';

const link = (
  line: number,
  start: number,
  end: number,
  layerId: string,
  kind: LayerLink['kind'],
  score = 10,
) => ({
  anchor: { line, start, end },
  layerId,
  kind,
  score,
});

describe('link: document links', () => {
  const links = new DocumentLinks([
    {
      modelPath: '/m/a.onnx',
      links: [
        link(4, 13, 16, 'blocks.2.mlp', 'attribute', 1032),
        link(4, 13, 16, 'blocks.3.mlp', 'attribute', 1032),
        link(9, 13, 19, 'blocks.2.mlp', 'container', 1022),
        link(9, 13, 19, 'blocks.2.mlp', 'attribute', 20), // the same anchor reached two ways
        link(9, 4, 30, 'blocks.3.mlp', 'source', 10_000),
      ],
    },
    { modelPath: '/m/b.onnx', links: [link(4, 13, 16, 'blocks.2.mlp', 'attribute', 1032)] },
  ]);

  it('merges the layers of every checkpoint that an anchor names', () => {
    assert.deepEqual(
      links.at(4, 14)?.layers.map((l) => `${l.modelPath}#${l.layerId}`),
      ['/m/a.onnx#blocks.2.mlp', '/m/a.onnx#blocks.3.mlp', '/m/b.onnx#blocks.2.mlp'],
    );
    assert.equal(links.at(4, 16)?.anchor.start, 13, 'the end column still hovers the name');
    assert.equal(links.at(4, 17), undefined);
    assert.equal(links.at(5, 14), undefined);
  });

  it('picks the innermost anchor and keeps the more direct kind of a repeated layer', () => {
    const hit = links.at(9, 15);
    assert.deepEqual(hit?.anchor, { line: 9, start: 13, end: 19 });
    assert.deepEqual(hit?.layers, [
      { modelPath: '/m/a.onnx', layerId: 'blocks.2.mlp', kind: 'attribute', score: 20 },
    ]);
    assert.deepEqual(
      links.at(9, 5)?.layers.map((l) => l.kind),
      ['source'],
    );
  });

  it('lists definitions for CodeLens and the best anchor for Go to Source', () => {
    assert.deepEqual(
      links.definitions().map((a) => `${a.anchor.line}:${a.anchor.start}`),
      ['4:13', '9:4', '9:13'],
    );
    assert.deepEqual(links.bestFor('/m/a.onnx', 'blocks.3.mlp')?.anchor, { line: 9, start: 4, end: 30 });
    assert.deepEqual(links.bestFor('/m/a.onnx', 'blocks.2.mlp')?.anchor, { line: 4, start: 13, end: 16 });
    assert.equal(links.bestFor('/m/b.onnx', 'blocks.3.mlp'), undefined);
  });
});
