import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineClient } from '../../src/host/engineClient';
import { cancellation, startEngine } from '../support/engine';
import { MODELS_DIR, REPO_ROOT } from '../support/fixtures';

const DEMO_INPUTS = join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz');
const PERMUTED = join(REPO_ROOT, 'test', 'fixtures', 'compare', 'softmoe_vit_permuted.onnx');

describe('moeScope/compare in the engine process', function () {
  this.timeout(120_000);
  let client: EngineClient;
  beforeEach(() => {
    client = startEngine();
  });
  afterEach(() => client.dispose());

  it('streams progress per pair of batches and returns both reports (matrices as Float32Array) and the comparison', async () => {
    const progress: number[] = [];
    const outcome = await client.request(
      'moeScope/compare',
      {
        modelA: join(MODELS_DIR, 'softmoe_vit.onnx'),
        modelB: PERMUTED,
        inputsPath: DEMO_INPUTS,
        batchSize: 64,
        limit: 192,
        samples: 1,
      },
      { onProgress: (p) => progress.push(p.done) },
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const { a, b, comparison } = outcome.value;
    assert.deepEqual(progress, [64, 128, 192]);
    assert.equal(comparison.samples, 192);
    assert.equal(comparison.predictionAgreement, 1);
    assert.ok(a.perSample![0]!.layers['blocks.2.mlp']!.combine!.data instanceof Float32Array);
    assert.ok(b.perSample![0]!.layers['blocks.2.mlp']!.combine!.data instanceof Float32Array);
    for (const layer of comparison.layers) assert.equal(layer.top1Agreement, 1);
  });

  it('compares text one sample per line, or the whole text (a selection) as one sample', async () => {
    const text = join(mkdtempSync(join(tmpdir(), 'moe-scope-compare-text-')), 'notes.txt');
    writeFileSync(text, 'the model routes tokens\nto a few experts\nper layer\n');
    const model = join(MODELS_DIR, 'text_topk.onnx');
    const compare = (textSplit?: 'lines' | 'whole') =>
      client.request('moeScope/compare', {
        modelA: model,
        modelB: model,
        inputsPath: text,
        tokenizerPath: join(MODELS_DIR, 'text_topk.tokenizer.json'),
        ...(textSplit ? { textSplit } : {}),
      });
    const [byDefault, lines, whole] = [await compare(), await compare('lines'), await compare('whole')];
    for (const outcome of [byDefault, lines, whole]) assert.ok(outcome.ok, JSON.stringify(outcome));
    if (!byDefault.ok || !lines.ok || !whole.ok) return;
    assert.equal(byDefault.value.comparison.samples, 3);
    assert.equal(lines.value.comparison.samples, 3);
    assert.equal(whole.value.comparison.samples, 1);
    assert.equal(whole.value.comparison.predictionAgreement, 1);
    const bad = await client.request('moeScope/compare', {
      modelA: model,
      modelB: model,
      textSplit: 'paragraphs' as never,
    });
    assert.ok(!bad.ok);
    assert.equal(
      bad.error.message,
      'Invalid parameters for moeScope/compare: textSplit must be lines or whole.',
    );
  });

  it('rejects bad parameters with a clear message, cancels in flight and keeps serving', async () => {
    const missing = await client.request('moeScope/compare', {
      modelA: join(MODELS_DIR, 'softmoe_vit.onnx'),
    } as never);
    assert.ok(!missing.ok);
    assert.equal(missing.error.code, 'BAD_REQUEST');
    assert.equal(
      missing.error.message,
      'Invalid parameters for moeScope/compare: modelB must be a non-empty string.',
    );
    const token = cancellation();
    const outcome = await client.request(
      'moeScope/compare',
      { modelA: PERMUTED, modelB: PERMUTED, inputsPath: DEMO_INPUTS, batchSize: 8 },
      { token, onProgress: () => token.cancel() },
    );
    assert.equal(outcome.ok ? 'finished' : outcome.error.code, 'CANCELLED');
    assert.ok((await client.request('moeScope/ping', {})).ok);
  });
});
