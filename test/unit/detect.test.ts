import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectLayers } from '../../src/core/detect';
import { indexGraph } from '../../src/core/onnx/graph';
import { loadFixtures } from '../support/fixtures';
import { concat, message, stringField, valueInfo, varintField } from '../support/protoWriter';

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
          scores: t.scores,
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

describe('Switch-style top-1 routers (ArgMax over a softmax)', () => {
  const FLOAT = 1;
  const node = (op: string, inputs: string[], output: string, name: string, axis?: number) =>
    message(
      1,
      ...inputs.map((i) => stringField(1, i)),
      stringField(2, output),
      stringField(3, name),
      stringField(4, op),
      ...(axis === undefined
        ? []
        : [message(5, stringField(1, 'axis'), varintField(3, axis), varintField(20, 2))]),
    );
  /** x [b, t, 4] → Softmax → ArgMax, its choice either routing (ScatterElements) or only an output. */
  const graph = (routes: boolean) =>
    concat(
      varintField(1, 8),
      message(
        7,
        node('Softmax', ['x'], 'p', '/blocks.0/moe/Softmax', -1),
        node('ArgMax', ['p'], 'i', '/blocks.0/moe/ArgMax', -1),
        ...(routes ? [node('ScatterElements', ['p', 'i', 'p'], 'dense', '/blocks.0/moe/Scatter', -1)] : []),
        valueInfo(11, 'x', FLOAT, ['b', 't', 4]),
        valueInfo(12, routes ? 'dense' : 'i', FLOAT, ['b', 't', 4]),
      ),
      message(8, varintField(2, 17)),
    );

  it('finds a top-1 layer when the choice routes tokens, with k = 1 from the probabilities', () => {
    const bytes = graph(true);
    const [candidate, ...rest] = detectLayers(indexGraph(bytes, 'switch.onnx'), bytes).candidates;
    assert.equal(rest.length, 0);
    assert.deepEqual([candidate!.id, candidate!.kind, candidate!.k], ['blocks.0.moe', 'topk', 1]);
    assert.deepEqual(candidate!.tensors, { probs: 'p', topkIndices: 'i' });
    assert.deepEqual(candidate!.computeTopK, { k: 1, renormalize: false });
  });

  it('ignores an ArgMax that only yields a prediction', () => {
    const bytes = graph(false);
    assert.deepEqual(detectLayers(indexGraph(bytes, 'classifier.onnx'), bytes).candidates, []);
  });
});
