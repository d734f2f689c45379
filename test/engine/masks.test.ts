import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../../src/core/data';
import { detectLayers } from '../../src/core/detect';
import { indexGraph } from '../../src/core/onnx/graph';
import { addExpertMasks, keepInputName, maskInputName, MaskPoint } from '../../src/core/onnx/masks';
import type { Tensor } from '../../src/core/tensor';
import { fromOrt, toOrt } from '../../src/engine/ortTensors';
import { openSession } from '../../src/engine/session';
import { Fixture, loadFixtures, MODELS_DIR } from '../support/fixtures';
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
    return {
      layer: c.id,
      tensor: c.tensors.combine!,
      experts: n,
      view: [0, 0, n, p],
      mask: [-1, 1, n, 1],
      back: [0, 0, n * p],
      scoreAxes: [1, 3],
    };
  });
}

function full(value: number, shape: number[]): Tensor<'float32'> {
  return { dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
}

describe('expert masks inside the graph', function () {
  this.timeout(60_000);

  for (const name of ['softmoe_vit', 'softmoe_vit_plain']) {
    it(`${name}: keeping the k best-scored experts in every layer reproduces PyTorch's masked logits`, async () => {
      const fixture = loadFixtures().find((f) => f.name === name)!;
      const bytes = readFileSync(fixture.modelPath);
      const points = softMoePoints(fixture, bytes);
      const masked = addExpertMasks(bytes, indexGraph(bytes, fixture.modelPath), points);
      const { session } = await openSession(masked, ['cpu']);
      const inputs = await loadInputs(join(MODELS_DIR, fixture.reference.files.inputs!), [
        { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] },
      ]);
      const pixels = inputs.batch(0, 64).pixels!;
      const run = async (k: number) => {
        const feeds: Record<string, ReturnType<typeof toOrt>> = { pixels: toOrt(pixels) };
        for (const p of points) {
          feeds[keepInputName(p.layer)] = toOrt(full(k, [64, 1]));
          feeds[maskInputName(p.layer)] = toOrt(full(1, [64, p.experts]));
        }
        const out = await session.run(feeds);
        return fromOrt('logits', out.logits!).data as Float32Array;
      };
      const n = points[0]!.experts;
      assert.ok(
        maxAbsDiff(await run(n), referenceTensor(fixture, 'logits').data as Float32Array) < 1e-4,
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
        assert.ok(diff < 1e-4, `keep ${k}: max |Δ logits| = ${diff}`);
      }
      await session.release();
    });
  }
});
