/**
 * The compare panel's contract and arithmetic: the message guards on both sides of the webview
 * boundary, the matrices the views draw in A's expert order (checked on the PyTorch reference
 * combine weights of softmoe_vit and the renumbering recorded for softmoe_vit_permuted), and the
 * standalone comparison page, whose embedded JSON must read back exactly and stay inert.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonHtml, inlineCode } from '../../src/core/compare/html';
import { COMPARISON_SCHEMA, type CompareResult, type LayerComparison } from '../../src/core/compare/types';
import { contentSecurityPolicy } from '../../src/core/report/html';
import { REPORT_SCHEMA, type Report, type SampleDetail } from '../../src/core/report/types';
import {
  isCompareState,
  isFromCompare,
  isToCompare,
  type ToCompare,
} from '../../src/protocol/compareWebview';
import { agreementSeries } from '../../webview/compare/agreement';
import {
  alignmentRows,
  loadGrids,
  loadLabels,
  pairColumns,
  sampleGrids,
} from '../../webview/compare/matrices';
import { comparisonFromJson } from '../../src/core/compare/read';
import { readCompareState } from '../../webview/compare/state';
import { expertMass } from '../../webview/report/routing';
import { maxAbsDiff, referenceTensor } from '../support/reference';
import { loadFixtures, REPO_ROOT } from '../support/fixtures';

const LAYER = 'blocks.2.mlp';
const EXPERTS = 8;
const SLOTS = 2;
const TOKENS = 16;
const SAMPLES = 4;
const HOSTILE = 'blocks.9</script><script>alert(1)</script><!--';

/** The recorded renumbering: perm[j] = the original's expert that is expert j of the permuted copy. */
const recorded = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'compare', 'softmoe_vit_permuted.json'), 'utf8'),
).layers[LAYER] as { perm: number[]; aToB: number[] };

/** softmoe_vit's PyTorch combine weights for the first samples: [sample][token × slot]. */
function referenceCombine(): Float32Array[] {
  const fixture = loadFixtures().find((f) => f.name === 'softmoe_vit')!;
  const combine = referenceTensor(fixture, `${LAYER}.combine`).data as Float32Array;
  const size = TOKENS * EXPERTS * SLOTS;
  return Array.from({ length: SAMPLES }, (_, j) => combine.slice(j * size, (j + 1) * size));
}

/** The same combine weights with the experts renumbered: slot (j, s) of B is slot (perm[j], s) of A. */
function renumbered(combine: Float32Array, perm: readonly number[]): Float32Array {
  const out = new Float32Array(combine.length);
  const cols = EXPERTS * SLOTS;
  for (let t = 0; t < TOKENS; t++)
    for (let j = 0; j < EXPERTS; j++)
      for (let s = 0; s < SLOTS; s++)
        out[t * cols + j * SLOTS + s] = combine[t * cols + perm[j]! * SLOTS + s]!;
  return out;
}

/** Mean combine mass per expert over the samples: the report's expert load of the layer. */
function expertLoad(samples: readonly Float32Array[]): number[] {
  const load = new Array<number>(EXPERTS).fill(0);
  for (const combine of samples) {
    const mass = expertMass({ rows: TOKENS, cols: EXPERTS * SLOTS, data: combine }, EXPERTS, SLOTS);
    mass.forEach((m, i) => (load[i % EXPERTS]! += m / (TOKENS * samples.length)));
  }
  return load;
}

function report(path: string, layerId: string, samples: readonly Float32Array[]): Report {
  const load = expertLoad(samples);
  const perSample: SampleDetail[] = samples.map((data, index) => ({
    index,
    label: 9,
    prediction: 9,
    layers: { [layerId]: { combine: { rows: TOKENS, cols: EXPERTS * SLOTS, data } } },
  }));
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'moe-scope', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    model: { path, sha256: '00', opset: 17, producer: 'pytorch', inputs: [], outputs: [] },
    provider: 'cpu',
    providerNotes: [],
    inputs: { source: 'inputs.npy', count: samples.length },
    samples: samples.length,
    layers: [
      {
        id: layerId,
        index: 0,
        kind: 'soft_moe',
        experts: EXPERTS,
        slotsPerExpert: SLOTS,
        tokens: TOKENS,
        tensors: {},
        evidence: 'reference',
        summary: {
          kind: 'soft_moe',
          samples: samples.length,
          tokens: TOKENS,
          expertLoad: load,
          top1Share: load,
          balance: { cv: 0, switchAux: 1 },
          nonFinite: 0,
          combineEntropy: 1,
          dispatchEntropy: 1,
          softMoe: {
            combineMinMean: 0,
            combineMaxMean: 0,
            dispatchMinMean: 0,
            dispatchMaxMean: 0,
            tokenSimilarity: 0,
            slotSimilarity: 0,
          },
        },
      },
    ],
    perSample,
    warnings: [],
    timing: { totalMs: 1, inferenceMs: 1, samplesPerSecond: 1 },
  };
}

/** A layer pair that matched A's expert i to B's expert `matching[i]`. */
function pair(a: Report, b: Report, matching: (number | null)[], unmatchedB: number[] = []): LayerComparison {
  const loadA = a.layers[0]!.summary.expertLoad;
  const loadB = b.layers[0]!.summary.expertLoad;
  const alignedB = matching.map((j) => (j === null ? null : loadB[j]!));
  return {
    a: a.layers[0]!.id,
    b: b.layers[0]!.id,
    kinds: { a: 'soft_moe', b: 'soft_moe' },
    experts: { a: loadA.length, b: loadB.length },
    pairedBy: 'id',
    granularity: 'token',
    positions: SAMPLES * TOKENS,
    skipped: 0,
    k: 2,
    matching,
    top1Agreement: 1,
    topkOverlap: 1,
    jsDivergence: 0,
    alignment: {
      matching,
      correlation: matching.map((j) => (j === null ? null : 1)),
      meanCorrelation: 1,
      identityCorrelation: 0.1,
      random: { mean: 0, std: 0.1, draws: 1000 },
      zScore: 10,
      unmatchedA: [],
      unmatchedB,
    },
    unaligned: { top1Agreement: 0, topkOverlap: 0.25, jsDivergence: 0.0064 },
    entropy: { a: 1, b: 1, delta: 0 },
    load: {
      a: loadA,
      b: alignedB,
      delta: alignedB.map((v, i) => (v === null ? null : v - loadA[i]!)),
      unmatchedB: unmatchedB.reduce((s, j) => s + loadB[j]!, 0),
    },
    balance: { a: 0, b: 0, delta: 0 },
    notes: [],
  };
}

function comparison(a: Report, b: Report, layers: LayerComparison[]): CompareResult {
  return {
    schema: COMPARISON_SCHEMA,
    a,
    b,
    comparison: {
      a: { path: a.model.path, sha256: '00', provider: 'cpu', layers: a.layers.map((l) => l.id) },
      b: { path: b.model.path, sha256: '00', provider: 'cpu', layers: b.layers.map((l) => l.id) },
      samples: SAMPLES,
      layers,
      unpaired: { a: [], b: [] },
      predictionAgreement: 1,
      notes: [],
    },
  };
}

/**
 * Reports A (softmoe_vit on PyTorch's combine weights) and B (the same weights with the experts
 * renumbered as recorded for softmoe_vit_permuted): one routing under two numberings, which every
 * suite here compares.
 */
function originalAndPermuted(pathA: string, layerId: string): { a: Report; b: Report } {
  const combine = referenceCombine();
  return {
    a: report(pathA, layerId, combine),
    b: report(
      '/models/softmoe_vit_permuted.onnx',
      layerId,
      combine.map((c) => renumbered(c, recorded.perm)),
    ),
  };
}

describe('compare webview messages', () => {
  const { a, b } = originalAndPermuted('/models/softmoe_vit.onnx', LAYER);
  const result = comparison(a, b, [pair(a, b, recorded.aToB)]);
  const paths = { modelA: a.model.path, modelB: b.model.path };

  it('the host accepts ready, rerun and exports of PNG bytes, CSV text or the JSON it writes itself', () => {
    assert.ok(isFromCompare({ type: 'ready' }));
    assert.ok(isFromCompare({ type: 'rerun' }));
    assert.ok(
      isFromCompare({ type: 'export', format: 'png', fileName: 'a-vs-b-load.png', data: new Uint8Array(8) }),
    );
    assert.ok(isFromCompare({ type: 'export', format: 'csv', fileName: 'a-vs-b.csv', data: 'x,y\r\n' }));
    assert.ok(isFromCompare({ type: 'export', format: 'json', fileName: 'a-vs-b-comparison.json' }));
  });

  it('the host refuses paths as file names, data it did not ask for and unknown messages', () => {
    for (const bad of [
      { type: 'export', format: 'png', fileName: '../a.png', data: new Uint8Array(8) },
      { type: 'export', format: 'png', fileName: 'C:\\a.png', data: new Uint8Array(8) },
      { type: 'export', format: 'png', fileName: 'a.png', data: 'not bytes' },
      { type: 'export', format: 'json', fileName: 'a.json', data: '{"forged": true}' },
      { type: 'export', format: 'html', fileName: 'a.html' },
      { type: 'export', format: 'csv', fileName: '', data: '' },
      { type: 'select', layer: LAYER },
      null,
      'ready',
    ]) {
      assert.equal(isFromCompare(bad), false, JSON.stringify(bad));
    }
  });

  it('the webview accepts each snapshot kind and refuses a comparison of another schema', () => {
    const snapshots: ToCompare[] = [
      { type: 'busy', ...paths, message: 'Comparing…', done: 32, total: 256 },
      {
        type: 'comparison',
        ...paths,
        result,
        inputs: { label: 'inputs.npy', inputsPath: '/data/inputs.npy' },
      },
      { type: 'error', ...paths, error: { code: 'BAD_REQUEST', message: 'different inputs' } },
      { type: 'notice', ...paths, notice: 'not trusted', canRun: false },
    ];
    for (const message of snapshots) assert.ok(isToCompare(message), message.type);
    assert.equal(
      isToCompare({ ...snapshots[1], result: { ...result, schema: 'moe-scope/comparison@0' } }),
      false,
    );
    assert.equal(isToCompare({ ...snapshots[1], result: { ...result, a: { ...a, schema: 'x' } } }), false);
    assert.equal(isToCompare({ ...snapshots[0], modelB: undefined }), false);
    assert.equal(isToCompare({ ...snapshots[3], canRun: 'yes' }), false);
    // A comparison shown again after a reload says whether a checkpoint changed since.
    assert.ok(isToCompare({ ...snapshots[1], restored: { stale: true } }));
    assert.equal(isToCompare({ ...snapshots[1], restored: { stale: 'yes' } }), false);
    assert.equal(isToCompare({ ...snapshots[1], restored: true }), false);
  });

  it('restores state that names both checkpoints, and nothing else', () => {
    assert.ok(isCompareState({ ...paths, inputs: { label: 'demo' }, ui: { layer: LAYER, sample: 2 } }));
    assert.equal(isCompareState({ modelA: paths.modelA }), false);
    assert.equal(isCompareState({ ...paths, inputs: { label: 'demo', inputsPath: 7 } }), false);
    assert.ok(
      isCompareState({ ...paths, inputs: { label: 'selection', inputsPath: '/t.txt', textSplit: 'whole' } }),
    );
    assert.equal(isCompareState({ ...paths, inputs: { label: 'notes', textSplit: 'paragraphs' } }), false);
    assert.equal(isCompareState({ ...paths, ui: 'layer' }), false);
  });
});

describe('compare views in A’s expert order', () => {
  const { a, b } = originalAndPermuted('/models/softmoe_vit.onnx', LAYER);

  it('undoes the recorded renumbering: B in A’s order equals A on PyTorch’s combine weights', () => {
    const aligned = pair(a, b, recorded.aToB);
    assert.deepEqual(pairColumns(aligned), { a: [0, 1, 2, 3, 4, 5, 6, 7], b: recorded.aToB });
    for (let j = 0; j < SAMPLES; j++) {
      const grids = sampleGrids(aligned, a.layers[0]!, b.layers[0]!, a.perSample![j], b.perSample![j])!;
      assert.ok(grids.perToken);
      assert.deepEqual([grids.a.rows, grids.a.cols], [TOKENS, EXPERTS]);
      // Each token's combine row sums to 1 over all slots, so its expert masses do too.
      for (let t = 0; t < TOKENS; t++) {
        const row = grids.a.values.subarray(t * EXPERTS, (t + 1) * EXPERTS).reduce((s, v) => s + v, 0);
        assert.ok(Math.abs(row - 1) < 1e-5, `sample ${j} token ${t}: ${row}`);
      }
      assert.deepEqual(grids.b.values, grids.a.values);
      assert.equal(maxAbsDiff(grids.difference.values, new Float32Array(TOKENS * EXPERTS)), 0);
    }
    const loads = loadGrids([aligned], a.layers, b.layers);
    assert.ok(maxAbsDiff(loads.b.values, loads.a.values) < 1e-12);
  });

  it('without alignment the same routing shows differences (what renumbering hides)', () => {
    const identity = pair(a, b, [0, 1, 2, 3, 4, 5, 6, 7]);
    const grids = sampleGrids(identity, a.layers[0]!, b.layers[0]!, a.perSample![0], b.perSample![0])!;
    const worst = maxAbsDiff(grids.difference.values, new Float32Array(TOKENS * EXPERTS));
    assert.ok(worst > 1e-3, `largest |B − A| without alignment: ${worst}`);
    // Column i of B is expert i of B, i.e. expert perm[i] of A.
    for (let i = 0; i < EXPERTS; i++)
      assert.equal(grids.b.values[i], grids.a.values[recorded.perm[i]!], `column ${i}`);
  });

  it('with more experts in B, the unmatched ones follow A’s experts and A shows nothing there', () => {
    // Closed form: A's loads (0.5, 0.3, 0.2); B's (0.1, 0.4, 0.2, 0.3) with A0↔B1, A1↔B3, A2↔B0.
    const small = (loads: number[]): Report => {
      const r = report('/m.onnx', LAYER, []);
      r.layers[0] = {
        ...r.layers[0]!,
        experts: loads.length,
        summary: { ...r.layers[0]!.summary, expertLoad: loads },
      };
      return r;
    };
    const ra = small([0.5, 0.3, 0.2]);
    const rb = small([0.1, 0.4, 0.2, 0.3]);
    const wide = pair(ra, rb, [1, 3, 0], [2]);
    assert.deepEqual(pairColumns(wide), { a: [0, 1, 2, -1], b: [1, 3, 0, 2] });
    assert.deepEqual(loadLabels(pairColumns(wide)), ['e0', 'e1', 'e2', '+1']);
    const loads = loadGrids([wide], ra.layers, rb.layers);
    assert.deepEqual([...loads.a.values], [0.5, 0.3, 0.2, NaN].map(Math.fround));
    assert.deepEqual([...loads.b.values], [0.4, 0.3, 0.1, 0.2].map(Math.fround));
    const expected = [0.4 - 0.5, 0, 0.1 - 0.2].map((v) => Math.fround(v));
    expected.forEach((v, i) => assert.ok(Math.abs(loads.difference.values[i]! - v) < 1e-7, `column ${i}`));
    assert.ok(Number.isNaN(loads.difference.values[3]));
    assert.deepEqual(
      alignmentRows(wide, rb.layers[0]!.summary.expertLoad).map((r) => [r.a, r.b, r.loadA, r.loadB]),
      [
        [0, 1, 0.5, 0.4],
        [1, 3, 0.3, 0.3],
        [2, 0, 0.2, 0.1],
        [null, 2, null, 0.2],
      ],
    );
  });

  it('draws the agreement bars from the pair’s numbers and keeps a valid selection', () => {
    const result = comparison(a, b, [pair(a, b, recorded.aToB)]);
    assert.deepEqual(
      agreementSeries(result.comparison.layers).map((s) => [s.label, s.values]),
      [
        ['top-1 aligned', [1]],
        ['top-1 unaligned', [0]],
        ['top-k overlap aligned', [1]],
        ['top-k overlap unaligned', [0.25]],
      ],
    );
    assert.deepEqual(readCompareState({ layer: LAYER, sample: 3 }, result), { layer: LAYER, sample: 3 });
    assert.deepEqual(readCompareState({ layer: 'blocks.7.mlp', sample: SAMPLES }, result), {
      layer: LAYER,
      sample: 0,
    });
  });
});

describe('compare standalone page', () => {
  const { a, b } = originalAndPermuted('/models/<b>softmoe_vit&.onnx', HOSTILE);
  const result = comparison(a, b, [pair(a, b, recorded.aToB)]);
  const nonce = 'AAAAbbbbCCCCdddd1234';
  const script = 'var x = "</script><b>";\n//# sourceMappingURL=compare-report.js.map\n';
  const style = 'body { content: "</style>"; }\n/*# sourceMappingURL=compare-report.css.map */\n';

  it('loads nothing and runs only its own nonce-carrying script and style', () => {
    const html = comparisonHtml(result, { script, style, nonce });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.equal(policy, contentSecurityPolicy(nonce));
    assert.equal(html.match(/<script nonce="AAAAbbbbCCCCdddd1234">/g)?.length, 1);
    assert.equal(html.match(/<style nonce="AAAAbbbbCCCCdddd1234">/g)?.length, 1);
    assert.equal(html.match(/<script/g)?.length, 2, 'the JSON data block and the views’ script');
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'no hostile id or code closes a script early');
    assert.ok(!/https?:|src=|href=|sourceMappingURL/.test(html), 'nothing is loaded from anywhere');
    assert.match(
      html,
      /<title>MoE Scope: &#60;b&#62;softmoe_vit&#38;\.onnx ↔ softmoe_vit_permuted\.onnx<\/title>/,
    );
    assert.equal(inlineCode(style, 'style').includes('</style'), false);
    assert.throws(() => comparisonHtml(result, { script, style, nonce: 'short' }), RangeError);
  });

  it('embeds the comparison so that the page reads back the same numbers and typed matrices', () => {
    const html = comparisonHtml(result, { script, style, nonce });
    const json = /<script type="application\/json" id="moe-scope-comparison">([^<]*)<\/script>/.exec(
      html,
    )?.[1];
    assert.ok(json, 'the data block is there');
    const back = comparisonFromJson(json);
    assert.deepEqual(back.comparison, result.comparison);
    const layer = back.b.perSample![2]!.layers[HOSTILE]!.combine!;
    assert.ok(layer.data instanceof Float32Array);
    assert.deepEqual(layer.data, b.perSample![2]!.layers[HOSTILE]!.combine!.data);
    assert.throws(() => comparisonFromJson('{"schema":"moe-scope/report@1"}'), /Not a MoE Scope comparison/);
  });
});
