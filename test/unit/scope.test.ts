import assert from 'node:assert/strict';
import { layerIdFromScope, moduleScope, sourceLocation } from '../../src/core/detect/scope';
import type { OnnxNode } from '../../src/core/onnx/graph';

function node(name: string, metadata: Record<string, string> = {}): OnnxNode {
  return {
    index: 0,
    name,
    opType: 'Softmax',
    domain: '',
    inputs: [],
    outputs: [],
    attributes: new Map(),
    metadata,
    overload: '',
    span: [0, 0],
  };
}

describe('layer identity from exporter scopes', () => {
  it('reads the TorchScript exporter node names', () => {
    assert.equal(moduleScope(node('/blocks.2/mixer/Softmax_1')), 'blocks.2.mixer');
    assert.equal(moduleScope(node('/encoder/layers.11/moe/router/Softmax')), 'encoder.layers.11.moe.router');
    assert.equal(moduleScope(node('/Softmax')), undefined);
    assert.equal(moduleScope(node('')), undefined);
  });

  it('prefers the dynamo exporter name_scopes metadata', () => {
    const n = node('node_Softmax_12', { 'pkg.torch.onnx.name_scopes': "['', 'blocks.2', 'mlp', 'softmax']" });
    assert.equal(moduleScope(n), 'blocks.2.mlp');
  });

  it('drops a trailing router sub-module so the layer is the MoE block', () => {
    assert.equal(layerIdFromScope('blocks.3.moe.gate', 'x'), 'blocks.3.moe');
    assert.equal(layerIdFromScope('blocks.3.moe', 'x'), 'blocks.3.moe');
    assert.equal(layerIdFromScope(undefined, 'soft_moe_17'), 'soft_moe_17');
  });

  it('takes the innermost user frame of a stack trace, skipping torch internals', () => {
    const trace = [
      'File "/home/me/train.py", line 80, in <module>',
      'File "/home/me/model.py", line 42, in forward',
      'File "/usr/lib/python3/dist-packages/torch/nn/functional.py", line 1843, in softmax',
    ].join('\n');
    assert.deepEqual(sourceLocation(node('n', { 'pkg.torch.onnx.stack_trace': trace })), {
      file: '/home/me/model.py',
      line: 42,
    });
    assert.equal(sourceLocation(node('n')), undefined);
  });
});
