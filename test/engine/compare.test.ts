import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompareResult, LayerComparison } from '../../src/core/compare/types';
import { MoeScopeError } from '../../src/core/errors';
import { compareModels } from '../../src/engine/compare';
import { Lockstep } from '../../src/engine/compareLockstep';
import { MODELS_DIR, REPO_ROOT } from '../support/fixtures';

const COMPARE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'compare');
const DEMO_INPUTS = join(REPO_ROOT, 'media', 'demo', 'fashion-mnist-test.npz');
const model = (name: string) => join(MODELS_DIR, `${name}.onnx`);
const refFile = (name: string, file: string) => join(MODELS_DIR, `${name}.ref`, file);

/** The fixture's 64 reference inputs and labels, in uneven batches of 10 (10 … 4). */
function onReferenceInputs(a: string, b: string, fixture = 'softmoe_vit') {
  return compareModels({
    modelA: a,
    modelB: b,
    inputsPath: refFile(fixture, 'inputs.npy'),
    labelsPath: refFile(fixture, 'labels.npy'),
    batchSize: 10,
    samples: 2,
  });
}

function permutation(name: string): Record<string, { perm: number[]; aToB: number[] }> {
  return JSON.parse(readFileSync(join(COMPARE_DIR, `${name}_permuted.json`), 'utf8')).layers;
}

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

/** Same routing up to the matching: agreement 1, divergence and every delta ~0. */
function assertSameRouting(layer: LayerComparison, what: string): void {
  assert.equal(layer.top1Agreement, 1, `${what} top-1`);
  assert.equal(layer.topkOverlap, 1, `${what} top-k`);
  close(layer.jsDivergence, 0, 1e-6, `${what} JSD`);
  for (const r of layer.alignment.correlation) close(r!, 1, 1e-6, `${what} matched correlation`);
  close(layer.entropy.delta, 0, 1e-6, `${what} entropy delta`);
  for (const d of layer.load.delta) close(d!, 0, 1e-6, `${what} load delta`);
  for (const row of layer.classLoad!.delta)
    for (const d of row) close(d!, 0, 1e-6, `${what} class load delta`);
  close(layer.balance.delta, 0, 1e-6, `${what} cv delta`);
}

describe('checkpoint comparison', function () {
  this.timeout(120_000);

  it('lockstep: pairs batches in order, and a failing run releases the one waiting with its error', async () => {
    const pairs: string[] = [];
    const step = new Lockstep<string>((a, b) => pairs.push(`${a}|${b}`));
    await Promise.all([step.arrive(0, 'a0'), step.arrive(1, 'b0')]);
    await Promise.all([step.arrive(1, 'b1'), step.arrive(0, 'a1')]);
    assert.deepEqual(pairs, ['a0|b0', 'a1|b1']);
    const waiting = step.arrive(0, 'a2');
    step.fail(new Error('B broke'));
    await assert.rejects(waiting, /B broke/);
    await assert.rejects(step.arrive(1, 'b2'), /B broke/);
    const throwing = new Lockstep<number>(() => {
      throw new Error('cannot compare');
    });
    const results = await Promise.allSettled([throwing.arrive(0, 1), throwing.arrive(1, 1)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
  });

  it('a model against itself: identity alignment, agreement 1, divergence 0, predictions agree', async () => {
    const result = await onReferenceInputs(model('softmoe_vit'), model('softmoe_vit'));
    const c = result.comparison;
    assert.equal(result.schema, 'moe-scope/comparison@1');
    assert.equal(c.samples, 64);
    assert.equal(c.predictionAgreement, 1);
    assert.equal(c.a.accuracy, 0.78125); // referenceAccuracy in softmoe_vit.reference.json
    assert.deepEqual(c.unpaired, { a: [], b: [] });
    assert.deepEqual(
      c.layers.map((l) => [l.a, l.b, l.pairedBy, l.granularity, l.positions, l.k]),
      [
        ['blocks.2.mlp', 'blocks.2.mlp', 'id', 'token', 64 * 16, 2],
        ['blocks.3.mlp', 'blocks.3.mlp', 'id', 'token', 64 * 16, 2],
      ],
    );
    for (const layer of c.layers) {
      assert.deepEqual(layer.matching, [0, 1, 2, 3, 4, 5, 6, 7]);
      assertSameRouting(layer, layer.a);
      assert.deepEqual(layer.unaligned, {
        top1Agreement: layer.top1Agreement,
        topkOverlap: layer.topkOverlap,
        jsDivergence: layer.jsDivergence,
      });
      assert.ok(layer.alignment.zScore! > 3, `z = ${layer.alignment.zScore}`);
    }
  });

  for (const [fixture, kind] of [
    ['softmoe_vit', 'soft_moe'],
    ['topk_vit', 'topk'],
  ] as const) {
    it(`${fixture} against its copy with renumbered experts: the recorded permutation is recovered exactly`, async () => {
      const result = await onReferenceInputs(
        model(fixture),
        join(COMPARE_DIR, `${fixture}_permuted.onnx`),
        fixture,
      );
      const c = result.comparison;
      const recorded = permutation(fixture);
      assert.equal(c.predictionAgreement, 1);
      assert.equal(c.a.accuracy, c.b.accuracy);
      for (const layer of c.layers) {
        assert.equal(layer.kinds.a, kind);
        assert.deepEqual(layer.matching, recorded[layer.a]!.aToB, `${layer.a} matching`);
        assertSameRouting(layer, layer.a);
        // Without alignment the same model looks different: that is what alignment is for.
        assert.ok(
          layer.unaligned.top1Agreement < 0.5,
          `${layer.a} unaligned top-1 ${layer.unaligned.top1Agreement}`,
        );
        assert.ok(
          layer.unaligned.jsDivergence > 1e-3,
          `${layer.a} unaligned JSD ${layer.unaligned.jsDivergence}`,
        );
        assert.ok(layer.alignment.identityCorrelation < 0.5);
      }
    });
  }

  it('two trainings with different seeds: experts align well above chance, routing agrees partly', async () => {
    const result = await compareModels({
      modelA: model('softmoe_vit'),
      modelB: join(COMPARE_DIR, 'softmoe_vit_seed7.onnx'),
      inputsPath: DEMO_INPUTS,
      batchSize: 64,
    });
    const c = result.comparison;
    assert.equal(c.samples, 512);
    // Both reach ~85% on these 512 test images and mostly agree, but not everywhere.
    assert.ok(c.predictionAgreement! > 0.85 && c.predictionAgreement! < 0.99, `${c.predictionAgreement}`);
    for (const layer of c.layers) {
      const { meanCorrelation, random, zScore } = layer.alignment;
      assert.ok(
        zScore! > 2.5 && meanCorrelation > random.mean + 0.25,
        `${layer.a}: r ${meanCorrelation}, z ${zScore}`,
      );
      assert.ok(meanCorrelation < 0.9, 'different trainings do not route identically');
      assert.ok(layer.top1Agreement > layer.unaligned.top1Agreement);
      assert.ok(layer.topkOverlap > layer.unaligned.topkOverlap);
      assert.ok(layer.jsDivergence < layer.unaligned.jsDivergence);
      assert.ok(
        layer.top1Agreement > 1 / 8 && layer.top1Agreement < 0.6,
        `${layer.a} top-1 ${layer.top1Agreement}`,
      );
      assert.ok(
        layer.jsDivergence > 1e-4 && layer.jsDivergence < 0.05,
        `${layer.a} JSD ${layer.jsDivergence}`,
      );
      assert.equal(new Set(layer.matching).size, 8);
    }
  });

  it('8 experts against 16 (renamed modules): paired by order and kind, 8 pairs aligned, the rest flagged', async () => {
    const result = await onReferenceInputs(model('softmoe_vit'), model('softmoe_vit_plain'));
    for (const layer of result.comparison.layers) {
      assert.equal(layer.pairedBy, 'order-and-kind');
      assert.deepEqual(layer.experts, { a: 8, b: 16 });
      assert.equal(layer.matching.length, 8);
      assert.equal(new Set(layer.matching.filter((j) => j !== null)).size, 8);
      assert.equal(layer.alignment.unmatchedB.length, 8);
      assert.deepEqual(layer.alignment.unmatchedA, []);
      const b = result.b.layers.find((l) => l.id === layer.b)!.summary.expertLoad;
      const unmatched = layer.alignment.unmatchedB.reduce((s, j) => s + b[j]!, 0);
      close(layer.load.unmatchedB, unmatched, 1e-12, 'load on unmatched experts');
      assert.match(
        layer.notes.join(' '),
        /A has 8 experts and B 16: 8 pairs aligned, 8 experts of B have no counterpart/,
      );
      assert.ok(layer.jsDivergence > 0 && layer.jsDivergence <= 1);
    }
    const reverse = await onReferenceInputs(model('softmoe_vit_plain'), model('softmoe_vit'));
    for (const layer of reverse.comparison.layers) {
      assert.equal(layer.matching.filter((j) => j === null).length, 8);
      assert.deepEqual(
        layer.load.delta.map((d) => d === null),
        layer.matching.map((j) => j === null),
      );
    }
  });

  it('Soft MoE against its SMEAR sibling: compared per example, with a note saying so', async () => {
    const result = await onReferenceInputs(model('softmoe_vit'), model('smear_vit'));
    for (const layer of result.comparison.layers) {
      assert.equal(layer.pairedBy, 'id');
      assert.equal(layer.granularity, 'example');
      assert.equal(layer.positions, 64);
      assert.deepEqual(layer.kinds, { a: 'soft_moe', b: 'smear' });
      assert.match(layer.notes.join(' '), /SMEAR routes once per example/);
    }
  });

  it('runs the specialization study on both when asked: the same model gives the same curves', async () => {
    const result = await compareModels({
      modelA: model('softmoe_vit'),
      modelB: join(COMPARE_DIR, 'softmoe_vit_permuted.onnx'),
      inputsPath: refFile('softmoe_vit', 'inputs.npy'),
      limit: 4,
      specialization: { scope: 'layer', seeds: 2, inputs: 4 },
    });
    for (const layer of result.comparison.layers) {
      const { a, b } = layer.specialization!;
      assert.equal(a!.layer, layer.a);
      assert.deepEqual(a!.k, [1, 2, 3, 4, 5, 6, 7, 8]);
      // Renumbering does not change which experts matter: the ranked curves coincide.
      assert.deepEqual(b!.ranked.agreement, a!.ranked.agreement);
      a!.ranked.kl.forEach((kl, i) => close(b!.ranked.kl[i]!, kl, 1e-5, `${layer.a} KL at k=${i + 1}`));
    }
  });

  it('a model without MoE layers: NO_MOE_LAYER naming the side it came from', async () => {
    await assert.rejects(
      onReferenceInputs(model('softmoe_vit'), model('dense_vit')),
      (e: MoeScopeError) =>
        e.code === 'NO_MOE_LAYER' && /^Model B: No MoE layer found in dense_vit\.onnx/.test(e.message),
    );
    await assert.rejects(
      onReferenceInputs(model('dense_vit'), model('softmoe_vit')),
      (e: MoeScopeError) => e.code === 'NO_MOE_LAYER' && /^Model A: /.test(e.message),
    );
  });

  it('models that read different inputs: BAD_REQUEST before anything runs', async () => {
    await assert.rejects(
      compareModels({ modelA: model('softmoe_vit'), modelB: model('text_topk') }),
      (e: MoeScopeError) =>
        e.code === 'BAD_REQUEST' &&
        e.message ===
          "softmoe_vit.onnx (A) and text_topk.onnx (B) cannot run on the same inputs: A takes 'pixels' float32 [batch, 1, 28, 28] but B takes 'input_ids' int64 [batch, 24].",
    );
  });

  it('reports progress per pair of batches and stops when cancelled', async () => {
    const progress: number[] = [];
    const done: CompareResult = await compareModels(
      {
        modelA: model('topk_vit'),
        modelB: model('topk_vit'),
        inputsPath: DEMO_INPUTS,
        batchSize: 100,
        limit: 300,
      },
      { progress: (p) => progress.push(p.done) },
    );
    assert.deepEqual(progress, [100, 200, 300]);
    assert.equal(done.comparison.samples, 300);
    const abort = new AbortController();
    await assert.rejects(
      compareModels(
        { modelA: model('topk_vit'), modelB: model('topk_vit'), inputsPath: DEMO_INPUTS, batchSize: 8 },
        { signal: abort.signal, progress: () => abort.abort() },
      ),
      (e: MoeScopeError) => e.code === 'CANCELLED',
    );
  });
});
