import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoeScopeError } from '../../src/core/errors';
import { analyzeModel } from '../../src/engine/analyze';
import { handlers } from '../../src/engine/handlers';
import { loadFixtures, MODELS_DIR } from '../support/fixtures';
import { maxAbsDiff, referenceTensor } from '../support/reference';

describe('layer overrides in <model>.moe.json', function () {
  this.timeout(60_000);
  const fixture = loadFixtures().find((f) => f.name === 'topk_vit')!;
  const inputsPath = join(MODELS_DIR, fixture.reference.files.inputs!);

  function modelWithSidecar(sidecar: unknown): string {
    const folder = mkdtempSync(join(tmpdir(), 'moe-scope-overrides-'));
    const model = join(folder, 'model.onnx');
    copyFileSync(fixture.modelPath, model);
    writeFileSync(join(folder, 'model.moe.json'), JSON.stringify(sidecar));
    return model;
  }

  it('renames a layer described by hand and drops an ignored one', async () => {
    const model = modelWithSidecar({
      layers: [
        {
          id: 'router.second',
          kind: 'topk',
          probs: '/blocks.3/mlp/Softmax_output_0',
          topkIndices: '/blocks.3/mlp/TopK_output_1',
          topkWeights: '/blocks.3/mlp/Div_output_0',
        },
      ],
      ignore: ['blocks.2.mlp'],
    });
    const report = await analyzeModel({ modelPath: model, inputsPath, limit: 16 });
    assert.deepEqual(
      report.layers.map((l) => [
        l.id,
        l.kind,
        l.experts,
        l.k,
        l.evidence.startsWith('described in model.moe.json'),
      ]),
      [['router.second', 'topk', 8, 2, true]],
    );
  });

  it('describes a sigmoid router by its affinities, read as a distribution over the experts', async () => {
    const sigmoid = loadFixtures().find((f) => f.name === 'sigmoid_topk_vit')!;
    const folder = mkdtempSync(join(tmpdir(), 'moe-scope-overrides-'));
    const model = join(folder, 'model.onnx');
    copyFileSync(sigmoid.modelPath, model);
    const named = (sigmoid.reference.layers[1] as unknown as { onnxTensors: Record<string, string> })
      .onnxTensors;
    writeFileSync(
      join(folder, 'model.moe.json'),
      JSON.stringify({
        layers: [
          {
            id: 'router.second',
            kind: 'topk',
            scores: named.scores,
            topkIndices: named.topk_indices,
            topkWeights: named.topk_weights,
          },
        ],
        ignore: ['blocks.2.mlp'],
      }),
    );
    const report = await analyzeModel({
      modelPath: model,
      inputsPath: join(MODELS_DIR, sigmoid.reference.files.inputs!),
      samples: 64,
    });
    assert.deepEqual(
      report.layers.map((l) => [l.id, l.kind, l.experts, l.k]),
      [['router.second', 'topk', 8, 2]],
    );
    const probs = report.perSample!.flatMap((s) => Array.from(s.layers['router.second']!.probs!.data));
    const expected = referenceTensor(sigmoid, 'blocks.3.mlp.probs').data as Float32Array;
    assert.ok(maxAbsDiff(probs, expected) < 1e-5, 'the affinities normalised as PyTorch did');
  });

  it('names the sidecar and the unknown tensor when a description is wrong', async () => {
    const model = modelWithSidecar({ layers: [{ id: 'x', kind: 'smear', probs: 'no/such/tensor' }] });
    await assert.rejects(
      analyzeModel({ modelPath: model, inputsPath, limit: 4 }),
      (e: unknown) =>
        e instanceof MoeScopeError &&
        /model\.moe\.json: layer x names tensor "no\/such\/tensor"/.test(e.message),
    );
    const incomplete = modelWithSidecar({ layers: [{ kind: 'soft_moe', dispatch: 'a' }] });
    await assert.rejects(
      analyzeModel({ modelPath: incomplete, inputsPath, limit: 4 }),
      (e: unknown) => e instanceof MoeScopeError && /layers\[0\] \(soft_moe\) needs combine/.test(e.message),
    );
  });

  it('takes the same description from the editor setting through the engine protocol, replacing the sidecar', async () => {
    // The sidecar names a tensor that does not exist; the setting (params.overrides) wins over it.
    const model = modelWithSidecar({ layers: [{ id: 'x', kind: 'smear', probs: 'no/such/tensor' }] });
    const signal = new AbortController().signal;
    const context = { signal, progress: () => {} };
    const report = await handlers['moeScope/analyze'](
      {
        modelPath: model,
        inputsPath,
        limit: 8,
        samples: 0,
        overrides: { layers: [], ignore: ['blocks.2.mlp'] },
      },
      context,
    );
    assert.deepEqual(
      report.layers.map((l) => l.id),
      ['blocks.3.mlp'],
    );
    assert.equal(report.perSample?.length ?? 0, 0, 'samples: 0 keeps no per-sample detail');
    await assert.rejects(
      handlers['moeScope/analyze']({ modelPath: model, inputsPath, overrides: { layers: 'all' } }, context),
      (e: unknown) =>
        e instanceof MoeScopeError &&
        /the moeScope\.layerOverrides setting: "layers" must be a list/.test(e.message),
    );
  });
});
