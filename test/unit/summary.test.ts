import assert from 'node:assert/strict';
import { MoeScopeError } from '../../src/core/errors';
import { summariseModelBytes } from '../../src/core/onnx/inspect';
import {
  concat,
  initializer,
  message,
  node,
  stringField,
  valueInfo,
  varintField,
} from '../support/protoWriter';

const FLOAT = 1;
const INT64 = 7;

function model(...graphFields: Uint8Array[]): Uint8Array {
  return concat(
    varintField(1, 8), // ir_version
    stringField(2, 'pytorch'),
    stringField(3, '1.13.1'),
    message(7, stringField(2, 'main_graph'), ...graphFields),
    message(8, stringField(1, ''), varintField(2, 17)),
    message(8, stringField(1, 'com.microsoft'), varintField(2, 1)),
    message(14, stringField(1, 'author'), stringField(2, 'moe-scope tests')),
  );
}

describe('model summary', () => {
  const bytes = model(
    node('MatMul'),
    node('Softmax'),
    node('Softmax'),
    node('MoE', 'com.microsoft'),
    initializer('phi', [64, 8, 2], 4096),
    valueInfo(11, 'pixels', FLOAT, ['batch', 1, 28, 28]),
    valueInfo(11, 'phi', FLOAT, [64, 8, 2]),
    valueInfo(11, 'ids', INT64, [2, 24]),
    valueInfo(12, 'logits', FLOAT, ['batch', 10]),
  );

  it('reads header, opsets, metadata, inputs, outputs and node counts', () => {
    const s = summariseModelBytes(bytes, '/models/m.onnx');
    assert.equal(s.irVersion, 8);
    assert.deepEqual(s.producer, { name: 'pytorch', version: '1.13.1' });
    assert.equal(s.opset, 17);
    assert.deepEqual(s.opsetImports, [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    assert.deepEqual(s.metadata, { author: 'moe-scope tests' });
    assert.equal(s.graphName, 'main_graph');
    assert.equal(s.nodeCount, 4);
    assert.deepEqual(s.opTypes, { MatMul: 1, Softmax: 2, 'com.microsoft.MoE': 1 });
    assert.equal(s.initializerCount, 1);
    assert.equal(s.sizeBytes, bytes.length);
  });

  it('leaves initializers listed as graph inputs (IR < 4 style) out of the inputs', () => {
    const s = summariseModelBytes(bytes, 'm.onnx');
    assert.deepEqual(s.inputs, [
      { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] },
      { name: 'ids', dtype: 'int64', shape: [2, 24] },
    ]);
    assert.deepEqual(s.outputs, [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }]);
  });

  it('calls a cut-off file truncated, naming the file', () => {
    const cut = bytes.subarray(0, bytes.length - 30);
    assert.throws(
      () => summariseModelBytes(cut, '/models/cut.onnx'),
      (e: unknown) =>
        e instanceof MoeScopeError &&
        e.code === 'CORRUPT_ONNX' &&
        /cut\.onnx/.test(e.message) &&
        /truncated/.test(e.message),
    );
  });

  it('calls well-formed protobuf without a graph "not an ONNX model"', () => {
    const notOnnx = concat(varintField(1, 3), stringField(2, 'hello'));
    assert.throws(
      () => summariseModelBytes(notOnnx, 'notes.onnx'),
      (e: unknown) =>
        e instanceof MoeScopeError &&
        e.code === 'NOT_ONNX' &&
        /notes\.onnx is not an ONNX model: no graph/.test(e.message),
    );
  });

  it('never crashes on random bytes: every seed gives a MoeScopeError', () => {
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let seed = 0; seed < 200; seed++) {
      const random = Uint8Array.from({ length: 64 + seed * 7 }, () => Math.floor(next() * 256));
      assert.throws(
        () => summariseModelBytes(random, `random-${seed}.onnx`),
        (e: unknown) =>
          e instanceof MoeScopeError &&
          (e.code === 'NOT_ONNX' || e.code === 'CORRUPT_ONNX') &&
          e.message.includes(`random-${seed}.onnx`),
      );
    }
  });
});
