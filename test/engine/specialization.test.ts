import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../../src/core/data';
import { detectLayers } from '../../src/core/detect';
import type { MoeScopeError } from '../../src/core/errors';
import { indexGraph } from '../../src/core/onnx/graph';
import { addExpertMasks, keepInputName, maskInputName, MaskPoint } from '../../src/core/onnx/masks';
import { analyzeModel } from '../../src/engine/analyze';
import { MaskedModel, openMaskedModel } from '../../src/engine/maskedModel';
import { softMoeCombinePoint } from '../../src/engine/maskPoints';
import { toOrt } from '../../src/engine/ortTensors';
import { openSession } from '../../src/engine/session';
import { runSpecialization } from '../../src/engine/specialize';
import { EXPERT_DROP_FIXTURES, loadFixtures, MODELS_DIR } from '../support/fixtures';
import { referenceTensor } from '../support/reference';

interface ExpertDrop {
  keep: number;
  rankedAgreement: number;
  rankedKL: number;
}

/** The KL values of a study in order, and the study without them. */
function splitKl(study: unknown): [number[], unknown] {
  const kl: number[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'number') kl.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  const rest = JSON.parse(
    JSON.stringify(study, (key, value: unknown) => {
      if (!/kl/i.test(key)) return value;
      collect(value);
      return undefined;
    }),
  ) as unknown;
  return [kl, rest];
}

describe('expert-subset specialization', function () {
  this.timeout(180_000);
  const fixtures = loadFixtures();

  for (const name of EXPERT_DROP_FIXTURES) {
    it(`${name}: all-layers ranked curve reproduces PyTorch's agreement exactly and KL to 1e-5`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const drops = (fixture.reference as unknown as { expertDrop: ExpertDrop[] }).expertDrop;
      const report = await analyzeModel({
        modelPath: fixture.modelPath,
        inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
        labelsPath: join(MODELS_DIR, fixture.reference.files.labels!),
        samples: 0,
        specialization: { scope: 'all', seeds: 10, knockout: false, inputs: 64 },
      });
      assert.ok(drops.length >= 3, 'the fixture has PyTorch expert-drop references');
      // A model with one MoE layer reports that layer's curve as the all-layers one.
      const curves = report.specialization!.curves;
      const single = fixture.reference.layers.length === 1;
      const curve = single ? curves[0]! : curves.find((c) => c.layer === 'all')!;
      assert.equal(curves.length, 1);
      if (single) assert.ok(report.specialization!.notes.some((n) => n.includes('only maskable MoE layer')));
      for (const drop of drops) {
        assert.equal(
          curve.ranked.agreement[drop.keep - 1],
          drop.rankedAgreement,
          `keep ${drop.keep} agreement`,
        );
        assert.ok(
          Math.abs(curve.ranked.kl[drop.keep - 1]! - drop.rankedKL) < 1e-5,
          `keep ${drop.keep}: KL ${curve.ranked.kl[drop.keep - 1]} vs ${drop.rankedKL}`,
        );
      }
      const n = curve.experts;
      assert.equal(curve.ranked.agreement[n - 1], 1, 'keeping every expert is the full model');
      assert.ok(curve.ranked.kl[n - 1]! < 1e-9);
      assert.equal(curve.random.agreement[n - 1], 1);
      assert.equal(curve.random.std.agreement[n - 1], 0);
      assert.equal(curve.random.seeds, 10);
    });
  }

  it('runs each distinct row once (every k = n row is the full model), in parts beyond the memory budget', async () => {
    const modelPath = join(MODELS_DIR, 'softmoe_vit_plain.onnx');
    const bytes = readFileSync(modelPath);
    const graph = indexGraph(bytes, modelPath);
    const n = 16;
    const points: MaskPoint[] = detectLayers(graph, bytes).candidates.map((c) =>
      softMoeCombinePoint(c.id, c.tensors.combine!, n, 1),
    );
    const inputs = await loadInputs(
      join(MODELS_DIR, 'softmoe_vit_plain.ref', 'inputs.npy'),
      graph.summary.inputs,
    );
    const count = 4;
    const seeds = 10;
    const model = await openMaskedModel({
      bytes: addExpertMasks(bytes, graph, points),
      path: modelPath,
      points,
      output: 'logits',
      inputs,
      count,
      open: async (m) => (await openSession(m, ['cpu'])).session,
    });
    let ran = 0;
    let runs = 0;
    const counting: MaskedModel = {
      ...model,
      run: (batch, sources, masks, outputs) => {
        ran += sources.length;
        runs++;
        return model.run(batch, sources, masks, outputs);
      },
    };
    const options = { scope: 'layer', seeds, knockout: false, maxExhaustiveExperts: 0 } as const;
    const study = await runSpecialization(
      { model: counting, points, inputs, count, output: 'logits' },
      options,
    );
    assert.equal(runs, 1, 'every row of the four inputs in one run');
    // A memory budget of 50 rows per run: the same rows, in parts, and the same study.
    assert.equal(model.mode, 'shared-prefix');
    const [rowsBefore, runsBefore] = [ran, runs];
    const parted = await runSpecialization(
      { model: counting, points, inputs, count, output: 'logits', rowBytesPerRun: 50 * model.rowBytes! },
      options,
    );
    assert.equal(ran - rowsBefore, rowsBefore, 'the same rows');
    assert.equal(runs - runsBefore, Math.ceil(rowsBefore / 50), 'in runs of at most 50 rows');
    assert.deepEqual(parted, study);
    await model.release();
    // Planned per input: the full model, then per layer k = 1…n ranked and for each seed.
    const planned = count * (1 + points.length * n * (1 + seeds));
    // The full-model row and every k = n row (ranked and random, per layer) are one row.
    const repeats = count * points.length * (1 + seeds);
    assert.ok(rowsBefore <= planned - repeats, `${rowsBefore} rows run of ${planned} planned`);
    for (const curve of study.curves) {
      assert.equal(curve.ranked.agreement[n - 1], 1);
      assert.equal(curve.random.agreement[n - 1], 1);
    }
  });

  it('per-layer curves, optimum and knockout: the optimum never needs more experts than the ranking, batching changes nothing', async () => {
    const fixture = fixtures.find((f) => f.name === 'softmoe_vit')!;
    const run = (rowsPerRun: number) =>
      analyzeModel({
        modelPath: fixture.modelPath,
        inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
        labelsPath: join(MODELS_DIR, fixture.reference.files.labels!),
        limit: 24,
        samples: 0,
        specialization: { scope: 'layer', seeds: 10, rowsPerRun },
      });
    const [big, small] = [await run(4096), await run(100)];
    // Batches of other sizes round differently in ONNX Runtime's matrix products: KL agrees to float
    // precision, everything else exactly.
    const [smallKl, smallRest] = splitKl(small.specialization);
    const [bigKl, bigRest] = splitKl(big.specialization);
    assert.deepEqual(smallRest, bigRest, 'results do not depend on how rows are batched');
    assert.equal(smallKl.length, bigKl.length);
    smallKl.forEach((v, i) =>
      assert.ok(Math.abs(v - bigKl[i]!) <= 1e-7 * (1 + Math.abs(v)), `KL ${i}: ${v} vs ${bigKl[i]}`),
    );
    const s = big.specialization!;
    assert.deepEqual(
      s.curves.map((c) => c.layer),
      ['blocks.2.mlp', 'blocks.3.mlp'],
    );
    for (const curve of s.curves) {
      const search = s.optimal![curve.layer]!;
      assert.equal(search.optimalK.length, 24);
      assert.equal(search.capped, 0);
      curve.smallestK.forEach((ranked, i) => {
        const optimum = search.optimalK[i];
        if (ranked !== null)
          assert.ok(
            optimum !== null && optimum !== undefined && optimum <= ranked,
            `input ${i}: optimum ${optimum} ≤ ranked ${ranked}`,
          );
      });
      assert.ok(search.gap.every((g) => g >= 0));
      const drop = s.knockout![curve.layer]!;
      assert.equal(drop.agreementDrop.length, 8);
      assert.ok(drop.agreementDrop.every((d) => d >= 0 && d <= 1));
      assert.ok(drop.klIncrease.every((kl) => kl >= 0));
    }
    assert.deepEqual(
      s.fractions.map((f) => [f.layer, f.fraction, f.k]),
      [
        ['blocks.2.mlp', '1/2', 4],
        ['blocks.2.mlp', '1/4', 2],
        ['blocks.2.mlp', '1/8', 1],
        ['blocks.3.mlp', '1/2', 4],
        ['blocks.3.mlp', '1/4', 2],
        ['blocks.3.mlp', '1/8', 1],
      ],
    );
  });

  it('SMEAR, top-k and expert-choice layers get the analogous ablation (routing weight zeroed, not renormalised)', async () => {
    for (const name of ['smear_vit', 'topk_vit', 'expert_choice_vit']) {
      const fixture = fixtures.find((f) => f.name === name)!;
      const report = await analyzeModel({
        modelPath: fixture.modelPath,
        inputsPath: join(MODELS_DIR, fixture.reference.files.inputs!),
        limit: 16,
        samples: 0,
        specialization: { scope: 'layer', seeds: 10, maxExhaustiveExperts: 0 },
      });
      const s = report.specialization!;
      assert.equal(s.curves.length, 2, name);
      for (const curve of s.curves) {
        assert.equal(
          curve.ranked.agreement[curve.experts - 1],
          1,
          `${name} ${curve.layer}: k = n is the full model`,
        );
        assert.ok(curve.ranked.kl[0]! > 0, `${name} ${curve.layer}: keeping one expert changes the outputs`);
      }
    }
  });
});

describe('specialization of a model whose experts cannot be dropped', function () {
  this.timeout(60_000);

  it('fused com.microsoft.MoE: a clear BAD_REQUEST naming the layer and why, not a crash', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'fused_moe')!;
    await assert.rejects(
      analyzeModel({ modelPath: fixture.modelPath, limit: 4, samples: 0, specialization: { inputs: 4 } }),
      (error: MoeScopeError) =>
        error.code === 'BAD_REQUEST' &&
        /^Specialization needs a maskable MoE layer and a model output: moe: no dense gate matrix to mask \(the experts are mixed inside a fused operator\)\.$/.test(
          error.message,
        ),
    );
  });
});

describe('the batch variant (one shared subset)', function () {
  this.timeout(120_000);

  it('keeps the experts with the largest summed PyTorch scores for every input', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'softmoe_vit')!;
    const inputsPath = join(MODELS_DIR, fixture.reference.files.inputs!);
    const report = await analyzeModel({
      modelPath: fixture.modelPath,
      inputsPath,
      samples: 0,
      specialization: {
        scope: 'layer',
        seeds: 10,
        subsets: 'shared',
        sharedBy: 'all',
        knockout: false,
        maxExhaustiveExperts: 0,
        inputs: 64,
      },
    });
    const s = report.specialization!;
    assert.equal(s.subsets, 'shared');
    const curve = s.curves.find((c) => c.layer === 'blocks.2.mlp')!;

    // Independently: sum PyTorch's Algorithm 1 scores of layer blocks.2.mlp, keep the top k in
    // that layer for every input, run, and count agreements with the full model.
    const scores = referenceTensor(fixture, 'blocks.2.mlp.expert_scores').data as Float32Array;
    const summed = new Float64Array(8);
    for (let i = 0; i < 64; i++) for (let e = 0; e < 8; e++) summed[e]! += scores[i * 8 + e]!;
    const order = Array.from(summed.keys()).sort((a, b) => summed[b]! - summed[a]! || a - b);
    const bytes = readFileSync(fixture.modelPath);
    const graph = indexGraph(bytes, fixture.modelPath);
    const point = {
      layer: 'blocks.2.mlp',
      tensor: '/blocks.2/mlp/Softmax_1_output_0',
      experts: 8,
      view: [0, 0, 8, 2],
      mask: [-1, 1, 8, 1],
      back: [0, 0, 16],
      scoreAxes: [1, 3],
    };
    const { session } = await openSession(addExpertMasks(bytes, graph, [point]), ['cpu']);
    const pixels = (await loadInputs(inputsPath, graph.summary.inputs)).batch(0, 64).pixels!;
    const full = argmaxRows(referenceTensor(fixture, 'logits').data as Float32Array, 10);
    for (const k of [1, 2, 4]) {
      const mask = new Float32Array(64 * 8);
      for (let i = 0; i < 64; i++) for (const e of order.slice(0, k)) mask[i * 8 + e] = 1;
      const out = await session.run({
        pixels: toOrt(pixels),
        [maskInputName('blocks.2.mlp')]: toOrt({ dtype: 'float32', shape: [64, 8], data: mask }),
        [keepInputName('blocks.2.mlp')]: toOrt({
          dtype: 'float32',
          shape: [64, 1],
          data: new Float32Array(64).fill(8),
        }),
      });
      const predictions = argmaxRows(out.logits!.data as Float32Array, 10);
      const agreement = predictions.filter((p, i) => p === full[i]).length / 64;
      assert.equal(curve.ranked.agreement[k - 1], agreement, `k = ${k}`);
    }
    await session.release();
  });
});

function argmaxRows(data: Float32Array, width: number): number[] {
  return Array.from({ length: data.length / width }, (_, r) => {
    let best = 0;
    for (let c = 1; c < width; c++) if (data[r * width + c]! > data[r * width + best]!) best = c;
    return best;
  });
}
