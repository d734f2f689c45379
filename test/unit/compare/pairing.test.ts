import assert from 'node:assert/strict';
import { granularityOf, LayerRef, overlapK, pairLayers } from '../../../src/core/compare/pairing';

function layer(
  id: string,
  kind: LayerRef['kind'],
  index: number,
  experts = 8,
  tokens = 16,
  k?: number,
): LayerRef {
  return { id, kind, index, experts, tokens, ...(k ? { k } : {}) };
}

const summary = (p: ReturnType<typeof pairLayers>) => ({
  pairs: p.pairs.map((x) => [x.a.id, x.b.id, x.by]),
  unpaired: { a: p.unpaired.a.map((l) => l.id), b: p.unpaired.b.map((l) => l.id) },
});

describe('layer pairing', () => {
  it('same ids pair by id, whatever their order', () => {
    const a = [layer('blocks.2.mlp', 'soft_moe', 0), layer('blocks.3.mlp', 'soft_moe', 1)];
    const b = [layer('blocks.3.mlp', 'soft_moe', 0), layer('blocks.2.mlp', 'soft_moe', 1)];
    assert.deepEqual(summary(pairLayers(a, b)), {
      pairs: [
        ['blocks.2.mlp', 'blocks.2.mlp', 'id'],
        ['blocks.3.mlp', 'blocks.3.mlp', 'id'],
      ],
      unpaired: { a: [], b: [] },
    });
  });

  it('renamed modules pair by order within their kind, then by order alone; extras are listed', () => {
    const a = [
      layer('blocks.1.moe', 'topk', 0),
      layer('blocks.2.mlp', 'soft_moe', 1),
      layer('blocks.3.mlp', 'soft_moe', 2),
      layer('blocks.5.mlp', 'smear', 3),
    ];
    const b = [
      layer('blocks.2.mixer', 'soft_moe', 0),
      layer('blocks.3.mixer', 'soft_moe', 1),
      layer('blocks.2.mlp', 'soft_moe', 2),
      layer('router.0', 'expert_choice', 3),
    ];
    assert.deepEqual(summary(pairLayers(a, b)), {
      pairs: [
        ['blocks.1.moe', 'blocks.3.mixer', 'order'],
        ['blocks.2.mlp', 'blocks.2.mlp', 'id'],
        ['blocks.3.mlp', 'blocks.2.mixer', 'order-and-kind'],
        ['blocks.5.mlp', 'router.0', 'order'],
      ],
      unpaired: { a: [], b: [] },
    });
    const fewer = pairLayers(a.slice(1, 3), b.slice(0, 1));
    assert.deepEqual(summary(fewer).unpaired, { a: ['blocks.3.mlp'], b: [] });
  });

  it('granularity: tokens when both route the same tokens, else examples', () => {
    assert.equal(granularityOf(layer('x', 'soft_moe', 0), layer('x', 'topk', 0)), 'token');
    assert.equal(granularityOf(layer('x', 'soft_moe', 0), layer('x', 'smear', 0, 8, 1)), 'example');
    assert.equal(granularityOf(layer('x', 'topk', 0, 8, 16), layer('x', 'topk', 0, 8, 24)), 'example');
  });

  it('top-k overlap uses min(kA, kB, nA, nB), with 2 for layers without k', () => {
    assert.equal(overlapK(layer('x', 'topk', 0, 8, 16, 2), layer('x', 'topk', 0, 8, 16, 2)), 2);
    assert.equal(overlapK(layer('x', 'topk', 0, 8, 16, 1), layer('x', 'soft_moe', 0)), 1);
    assert.equal(overlapK(layer('x', 'soft_moe', 0), layer('x', 'smear', 0, 8, 1)), 2);
    assert.equal(overlapK(layer('x', 'topk', 0, 8, 16, 4), layer('x', 'topk', 0, 3, 16, 3)), 3);
  });
});
