import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectLayers } from '../../src/core/detect';
import { MoeScopeError } from '../../src/core/errors';
import { indexGraph } from '../../src/core/onnx/graph';
import { inspectModel, readModelStructure } from '../../src/core/onnx/inspect';
import { readModelSparse } from '../../src/core/onnx/sparseRead';
import { readModelSummary } from '../../src/core/onnx/summary';
import { loadFixtures } from '../support/fixtures';
import { concat, initializer, message, node, valueInfo, varintField } from '../support/protoWriter';

describe('reading a model without its weights', () => {
  for (const { name, modelPath } of loadFixtures()) {
    it(`${name}: summary and detected layers equal those from the whole file`, async () => {
      const whole = readFileSync(modelPath);
      const { bytes } = await readModelSparse(modelPath, whole.byteLength);
      assert.deepEqual(readModelSummary(bytes, modelPath), readModelSummary(whole, modelPath));
      const sparse = detectLayers(indexGraph(bytes, modelPath), bytes).candidates;
      const full = detectLayers(indexGraph(whole, modelPath), whole).candidates;
      assert.deepEqual(sparse, full);
    });
  }

  it('leaves a large weight payload unread and reads everything else', async () => {
    const weight = 3 * 2 ** 20;
    const model = concat(
      varintField(1, 8),
      message(
        7,
        node('MatMul'),
        initializer('big', [weight / 4], weight),
        initializer('small', [4], 16),
        valueInfo(11, 'x', 1, [1, 4]),
      ),
      message(8, varintField(2, 17)),
    );
    const path = join(mkdtempSync(join(tmpdir(), 'moe-scope-sparse-')), 'big.onnx');
    writeFileSync(path, model);
    const { bytes, skippedBytes } = await readModelSparse(path, model.byteLength);
    assert.equal(skippedBytes, weight);
    const graph = indexGraph(bytes, path);
    assert.deepEqual(graph.initializers.get('big')!.dims, [weight / 4]);
    assert.deepEqual([...graph.initializers.keys()], ['big', 'small']);
    assert.deepEqual(graph.summary.inputs, [{ name: 'x', dtype: 'float32', shape: [1, 4] }]);
  });

  it('reports a truncated file as truncated, naming it', async () => {
    const source = loadFixtures()[0]!.modelPath;
    const path = join(mkdtempSync(join(tmpdir(), 'moe-scope-sparse-')), 'cut.onnx');
    writeFileSync(path, readFileSync(source).subarray(0, statSync(source).size - 1000));
    await assert.rejects(
      readModelStructure(path),
      (e: unknown) =>
        e instanceof MoeScopeError && e.code === 'CORRUPT_ONNX' && /cut\.onnx .*truncated/.test(e.message),
    );
    await assert.rejects(
      inspectModel(path),
      (e: unknown) => e instanceof MoeScopeError && e.code === 'CORRUPT_ONNX',
    );
  });
});
