import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../../src/core/data';
import { detectLayers } from '../../src/core/detect';
import { indexGraph } from '../../src/core/onnx/graph';
import { exposeTensors } from '../../src/core/onnx/instrument';
import { addExpertMasks, keepInputName, maskInputName, MaskPoint } from '../../src/core/onnx/masks';
import type { Tensor } from '../../src/core/tensor';
import { fromOrt, toOrt } from '../../src/engine/ortTensors';
import type { MoeLayer } from '../../src/core/detect/confirm';
import { maskPointFor, softMoeCombinePoint } from '../../src/engine/maskPoints';
import { openSession } from '../../src/engine/session';
import { EXPERT_DROP_FIXTURES, Fixture, loadFixtures, MODELS_DIR } from '../support/fixtures';
import { maxAbsDiff, referenceTensor } from '../support/reference';

/** Soft MoE mask points for every layer of a fixture whose combine is [B, m, n·p]. */
function softMoePoints(fixture: Fixture, bytes: Uint8Array): MaskPoint[] {
  const graph = indexGraph(bytes, fixture.modelPath);
  return detectLayers(graph, bytes).candidates.map((c) => {
    const ref = fixture.reference.layers.find((l) => l.id === c.id) as unknown as {
      experts: number;
      slotsPerExpert: number;
    };
    const { experts: n, slotsPerExpert: p } = ref;
    return softMoeCombinePoint(c.id, c.tensors.combine!, n, p);
  });
}

/**
 * The product's mask points for a SMEAR, top-k or expert-choice fixture, from the tensors PyTorch
 * confirmed (the reference JSON), not from MoE Scope's own detection.
 */
function routedPoints(fixture: Fixture, bytes: Uint8Array): MaskPoint[] {
  const graph = indexGraph(bytes, fixture.modelPath);
  return fixture.reference.layers.map((ref, index) => {
    const named = (ref as unknown as { onnxTensors: Record<string, string> }).onnxTensors;
    const layer = {
      id: ref.id,
      index,
      kind: ref.kind as MoeLayer['kind'],
      experts: ref.experts,
      tokens: 0,
      evidence: 'the fixture reference',
      tensors: {
        probs: named.probs,
        topkIndices: named.topk_indices,
        topkWeights: named.topk_weights,
        gates: named.gates,
        selected: named.selected_tokens,
      },
      layout: { probsRank: 2 },
    } as MoeLayer;
    const point = maskPointFor(graph, layer);
    if (typeof point === 'string') throw new Error(point);
    return point;
  });
}

function full(value: number, shape: number[]): Tensor<'float32'> {
  return { dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
}

describe('expert masks inside the graph', function () {
  this.timeout(60_000);

  for (const name of EXPERT_DROP_FIXTURES) {
    it(`${name}: keeping the k best-scored experts in every layer reproduces PyTorch's masked logits`, async () => {
      const fixture = loadFixtures().find((f) => f.name === name)!;
      const bytes = readFileSync(fixture.modelPath);
      const graph = indexGraph(bytes, fixture.modelPath);
      const points = name.startsWith('softmoe')
        ? softMoePoints(fixture, bytes)
        : routedPoints(fixture, bytes);
      const masked = addExpertMasks(bytes, graph, points);
      const { session } = await openSession(masked, ['cpu']);
      const inputs = await loadInputs(
        join(MODELS_DIR, fixture.reference.files.inputs!),
        graph.summary.inputs,
      );
      const input = graph.summary.inputs[0]!.name;
      const batch = inputs.batch(0, 64)[input]!;
      const run = async (k: number) => {
        const feeds: Record<string, ReturnType<typeof toOrt>> = { [input]: toOrt(batch) };
        for (const p of points) {
          feeds[keepInputName(p.layer)] = toOrt(full(k, [64, 1]));
          feeds[maskInputName(p.layer)] = toOrt(full(1, [64, p.experts]));
        }
        const out = await session.run(feeds);
        return fromOrt('logits', out.logits!).data as Float32Array;
      };
      const n = points[0]!.experts;
      assert.ok(
        maxAbsDiff(await run(n), referenceTensor(fixture, 'logits').data as Float32Array) < 1e-5,
        'k = n leaves the model unchanged',
      );
      const ks = Object.keys(fixture.reference.files)
        .filter((f) => /^keep\d+\.logits$/.test(f))
        .map((f) => Number(/\d+/.exec(f)![0]));
      assert.ok(ks.length >= 3);
      for (const k of ks) {
        const diff = maxAbsDiff(
          await run(k),
          referenceTensor(fixture, `keep${k}.logits`).data as Float32Array,
        );
        assert.ok(diff < 1e-5, `keep ${k}: max |Δ logits| = ${diff}`);
      }
      await session.release();
    });
  }
});

describe('the renormalising variant (−∞ logits before both softmaxes)', function () {
  this.timeout(60_000);

  it('gives each token the unmasked combine weights of its kept experts, rescaled to sum to 1', async () => {
    const fixture = loadFixtures().find((f) => f.name === 'softmoe_vit')!;
    const bytes = readFileSync(fixture.modelPath);
    const graph = indexGraph(bytes, fixture.modelPath);
    const layer = 'blocks.2.mlp';
    const point: MaskPoint = {
      layer,
      tensor: '/blocks.2/mlp/Reshape_output_0', // the router logits both softmaxes read
      experts: 8,
      view: [0, 0, 8, 2],
      mask: [-1, 1, 8, 1],
      back: [0, 0, 16],
      scoreAxes: [1, 3],
      renormalize: { combineAxis: 2 },
    };
    const masked = addExpertMasks(bytes, graph, [point]);
    const combine = '/blocks.2/mlp/Softmax_1_output_0';
    const probe = exposeTensors(masked, indexGraph(masked, 'masked'), [{ name: combine }]);
    const { session } = await openSession(probe, ['cpu']);
    const inputs = await loadInputs(join(MODELS_DIR, fixture.reference.files.inputs!), graph.summary.inputs);
    const rows = 4;
    const keep = 3;
    const out = await session.run({
      pixels: toOrt(inputs.batch(0, rows).pixels!),
      [maskInputName(layer)]: toOrt(full(1, [rows, 8])),
      [keepInputName(layer)]: toOrt(full(keep, [rows, 1])),
    });
    await session.release();
    const renormed = fromOrt(combine, out[combine]!).data as Float32Array;
    const original = referenceTensor(fixture, `${layer}.combine`).data as Float32Array;
    const scores = referenceTensor(fixture, `${layer}.expert_scores`).data as Float32Array;
    for (let b = 0; b < rows; b++) {
      const order = Array.from({ length: 8 }, (_, e) => e).sort(
        (x, y) => scores[b * 8 + y]! - scores[b * 8 + x]! || x - y,
      );
      const kept = new Set(order.slice(0, keep));
      for (let t = 0; t < 16; t++) {
        const row = (b * 16 + t) * 16;
        let keptMass = 0;
        for (let s = 0; s < 16; s++) if (kept.has(s >> 1)) keptMass += original[row + s]!;
        for (let s = 0; s < 16; s++) {
          const expected = kept.has(s >> 1) ? original[row + s]! / keptMass : 0;
          assert.ok(
            Math.abs(renormed[row + s]! - expected) < 1e-5,
            `sample ${b} token ${t} slot ${s}: ${renormed[row + s]} vs ${expected}`,
          );
        }
      }
    }
  });
});
