/** Guards linking JSON and YAML configs: key paths that end like a layer id, and name strings. */
import assert from 'node:assert/strict';
import { indexJson, indexYaml } from '../../../src/core/link/configIndex';
import { linkConfig } from '../../../src/core/link/linkConfig';
import type { LayerLink, LinkTarget } from '../../../src/core/link/types';
import { fixtureText, positionOf } from './support';

const SOFTMOE: LinkTarget[] = [
  { id: 'blocks.2.mlp', tensors: ['/blocks.2/mlp/Softmax_output_0'] },
  { id: 'blocks.3.mlp', tensors: ['/blocks.3/mlp/Softmax_output_0'] },
];

function summary(links: LayerLink[]): string[] {
  return links.map((l) => `${l.kind} ${l.layerId}@${l.anchor.line}:${l.anchor.start}-${l.anchor.end}`).sort();
}

describe('link: JSON and YAML configs', () => {
  it('links YAML keys by their key path and quoted ids without the quotes', () => {
    const text = fixtureText('train_config.yaml');
    const links = linkConfig(indexYaml(text), SOFTMOE);
    const mlp = positionOf(text, 'mlp:');
    const full = positionOf(text, 'blocks.3.mlp:');
    const quoted = positionOf(text, "'blocks.2.mlp'", 1);
    assert.deepEqual(
      summary(links),
      [
        `configKey blocks.2.mlp@${mlp.line}:${mlp.column}-${mlp.column + 3}`,
        `configKey blocks.3.mlp@${mlp.line}:${mlp.column}-${mlp.column + 3}`,
        `configKey blocks.3.mlp@${full.line}:${full.column}-${full.column + 12}`,
        `string blocks.2.mlp@${quoted.line}:${quoted.column}-${quoted.column + 12}`,
      ].sort(),
      'model.mlp configures both layers; blocks.3.mlp: only its own',
    );
    const scores = links.filter((l) => l.layerId === 'blocks.3.mlp').map((l) => l.score);
    assert.deepEqual(scores.sort(), [10, 1030], 'the full key path is the more specific link');
  });

  it('links JSON ids, nested index keys and ONNX node names', () => {
    const text = fixtureText('layer_notes.json');
    const links = linkConfig(indexJson(text), SOFTMOE);
    const id2 = positionOf(text, '"blocks.2.mlp"', 1);
    const id3 = positionOf(text, '"blocks.3.mlp"', 1);
    const nested = positionOf(text, '"mlp": {', 1);
    const node = positionOf(text, '"/blocks.2/mlp/Softmax"', 1);
    assert.deepEqual(
      summary(links),
      [
        `string blocks.2.mlp@${id2.line}:${id2.column}-${id2.column + 12}`,
        `string blocks.3.mlp@${id3.line}:${id3.column}-${id3.column + 12}`,
        `configKey blocks.2.mlp@${nested.line}:${nested.column}-${nested.column + 3}`,
        `string blocks.2.mlp@${node.line}:${node.column}-${node.column + 21}`,
      ].sort(),
    );
  });

  it('does not link a key of another block index', () => {
    const links = linkConfig(indexYaml('blocks.3.mlp:\n  experts: 8\n'), [
      { id: 'blocks.2.mlp', tensors: [] },
    ]);
    assert.deepEqual(links, []);
  });

  it('indexes broken JSON as far as it parses', () => {
    const index = indexJson('{ "mixer": { "experts": 16 }, "oops": ');
    assert.deepEqual(
      index.keys.map((k) => k.path.join('.')),
      ['mixer', 'mixer.experts', 'oops'],
    );
  });
});
