/**
 * Parity with numpy on the routing tensors of the real fixture models: every summary field of
 * every MoE layer, streamed in uneven batches with the labels, against the values that
 * test/fixtures/metrics/reference_metrics.py computes from the whole tensors at once.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createAccumulator,
  expertScores,
  type LayerBatch,
  type LayerKind,
  type LayerSummary,
} from '../../../src/core/analysis';
import { parseNpy } from '../../../src/core/data/npy';
import { sliceRows, type Tensor } from '../../../src/core/tensor';
import { MODELS_DIR, REPO_ROOT } from '../../support/fixtures';
import { assertMatches, sliceBatch, type Deviation } from './support';

interface ExpectedLayer {
  id: string;
  kind: LayerKind;
  experts: number;
  slotsPerExpert?: number;
  k?: number;
  capacity?: number;
  tokens: number;
  tensors: Record<string, string>;
  summary: LayerSummary;
  expertScores?: number[][];
  torchExpertScores?: string;
}

interface ExpectedFixture {
  batches: number[];
  labels: string;
  sha256: Record<string, string>;
  layers: ExpectedLayer[];
}

const ROOT = REPO_ROOT;
const MODELS = MODELS_DIR;
const EXPECTED = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'metrics', 'expected.json'), 'utf8'),
) as {
  fixtures: Record<string, ExpectedFixture>;
};
const REGENERATE = 'Regenerate with: /usr/bin/python3 test/fixtures/metrics/reference_metrics.py';

function load(path: string): Tensor {
  return parseNpy(readFileSync(join(MODELS, path)), path);
}

function float32(path: string): Tensor<'float32'> {
  const t = load(path);
  assert.equal(t.dtype, 'float32', `${path} holds ${t.dtype}`);
  return t as Tensor<'float32'>;
}

function indices(path: string): Tensor<'int64' | 'int32'> {
  const t = load(path);
  assert.ok(t.dtype === 'int64' || t.dtype === 'int32', `${path} holds ${t.dtype}`);
  return t as Tensor<'int64' | 'int32'>;
}

function batchOf(layer: ExpectedLayer): LayerBatch {
  const f = layer.tensors;
  switch (layer.kind) {
    case 'soft_moe':
      return {
        kind: 'soft_moe',
        combine: float32(f.combine!),
        dispatch: float32(f.dispatch!),
        experts: layer.experts,
        slotsPerExpert: layer.slotsPerExpert!,
      };
    case 'topk':
      return {
        kind: 'topk',
        probs: float32(f.probs!),
        indices: indices(f.topk_indices!),
        weights: float32(f.topk_weights!),
      };
    case 'expert_choice':
      return {
        kind: 'expert_choice',
        probs: float32(f.probs!),
        selected: indices(f.selected_tokens!),
        gates: float32(f.gates!),
      };
    case 'smear':
      return { kind: 'smear', probs: float32(f.probs!) };
  }
}

function labelsOf(path: string): Int32Array {
  const t = load(path);
  return Int32Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

describe('routing metrics match numpy on the fixture models', () => {
  const worst: Deviation = { absolute: 0, relative: 0, where: '' };

  after(() => {
    console.log(
      `      largest deviation from numpy: ${worst.absolute.toExponential(2)} absolute (${worst.where}), ` +
        `${worst.relative.toExponential(2)} relative`,
    );
  });

  it('expected.json covers every fixture with MoE layers, from the current tensors', () => {
    const withLayers = readdirSync(MODELS)
      .filter((file) => file.endsWith('.reference.json'))
      .map(
        (file) => JSON.parse(readFileSync(join(MODELS, file), 'utf8')) as { name: string; layers: unknown[] },
      )
      .filter((ref) => ref.layers.length > 0)
      .map((ref) => ref.name)
      .sort();
    assert.ok(withLayers.length > 0, 'no fixture models with MoE layers');
    assert.deepEqual(Object.keys(EXPECTED.fixtures).sort(), withLayers, REGENERATE);
    for (const fixture of Object.values(EXPECTED.fixtures)) {
      for (const [path, sha] of Object.entries(fixture.sha256)) {
        const actual = createHash('sha256')
          .update(readFileSync(join(MODELS, path)))
          .digest('hex');
        assert.equal(actual, sha, `${path} changed since expected.json was written. ${REGENERATE}`);
      }
    }
  });

  for (const [name, fixture] of Object.entries(EXPECTED.fixtures)) {
    for (const layer of fixture.layers) {
      it(`${name} ${layer.id} (${layer.kind}): every summary field, streamed ${fixture.batches.join('+')}`, () => {
        const batch = batchOf(layer);
        const labels = labelsOf(fixture.labels);
        const acc = createAccumulator(layer.kind, {
          experts: layer.experts,
          slotsPerExpert: layer.slotsPerExpert,
          k: layer.k,
        });
        let start = 0;
        for (const size of fixture.batches) {
          acc.add(sliceBatch(batch, start, start + size), labels.subarray(start, start + size));
          start += size;
        }
        assert.equal(start, labels.length, 'the batches cover every sample');
        // JSON round trip: what goes into the report is what is compared.
        const summary = JSON.parse(JSON.stringify(acc.summary())) as LayerSummary;
        assertMatches(summary, layer.summary, `${name}.${layer.id}`, { abs: 1e-12, rel: 1e-9 }, worst);
        // SMEAR routes once per example: its summary counts 1 token, whatever the model's sequence.
        assert.equal(summary.tokens, layer.kind === 'smear' ? 1 : layer.tokens);
      });

      if (layer.kind !== 'soft_moe') continue;
      it(`${name} ${layer.id}: Algorithm 1 expert scores of every sample`, () => {
        const batch = batchOf(layer);
        if (batch.kind !== 'soft_moe') throw new Error(`${layer.id} is not Soft MoE`);
        const torch = layer.torchExpertScores ? float32(layer.torchExpertScores) : undefined;
        const samples = batch.combine.shape[0]!;
        assert.equal(layer.expertScores?.length, samples);
        for (let b = 0; b < samples; b++) {
          const scores = Array.from(
            expertScores(sliceRows(batch.combine, b, b + 1), layer.experts, layer.slotsPerExpert!),
          );
          assertMatches(
            scores,
            layer.expertScores![b],
            `${name}.${layer.id} sample ${b}`,
            { abs: 1e-12, rel: 1e-9 },
            worst,
          );
          if (torch) {
            // The model's own float32 scores (PyTorch): agreement to float32 rounding.
            const row = Array.from(torch.data.subarray(b * layer.experts, (b + 1) * layer.experts));
            assertMatches(scores, row, `${name}.${layer.id} sample ${b} vs PyTorch`, {
              abs: 1e-5,
              rel: 1e-5,
            });
          }
        }
      });
    }
  }
});
