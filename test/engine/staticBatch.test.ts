import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageField, stringField, varintField } from '../../src/core/onnx/encode';
import { indexGraph } from '../../src/core/onnx/graph';
import { rewriteGraph } from '../../src/core/onnx/splice';
import { readValueInfo } from '../../src/core/onnx/summary';
import { analyzeModel } from '../../src/engine/analyze';
import { loadFixtures, MODELS_DIR } from '../support/fixtures';

/** A copy of a model whose float32 input `name` declares fixed dims (as an export without dynamic_axes does). */
function withStaticInput(source: string, name: string, dims: number[]): string {
  const bytes = readFileSync(source);
  const graph = indexGraph(bytes, source);
  const rewritten = rewriteGraph(bytes, graph, (field) => {
    if (field.number !== 11) return undefined;
    if (readValueInfo(bytes, field.start, field.end).name !== name) return undefined;
    const shape = messageField(
      2,
      dims.map((d) => messageField(1, [varintField(1, d)])),
    );
    const tensorType = messageField(1, [varintField(1, 1), shape]);
    return messageField(11, [stringField(1, name), messageField(2, [tensorType])]);
  });
  const path = join(mkdtempSync(join(tmpdir(), 'moe-scope-static-')), 'static.onnx');
  writeFileSync(path, rewritten);
  return path;
}

describe('models exported with a fixed batch size', function () {
  this.timeout(60_000);

  it('run in batches of that size, padding the last one, with the same results as the dynamic export', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'softmoe_vit_plain')!;
    const inputsPath = join(MODELS_DIR, fixture.reference.files.inputs!);
    const staticModel = withStaticInput(fixture.modelPath, 'pixels', [4, 1, 28, 28]);
    assert.deepEqual(
      indexGraph(readFileSync(staticModel), staticModel).summary.inputs[0]!.shape,
      [4, 1, 28, 28],
    );
    const progress: number[] = [];
    const fixed = await analyzeModel(
      { modelPath: staticModel, inputsPath, limit: 10, samples: 10, batchSize: 32 },
      { progress: (p) => progress.push(p.done) },
    );
    const dynamic = await analyzeModel({ modelPath: fixture.modelPath, inputsPath, limit: 10, samples: 10 });
    assert.deepEqual(progress, [4, 8, 10], 'batches of the fixed size, the last one partial');
    assert.equal(fixed.samples, 10);
    assert.deepEqual(
      fixed.perSample!.map((s) => s.prediction),
      dynamic.perSample!.map((s) => s.prediction),
    );
    for (const [i, layer] of fixed.layers.entries()) {
      const other = dynamic.layers[i]!.summary;
      layer.summary.expertLoad.forEach((share, e) =>
        assert.ok(Math.abs(share - other.expertLoad[e]!) < 1e-6, `${layer.id} expert ${e}`),
      );
    }
  });
});
