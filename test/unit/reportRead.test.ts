/** Reading a report back from JSON gives the engine's in-memory shape: typed matrices, NaN kept. */
import assert from 'node:assert/strict';
import { MoeScopeError } from '../../src/core/errors';
import { reportToJson } from '../../src/core/report/json';
import { reportFromJson } from '../../src/core/report/read';
import { REPORT_SCHEMA, type Report } from '../../src/core/report/types';

function report(): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'moe-scope', version: '0.1.0' },
    createdAt: '2026-11-22T00:00:00.000Z',
    model: { path: '/m.onnx', sha256: 'ab', opset: 17, producer: 'pytorch', inputs: [], outputs: [] },
    provider: 'cpu',
    providerNotes: [],
    inputs: { source: 'x.npz', count: 1 },
    samples: 1,
    layers: [],
    perSample: [
      {
        index: 0,
        image: { height: 2, width: 2, channels: 1, data: Uint8Array.from([0, 85, 170, 255]) },
        layers: {
          moe: {
            combine: { rows: 2, cols: 3, data: Float32Array.from([0.5, 0.25, 0.25, NaN, 0.5, 0.5]) },
            expertScores: Float32Array.from([0.75, 1.25]),
            topk: { rows: 2, cols: 1, data: Int32Array.from([2, 0]) },
          },
        },
      },
    ],
    warnings: [],
    timing: { totalMs: 1, inferenceMs: 1, samplesPerSecond: 1 },
  };
}

describe('report JSON reader', () => {
  it('turns nested arrays back into typed matrices of the right type, NaN included', () => {
    const back = reportFromJson(reportToJson(report()));
    const layer = back.perSample![0]!.layers.moe!;
    assert.ok(layer.combine!.data instanceof Float32Array);
    assert.deepEqual([layer.combine!.rows, layer.combine!.cols], [2, 3]);
    assert.deepEqual(Array.from(layer.combine!.data.subarray(0, 3)), [0.5, 0.25, 0.25]);
    assert.ok(Number.isNaN(layer.combine!.data[3]), 'JSON null reads back as NaN');
    assert.ok(layer.topk!.data instanceof Int32Array, 'index matrices stay integers');
    assert.deepEqual(Array.from(layer.topk!.data), [2, 0]);
    assert.ok(layer.expertScores instanceof Float32Array);
    assert.ok(back.perSample![0]!.image!.data instanceof Uint8Array);
    assert.deepEqual(Array.from(back.perSample![0]!.image!.data), [0, 85, 170, 255]);
  });

  it('rejects other JSON with a clear error', () => {
    for (const text of ['{"schema":"other"}', 'not json', '[]', `{"schema":"${REPORT_SCHEMA}"}`]) {
      assert.throws(
        () => reportFromJson(text),
        (e: unknown) => e instanceof MoeScopeError && e.code === 'BAD_REPORT' && /report/.test(e.message),
      );
    }
    const ragged = reportToJson(report(), 0).replace('[0.5,0.25,0.25]', '[0.5,0.25]');
    assert.throws(() => reportFromJson(ragged), /ragged rows/);
  });
});
