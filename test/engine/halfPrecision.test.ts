/**
 * Half-precision checkpoints: float16 copies of the trained fixtures (test/fixtures/half), fed
 * the float32 reference inputs, against the float32 PyTorch references. Routing, predictions
 * and the specialization study must agree within what float16 rounding explains; reading a
 * float16 tensor by its bits, or a mask left in float32, fails by orders of magnitude.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Matrix, Report, SampleLayer } from '../../src/core/report/types';
import { analyzeModel } from '../../src/engine/analyze';
import { compareModels } from '../../src/engine/compare';
import { Fixture, loadFixtures, MODELS_DIR, REPO_ROOT } from '../support/fixtures';
import { asNumbers, maxAbsDiff, referenceTensor, stackSamples as stack } from '../support/reference';

const HALF_DIR = join(REPO_ROOT, 'test', 'fixtures', 'half');
const NAMES = ['softmoe_vit', 'softmoe_vit_plain', 'topk_vit', 'smear_vit', 'expert_choice_vit'];

/**
 * Routing weights in [0, 1] rounded to float16 carry 2^-11 relative error per step through the
 * network. Measured worst differences from PyTorch's float32: 5e-5 to 1e-3 for most layers, 9.6e-3
 * for expert choice's second layer (ONNX Runtime; the NumPy check in the fixtures' JSON agrees).
 */
const ROUTING_TOLERANCE = 1.5e-2;

/** The report's routing matrices per layer kind, under their reference names. */
const ROUTED: Record<string, [string, (s: SampleLayer) => Matrix | undefined][]> = {
  soft_moe: [
    ['dispatch', (s) => s.dispatch],
    ['combine', (s) => s.combine],
  ],
  topk: [['probs', (s) => s.probs]],
  expert_choice: [['probs', (s) => s.probs]],
  smear: [['probs', (s) => s.probs]],
};

interface ExpertDrop {
  keep: number;
  rankedAgreement: number;
  rankedKL: number;
}

function halfPath(name: string): string {
  return join(HALF_DIR, `${name}_fp16.onnx`);
}

/** How many of two equally long label lists differ. */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

function analyzeHalf(
  fixture: Fixture,
  specialization?: Parameters<typeof analyzeModel>[0]['specialization'],
) {
  return analyzeModel({
    modelPath: halfPath(fixture.name),
    // float32 data for a float16 model: rounded on the way in, as x.half() does.
    inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
    labelsPath: join(MODELS_DIR, fixture.reference.files.labels!),
    samples: specialization ? 0 : 64,
    ...(specialization ? { specialization } : {}),
  });
}

/** The layer's routing tensors in the report against PyTorch's float32 ones. */
function checkRouting(fixture: Fixture, report: Report, id: string, kind: string): void {
  const samples = report.perSample!.map((s) => s.layers[id]!);
  const close = (key: string, actual: Float64Array) => {
    const diff = maxAbsDiff(actual, asNumbers(referenceTensor(fixture, `${id}.${key}`).data));
    assert.ok(diff <= ROUTING_TOLERANCE, `${fixture.name} ${id} ${key}: max |Δ| = ${diff}`);
    // Not merely small: float16 rounding leaves a trace (exactly equal would mean float32 ran).
    assert.ok(diff > 0, `${fixture.name} ${id} ${key} equals float32 exactly`);
  };
  for (const [key, pick] of ROUTED[kind]!) close(key, stack(samples, pick));
  if (kind === 'topk') {
    // Near ties may pick another expert in float16; most picks must be PyTorch's.
    const ours = stack(samples, (s) => s.topk);
    const theirs = asNumbers(referenceTensor(fixture, `${id}.topk_indices`).data);
    assert.ok(mismatches(ours, theirs) <= 0.02 * ours.length, `${fixture.name} ${id} top-k picks`);
  }
  if (kind === 'expert_choice') {
    const ours = stack(samples, (s) => s.selected);
    const theirs = asNumbers(referenceTensor(fixture, `${id}.selected_tokens`).data);
    assert.ok(mismatches(ours, theirs) <= 0.02 * ours.length, `${fixture.name} ${id} chosen tokens`);
  }
}

describe('half-precision (float16) checkpoints against float32 PyTorch references', function () {
  this.timeout(180_000);
  const fixtures = loadFixtures();

  for (const name of NAMES) {
    it(`${name}: every layer found from float32 inputs, routing within float16 rounding, predictions PyTorch's`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const report = await analyzeHalf(fixture);
      assert.deepEqual(
        report.layers.map((l) => [l.id, l.kind, l.experts]),
        fixture.reference.layers.map((l) => [l.id, l.kind, l.experts]),
      );
      assert.ok(
        report.warnings.some((w) => w.includes('in float16') && w.includes(fixture.reference.layers[0]!.id)),
        `the report says the routing is float16: ${report.warnings.join(' | ')}`,
      );
      const predictions = asNumbers(referenceTensor(fixture, 'predictions').data);
      const ours = Array.from(report.perSample!, (s) => s.prediction!);
      assert.ok(
        mismatches(ours, predictions) <= 1,
        `${name}: predictions ${ours} vs ${Array.from(predictions)}`,
      );
      for (const layer of report.layers) checkRouting(fixture, report, layer.id, layer.kind);
      // The input image shown beside the routing: from float16 pixels, the float32 model's picture
      // (min–max scaled to 8 bits, so rounding moves a pixel by one level at most).
      const single = await analyzeModel({
        modelPath: fixture.modelPath,
        inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
        limit: 1,
        samples: 1,
      });
      const [half, full] = [report.perSample![0]!.image!, single.perSample![0]!.image!];
      assert.deepEqual([half.width, half.height, half.channels], [full.width, full.height, full.channels]);
      assert.ok(maxAbsDiff(half.data, full.data) <= 1, 'the same picture');
      assert.ok(Math.max(...full.data) - Math.min(...full.data) > 200, 'a picture, not a blank');
    });
  }

  for (const name of NAMES) {
    it(`${name}: the all-layers ranked expert-drop curve within float16 rounding of PyTorch's`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const drops = (fixture.reference as unknown as { expertDrop: ExpertDrop[] }).expertDrop;
      const report = await analyzeHalf(fixture, { scope: 'all', seeds: 2, knockout: false, inputs: 64 });
      const curve = report.specialization!.curves.find((c) => c.layer === 'all')!;
      assert.ok(drops.length >= 3);
      // The float16 cut tensors passed the split's check: rows share the unmasked prefix.
      assert.equal(
        report.specialization!.evaluation,
        'shared-prefix',
        report.specialization!.notes.join('; '),
      );
      for (const drop of drops) {
        const agreement = curve.ranked.agreement[drop.keep - 1]!;
        const kl = curve.ranked.kl[drop.keep - 1]!;
        // At most two of 64 inputs may flip on a float16 near tie; KL within a few percent.
        assert.ok(
          Math.abs(agreement - drop.rankedAgreement) <= 2 / 64 + 1e-9,
          `keep ${drop.keep}: ${agreement}`,
        );
        assert.ok(
          Math.abs(kl - drop.rankedKL) <= 0.05 * drop.rankedKL + 1e-3,
          `keep ${drop.keep}: KL ${kl} vs PyTorch ${drop.rankedKL}`,
        );
      }
      assert.equal(curve.ranked.agreement[curve.experts - 1], 1, 'keeping every expert is the full model');
    });
  }

  for (const order of ['float32 → float16', 'float16 → float32']) {
    it(`compares a checkpoint with its float16 export (${order}): experts align one to one, routing nearly the same`, async () => {
      const fixture = fixtures.find((f) => f.name === 'softmoe_vit')!;
      const [a, b] = order.startsWith('float32')
        ? [fixture.modelPath, halfPath('softmoe_vit')]
        : [halfPath('softmoe_vit'), fixture.modelPath];
      const { comparison } = await compareModels({
        modelA: a,
        modelB: b,
        inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
        samples: 0,
      });
      assert.equal(comparison.samples, 64);
      assert.ok(
        comparison.predictionAgreement! >= 63 / 64,
        `predictions agree on ${comparison.predictionAgreement}`,
      );
      for (const layer of comparison.layers) {
        assert.deepEqual(layer.matching, [0, 1, 2, 3, 4, 5, 6, 7]);
        // Rounding may move a near tie, never much more; and float16 does leave a trace.
        assert.ok(layer.top1Agreement >= 0.98 && layer.top1Agreement <= 1, `top-1 ${layer.top1Agreement}`);
        assert.ok(layer.jsDivergence > 0 && layer.jsDivergence < 1e-4, `JSD ${layer.jsDivergence}`);
      }
    });
  }

  // No PyTorch reference covers these two variants; the float32 model's study (checked against
  // closed forms in masks.test.ts and specialization.test.ts) is the reference.
  for (const variant of [
    { name: 'softmoe_vit_plain', label: 'renormalising drops (−1e4 logits in float16)', renormalize: true },
    { name: 'softmoe_vit', label: 'shared subsets (scores read as float32)', subsets: 'shared' as const },
  ]) {
    it(`${variant.name}: ${variant.label} follow the float32 model's curve`, async () => {
      const fixture = fixtures.find((f) => f.name === variant.name)!;
      const study = {
        scope: 'all' as const,
        seeds: 2,
        knockout: false,
        inputs: 64,
        ...(variant.renormalize ? { renormalize: true } : {}),
        ...(variant.subsets ? { subsets: variant.subsets } : {}),
      };
      const half = (await analyzeHalf(fixture, study)).specialization!.curves[0]!;
      const full = (
        await analyzeModel({
          modelPath: fixture.modelPath,
          inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
          samples: 0,
          specialization: study,
        })
      ).specialization!.curves[0]!;
      assert.equal(half.layer, full.layer);
      for (let k = 1; k < full.experts; k++) {
        const [a, b] = [half.ranked.kl[k - 1]!, full.ranked.kl[k - 1]!];
        assert.ok(Number.isFinite(a) && Math.abs(a - b) <= 0.05 * b + 1e-3, `k = ${k}: KL ${a} vs ${b}`);
        const flips = Math.abs(half.ranked.agreement[k - 1]! - full.ranked.agreement[k - 1]!);
        assert.ok(flips <= 2 / 64 + 1e-9, `k = ${k}: agreement differs by ${flips}`);
      }
      // Dropping experts must matter at all (a mask that never applied would leave KL at 0).
      assert.ok(half.ranked.kl[0]! > 0.01, `k = 1 changes the model: KL ${half.ranked.kl[0]}`);
    });
  }
});
