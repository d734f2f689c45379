import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectLayers } from '../../src/core/detect';
import { indexGraph } from '../../src/core/onnx/graph';
import { loadFixtures } from '../support/fixtures';

describe('MoE layer detection (structure)', () => {
  for (const { name, modelPath, reference } of loadFixtures()) {
    it(`finds exactly the ${reference.layers.length} MoE layer(s) of ${name} with the right kind and tensors`, () => {
      const bytes = readFileSync(modelPath);
      const { candidates, searched } = detectLayers(indexGraph(bytes, modelPath), bytes);
      assert.deepEqual(
        candidates.map((c) => [c.id, c.kind]),
        reference.layers.map((l) => [l.id, l.kind]),
        searched,
      );
      for (const [i, layer] of reference.layers.entries()) {
        const expected = (layer as unknown as { onnxTensors: Record<string, string> }).onnxTensors;
        const t = candidates[i]!.tensors;
        const named: Record<string, string | undefined> = {
          dispatch: t.dispatch,
          combine: t.combine,
          probs: t.probs,
          topk_indices: t.topkIndices,
          topk_weights: t.topkWeights,
          selected_tokens: t.selected,
          gates: t.gates,
        };
        for (const [key, tensor] of Object.entries(expected)) {
          if (key === 'router_logits') continue;
          assert.equal(named[key], tensor, `${name} ${layer.id} ${key}`);
        }
      }
    });
  }
});
