import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MoeScopeError } from '../../src/core/errors';
import type { SampleLayer } from '../../src/core/report/types';
import { analyzeModel } from '../../src/engine/analyze';
import { Fixture, loadFixtures, MODELS_DIR } from '../support/fixtures';
import { asNumbers, maxAbsDiff, referenceTensor, stackSamples as stack } from '../support/reference';

const TOLERANCE = 1e-5;

describe('analysis against PyTorch references', function () {
  this.timeout(120_000);
  const fixtures = loadFixtures().filter((f) => f.reference.layers.length > 0);

  for (const fixture of fixtures) {
    it(`${fixture.name}: every layer found with the right shape, routing tensors within 1e-5, predictions exact`, async () => {
      const ref = fixture.reference;
      const report = await analyzeModel({
        modelPath: fixture.modelPath,
        inputsPath: join(MODELS_DIR, ref.files.inputs!),
        labelsPath: join(MODELS_DIR, ref.files.labels!),
        batchSize: 10, // Uneven batches (10 … 4) exercise the streaming path.
        samples: 64,
      });
      assert.equal(report.schema, 'moe-scope/report@1');
      assert.equal(report.samples, 64);
      assert.equal(report.provider, 'cpu');
      assert.deepEqual(
        report.layers.map((l) => [l.id, l.kind, l.experts, l.slotsPerExpert, l.k, l.tokens]),
        ref.layers.map((l) => {
          const r = l as unknown as {
            id: string;
            kind: string;
            experts: number;
            slotsPerExpert?: number;
            k?: number;
            tokens: number;
          };
          // SMEAR routes once per example, so its routing has one position whatever the sequence length.
          return [r.id, r.kind, r.experts, r.slotsPerExpert, r.k, r.kind === 'smear' ? 1 : r.tokens];
        }),
      );
      const predictions = asNumbers(referenceTensor(fixture, 'predictions').data);
      assert.deepEqual(
        Array.from(report.perSample!, (s) => s.prediction),
        Array.from(predictions),
      );
      const labels = asNumbers(referenceTensor(fixture, 'labels').data);
      const expectedAccuracy = predictions.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / 64;
      assert.equal(report.accuracy, expectedAccuracy);
      for (const layer of report.layers)
        checkLayer(
          fixture,
          layer.id,
          layer.kind,
          report.perSample!.map((s) => s.layers[layer.id]!),
        );
    });
  }

  function checkLayer(fixture: Fixture, id: string, kind: string, samples: SampleLayer[]) {
    const close = (key: string, actual: Float64Array) => {
      const expected = asNumbers(referenceTensor(fixture, `${id}.${key}`).data);
      const diff = maxAbsDiff(actual, expected);
      assert.ok(diff <= TOLERANCE, `${fixture.name} ${id} ${key}: max |Δ| = ${diff}`);
    };
    const exact = (key: string, actual: Float64Array) => {
      assert.deepEqual(
        Array.from(actual),
        Array.from(asNumbers(referenceTensor(fixture, `${id}.${key}`).data)),
        `${fixture.name} ${id} ${key}`,
      );
    };
    /**
     * Top-k indices equal PyTorch's, except where probabilities tie (blank image patches route
     * uniformly): ONNX's TopK breaks ties by the lower index, PyTorch's order is unspecified. There
     * the chosen experts must carry the same probabilities.
     */
    const sameChoice = (probs: Float64Array, ours: Float64Array, theirs: Float64Array) => {
      const experts = probs.length / (ours.length / samples[0]!.topk!.cols);
      const k = samples[0]!.topk!.cols;
      let exactRows = 0;
      for (let row = 0; row < ours.length / k; row++) {
        const pick = (list: Float64Array, j: number) => probs[row * experts + list[row * k + j]!]!;
        let identical = true;
        for (let j = 0; j < k; j++) {
          identical &&= ours[row * k + j] === theirs[row * k + j];
          assert.ok(
            Math.abs(pick(ours, j) - pick(theirs, j)) < 1e-6,
            `${fixture.name} ${id} token ${row} choice ${j}`,
          );
        }
        exactRows += identical ? 1 : 0;
      }
      assert.ok(
        exactRows > 0.5 * (ours.length / k),
        `${fixture.name} ${id}: most tokens pick exactly PyTorch's experts`,
      );
    };
    switch (kind) {
      case 'soft_moe':
        close(
          'dispatch',
          stack(samples, (s) => s.dispatch),
        );
        close(
          'combine',
          stack(samples, (s) => s.combine),
        );
        close('expert_scores', Float64Array.from(samples.flatMap((s) => Array.from(s.expertScores!))));
        break;
      case 'topk': {
        const probs = stack(samples, (s) => s.probs);
        close('probs', probs);
        const theirs = asNumbers(referenceTensor(fixture, `${id}.topk_indices`).data);
        sameChoice(
          probs,
          stack(samples, (s) => s.topk),
          theirs,
        );
        break;
      }
      case 'expert_choice':
        close(
          'probs',
          stack(samples, (s) => s.probs),
        );
        exact(
          'selected_tokens',
          stack(samples, (s) => s.selected),
        );
        break;
      case 'smear':
        close(
          'probs',
          stack(samples, (s) => s.probs),
        );
        break;
    }
  }

  it('reports "no MoE layer" with what was searched for the dense model', async () => {
    const dense = loadFixtures().find((f) => f.name === 'dense_vit')!;
    await assert.rejects(
      analyzeModel({
        modelPath: dense.modelPath,
        inputsPath: join(MODELS_DIR, dense.reference.files.inputs!),
      }),
      (e: unknown) =>
        e instanceof MoeScopeError &&
        e.code === 'NO_MOE_LAYER' &&
        /No MoE layer found in dense_vit\.onnx: searched \d+ nodes: \d+ Softmax, \d+ Sigmoid, 0 TopK and 0 ArgMax nodes/.test(
          e.message,
        ),
    );
  });
});
